# SPDX-License-Identifier: Apache-2.0
"""The app's JSON provider answers exactly as Flask's default one does."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask import Flask
from flask.json.provider import DefaultJSONProvider

from ogc_hysds.http_json import FastJSONProvider, json_response


@dataclass
class _Point:
    x: int
    y: int


@pytest.mark.parametrize(
    "value",
    [
        {"b": 1, "a": [1, 2], "c": {"z": None, "y": "é"}},
        {"when": datetime(2026, 12, 4, 6, 0, 1, tzinfo=UTC)},
        {"day": date(2026, 12, 4)},
        {"id": uuid.UUID(int=7), "amount": Decimal("1.50")},
        {"point": _Point(1, 2)},
    ],
    ids=["sorted-keys", "datetime", "date", "uuid-decimal", "dataclass"],
)
def test_same_document_as_flask_default(value: object) -> None:
    app = Flask(__name__)
    ours, flasks = FastJSONProvider(app), DefaultJSONProvider(app)

    assert json.loads(ours.dumps(value)) == json.loads(flasks.dumps(value))
    assert list(json.loads(ours.dumps(value))) == list(json.loads(flasks.dumps(value)))


def test_json_response_keeps_member_order_and_mimetype() -> None:
    app = Flask(__name__)

    with app.app_context():
        response = json_response({"type": "FeatureCollection", "features": []}, "a/b")

    assert response.mimetype == "a/b"
    assert list(json.loads(response.data)) == ["type", "features"]
