# SPDX-License-Identifier: Apache-2.0
"""`devstack seed` against the real devstack, into this run's namespace and vhost."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from opensearchpy import OpenSearch

from ogc_hysds.backend.registry import build_backends
from ogc_hysds.config import Settings
from ogc_hysds.devstack import templates
from ogc_hysds.devstack.processes import job_queues
from ogc_hysds.devstack.seed import SeedSummary, seed_all, seed_grq
from ogc_hysds.devstack.seed_grq import LANDMARKS
from ogc_hysds.devstack.seed_mozart import STATUSES

pytestmark = pytest.mark.integration

PRODUCTS = 200
SEED = 11


@pytest.fixture(scope="module")
def seeded(settings: Settings, search_client: OpenSearch) -> Iterator[SeedSummary]:
    summary = seed_all(settings, products=PRODUCTS, random_seed=SEED, progress=False)
    yield summary
    # The namespace fixture drops our indices; templates are ours to remove.
    for name, _ in templates.all_templates(settings.indices):
        search_client.indices.delete_index_template(name=name, ignore=404)


def _ids(client: OpenSearch, index: str, query: dict[str, Any]) -> set[str]:
    reply = client.search(index=index, body={"query": query, "size": 1000})
    return {hit["_id"] for hit in reply["hits"]["hits"]}


def _envelope(west: float, north: float, east: float, south: float) -> dict[str, Any]:
    shape = {"type": "envelope", "coordinates": [[west, north], [east, south]]}
    return {"geo_shape": {"location": {"shape": shape, "relation": "intersects"}}}


def _overlap(start: str, end: str) -> dict[str, Any]:
    open_ended = {"bool": {"must_not": {"exists": {"field": "endtime"}}}}
    ends_after = {"range": {"endtime": {"gte": start}}}
    return {
        "bool": {
            "filter": [
                {"range": {"starttime": {"lte": end}}},
                {
                    "bool": {
                        "should": [ends_after, open_ended],
                        "minimum_should_match": 1,
                    }
                },
            ]
        }
    }


def test_grq_mapping_follows_the_hysds_template(
    seeded: SeedSummary, settings: Settings, search_client: OpenSearch
) -> None:
    index = f"{settings.indices.namespace}grq_v2.0_area_of_interest"
    mapping = search_client.indices.get_mapping(index=index)[index]["mappings"]
    fields = mapping["properties"]
    assert fields["location"]["type"] == fields["center"]["type"] == "geo_shape"
    assert fields["starttime"]["type"] == fields["endtime"]["type"] == "date"
    assert fields["label"]["fields"]["keyword"]["type"] == "keyword"
    assert "fields" not in fields["urls"]
    assert fields["metadata"]["properties"]["context"]["enabled"] is False


@pytest.mark.parametrize(
    ("envelope", "expected"),
    [
        ((-122.5, 40.3, -122.0, 39.8), {"sacramento"}),
        ((179.0, -15.0, -179.5, -19.5), {"antimeridian", "antimeridian_split"}),
        ((-179.9, -16.0, -179.5, -18.0), {"antimeridian", "antimeridian_split"}),
        ((-10.0, 89.0, 10.0, 86.0), {"polar"}),
    ],
)
def test_geo_shape_intersects_finds_the_landmarks(
    seeded: SeedSummary,
    settings: Settings,
    search_client: OpenSearch,
    envelope: tuple[float, float, float, float],
    expected: set[str],
) -> None:
    alias = settings.indices.name("grq_alias")
    hits = _ids(search_client, alias, _envelope(*envelope))
    assert hits == {LANDMARKS[name] for name in expected}


def test_date_overlap_finds_the_landmarks(
    seeded: SeedSummary, settings: Settings, search_client: OpenSearch
) -> None:
    alias = settings.indices.name("grq_alias")
    hits = _ids(search_client, alias, _overlap("2017-04-01", "2017-04-30"))
    assert hits == {LANDMARKS["sacramento"], LANDMARKS["open_ended"]}


def test_open_ended_products_overlap_the_future(
    seeded: SeedSummary, settings: Settings, search_client: OpenSearch
) -> None:
    alias = settings.indices.name("grq_alias")
    reply = search_client.search(
        index=alias, body={"query": _overlap("2030-01-01", "2030-12-31"), "size": 500}
    )
    hits = reply["hits"]["hits"]
    assert LANDMARKS["open_ended"] in {hit["_id"] for hit in hits}
    assert all("endtime" not in hit["_source"] for hit in hits)


def _jobs(client: OpenSearch, settings: Settings) -> list[dict[str, Any]]:
    alias = settings.indices.name("job_status_alias")
    reply = client.search(index=alias, body={"size": 1000})
    return [hit | {"source": hit["_source"]} for hit in reply["hits"]["hits"]]


def test_every_status_is_in_job_status_current(
    seeded: SeedSummary, settings: Settings, search_client: OpenSearch
) -> None:
    statuses = {job["source"]["status"] for job in _jobs(search_client, settings)}
    assert statuses == set(STATUSES)


def test_failed_jobs_live_in_job_failed_only(
    seeded: SeedSummary, settings: Settings, search_client: OpenSearch
) -> None:
    failed_index = settings.indices.name("job_failed")
    for job in _jobs(search_client, settings):
        is_failed = job["source"]["status"] == "job-failed"
        assert (job["_index"] == failed_index) == is_failed
        assert job["_id"] == job["source"]["payload_id"]


def test_deduped_jobs_point_at_existing_jobs(
    seeded: SeedSummary, settings: Settings, search_client: OpenSearch
) -> None:
    jobs = {job["_id"]: job["source"] for job in _jobs(search_client, settings)}
    deduped = [job for job in jobs.values() if job["status"] == "job-deduped"]
    assert deduped
    for job in deduped:
        assert jobs[job["dedup_job"]]["payload_hash"] == job["payload_hash"]


def test_staged_products_exist_in_grq(
    seeded: SeedSummary, settings: Settings, search_client: OpenSearch
) -> None:
    staged = {
        product["id"]
        for job in _jobs(search_client, settings)
        for product in job["source"]["job"]["job_info"]
        .get("metrics", {})
        .get("products_staged", [])
    }
    assert staged
    alias = settings.indices.name("grq_alias")
    assert _ids(search_client, alias, {"ids": {"values": sorted(staged)}}) == staged


def _all(client: OpenSearch, index: str) -> list[dict[str, Any]]:
    reply = client.search(index=index, body={"size": 1000})
    return [hit["_source"] for hit in reply["hits"]["hits"]]


def test_every_hysds_io_has_a_job_spec_and_container(
    seeded: SeedSummary, settings: Settings, search_client: OpenSearch
) -> None:
    indices = settings.indices
    ios_index = f"{indices.name('hysds_ios_mozart')},{indices.name('hysds_ios_grq')}"
    hysds_ios = _all(search_client, ios_index)
    specs = {doc["id"]: doc for doc in _all(search_client, indices.name("job_specs"))}
    containers = {doc["id"] for doc in _all(search_client, indices.name("containers"))}
    assert len(hysds_ios) == len(specs) >= 6
    for hysds_io in hysds_ios:
        spec = specs[hysds_io["job-specification"]]
        assert spec["container"] in containers


def test_hysds_io_params_cover_every_type_and_source(
    seeded: SeedSummary, settings: Settings, search_client: OpenSearch
) -> None:
    indices = settings.indices
    ios_index = f"{indices.name('hysds_ios_mozart')},{indices.name('hysds_ios_grq')}"
    params = [p for doc in _all(search_client, ios_index) for p in doc["params"]]
    assert len({p["type"] for p in params if "type" in p}) == 13
    sources = {p["from"].split(":")[0] for p in params}
    assert sources == {"submitter", "value", "dataset_jpath", "passthrough"}


def test_queues_exist_with_max_priority(
    seeded: SeedSummary, settings: Settings
) -> None:
    vhost = settings.broker.url.rsplit("/", 1)[1]
    admin = str(settings.broker.admin_url).rstrip("/")
    auth = (settings.broker.admin_username, settings.broker.admin_password)
    reply = requests.get(f"{admin}/api/queues/{vhost}", auth=auth, timeout=10)
    queues = {queue["name"]: queue for queue in reply.json()}
    for name in ["jobs_processed", "system-jobs-queue", *job_queues()]:
        assert queues[name]["arguments"] == {"x-max-priority": 10}
        assert queues[name]["durable"] is True


def _counts(client: OpenSearch, settings: Settings) -> dict[str, int]:
    rows = client.cat.indices(index=f"{settings.indices.namespace}*", format="json")
    return {row["index"]: int(row["docs.count"]) for row in rows}


def test_seeding_again_changes_no_count(
    seeded: SeedSummary, settings: Settings, search_client: OpenSearch
) -> None:
    before = _counts(search_client, settings)
    again = seed_all(settings, products=PRODUCTS, random_seed=SEED, progress=False)
    assert again.documents == seeded.documents
    assert _counts(search_client, settings) == before


def test_same_seed_writes_the_same_ids(
    seeded: SeedSummary, settings: Settings, search_client: OpenSearch
) -> None:
    alias = settings.indices.name("grq_alias")
    before = _ids(search_client, alias, {"match_all": {}})
    grq = build_backends(settings).grq
    seed_grq(grq, settings.indices, products=PRODUCTS, random_seed=SEED)
    search_client.indices.refresh(index=alias)
    assert _ids(search_client, alias, {"match_all": {}}) == before
    assert len(before) == PRODUCTS + len(LANDMARKS)
