# SPDX-License-Identifier: Apache-2.0
"""A devstack of its own: up twice reuses it, /health sees outages, down cleans up.

These tests start and stop real services, so they use a dedicated devstack on
other ports; the shared one other tests use is never touched.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from ogc_hysds.app import create_app
from ogc_hysds.config import settings_from_dict
from ogc_hysds.devstack.process import pid_alive
from ogc_hysds.devstack.stack import Devstack
from tests.conftest import dedicated_devstack

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Devstack]:
    stack = dedicated_devstack(
        tmp_path_factory.mktemp("lifecycle"),
        "lifecycle",
        opensearch_port=9290,
        amqp_port=5712,
        admin_port=15712,
    )
    stack.up()
    yield stack
    stack.down()


@pytest.fixture(scope="module")
def client(own_stack: Devstack) -> FlaskClient:
    raw = own_stack.settings_overrides()
    return create_app(settings_from_dict(raw)).test_client()


def our_pids(stack: Devstack) -> list[int]:
    files = (
        stack.opensearch.pidfile,
        stack.rabbitmq.pidfile,
        stack.rabbitmq.beam_pidfile,
    )
    return [pid for pidfile in files if (pid := pidfile.read()) is not None]


def processes_under(root: Path) -> list[int]:
    """Pids whose command line mentions the devstack folder."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if str(root).encode() in cmdline and pid_alive(int(entry.name)):
            found.append(int(entry.name))
    return found


def test_up_twice_reuses_the_running_services(own_stack: Devstack) -> None:
    before = our_pids(own_stack)

    own_stack.up()

    assert our_pids(own_stack) == before
    assert all(state.startswith("running") for state in own_stack.status().values())


def test_health_reports_every_backend_ok(client: FlaskClient) -> None:
    reply = client.get("/health")

    assert reply.status_code == 200
    assert reply.json["status"] == "ok"
    assert {name: b["status"] for name, b in reply.json["backends"].items()} == {
        "grq": "ok",
        "mozart": "ok",
        "broker": "ok",
    }


def test_health_answers_503_when_opensearch_is_stopped(
    own_stack: Devstack, client: FlaskClient
) -> None:
    own_stack.opensearch.down()
    try:
        reply = client.get("/health")
    finally:
        own_stack.opensearch.up()

    assert reply.status_code == 503
    assert int(reply.headers["Retry-After"]) > 0
    backends = reply.json["backends"]
    assert backends["grq"]["status"] == "unavailable"
    assert backends["grq"]["reason"]
    assert backends["broker"]["status"] == "ok"


def test_health_recovers_once_opensearch_is_back(client: FlaskClient) -> None:
    reply = client.get("/health")

    assert reply.status_code == 200


def test_down_leaves_no_process_of_ours(own_stack: Devstack) -> None:
    pids = our_pids(own_stack)
    assert pids

    stopped = own_stack.down()

    assert set(stopped) == {"opensearch", "rabbitmq"}
    assert not [pid for pid in pids if pid_alive(pid)]
    assert processes_under(own_stack.root) == []
    assert own_stack.status() == {"opensearch": "stopped", "rabbitmq": "stopped"}
