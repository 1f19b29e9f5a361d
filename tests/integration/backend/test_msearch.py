# SPDX-License-Identifier: Apache-2.0
"""Multi-search through the adapter, on the shared devstack's OpenSearch."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opensearchpy import OpenSearch

from ogc_hysds.backend.errors import BadRequest
from ogc_hysds.backend.search import SearchBackend
from ogc_hysds.config import Settings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def grq(settings: Settings, search_client: OpenSearch) -> Iterator[SearchBackend]:
    index = settings.indices.name("grq_alias")
    for number in range(3):
        search_client.index(index=index, id=str(number), body={"n": number})
    search_client.indices.refresh(index=index)
    backend = SearchBackend(
        "grq",
        settings.grq,
        settings.policy("grq"),
        namespace=settings.indices.namespace,
    )
    yield backend
    search_client.indices.delete(index=index)


def test_one_response_per_body_in_order(grq: SearchBackend, settings: Settings) -> None:
    index = settings.indices.name("grq_alias")
    bodies = [
        {"size": 0, "query": {"range": {"n": {"gte": low}}}} for low in (0, 1, 2, 3)
    ]

    replies = grq.msearch(index, bodies)

    assert [reply["hits"]["total"]["value"] for reply in replies] == [3, 2, 1, 0]


def test_a_refused_body_is_a_bad_request(
    grq: SearchBackend, settings: Settings
) -> None:
    index = settings.indices.name("grq_alias")
    bodies = [{"size": 0}, {"size": 0, "query": {"range": {"n": {"gte": "x"}}}}]

    with pytest.raises(BadRequest):
        grq.msearch(index, bodies)


def test_bodies_pass_the_same_hygiene_as_search(
    grq: SearchBackend, settings: Settings
) -> None:
    index = settings.indices.name("grq_alias")

    with pytest.raises(BadRequest, match="script"):
        grq.msearch(index, [{"size": 0, "script_fields": {"x": {"script": "1"}}}])
