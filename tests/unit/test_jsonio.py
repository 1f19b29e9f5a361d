# SPDX-License-Identifier: Apache-2.0
"""jsonio: orjson's speed, the standard library's answers."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime

import pytest

from ogc_hysds import jsonio


@pytest.mark.parametrize(
    "value",
    [
        {"type": "Feature", "id": "a", "properties": {"n": 1.5, "ok": True}},
        [1, "é", None, {"nested": [0.1, -2]}],
    ],
    ids=["feature", "unicode-list"],
)
def test_round_trip_equals_the_standard_library(value: object) -> None:
    encoded = jsonio.dumps(value)

    assert json.loads(encoded) == value
    assert jsonio.loads(encoded) == value
    assert jsonio.loads(encoded.decode()) == value


def test_members_keep_their_order_unless_sorted() -> None:
    value = {"type": "Feature", "id": "x", "geometry": None}

    assert list(jsonio.loads(jsonio.dumps(value))) == ["type", "id", "geometry"]
    assert list(jsonio.loads(jsonio.dumps(value, sort_keys=True))) == [
        "geometry",
        "id",
        "type",
    ]


def test_documents_orjson_refuses_are_decoded_by_the_standard_library() -> None:
    assert math.isnan(jsonio.loads('{"v": NaN}')["v"])


def test_integers_beyond_64_bits_decode_as_floats() -> None:
    # As JSON clients read them; documented in the module.
    assert jsonio.loads('{"big": 1180591620717411303424}') == {"big": 2.0**70}


def test_invalid_json_raises_the_standard_error() -> None:
    with pytest.raises(json.JSONDecodeError):
        jsonio.loads("{not json")


def test_passthrough_sends_dates_to_default() -> None:
    moment = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)

    encoded = jsonio.dumps({"at": moment}, default=lambda o: "D", passthrough=True)

    assert jsonio.loads(encoded) == {"at": "D"}


def test_integers_beyond_64_bits_are_encoded_exactly() -> None:
    assert jsonio.dumps({"huge": 2**70}) == b'{"huge":1180591620717411303424}'


def test_unencodable_values_still_raise_type_error() -> None:
    with pytest.raises(TypeError):
        jsonio.dumps({"x": object()})
