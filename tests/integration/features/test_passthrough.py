# SPDX-License-Identifier: Apache-2.0
"""Query pass-through on GRQ products and job statuses written by `seed_all`.

`seed_all` writes products, specs and job statuses in a namespace of its own
(`<run>pt_`), so the products of the other feature tests stay as they are.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from opensearchpy import OpenSearch

from ogc_hysds.app import create_app
from ogc_hysds.devstack.seed import seed_all
from ogc_hysds.devstack.seed_grq import LANDMARKS
from ogc_hysds.devstack.stack import Devstack
from ogc_hysds.hysds.status import OGC_STATUSES
from tests.conftest import devstack_settings

pytestmark = pytest.mark.integration

GRQ = "/api/v1/grq/query"
JOBS = "/api/v1/jobs/query"
PRODUCTS = 200


@pytest.fixture(scope="module")
def seeded(
    devstack: Devstack, namespace: str, vhost: str, search_client: OpenSearch
) -> Iterator[dict[str, int]]:
    own = f"{namespace}pt_"
    settings = devstack_settings(devstack, own, vhost)
    try:
        seed_all(settings, products=PRODUCTS, random_seed=5, progress=False)
        jobs = search_client.count(index=settings.indices.name("job_status_alias"))
        yield {"products": PRODUCTS + len(LANDMARKS), "jobs": jobs["count"]}
    finally:
        search_client.indices.delete(
            index=f"{own}*",
            params={"expand_wildcards": "all", "ignore_unavailable": "true"},
        )
        for template in search_client.indices.get_index_template()["index_templates"]:
            if template["name"].startswith(own):
                search_client.indices.delete_index_template(name=template["name"])


@pytest.fixture(scope="module")
def pt_client(
    devstack: Devstack, namespace: str, vhost: str, seeded: dict[str, int]
) -> Iterator[FlaskClient]:
    settings = devstack_settings(devstack, f"{namespace}pt_", vhost)
    with create_app(settings).test_client() as client:
        yield client


def post(client: FlaskClient, url: str, body: Any, status: int = 200) -> Any:
    response = client.post(url, json=body)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def test_grq_query_returns_features_like_items(pt_client: FlaskClient) -> None:
    body = {"query": {"ids": {"values": [LANDMARKS["sacramento"]]}}}
    found = post(pt_client, GRQ, body)

    assert found["type"] == "FeatureCollection"
    assert found["numberMatched"] == found["numberReturned"] == 1
    feature = found["features"][0]
    assert feature["id"] == LANDMARKS["sacramento"]
    assert feature["geometry"]["type"] == "Polygon"
    assert feature["properties"]["start_datetime"] == "2017-03-01T00:00:00Z"
    item = pt_client.get(f"/collections/grq/items/{LANDMARKS['sacramento']}")
    assert feature == item.get_json()


def test_grq_query_pages_with_tokens_through_everything(
    pt_client: FlaskClient, seeded: dict[str, int]
) -> None:
    body: dict[str, Any] | None = {"size": 37, "sort": [{"starttime": "asc"}]}
    seen: list[str] = []
    while body is not None:
        page = post(pt_client, GRQ, body)
        seen.extend(feature["id"] for feature in page["features"])
        link = next((li for li in page["links"] if li["rel"] == "next"), None)
        body = link["body"] if link else None

    assert page["numberMatched"] == seeded["products"]
    assert len(seen) == len(set(seen)) == seeded["products"]


def test_grq_prev_link_returns_the_previous_page(pt_client: FlaskClient) -> None:
    first = post(pt_client, GRQ, {"size": 5})
    next_link = next(li for li in first["links"] if li["rel"] == "next")
    second = post(pt_client, GRQ, next_link["body"])
    prev_link = next(li for li in second["links"] if li["rel"] == "prev")
    back = post(pt_client, GRQ, prev_link["body"])
    assert [f["id"] for f in back["features"]] == [f["id"] for f in first["features"]]


def test_grq_query_filters_like_opensearch(
    pt_client: FlaskClient, search_client: OpenSearch, namespace: str
) -> None:
    query = {
        "bool": {
            "filter": [
                {"term": {"dataset.keyword": "S1-GUNW"}},
                {"range": {"starttime": {"gte": "2020-01-01T00:00:00Z"}}},
            ]
        }
    }
    found = post(pt_client, GRQ, {"query": query, "size": 0})
    direct = search_client.count(index=f"{namespace}pt_grq", body={"query": query})
    assert found["numberMatched"] == direct["count"] > 0
    assert found["features"] == []


def test_grq_terms_aggregation(pt_client: FlaskClient, seeded: dict[str, int]) -> None:
    body = {"size": 0, "aggs": {"d": {"terms": {"field": "dataset.keyword"}}}}
    buckets = post(pt_client, GRQ, body)["aggregations"]["d"]
    assert sum(bucket["count"] for bucket in buckets) == seeded["products"]


@pytest.mark.parametrize(
    ("body", "locator"),
    [
        ({"query": {"script": {"script": "1"}}}, "query.script"),
        ({"query": {"bool": {"must": [{"fuzzy": {"a": "b"}}]}}}, "fuzzy"),
        ({"index": "other"}, "index"),
        ({"sort": ["label"]}, "sort[0]"),
        ({"size": 10_001}, "size"),
        ({"token": "not-a-token"}, "token"),
        ({"sort": ["starttime"], "search_after": ["x"]}, "search_after"),
        ([1, 2], "body"),
    ],
)
def test_refusals_are_400_naming_the_path(
    pt_client: FlaskClient, body: Any, locator: str
) -> None:
    problem = post(pt_client, GRQ, body, status=400)
    assert locator in problem["locator"]


def test_a_token_for_another_sort_is_refused(pt_client: FlaskClient) -> None:
    page = post(pt_client, GRQ, {"size": 2})
    link = next(li for li in page["links"] if li["rel"] == "next")
    body = {**link["body"], "sort": [{"starttime": "asc"}]}
    assert post(pt_client, GRQ, body, status=400)["locator"] == "token"


def test_jobs_query_returns_summaries(
    pt_client: FlaskClient, seeded: dict[str, int]
) -> None:
    found = post(pt_client, JOBS, {"size": 1000})

    assert found["numberMatched"] == found["numberReturned"] == seeded["jobs"] > 0
    jobs = found["jobs"]
    assert {job["status"] for job in jobs} <= set(OGC_STATUSES)
    assert {"accepted", "running", "successful", "dismissed"} <= {
        job["status"] for job in jobs
    }
    job = jobs[0]
    assert {"jobID", "type", "tags", "username", "queue", "created"} <= set(job)
    assert job["jobID"]


def test_jobs_query_filters_on_hysds_fields(pt_client: FlaskClient) -> None:
    everything = post(pt_client, JOBS, {"size": 1000})["jobs"]
    username = everything[0]["username"]
    mine = post(
        pt_client, JOBS, {"query": {"term": {"job.username": username}}, "size": 1000}
    )
    assert mine["numberMatched"] == sum(j["username"] == username for j in everything)
    assert {job["username"] for job in mine["jobs"]} == {username}


def test_deduped_jobs_show_their_originals_status(pt_client: FlaskClient) -> None:
    body = {"query": {"term": {"status": "job-deduped"}}, "size": 100}
    deduped = post(pt_client, JOBS, body)["jobs"]
    assert deduped
    for job in deduped:
        assert job["hysdsStatus"] == "job-deduped"
        assert job["dedupJob"]
        assert "deduplicated" in job["message"]


def test_jobs_query_pages(pt_client: FlaskClient, seeded: dict[str, int]) -> None:
    body: dict[str, Any] | None = {"size": 3}
    seen: list[str] = []
    while body is not None:
        page = post(pt_client, JOBS, body)
        seen.extend(job["jobID"] for job in page["jobs"])
        link = next((li for li in page["links"] if li["rel"] == "next"), None)
        body = link["body"] if link else None
    assert len(seen) == len(set(seen)) == seeded["jobs"]


def test_passthrough_is_documented_in_openapi(pt_client: FlaskClient) -> None:
    paths = pt_client.get("/openapi?f=json").get_json()["paths"]
    assert {GRQ, JOBS, "/api/v1/pele/datasets"} <= set(paths)
    assert "post" in paths[GRQ]


def test_passthrough_can_be_turned_off(
    devstack: Devstack, namespace: str, vhost: str, seeded: dict[str, int]
) -> None:
    settings = devstack_settings(
        devstack, f"{namespace}pt_", vhost, features={"passthrough_enabled": False}
    )
    with create_app(settings).test_client() as client:
        assert client.post(GRQ, json={}).status_code == 404
