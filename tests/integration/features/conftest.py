# SPDX-License-Identifier: Apache-2.0
"""Seeded GRQ products in this run's namespace, and the app serving them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ogc_hysds.app import create_app
from ogc_hysds.backend.search import SearchBackend
from ogc_hysds.config import Settings
from ogc_hysds.devstack import templates
from ogc_hysds.devstack.seed_grq import LANDMARKS, seed_grq

PRODUCTS = 300
RANDOM_SEED = 7


@pytest.fixture(scope="module")
def grq_products(settings: Settings) -> int:
    """Install the GRQ template and seed the landmarks plus `PRODUCTS` products."""
    grq = SearchBackend("grq", settings.grq, settings.policy("grq"))
    name, body = templates.grq_template(settings.indices)
    grq.client.indices.put_index_template(name=name, body=body)
    counts = seed_grq(grq, settings.indices, PRODUCTS, RANDOM_SEED)
    grq.refresh(settings.indices.name("grq_alias"))
    return sum(counts.values())


@pytest.fixture(scope="module")
def app(settings: Settings, grq_products: int) -> Flask:
    return create_app(settings)


@pytest.fixture()
def client(app: Flask) -> Iterator[FlaskClient]:
    with app.test_client() as test_client:
        yield test_client


@pytest.fixture(scope="module")
def landmarks() -> dict[str, str]:
    return dict(LANDMARKS)


def get_json(client: FlaskClient, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()
