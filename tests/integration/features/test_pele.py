# SPDX-License-Identifier: Apache-2.0
"""Pele parity routes under /api/v1/pele on seeded GRQ products."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient

from tests.integration.features.conftest import get_json

pytestmark = pytest.mark.integration

PELE = "/api/v1/pele"


def test_types_and_datasets(client: FlaskClient) -> None:
    assert "interferogram" in get_json(client, f"{PELE}/types?page_size=100")["types"]
    body = get_json(client, f"{PELE}/datasets?page_size=100")
    assert "S1-GUNW" in body["datasets"] and body["success"] is True
    by_type = get_json(client, f"{PELE}/type/interferogram/datasets")
    assert by_type["datasets"] == ["S1-GUNW"]


def test_ids_by_dataset_with_time_and_polygon(client: FlaskClient) -> None:
    polygon = [[[-123, 38], [-121, 38], [-121, 39], [-123, 39], [-123, 38]]]
    url = (
        f"{PELE}/dataset/area_of_interest/dataset_ids?start_time=2017-01-01T00:00:00Z"
        f"&end_time=2018-01-01T00:00:00Z&polygon={json.dumps(polygon)}"
    )
    assert "AOI_sacramento_valley" in get_json(client, url)["dataset_ids"]


def test_product_with_selected_fields(client: FlaskClient) -> None:
    body = get_json(client, f"{PELE}/dataset/AOI_sacramento_valley?fields=id,label")
    assert body["result"] == {
        "id": "AOI_sacramento_valley",
        "label": "Sacramento Valley",
    }


def test_overlaps_and_overlapping_types(
    client: FlaskClient, landmarks: dict[str, str]
) -> None:
    split = landmarks["antimeridian_split"]
    body = get_json(client, f"{PELE}/overlaps/{split}?page_size=100")
    assert split not in {r["id"] for r in body["results"]}
    found = get_json(client, f"{PELE}/overlaps/{split}/types?types=slc,interferogram")
    assert set(found["result"]) == {"slc", "interferogram"}


@pytest.mark.parametrize(
    ("url", "status"),
    [
        (f"{PELE}/types?page_size=1000", 400),
        (f"{PELE}/types?offset=9999&page_size=10", 400),
        (f"{PELE}/dataset/no-such-product", 404),
        (f"{PELE}/overlaps/AOI_sacramento_valley/types", 400),
    ],
)
def test_errors(client: FlaskClient, url: str, status: int) -> None:
    assert client.get(url).status_code == status
