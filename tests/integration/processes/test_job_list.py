# SPDX-License-Identifier: Apache-2.0
"""`/jobs` filters on the seeded job_status docs (every HySDS status).

The expectation for each filter is worked out here from the raw seeded
documents, read straight from OpenSearch; the API must return exactly those
jobs, newest first, across `limit`-sized pages joined by `next` links.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask.testing import FlaskClient
from opensearchpy import OpenSearch

from ogc_hysds.app import create_app
from ogc_hysds.config import Settings

pytestmark = pytest.mark.integration

# HySDS status → OGC status, for jobs that are not deduped (decision 7).
OGC = {
    "job-queued": "accepted",
    "job-started": "running",
    "job-completed": "successful",
    "job-failed": "failed",
    "job-offline": "failed",
    "job-revoked": "dismissed",
}


@pytest.fixture(scope="module")
def seeded(mozart_specs: Settings, search_client: OpenSearch) -> list[dict[str, Any]]:
    """Every seeded user job (system lw-* jobs left out), newest first."""
    index = mozart_specs.indices.name("job_status_alias")
    hits = search_client.search(index=index, body={"size": 1000})["hits"]["hits"]
    docs = [hit["_source"] for hit in hits]
    by_id = {doc["payload_id"]: doc for doc in docs}
    for doc in docs:
        original = by_id.get(doc.get("dedup_job", ""), doc)
        doc["_ogc"] = OGC[original["status"]]
    users = [doc for doc in docs if not doc["type"].startswith("job-lw-")]
    return sorted(
        users,
        key=lambda d: (d["job"]["job_info"]["time_queued"], d["payload_id"]),
        reverse=True,
    )


@pytest.fixture(scope="module")
def client(mozart_specs: Settings) -> FlaskClient:
    return create_app(mozart_specs).test_client()  # default user ops sees all


def _all_pages(client: FlaskClient, query: str) -> list[str]:
    url: str | None = f"/jobs?{query}"
    ids: list[str] = []
    while url:
        reply = client.get(url)
        assert reply.status_code == 200, reply.get_json()
        body = reply.get_json()
        ids += [job["jobID"] for job in body["jobs"]]
        nexts = [link["href"] for link in body["links"] if link["rel"] == "next"]
        url = nexts[0].split("127.0.0.1:5000", 1)[1] if nexts else None
    return ids


def _ids(docs: list[dict[str, Any]]) -> list[str]:
    return [doc["payload_id"] for doc in docs]


def test_every_user_job_is_listed_newest_first_across_pages(
    client: FlaskClient, seeded: list[dict[str, Any]]
) -> None:
    assert _all_pages(client, "limit=7") == _ids(seeded)


@pytest.mark.parametrize(
    "status", ["accepted", "running", "successful", "failed", "dismissed"]
)
def test_status_filter_is_exact_and_paged(
    client: FlaskClient, seeded: list[dict[str, Any]], status: str
) -> None:
    expected = [doc for doc in seeded if doc["_ogc"] == status]
    assert expected
    assert _all_pages(client, f"status={status}&limit=3") == _ids(expected)


def test_process_filter(client: FlaskClient, seeded: list[dict[str, Any]]) -> None:
    expected = [d for d in seeded if d["type"] == "job-s1-gunw-ifg:v2.0.1"]
    assert _all_pages(client, "processID=s1-gunw-ifg:v2.0.1") == _ids(expected)


def test_datetime_filter(client: FlaskClient, seeded: list[dict[str, Any]]) -> None:
    low, high = "2024-05-12T00:00:00Z", "2024-05-13T12:00:00Z"
    expected = [d for d in seeded if low <= d["job"]["job_info"]["time_queued"] <= high]
    assert expected
    assert _all_pages(client, f"datetime={low}/{high}") == _ids(expected)


def _duration(doc: dict[str, Any]) -> float | None:
    job_info = doc["job"]["job_info"]
    if "duration" in job_info:
        return float(job_info["duration"])
    if doc["status"] == "job-started":
        started = dt.datetime.fromisoformat(job_info["time_start"])
        return (dt.datetime.now(dt.UTC) - started).total_seconds()
    return None


@pytest.mark.parametrize(
    ("query", "low", "high"),
    [("minDuration=600", 600, None), ("maxDuration=600", None, 600)],
)
def test_duration_filters(
    client: FlaskClient,
    seeded: list[dict[str, Any]],
    query: str,
    low: float | None,
    high: float | None,
) -> None:
    expected = [
        d
        for d in seeded
        if (seconds := _duration(d)) is not None
        and (low is None or seconds >= low)
        and (high is None or seconds <= high)
    ]
    assert expected
    assert _all_pages(client, query) == _ids(expected)


def test_type_filter(client: FlaskClient, seeded: list[dict[str, Any]]) -> None:
    assert _all_pages(client, "type=process") == _ids(seeded)
    assert _all_pages(client, "type=openeo") == []


@pytest.mark.parametrize(
    ("query", "matches"),
    [
        ("tag=nightly", lambda d: "nightly" in d["tags"]),
        (
            "queue=verdi-job_worker-large",
            lambda d: d["job"]["job_info"]["job_queue"] == "verdi-job_worker-large",
        ),
        ("user=jdoe", lambda d: d["job"]["username"] == "jdoe"),
    ],
)
def test_hysds_filters(
    client: FlaskClient, seeded: list[dict[str, Any]], query: str, matches: Any
) -> None:
    expected = [d for d in seeded if matches(d)]
    assert expected
    assert _all_pages(client, query) == _ids(expected)


def test_a_user_sees_only_their_own_jobs(
    mozart_specs: Settings, seeded: list[dict[str, Any]]
) -> None:
    raw = mozart_specs.model_dump(mode="json")
    raw["processes"]["default_username"] = "jdoe"
    as_jdoe = create_app(type(mozart_specs).model_validate(raw)).test_client()
    expected = [d for d in seeded if d["job"]["username"] == "jdoe"]
    assert _all_pages(as_jdoe, "limit=5") == _ids(expected)
    assert as_jdoe.get("/jobs?user=asmith").status_code == 403


def test_system_jobs_are_not_listed(client: FlaskClient) -> None:
    assert _all_pages(client, "processID=lw-mozart-revoke:v1.2.1") == []


def test_a_bad_cursor_is_a_400(client: FlaskClient) -> None:
    reply = client.get("/jobs?next=garbage")
    assert reply.status_code == 400
    assert reply.get_json()["type"].endswith("invalid-parameter-value")
