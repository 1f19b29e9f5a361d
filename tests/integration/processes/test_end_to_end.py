# SPDX-License-Identifier: Apache-2.0
"""Execute → status → results → catalogue, through Flask and the simulator.

The HySDS simulator (a real Celery worker) consumes what the API publishes,
writes job_status documents and stages products into GRQ, so every step
below runs against real OpenSearch and RabbitMQ.
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
from ogc_hysds.config import Settings
from ogc_hysds.devstack.simulator import Simulator, Timings, celery_app
from ogc_hysds.devstack.stack import Devstack
from tests.conftest import devstack_settings

pytestmark = pytest.mark.integration

PROCESSES = "http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0"


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
    sim = Simulator(e2e_settings, Timings(queued=1.0, running=1.0))
    sim.install_templates()
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
    deadline = time.monotonic() + 30
    info: dict[str, Any] = {}
    while time.monotonic() < deadline:
        info = client.get(f"/jobs/{job_id}").get_json()
        if info["status"] == status:
            return info
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} stayed {info.get('status')}")


def _execute(client: FlaskClient, process_id: str, inputs: dict[str, Any]) -> Any:
    return client.post(f"/processes/{process_id}/execution", json={"inputs": inputs})


def test_processes_are_listed_with_paging(client: FlaskClient) -> None:
    page = client.get("/processes?limit=1").get_json()
    ids = [p["id"] for p in page["processes"]]
    assert ids[0] == "echo"
    assert "all_types:v1" in ids
    assert any(link["rel"] == "next" for link in page["links"])
    everything = client.get("/processes?limit=100").get_json()["processes"]
    assert {"hello_world:develop", "all_types:v1"} <= {p["id"] for p in everything}


def test_description_shows_submitter_inputs_and_controls(client: FlaskClient) -> None:
    described = client.get("/processes/hello_world:develop").get_json()
    inputs = described["inputs"]
    assert described["title"] == "Hello world"  # from process_descriptions/
    assert inputs["greeting"]["minOccurs"] == 1
    assert inputs["count"]["minOccurs"] == 0
    assert inputs["count"]["schema"] == {"type": "number", "default": 3.0}
    assert "mode" not in inputs  # from: value is fixed and hidden
    assert inputs["hysds:queue"]["schema"]["enum"] == [
        "job_worker-small",
        "job_worker-large",
    ]
    assert described["outputs"]["products"]["schema"]["type"] == "array"


def test_unknown_process_and_job_use_ogc_exception_types(client: FlaskClient) -> None:
    assert (
        client.get("/processes/nope").get_json()["type"]
        == f"{PROCESSES}/no-such-process"
    )
    assert client.get("/jobs/nope").get_json()["type"] == f"{PROCESSES}/no-such-job"


def test_bad_inputs_are_named_in_a_400(client: FlaskClient) -> None:
    reply = _execute(client, "hello_world:develop", {"count": "many"})
    assert reply.status_code == 400
    assert "greeting: required" in reply.get_json()["detail"]
    assert "count: expected a number" in reply.get_json()["detail"]


def test_execute_runs_to_results_and_catalogue(
    client: FlaskClient, e2e_settings: Settings, search_client: OpenSearch
) -> None:
    reply = _execute(
        client,
        "hello_world:develop",
        {"greeting": "hi", "hysds:job_name": "my_run", "hysds:tags": ["e2e"]},
    )
    assert reply.status_code == 201
    job_id = reply.get_json()["jobID"]
    assert reply.headers["Location"].endswith(f"/jobs/{job_id}")
    assert reply.get_json()["status"] == "accepted"

    assert client.get(f"/jobs/{job_id}/results").get_json()["type"] in (
        f"{PROCESSES}/result-not-ready",
    )
    info = _wait_for(client, job_id, "successful")
    assert info["started"] and info["finished"]
    assert any(link["rel"].endswith("/results") for link in info["links"])

    status_doc = search_client.get(
        index=e2e_settings.indices.name("job_status_alias"), id=job_id
    )["_source"]
    assert status_doc["job_id"].startswith("my_run-")
    assert status_doc["job"]["username"] == "ops"
    assert status_doc["tags"] == ["e2e"]

    products = client.get(f"/jobs/{job_id}/results").get_json()["products"]
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


def test_job_list_filters(client: FlaskClient) -> None:
    job_id = _execute(
        client, "hello_world:develop", {"greeting": "list me"}
    ).get_json()["jobID"]
    _wait_for(client, job_id, "successful")
    listed = client.get(
        "/jobs?processID=hello_world:develop&status=successful"
    ).get_json()
    assert job_id in [job["jobID"] for job in listed["jobs"]]
    assert all(job["status"] == "successful" for job in listed["jobs"])
    assert (
        client.get("/jobs?processID=echo&status=successful&limit=5").status_code == 200
    )
    none = client.get("/jobs?status=failed&processID=hello_world:develop").get_json()
    assert job_id not in [job["jobID"] for job in none["jobs"]]
    first = client.get("/jobs?limit=1").get_json()
    assert len(first["jobs"]) == 1
    assert any(link["rel"] == "next" for link in first["links"])
    assert client.get("/jobs?minDuration=0&maxDuration=3600").status_code == 200


def test_dismissing_a_queued_job_purges_it(client: FlaskClient) -> None:
    job_id = _execute(client, "hello_world:develop", {"greeting": "stop"}).get_json()[
        "jobID"
    ]
    reply = client.delete(f"/jobs/{job_id}")
    assert reply.status_code == 200
    assert reply.get_json()["status"] == "dismissed"
    time.sleep(3)
    assert client.get(f"/jobs/{job_id}").get_json()["status"] == "dismissed"


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
