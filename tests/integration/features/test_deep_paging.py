# SPDX-License-Identifier: Apache-2.0
"""Paging far past OpenSearch's 10,000-hit window over 100,000 seeded products.

The products live in a namespace of their own (`<run>deep_`), seeded once for
this module and deleted afterwards, so the other feature tests keep their small
and exactly known catalogue.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from opensearchpy import OpenSearch

from ogc_hysds.app import create_app
from ogc_hysds.backend.search import SearchBackend
from ogc_hysds.devstack import templates
from ogc_hysds.devstack.seed_grq import seed_grq
from ogc_hysds.devstack.stack import Devstack
from tests.conftest import devstack_settings

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PRODUCTS = 100_000
PAGE = 10_000
# Small pages: only ids and counts matter here, not the feature bodies.
SLIM = "limit=10000&skipGeometry=true&properties=dataset"


@pytest.fixture(scope="module")
def deep_client(
    devstack: Devstack, namespace: str, vhost: str, search_client: OpenSearch
) -> Iterator[FlaskClient]:
    deep_namespace = f"{namespace}deep_"
    settings = devstack_settings(devstack, deep_namespace, vhost)
    grq = SearchBackend(
        "grq", settings.grq, settings.policy("grq"), namespace=deep_namespace
    )
    name, body = templates.grq_template(settings.indices)
    grq.client.indices.put_index_template(name=name, body=body)
    try:
        seed_grq(grq, settings.indices, PRODUCTS, random_seed=11)
        grq.refresh(settings.indices.name("grq_alias"))
        with create_app(settings).test_client() as client:
            yield client
    finally:
        search_client.indices.delete(
            index=f"{deep_namespace}*",
            params={"expand_wildcards": "all", "ignore_unavailable": "true"},
        )
        search_client.indices.delete_index_template(name=name, ignore=[404])


def _get(client: FlaskClient, url: str) -> tuple[dict[str, Any], float]:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    body: dict[str, Any] = response.get_json()
    return body, elapsed


def _next_url(body: dict[str, Any]) -> str | None:
    link = next((li for li in body["links"] if li["rel"] == "next"), None)
    if link is None:
        return None
    parts = urlsplit(link["href"])
    return f"{parts.path}?{parts.query}"


def test_next_links_reach_every_product_once(deep_client: FlaskClient) -> None:
    url: str | None = f"/collections/grq/items?{SLIM}"
    seen: list[str] = []
    seconds: list[float] = []
    matched = None
    while url is not None:
        body, elapsed = _get(deep_client, url)
        matched = body["numberMatched"]
        seen.extend(feature["id"] for feature in body["features"])
        seconds.append(elapsed)
        url = _next_url(body)

    assert matched == PRODUCTS + 6  # the landmarks come on top
    assert len(seen) == matched
    assert len(set(seen)) == len(seen)
    assert len(seconds) == -(-matched // PAGE)
    # Timings are shown, not asserted: page 6 starts at hit 50,000.
    print(f"page 1: {seconds[0]:.3f} s, page 6: {seconds[5]:.3f} s")


def test_page_past_50000_answers_and_goes_back(deep_client: FlaskClient) -> None:
    url: str | None = f"/collections/grq/items?{SLIM}"
    pages: list[dict[str, Any]] = []
    for _ in range(6):
        assert url is not None
        body, _ = _get(deep_client, url)
        pages.append(body)
        url = _next_url(body)

    deep = pages[5]
    assert deep["numberReturned"] == PAGE
    prev = next(li for li in deep["links"] if li["rel"] == "prev")
    parts = urlsplit(prev["href"])
    back, _ = _get(deep_client, f"{parts.path}?{parts.query}")
    assert [f["id"] for f in back["features"]] == [
        f["id"] for f in pages[4]["features"]
    ]
