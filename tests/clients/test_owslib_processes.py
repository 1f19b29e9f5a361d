# SPDX-License-Identifier: Apache-2.0
"""OWSLib's OGC API Processes client against the real app served over HTTP.

The app runs in a werkzeug thread, the HySDS simulator (a real Celery worker)
runs the jobs. OWSLib 0.36 sends `Prefer: respond-sync` unless asked for
async; HySDS jobs always run asynchronously, so the server answers 201 with a
statusInfo body and a `Location` header, and OWSLib hands back that body as
the "result". A client then follows `Location` itself (OWSLib has no job
methods), which is what the test does.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from celery.contrib.testing.worker import start_worker
from owslib.ogcapi.processes import Processes
from werkzeug.serving import make_server

from ogc_hysds.app import create_app
from ogc_hysds.config import Settings
from ogc_hysds.devstack.simulator import Simulator, Timings, celery_app
from ogc_hysds.devstack.stack import Devstack
from tests.clients.conftest import free_port
from tests.conftest import devstack_settings
from tests.integration.processes.conftest import mozart_specs  # noqa: F401

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def server_url(
    devstack: Devstack,
    namespace: str,
    vhost: str,
    mozart_specs: Settings,  # noqa: F811
) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = devstack_settings(
        devstack,
        namespace,
        vhost,
        server={"url": url},
        broker={"jobs_queue": "jobs_processed_owslib"},
    )
    simulator = Simulator(settings, Timings(queued=0.5, running=0.5))
    simulator.install_templates()
    server = make_server("127.0.0.1", port, create_app(settings), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    with start_worker(
        celery_app(simulator),
        pool="solo",
        perform_ping_check=False,
        loglevel="WARNING",
        queues=[settings.broker.jobs_queue],
    ):
        thread.start()
        yield url
        server.shutdown()
        thread.join(timeout=5)


def _follow(location: str, status: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    info: dict[str, Any] = {}
    while time.monotonic() < deadline:
        info = requests.get(location, timeout=10).json()
        if info["status"] == status:
            return info
        time.sleep(0.3)
    raise AssertionError(f"{location} stayed {info.get('status')}")


def test_owslib_lists_and_describes_processes(server_url: str) -> None:
    client = Processes(server_url)

    ids = [process["id"] for process in client.processes()]
    described = client.process("hello_world:develop")

    assert {"echo", "hello_world:develop"} <= set(ids)
    assert described["id"] == "hello_world:develop"
    assert described["inputs"]["greeting"]["schema"]["type"] == "string"
    assert "async-execute" in described["jobControlOptions"]


def test_owslib_executes_echo_synchronously(server_url: str) -> None:
    client = Processes(server_url)

    outputs = client.execute("echo", {"echoInput": "hello OWSLib"})

    assert outputs == {"echoOutput": "hello OWSLib"}


def test_owslib_execute_of_a_hysds_job_returns_the_created_job(
    server_url: str,
) -> None:
    client = Processes(server_url)

    # OWSLib asks for respond-sync; HySDS jobs run async: 201 + statusInfo.
    status_info = client.execute("hello_world:develop", {"greeting": "from OWSLib"})
    location = client.response_headers["Location"]

    assert status_info["status"] == "accepted"
    assert location == f"{server_url}/jobs/{status_info['jobID']}"
    finished = _follow(location, "successful")
    results = requests.get(f"{location}/results", timeout=10).json()
    assert results["products"][0]["dataset"] == "hello_world-product"
    assert finished["processID"] == "hello_world:develop"


def test_owslib_async_execute_gets_the_same_answer(server_url: str) -> None:
    client = Processes(server_url)

    status_info = client.execute(
        "hello_world:develop", {"greeting": "async"}, async_=True
    )

    assert status_info["status"] == "accepted"
    _follow(client.response_headers["Location"], "successful")
