# SPDX-License-Identifier: Apache-2.0
"""Execute while HySDS's broker is down, then after it is back.

A dedicated RabbitMQ node (never the shared devstack's) is stopped under a
running app: execute answers 503 with Retry-After and leaves no phantom job.
After a restart the jobs confirmed before the outage are still queued
(durable queue, persistent messages) and execute works again with the same
app object.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from opensearchpy import OpenSearch

from ogc_hysds.app import create_app
from ogc_hysds.config import Settings, settings_from_dict
from ogc_hysds.devstack.stack import Devstack
from tests.conftest import dedicated_devstack

pytestmark = [pytest.mark.integration, pytest.mark.slow]

HELLO = "/processes/hello_world:develop/execution"
QUEUE = "jobs_processed"
POLICY = {
    "attempts": 2,
    "backoff_initial": 0.1,
    "backoff_max": 0.3,
    "deadline": 3.0,
    "breaker_failures": 3,
    "breaker_cooldown": 1.0,
}


@pytest.fixture(scope="module")
def broker_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Devstack]:
    stack = dedicated_devstack(
        tmp_path_factory.mktemp("bq"),
        "bq",
        opensearch_port=9280,
        amqp_port=5702,
        admin_port=15702,
    )
    stack.rabbitmq.up()
    try:
        yield stack
    finally:
        stack.rabbitmq.down()


@pytest.fixture(scope="module")
def outage_settings(
    devstack: Devstack, broker_stack: Devstack, mozart_specs: Settings
) -> Settings:
    raw: dict[str, Any] = devstack.settings_overrides()
    raw["indices"] = {"namespace": mozart_specs.indices.namespace}
    raw["broker"] = {
        "url": broker_stack.rabbitmq.amqp_url,
        "admin_url": broker_stack.rabbitmq.admin_url,
        "jobs_queue": QUEUE,
    }
    raw["backends"] = {"broker": POLICY}
    return settings_from_dict(raw)


@pytest.fixture(scope="module")
def app(outage_settings: Settings) -> Flask:
    return create_app(outage_settings)


def _execute(client: FlaskClient, greeting: str) -> Any:
    return client.post(HELLO, json={"inputs": {"greeting": greeting}})


def _records(search: OpenSearch, settings: Settings) -> list[dict[str, Any]]:
    index = settings.indices.name("ogc_jobs")
    search.indices.refresh(index=index)
    hits = search.search(index=index, body={"size": 1000})["hits"]["hits"]
    return [hit["_source"] for hit in hits]


def _queued(stack: Devstack) -> int:
    reply = requests.get(
        f"{stack.rabbitmq.admin_url}/api/queues/%2F/{QUEUE}",
        auth=("guest", "guest"),
        timeout=5,
    )
    reply.raise_for_status()
    return int(reply.json().get("messages", -1))


def _wait_for_count(stack: Devstack, count: int) -> None:
    # The management API's counters lag a few seconds behind the queue.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if _queued(stack) == count:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise AssertionError(f"queue {QUEUE} never held {count} messages")


def test_outage_is_a_503_without_phantom_jobs_and_recovers(
    app: Flask,
    broker_stack: Devstack,
    outage_settings: Settings,
    search_client: OpenSearch,
) -> None:
    client = app.test_client()
    confirmed = [_execute(client, f"before {n}").get_json()["jobID"] for n in (1, 2)]

    broker_stack.rabbitmq.down()
    try:
        reply = _execute(client, "during the outage")
        assert reply.status_code == 503
        assert int(reply.headers["Retry-After"]) > 0
        listed = [job["jobID"] for job in client.get("/jobs").get_json()["jobs"]]
        records = _records(search_client, outage_settings)
    finally:
        broker_stack.rabbitmq.up()

    # No phantom: only the confirmed jobs exist, as records and in /jobs.
    assert sorted(r["job_id"] for r in records) == sorted(confirmed)
    assert all(r["submitted"] is True for r in records)
    assert sorted(set(listed) & {r["job_id"] for r in records}) == sorted(confirmed)
    assert set(listed) - set(confirmed) <= _hysds_only(client)

    # Durable queue, persistent messages: the confirmed jobs survived.
    _wait_for_count(broker_stack, 2)

    deadline = time.monotonic() + 30
    while True:
        reply = _execute(client, "after the restart")
        if reply.status_code == 201 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert reply.status_code == 201, reply.get_json()
    job_id = reply.get_json()["jobID"]
    assert client.get(f"/jobs/{job_id}").get_json()["status"] == "accepted"
    _wait_for_count(broker_stack, 3)


def _hysds_only(client: FlaskClient) -> set[str]:
    # Seeded job_status docs are listed too; they are not ours to count.
    listed = client.get("/jobs?limit=1000").get_json()["jobs"]
    return {job["jobID"] for job in listed}


def test_a_refused_submission_is_not_found(
    app: Flask, broker_stack: Devstack, outage_settings: Settings
) -> None:
    client = app.test_client()
    before = {job["jobID"] for job in client.get("/jobs?limit=1000").get_json()["jobs"]}
    broker_stack.rabbitmq.down()
    try:
        assert _execute(client, "lost").status_code == 503
    finally:
        broker_stack.rabbitmq.up()
    after = {job["jobID"] for job in client.get("/jobs?limit=1000").get_json()["jobs"]}
    assert after == before
