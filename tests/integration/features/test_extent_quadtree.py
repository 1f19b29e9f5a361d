# SPDX-License-Identifier: Apache-2.0
"""Collection extents over HySDS's own mapping: geo_shape with `tree: quadtree`.

OpenSearch cannot aggregate a prefix-tree geo_shape (`geo_bounds` fails), so
the catalogue bisects the extent with intersects queries; this runs it on a
real quadtree-mapped index.
"""

from __future__ import annotations

from typing import Any

import pytest
from opensearchpy import OpenSearch, RequestError

from ogc_hysds.app import create_app
from ogc_hysds.config import Settings
from ogc_hysds.devstack import templates
from ogc_hysds.hysds.extent_probe import STEPS

pytestmark = [
    pytest.mark.integration,
    # HySDS's mapping is the point here, deprecated parameters and all.
    pytest.mark.filterwarnings("ignore:Field parameter .* is deprecated"),
]

DATASET = "quadtree-demo"
# A quadtree answers intersects on cells, for the query box as for the
# products, so it can only say yes too early: edges come out a little
# outwards (half a degree here), never inwards.
TOLERANCE = 360 / 2**STEPS + 1.0

FOOTPRINTS: dict[str, dict[str, Any]] = {
    "frame": {
        "type": "polygon",
        "coordinates": [[[10, 10], [20, 10], [20, 30], [10, 30], [10, 10]]],
    },
    "point": {"type": "point", "coordinates": [-120.5, 35.2]},
    "polar": {
        "type": "polygon",
        "coordinates": [[[10, 84], [40, 84], [40, 89.5], [10, 89.5], [10, 84]]],
    },
}


@pytest.fixture(scope="module")
def quadtree_products(settings: Settings, search_client: OpenSearch) -> None:
    _, template = templates.grq_template(settings.indices)
    mappings = template["template"]["mappings"]
    for field in ("location", "center"):
        mappings["properties"][field] = {"type": "geo_shape", "tree": "quadtree"}
    index = f"{settings.indices.name('grq_index_prefix')}_v1.0_{DATASET}"
    search_client.indices.create(
        index=index,
        body={
            "settings": {"number_of_replicas": 0},
            "mappings": mappings,
            "aliases": {settings.indices.name("grq_alias"): {}},
        },
    )
    for name, location in FOOTPRINTS.items():
        document = {
            "id": f"{DATASET}-{name}",
            "dataset": DATASET,
            "starttime": "2024-01-01T00:00:00Z",
            "endtime": "2024-01-02T00:00:00Z",
            "location": location,
        }
        search_client.index(index=index, id=document["id"], body=document)
    search_client.indices.refresh(index=index)


def test_geo_bounds_is_refused_on_quadtree(
    settings: Settings, search_client: OpenSearch, quadtree_products: None
) -> None:
    # The reason the catalogue bisects: the aggregation has nothing to read.
    with pytest.raises(RequestError, match="Fielddata is not supported"):
        search_client.search(
            index=settings.indices.name("grq_alias"),
            body={"size": 0, "aggs": {"box": {"geo_bounds": {"field": "location"}}}},
        )


def test_collection_extent_is_bisected_from_intersects_queries(
    settings: Settings, quadtree_products: None
) -> None:
    client = create_app(settings).test_client()

    collection = client.get(f"/collections/{DATASET}?f=json").get_json()

    west, south, east, north = collection["extent"]["spatial"]["bbox"][0]
    assert -120.5 - TOLERANCE <= west <= -120.5
    assert 10 - TOLERANCE <= south <= 10
    assert 40 <= east <= 40 + TOLERANCE
    assert 89.5 <= north <= 89.5 + TOLERANCE
