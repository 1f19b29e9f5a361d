# SPDX-License-Identifier: Apache-2.0
"""The proof our message is right: a real Celery worker decodes and runs it.

A Celery app configured as HySDS's (msgpack accepted, `task_queue_max_priority`
10) registers `hysds.orchestrator.submit_job` on `jobs_processed`; the job JSON
it receives must equal the hand-written expectation for each sample process.
"""

from __future__ import annotations

import time
from typing import Any

import pika
import pytest
import requests
from celery import Celery
from celery.contrib.testing.worker import start_worker

from ogc_hysds.backend.registry import Backends
from ogc_hysds.config import Settings
from ogc_hysds.hysds.products import find_product
from ogc_hysds.hysds.registry import ProcessRegistry
from ogc_hysds.hysds.resolve import resolve
from ogc_hysds.hysds.submit import AmqpTransport, new_payload_id
from tests.unit.hysds.expected_jobs import EXPECTED

pytestmark = pytest.mark.integration


def _submit(settings: Settings, backends: Backends, process_id: str) -> str:
    registry = ProcessRegistry(backends.mozart, settings.indices, ttl=60)
    process = registry.get(process_id)
    assert process is not None
    inputs, _ = EXPECTED[process_id]
    alias = settings.indices.name("grq_alias")
    resolved = resolve(
        process, inputs, lambda ref: find_product(backends.grq, alias, ref), "q"
    )
    transport = AmqpTransport(backends.broker, settings.broker.jobs_queue)
    return transport.submit(resolved, "jdoe", new_payload_id())


def _peek(settings: Settings) -> list[pika.BasicProperties]:
    """Properties of every queued message, as the broker holds them."""
    connection = pika.BlockingConnection(pika.URLParameters(settings.broker.url))
    channel = connection.channel()
    seen = []
    while True:
        method, properties, _ = channel.basic_get(settings.broker.jobs_queue)
        if method is None:
            break
        seen.append(properties)
    connection.close()  # unacknowledged messages go back to the queue
    return seen


def _celery_app(settings: Settings, received: list[tuple[str, Any]]) -> Celery:
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

    @app.task(name="hysds.orchestrator.submit_job", bind=True)
    def submit_job(self: Any, job: dict[str, Any]) -> None:
        received.append((self.request.id, job))

    return app


def test_celery_receives_exactly_the_expected_job_json(
    mozart_specs: Settings, backends: Backends
) -> None:
    settings = mozart_specs
    submitted = {_submit(settings, backends, pid): pid for pid in sorted(EXPECTED)}

    queued = _peek(settings)
    assert sorted(p.priority for p in queued) == sorted(
        EXPECTED[pid][0].get("hysds:priority", 0) for pid in submitted.values()
    )
    assert {p.delivery_mode for p in queued} == {2}
    assert {p.content_type for p in queued} == {"application/x-msgpack"}

    received: list[tuple[str, Any]] = []
    app = _celery_app(settings, received)
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        deadline = time.monotonic() + 20
        while len(received) < len(submitted) and time.monotonic() < deadline:
            time.sleep(0.2)

    assert len(received) == len(submitted)
    for task_id, job in received:
        assert job == EXPECTED[submitted[task_id]][1]


def test_jobs_queue_is_declared_as_hysds_declares_it(
    mozart_specs: Settings, backends: Backends
) -> None:
    settings = mozart_specs
    _submit(settings, backends, "hello_world:develop")
    vhost = settings.broker.url.rsplit("/", 1)[1]
    reply = requests.get(
        f"{settings.broker.admin_url}api/queues/{vhost}/{settings.broker.jobs_queue}",
        auth=(settings.broker.admin_username, settings.broker.admin_password),
        timeout=10,
    )
    queue = reply.json()
    assert queue["durable"] is True
    assert queue["arguments"] == {"x-max-priority": 10}
    _peek(settings)
