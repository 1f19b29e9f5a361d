# SPDX-License-Identifier: Apache-2.0
"""Execute → status → results → catalogue, through Flask and the simulator.

The HySDS simulator (a real Celery worker) consumes what the API publishes,
writes job_status documents and stages products into GRQ, so every step
below runs against real OpenSearch and RabbitMQ, on the devstack's seed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from flask.testing import FlaskClient
from opensearchpy import OpenSearch

from ogc_hysds.app import create_app
from ogc_hysds.backend.registry import build_backends
from ogc_hysds.config import Settings
from ogc_hysds.devstack.simulator import (
    FAIL_TAG,
    OFFLINE_TAG,
    Simulator,
    Timings,
    celery_app,
)
from ogc_hysds.devstack.stack import Devstack
from ogc_hysds.hysds.jobs import JobRecord, JobStore, utc_now
from ogc_hysds.hysds.status import OFFLINE_MESSAGE
from tests.conftest import devstack_settings

pytestmark = pytest.mark.integration

PROCESSES = "http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0"
HELLO = "hello_world:develop"


@pytest.fixture(scope="module")
def e2e_settings(
    devstack: Devstack, namespace: str, vhost: str, mozart_specs: Settings
) -> Settings:
    # Own queue name: other modules' consumers never take these jobs.
    return devstack_settings(
        devstack, namespace, vhost, broker={"jobs_queue": "jobs_processed_e2e"}
    )


@pytest.fixture(scope="module")
def simulator(e2e_settings: Settings) -> Iterator[Simulator]:
    # Running long enough that a test can dismiss a running job.
    sim = Simulator(e2e_settings, Timings(queued=1.0, running=4.0))
    app = celery_app(sim)
    with start_worker(
        app,
        pool="solo",
        perform_ping_check=False,
        loglevel="WARNING",
        queues=[e2e_settings.broker.jobs_queue],
    ):
        yield sim


@pytest.fixture(scope="module")
def client(e2e_settings: Settings, simulator: Simulator) -> FlaskClient:
    return create_app(e2e_settings).test_client()


def _wait_for(client: FlaskClient, job_id: str, status: str) -> dict[str, Any]:
    deadline = time.monotonic() + 40
    info: dict[str, Any] = {}
    while time.monotonic() < deadline:
        info = client.get(f"/jobs/{job_id}").get_json()
        if info["status"] == status:
            return info
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} stayed {info.get('status')}")


def _wait_for_hysds(
    search: OpenSearch, settings: Settings, job_id: str, status: str
) -> None:
    deadline = time.monotonic() + 40
    index = settings.indices.name("job_status_alias")
    while time.monotonic() < deadline:
        hits = search.search(
            index=index, body={"query": {"ids": {"values": [job_id]}}}
        )["hits"]["hits"]
        if hits and hits[0]["_source"]["status"] == status:
            return
        time.sleep(0.3)
    raise AssertionError(f"HySDS never recorded {status} for {job_id}")


def _execute(client: FlaskClient, process_id: str, inputs: dict[str, Any]) -> Any:
    return client.post(f"/processes/{process_id}/execution", json={"inputs": inputs})


def _job_id(client: FlaskClient, inputs: dict[str, Any]) -> str:
    reply = _execute(client, HELLO, inputs)
    assert reply.status_code == 201, reply.get_json()
    job_id: str = reply.get_json()["jobID"]
    return job_id


def test_seeded_processes_are_listed_without_system_jobs(client: FlaskClient) -> None:
    everything = client.get("/processes?limit=100").get_json()["processes"]
    assert [p["id"] for p in everything] == [
        "echo",
        HELLO,
        "product-qa:v0.9.2",
        "s1-gunw-ifg:v2.0.1",
        "timeseries-displacement:v1.3.0",
    ]
    page = client.get("/processes?limit=1").get_json()
    assert any(link["rel"] == "next" for link in page["links"])


@pytest.mark.parametrize(
    "hidden", ["lw-mozart-purge:v1.2.1", "lw-mozart-revoke:v1.2.1"]
)
def test_system_job_types_cannot_be_described_or_run(
    client: FlaskClient, hidden: str
) -> None:
    assert client.get(f"/processes/{hidden}").status_code == 404
    reply = _execute(client, hidden, {"query": {"query": {"match_all": {}}}})
    assert reply.status_code == 404
    assert reply.get_json()["type"] == f"{PROCESSES}/no-such-process"


def test_description_shows_submitter_inputs_and_controls(client: FlaskClient) -> None:
    described = client.get(f"/processes/{HELLO}").get_json()
    inputs = described["inputs"]
    assert described["title"] == "Hello world"  # from process_descriptions/
    assert inputs["greeting"]["minOccurs"] == 0
    assert inputs["repeat"]["schema"] == {"type": "number", "default": 1.0}
    assert inputs["hysds:queue"]["schema"]["enum"] == [
        "verdi-job_worker-small",
        "factotum-job_worker-small",
    ]
    ifg = client.get("/processes/s1-gunw-ifg:v2.0.1").get_json()["inputs"]
    assert "dataset_tag" not in ifg  # from: value is fixed and hidden
    assert described["outputs"]["products"]["schema"]["type"] == "array"


def test_unknown_process_and_job_use_ogc_exception_types(client: FlaskClient) -> None:
    assert (
        client.get("/processes/nope").get_json()["type"]
        == f"{PROCESSES}/no-such-process"
    )
    assert client.get("/jobs/nope").get_json()["type"] == f"{PROCESSES}/no-such-job"


def test_document_results_map_the_output_id_to_its_value(
    client: FlaskClient,
) -> None:
    reply = client.post(
        f"/processes/{HELLO}/execution",
        json={"inputs": {"greeting": "doc"}, "response": "document"},
    )
    job_id = reply.get_json()["jobID"]
    _wait_for(client, job_id, "successful")

    results = client.get(f"/jobs/{job_id}/results").get_json()

    assert list(results) == ["products"]
    assert len(results["products"]) == 1


def test_bad_inputs_are_named_in_a_400(client: FlaskClient) -> None:
    reply = _execute(client, HELLO, {"repeat": "many", "bogus": 1})
    assert reply.status_code == 400
    assert "repeat: expected a number" in reply.get_json()["detail"]
    assert "bogus: not an input" in reply.get_json()["detail"]


def test_execute_runs_to_results_and_catalogue(
    client: FlaskClient, e2e_settings: Settings, search_client: OpenSearch
) -> None:
    reply = _execute(
        client,
        HELLO,
        {"greeting": "hi", "hysds:job_name": "my_run", "hysds:tags": ["e2e"]},
    )
    assert reply.status_code == 201
    job_id = reply.get_json()["jobID"]
    assert reply.headers["Location"].endswith(f"/jobs/{job_id}")
    assert reply.get_json()["status"] == "accepted"

    results = client.get(f"/jobs/{job_id}/results")
    assert results.get_json()["type"] == f"{PROCESSES}/result-not-ready"
    info = _wait_for(client, job_id, "successful")
    assert info["started"] and info["finished"]
    assert any(link["rel"].endswith("/results") for link in info["links"])

    status_doc = search_client.search(
        index=e2e_settings.indices.name("job_status_alias"),
        body={"query": {"ids": {"values": [job_id]}}},
    )["hits"]["hits"][0]["_source"]
    assert status_doc["job_id"].startswith("my_run-")
    assert status_doc["job"]["username"] == "ops"
    assert status_doc["tags"] == ["e2e"]

    # No `response` in the request: raw, so the one output's value alone.
    products = client.get(f"/jobs/{job_id}/results").get_json()
    assert len(products) == 1
    item_link = products[0]["links"][0]["href"]
    assert item_link.endswith(
        f"/collections/hello_world-product/items/{products[0]['id']}"
    )
    grq = search_client.search(
        index=e2e_settings.indices.name("grq_alias"),
        body={"query": {"ids": {"values": [products[0]["id"]]}}},
    )
    assert grq["hits"]["total"]["value"] == 1


def test_dismissing_a_queued_job_purges_it(
    client: FlaskClient, e2e_settings: Settings, search_client: OpenSearch
) -> None:
    job_id = _job_id(client, {"greeting": "stop early"})
    reply = client.delete(f"/jobs/{job_id}")
    assert reply.status_code == 200
    assert reply.get_json()["status"] == "dismissed"
    time.sleep(3)
    assert client.get(f"/jobs/{job_id}").get_json()["status"] == "dismissed"


def test_dismissing_a_running_job_revokes_it(
    client: FlaskClient, e2e_settings: Settings, search_client: OpenSearch
) -> None:
    job_id = _job_id(client, {"greeting": "stop while running"})
    _wait_for(client, job_id, "running")

    reply = client.delete(f"/jobs/{job_id}")

    assert reply.status_code == 200
    assert reply.get_json()["status"] == "dismissed"
    # The lightweight revoke job reached HySDS: the job ends job-revoked.
    _wait_for_hysds(search_client, e2e_settings, job_id, "job-revoked")
    assert client.get(f"/jobs/{job_id}").get_json()["status"] == "dismissed"


def test_dismissing_a_finished_job_is_not_possible(client: FlaskClient) -> None:
    job_id = _job_id(client, {"greeting": "finish first"})
    _wait_for(client, job_id, "successful")

    reply = client.delete(f"/jobs/{job_id}")

    assert reply.status_code == 409
    body = reply.get_json()
    assert body["type"] == "urn:ogc-hysds:exception:dismiss-not-possible"
    assert "dismiss not possible" in body["detail"]
    assert client.get(f"/jobs/{job_id}").get_json()["status"] == "successful"


def test_failed_job_reports_the_reason(client: FlaskClient) -> None:
    job_id = _job_id(client, {"greeting": "fail", "hysds:tags": [FAIL_TAG]})

    info = _wait_for(client, job_id, "failed")

    assert info["message"] == "simulated failure"
    results = client.get(f"/jobs/{job_id}/results")
    assert results.status_code == 409
    assert results.get_json()["type"] == "urn:ogc-hysds:exception:job-failed"
    assert results.get_json()["detail"] == "simulated failure"


def test_offline_job_is_failed_with_a_message(client: FlaskClient) -> None:
    job_id = _job_id(client, {"greeting": "lost", "hysds:tags": [OFFLINE_TAG]})

    info = _wait_for(client, job_id, "failed")

    assert info["message"] == OFFLINE_MESSAGE


def test_deduped_job_reads_as_its_original(client: FlaskClient) -> None:
    inputs = {"greeting": "only once", "hysds:enable_dedup": True}
    original = _job_id(client, inputs)
    _wait_for(client, original, "running")

    duplicate = _job_id(client, inputs)
    info = _wait_for(client, duplicate, "running")

    assert info["message"].startswith(f"deduplicated: same payload as job {original}")
    duplicate_links = [link for link in info["links"] if link["rel"] == "duplicate"]
    assert duplicate_links[0]["href"].endswith(f"/jobs/{original}")
    _wait_for(client, duplicate, "successful")


def test_another_users_job_is_forbidden(e2e_settings: Settings) -> None:
    store = JobStore(build_backends(e2e_settings).mozart, e2e_settings.indices)
    job_id = "someone-elses-job"
    store.save(JobRecord(job_id, HELLO, "asmith", utc_now(), submitted=True))
    raw = e2e_settings.model_dump(mode="json")
    raw["processes"]["default_username"] = "jdoe"
    as_jdoe = create_app(type(e2e_settings).model_validate(raw)).test_client()

    for reply in (
        as_jdoe.get(f"/jobs/{job_id}"),
        as_jdoe.get(f"/jobs/{job_id}/results"),
        as_jdoe.delete(f"/jobs/{job_id}"),
    ):
        assert reply.status_code == 403

    as_ops = create_app(e2e_settings).test_client()
    assert as_ops.get(f"/jobs/{job_id}").get_json()["status"] == "accepted"


def test_echo_runs_sync_and_async(client: FlaskClient) -> None:
    sync = client.post(
        "/processes/echo/execution",
        json={"inputs": {"echoInput": "hello"}, "response": "document"},
    )
    assert sync.get_json() == {"echoOutput": "hello"}
    accepted = client.post(
        "/processes/echo/execution",
        json={"inputs": {"echoInput": "later", "pause": 1}},
        headers={"Prefer": "respond-async"},
    )
    assert accepted.status_code == 201
    job_id = accepted.get_json()["jobID"]
    assert client.get(f"/jobs/{job_id}/results").status_code == 404
    _wait_for(client, job_id, "successful")
    assert client.get(f"/jobs/{job_id}/results").get_json() == {"echoOutput": "later"}
    listed = client.get("/jobs?processID=echo").get_json()["jobs"]
    assert job_id in [job["jobID"] for job in listed]


def test_openapi_documents_every_processes_path(client: FlaskClient) -> None:
    document = client.get("/openapi?f=json").get_json()
    for path in (
        "/processes",
        "/processes/{processID}",
        "/processes/{processID}/execution",
        "/jobs",
        "/jobs/{jobId}",
        "/jobs/{jobId}/results",
    ):
        assert path in document["paths"]
    schemas = document["components"]["schemas"]
    assert {"statusInfo", "processList", "execute", "jobList"} <= set(schemas)
    conforms = client.get("/conformance").get_json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/oas30" in conforms
