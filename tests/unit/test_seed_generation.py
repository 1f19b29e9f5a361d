# SPDX-License-Identifier: Apache-2.0
"""The seed generators are pure: deterministic, sized as asked, valid shapes."""

from __future__ import annotations

import pytest
from shapely.geometry import shape

from ogc_hysds.config import IndexSettings
from ogc_hysds.devstack import processes
from ogc_hysds.devstack.footprints import center
from ogc_hysds.devstack.seed_grq import (
    LANDMARKS,
    generate_products,
    product_index,
    temporal_span,
)
from ogc_hysds.devstack.seed_mozart import STATUSES, generate_jobs

_GEOJSON_TYPES = {
    "point": "Point",
    "polygon": "Polygon",
    "multipolygon": "MultiPolygon",
}


@pytest.fixture(scope="module")
def products() -> list[dict]:
    return list(generate_products(400, random_seed=7))


def test_same_seed_gives_same_products() -> None:
    assert list(generate_products(50, 3)) == list(generate_products(50, 3))


def test_other_seed_gives_other_products() -> None:
    first = {p["id"] for p in generate_products(50, 3)}
    second = {p["id"] for p in generate_products(50, 4)}
    assert first - second


def test_first_products_do_not_depend_on_the_total() -> None:
    assert list(generate_products(20, 3)) == list(generate_products(60, 3))[:26]


def test_count_is_random_products_plus_landmarks(products: list[dict]) -> None:
    assert len(products) == 400 + len(LANDMARKS)


def test_ids_are_unique(products: list[dict]) -> None:
    assert len({p["id"] for p in products}) == len(products)


def test_landmarks_come_first_with_their_ids(products: list[dict]) -> None:
    assert {p["id"] for p in products[: len(LANDMARKS)]} == set(LANDMARKS.values())


def test_every_dataset_and_geometry_type_appears(products: list[dict]) -> None:
    assert {p["dataset_level"] for p in products} == {"l0", "l1", "l2", "l3"}
    assert len({p["dataset_type"] for p in products}) >= 5
    assert {p["location"]["type"] for p in products} == set(_GEOJSON_TYPES)


def test_some_products_have_no_endtime(products: list[dict]) -> None:
    assert any("endtime" not in p for p in products[len(LANDMARKS) :])


def test_footprints_are_valid(products: list[dict]) -> None:
    for product in products:
        geometry = dict(product["location"])
        geometry["type"] = _GEOJSON_TYPES[geometry["type"]]
        assert shape(geometry).is_valid, product["id"]


def test_sacramento_matches_the_reference_record(products: list[dict]) -> None:
    record = next(p for p in products if p["id"] == LANDMARKS["sacramento"])
    assert record["temporal_span"] == 96
    assert record["center"] == {"type": "point", "coordinates": [-121.82, 39.30]}
    assert record["metadata"]["user_tags"] == ["reviewed"]


def test_antimeridian_center_stays_at_180() -> None:
    ring = [[178.0, -19.0], [-178.0, -19.0], [-178.0, -17.5], [178.0, -17.5]]
    geometry = {"type": "polygon", "coordinates": [[*ring, ring[0]]]}
    assert abs(center(geometry)["coordinates"][0]) == 180.0


@pytest.mark.parametrize(
    ("hours", "days"), [(11, 0), (12, 1), (24 * 96, 96), (24 * 2 + 13, 3)]
)
def test_temporal_span_rounds_half_days_up(hours: int, days: int) -> None:
    from datetime import UTC, datetime, timedelta

    start = datetime(2020, 1, 1, tzinfo=UTC)
    assert temporal_span(start, start + timedelta(hours=hours)) == days


def test_index_name_is_namespaced_and_lower_case(products: list[dict]) -> None:
    indices = IndexSettings(namespace="t1_")
    names = {product_index(indices, p) for p in products}
    assert "t1_grq_v2.0_area_of_interest" in names
    assert all(name == name.lower() and name.startswith("t1_grq_v") for name in names)


def test_hysds_io_covers_every_type_and_source() -> None:
    params = [p for proc in processes.PROCESSES for p in proc.hysds_io["params"]]
    types = {p["type"] for p in params if "type" in p}
    sources = {p["from"].split(":")[0] for p in params}
    assert types == {
        "text", "number", "datetime", "date", "boolean", "enum", "email",
        "textarea", "region", "container_version", "jobspec_version",
        "hysdsio_version", "object",
    }  # fmt: skip
    assert sources == {"submitter", "value", "dataset_jpath", "passthrough"}


def test_defaults_are_strings_except_objects() -> None:
    params = [p for proc in processes.PROCESSES for p in proc.hysds_io["params"]]
    for param in params:
        if "default" in param:
            expected = dict if param["type"] == "object" else str
            assert isinstance(param["default"], expected), param["name"]


def test_job_spec_params_use_every_destination_and_match_hysds_io() -> None:
    destinations = set()
    for proc in processes.PROCESSES:
        spec_names = {p["name"] for p in proc.job_spec["params"]}
        assert spec_names == {p["name"] for p in proc.hysds_io["params"]}
        destinations |= {p["destination"] for p in proc.job_spec["params"]}
    assert destinations == {"positional", "localize", "context"}


def test_jobs_cover_every_status_and_are_deterministic(products: list[dict]) -> None:
    indices = IndexSettings(namespace="t1_")
    jobs = generate_jobs(indices, products, random_seed=5, count=21)
    assert {job["status"] for job in jobs} == set(STATUSES)
    assert jobs == generate_jobs(indices, products, random_seed=5, count=21)
    assert len({job["payload_id"] for job in jobs}) == 21


def test_job_id_follows_the_orchestrator_naming(products: list[dict]) -> None:
    jobs = generate_jobs(IndexSettings(), products, count=7)
    for job in jobs:
        prefix = job["type"].replace(":", "__") + "-2024"
        assert job["job_id"].startswith(prefix) and job["job_id"].endswith("Z")
