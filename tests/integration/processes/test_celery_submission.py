# SPDX-License-Identifier: Apache-2.0
"""The proof our message is right: a real Celery worker decodes and runs it.

A Celery app configured as HySDS's (msgpack accepted, `task_queue_max_priority`
10) registers `hysds.orchestrator.submit_job` on `jobs_processed`. Each seeded
user process is executed through the API; the job JSON Celery hands the task
must equal the hand-written expectation field by field. Priority, persistence
and content type are read back from the broker before the worker consumes.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pika
import pytest
import requests
from celery import Celery
from celery.contrib.testing.worker import start_worker

from ogc_hysds.app import create_app
from ogc_hysds.config import Settings
from ogc_hysds.devstack.stack import Devstack
from tests.conftest import devstack_settings
from tests.unit.hysds.expected_jobs import CASES, EXPECTED, field_of

pytestmark = pytest.mark.integration


@dataclass
class Delivered:
    """What the broker held and what Celery decoded, per processID."""

    properties: dict[str, pika.BasicProperties]
    jobs: dict[str, dict[str, Any]]


def _peek(settings: Settings) -> dict[str, pika.BasicProperties]:
    """Properties of every queued message by task id, as the broker holds them."""
    connection = pika.BlockingConnection(pika.URLParameters(settings.broker.url))
    channel = connection.channel()
    seen = {}
    while True:
        method, properties, _ = channel.basic_get(settings.broker.jobs_queue)
        if method is None:
            break
        seen[properties.correlation_id] = properties
    connection.close()  # unacknowledged messages go back to the queue
    return seen


def _celery_app(settings: Settings, received: dict[str, Any]) -> Celery:
    app = Celery("hysds", broker=settings.broker.url)
    app.conf.update(
        accept_content=["msgpack", "json"],
        task_serializer="msgpack",
        task_queue_max_priority=10,
        task_default_queue=settings.broker.jobs_queue,
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
    )

    @app.task(name="hysds.orchestrator.submit_job", bind=True, shared=False)
    def submit_job(self: Any, job: dict[str, Any]) -> None:
        received[self.request.id] = job

    return app


@pytest.fixture(scope="module")
def celery_settings(
    devstack: Devstack, namespace: str, vhost: str, mozart_specs: Settings
) -> Settings:
    # The HySDS username comes from the caller's identity (default_username).
    return devstack_settings(
        devstack,
        namespace,
        vhost,
        broker={"jobs_queue": "jobs_processed_celery"},
        processes={"default_username": "jdoe", "ops_role_users": ["ops"]},
    )


@pytest.fixture(scope="module")
def delivered(celery_settings: Settings) -> Iterator[Delivered]:
    client = create_app(celery_settings).test_client()
    task_ids = {}
    for process_id, (inputs, _) in EXPECTED.items():
        reply = client.post(
            f"/processes/{process_id}/execution", json={"inputs": inputs}
        )
        assert reply.status_code == 201, reply.get_json()
        task_ids[reply.get_json()["jobID"]] = process_id

    properties = _peek(celery_settings)
    received: dict[str, Any] = {}
    app = _celery_app(celery_settings, received)
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        deadline = time.monotonic() + 30
        while len(received) < len(task_ids) and time.monotonic() < deadline:
            time.sleep(0.2)
    yield Delivered(
        properties={task_ids[t]: p for t, p in properties.items() if t in task_ids},
        jobs={task_ids[t]: job for t, job in received.items()},
    )


@pytest.mark.parametrize(("process_id", "name"), CASES)
def test_celery_receives_the_expected_field(
    delivered: Delivered, process_id: str, name: str
) -> None:
    job = delivered.jobs[process_id]
    assert field_of(job, name) == field_of(EXPECTED[process_id][1], name)


@pytest.mark.parametrize("process_id", sorted(EXPECTED))
def test_celery_receives_no_field_beyond_the_expectation(
    delivered: Delivered, process_id: str
) -> None:
    job, expected = delivered.jobs[process_id], EXPECTED[process_id][1]
    assert set(job) == set(expected)
    assert set(job["payload"]) == set(expected["payload"])


@pytest.mark.parametrize("process_id", sorted(EXPECTED))
def test_broker_holds_the_priority_as_a_persistent_msgpack_message(
    delivered: Delivered, process_id: str
) -> None:
    properties = delivered.properties[process_id]
    inputs = EXPECTED[process_id][0]
    assert properties.priority == inputs.get("hysds:priority", 0)
    assert properties.delivery_mode == 2
    assert properties.content_type == "application/x-msgpack"


def test_jobs_queue_is_declared_as_hysds_declares_it(
    delivered: Delivered, celery_settings: Settings
) -> None:
    settings = celery_settings
    vhost = settings.broker.url.rsplit("/", 1)[1]
    reply = requests.get(
        f"{settings.broker.admin_url}api/queues/{vhost}/{settings.broker.jobs_queue}",
        auth=(settings.broker.admin_username, settings.broker.admin_password),
        timeout=10,
    )
    queue = reply.json()
    assert queue["durable"] is True
    assert queue["arguments"] == {"x-max-priority": 10}
