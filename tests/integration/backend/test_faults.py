# SPDX-License-Identifier: Apache-2.0
"""The adapter under real outages: closed port, frozen or stopped node, broker restart.

Every test runs against dedicated nodes (see conftest). During an outage the
server answers 503 with `Retry-After` - never 500, never an empty 200 - within the
deadline; the breaker opens and closes; service resumes by itself afterwards.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from typing import Any

import pika
import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from ogc_hysds.backend.errors import BadRequest, NotFound, Unavailable
from ogc_hysds.backend.observe import Recorder
from ogc_hysds.backend.registry import Backends
from ogc_hysds.backend.search import PARTIAL_MARKER
from ogc_hysds.devstack.stack import Devstack
from ogc_hysds.state import server_state
from tests.integration.backend.conftest import (
    NAMESPACE,
    POLICY,
    PROXY_PORT,
    TcpProxy,
    fault_app,
    fault_settings,
    wait_until,
)

pytestmark = pytest.mark.integration

DEADLINE = POLICY["deadline"]
COOLDOWN = POLICY["breaker_cooldown"]
# Scheduling noise on two shared cores, on top of the policy's deadline.
SLACK = 1.0
GRQ = f"{NAMESPACE}grq"


@pytest.fixture(scope="module")
def catalogue(fault_stack: Devstack) -> Iterator[None]:
    """One product in a one-shard index behind the `faults_grq` alias."""
    url = fault_stack.opensearch.url
    index = f"{NAMESPACE}grq_v1_slc"
    requests.put(
        f"{url}/{index}",
        json={
            "settings": {"number_of_shards": 1},
            "mappings": {"properties": {"starttime": {"type": "date"}}},
            "aliases": {GRQ: {}},
        },
        timeout=30,
    ).raise_for_status()
    requests.put(
        f"{url}/{index}/_doc/p1?refresh=true",
        json={"starttime": "2026-01-01T00:00:00Z"},
        timeout=10,
    ).raise_for_status()
    yield
    requests.delete(f"{url}/{index}", timeout=30)


@pytest.fixture
def app(fault_stack: Devstack, catalogue: None) -> Flask:
    return fault_app(fault_settings(fault_stack))


@pytest.fixture
def proxied_app(proxy: TcpProxy, catalogue: None, fault_stack: Devstack) -> Flask:
    grq_url = f"http://127.0.0.1:{PROXY_PORT}"
    return fault_app(fault_settings(fault_stack, grq_url=grq_url))


def _backends(app: Flask) -> Backends:
    return server_state(app).backends


def _recorder(app: Flask) -> Recorder:
    observer = _backends(app).observer
    assert isinstance(observer, Recorder)
    return observer


def _assert_503(client: FlaskClient, path: str) -> dict[str, Any]:
    started = time.monotonic()
    reply = client.get(path)
    elapsed = time.monotonic() - started

    assert reply.status_code == 503, reply.get_data(as_text=True)
    assert int(reply.headers["Retry-After"]) >= 1
    assert elapsed <= DEADLINE + SLACK
    body: dict[str, Any] = reply.get_json()
    return body


def _assert_search_unavailable(backends: Backends) -> Unavailable:
    started = time.monotonic()
    with pytest.raises(Unavailable) as outage:
        backends.grq.search(GRQ, {"query": {"match_all": {}}})
    assert time.monotonic() - started <= DEADLINE + SLACK
    return outage.value


def _resumes(app: Flask) -> None:
    client = app.test_client()

    def serving() -> None:
        reply = client.get("/test/search")
        assert reply.status_code == 200
        assert reply.get_json()["hits"]["total"]["value"] == 1

    wait_until(serving, timeout=COOLDOWN + 10)


def test_closed_port_answers_503_not_500_or_empty(
    proxied_app: Flask, proxy: TcpProxy
) -> None:
    client = proxied_app.test_client()
    assert client.get("/test/search").status_code == 200
    proxy.close()

    body = _assert_503(client, "/test/search")

    assert body["title"] == "Service Unavailable"
    assert body["status"] == 503
    assert "127.0.0.1" not in body["detail"]
    health = _assert_503(client, "/health")
    assert health["backends"]["grq"]["status"] == "unavailable"


def test_closed_port_retries_within_the_deadline(
    proxied_app: Flask, proxy: TcpProxy
) -> None:
    proxy.close()

    _assert_search_unavailable(_backends(proxied_app))

    grq = _recorder(proxied_app).snapshot()["backends"]["grq"]["search"]
    assert grq["attempts"] == POLICY["attempts"]
    assert grq["retries"] == POLICY["attempts"] - 1


def test_breaker_opens_fails_fast_and_closes_after_recovery(
    proxied_app: Flask, proxy: TcpProxy
) -> None:
    backends = _backends(proxied_app)
    client = proxied_app.test_client()
    proxy.close()
    _assert_search_unavailable(backends)
    _assert_search_unavailable(backends)
    assert _recorder(proxied_app).snapshot()["breakers"]["grq"] == "open"

    started = time.monotonic()
    refused = _assert_search_unavailable(backends)
    health = client.get("/health").get_json()

    assert time.monotonic() - started < 0.5
    assert refused.message == "grq: circuit open"
    assert health["backends"]["grq"] == {
        "status": "unavailable",
        "reason": "grq: circuit open",
        "required": True,
    }
    proxy.open()
    _resumes(proxied_app)
    assert _recorder(proxied_app).snapshot()["breakers"]["grq"] == "closed"


def test_frozen_node_times_out_into_503_and_recovers(
    app: Flask, fault_stack: Devstack
) -> None:
    pid = fault_stack.opensearch.pidfile.running_pid()
    assert pid is not None
    client = app.test_client()
    os.kill(pid, signal.SIGSTOP)
    try:
        _assert_search_unavailable(_backends(app))
        _assert_503(client, "/test/search")
    finally:
        os.kill(pid, signal.SIGCONT)

    _resumes(app)


def test_bad_query_is_not_retried(app: Flask) -> None:
    backends = _backends(app)

    with pytest.raises(BadRequest) as refused:
        backends.grq.search(GRQ, {"query": {"bogus": {}}}, operation="bad")

    assert "bogus" in refused.value.message
    assert _recorder(app).attempts("grq", "bad") == 1
    reply = app.test_client().get("/health")
    assert reply.status_code == 200


def test_missing_document_is_not_retried(app: Flask) -> None:
    backends = _backends(app)

    with pytest.raises(NotFound):
        backends.grq.get(f"{NAMESPACE}grq_v1_slc", "no-such-product")

    assert _recorder(app).attempts("grq", "get") == 1


def test_unknown_sort_field_is_refused_before_the_search(app: Flask) -> None:
    backends = _backends(app)

    with pytest.raises(BadRequest, match="unknown field 'endtme'"):
        backends.grq.search(GRQ, {"sort": [{"endtme": "asc"}]}, operation="sorted")

    assert _recorder(app).attempts("grq", "sorted") == 0


@pytest.fixture()
def half_red_indices(fault_stack: Devstack) -> Iterator[str]:
    """Two indices, one of whose only shard can be allocated to no node.

    That is what a search sees after losing the only node holding a shard: the
    answer comes back HTTP 200 from the shards that are left. The cluster is
    red while they exist, so they go as soon as the test ends.
    """
    url = fault_stack.opensearch.url
    unplaceable = {"index.routing.allocation.require._name": "no-such-node"}
    for suffix, extra in (("ok", {}), ("red", unplaceable)):
        requests.put(
            f"{url}/{NAMESPACE}half_{suffix}",
            params={"wait_for_active_shards": "0"},
            json={
                "settings": {
                    "number_of_shards": 1,
                    "number_of_replicas": 0,
                    **extra,
                }
            },
            timeout=30,
        ).raise_for_status()
    yield f"{NAMESPACE}half_*"
    requests.delete(f"{url}/{NAMESPACE}half_*", timeout=30)


@pytest.mark.parametrize("mode", ["unavailable", "flag"])
def test_partial_results_are_not_passed_off_as_complete(
    fault_stack: Devstack, half_red_indices: str, mode: str
) -> None:
    app = fault_app(fault_settings(fault_stack, partial_results=mode))
    grq = _backends(app).grq
    body = {"query": {"match_all": {}}}

    if mode == "unavailable":
        with pytest.raises(Unavailable, match="partial results"):
            grq.search(half_red_indices, body)
    else:
        assert grq.search(half_red_indices, body)[PARTIAL_MARKER] is True


def test_stopped_node_answers_503_and_service_resumes(
    app: Flask, fault_stack: Devstack
) -> None:
    client = app.test_client()
    fault_stack.opensearch.down()
    try:
        _assert_search_unavailable(_backends(app))
        _assert_503(client, "/test/search")
        _assert_503(client, "/health")
    finally:
        fault_stack.opensearch.up()

    _resumes(app)


def test_publish_resumes_after_broker_restart(
    app: Flask, fault_stack: Devstack
) -> None:
    broker = _backends(app).broker
    client = app.test_client()
    broker.declare_queue("faults_jobs", {"x-max-priority": 10})
    message = pika.BasicProperties(delivery_mode=2)
    broker.publish("faults_jobs", "faults_jobs", b"before", message)

    fault_stack.rabbitmq.down()
    try:
        started = time.monotonic()
        with pytest.raises(Unavailable):
            broker.publish("faults_jobs", "faults_jobs", b"lost", message)
        assert time.monotonic() - started <= DEADLINE + SLACK
        health = _assert_503(client, "/health")
        assert health["backends"]["broker"]["status"] == "unavailable"
    finally:
        fault_stack.rabbitmq.up()

    wait_until(
        lambda: broker.publish("faults_jobs", "faults_jobs", b"after", message),
        timeout=COOLDOWN + 10,
    )
    assert client.get("/health").status_code == 200
    assert _queued(fault_stack, "faults_jobs") == 2


def _queued(stack: Devstack, queue: str) -> int:
    def count() -> int:
        reply = requests.get(
            f"{stack.rabbitmq.admin_url}/api/queues/%2F/{queue}",
            auth=("guest", "guest"),
            timeout=5,
        )
        reply.raise_for_status()
        messages = int(reply.json()["messages"])
        assert messages == 2
        return messages

    # The management API's queue counters lag a few seconds behind.
    wait_until(count, timeout=15)
    return count()
