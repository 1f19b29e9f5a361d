# SPDX-License-Identifier: Apache-2.0
"""Subscriber callbacks end to end: execute → simulator → notifier → receiver.

The HySDS simulator (a real Celery worker) runs the jobs, the notifier reads
their status from the real OpenSearch and POSTs to a local HTTP receiver
(http.server in a thread). `callbacks_allow_internal` is set, since the
receiver listens on loopback.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from flask import Flask
from flask.testing import FlaskClient
from opensearchpy import OpenSearch

from ogc_hysds.api_parts import api_parts
from ogc_hysds.app import create_app
from ogc_hysds.config import Settings
from ogc_hysds.devstack.simulator import Simulator, Timings, celery_app
from ogc_hysds.devstack.stack import Devstack
from ogc_hysds.processes.notifier import CALLBACK_CONFORMANCE, Notifier, notifier_of
from tests.conftest import devstack_settings

pytestmark = pytest.mark.integration

# A process whose context param `simulate_failure` makes the simulator fail it.
FAIL_CONTAINER = {
    "id": "container-fail_me:v1",
    "url": "s3://code-bucket/container-fail_me-v1.tar.gz",
    "version": "v1",
    "resource": "container",
}
FAIL_JOB_SPEC = {
    "id": "job-fail_me:v1",
    "job-version": "v1",
    "container": "container-fail_me:v1",
    "resource": "jobspec",
    "command": "/home/ops/fail.sh",
    "disk_usage": "1GB",
    "soft_time_limit": 60,
    "time_limit": 120,
    "recommended-queues": ["job_worker-small"],
    "params": [{"name": "simulate_failure", "destination": "context"}],
}
FAIL_HYSDS_IO = {
    "id": "hysds-io-fail_me:v1",
    "job-specification": "job-fail_me:v1",
    "job-version": "v1",
    "resource": "hysds-io-specification",
    "label": "Always fails",
    "submission_type": "individual",
    "enable_dedup": False,
    "params": [{"name": "simulate_failure", "from": "submitter", "type": "boolean"}],
}


@dataclass
class Receiver:
    """Records every POST; answers each path with queued statuses, then 200."""

    url: str
    received: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    answers: dict[str, list[int]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, path: str) -> int:
        with self.lock:
            queued = self.answers.get(path) or []
            return queued.pop(0) if queued else 200

    def bodies(self, path: str) -> list[Any]:
        with self.lock:
            return [body for seen, body in self.received if seen == path]

    def wait_for(self, path: str, count: int = 1, timeout: float = 40) -> list[Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            bodies = self.bodies(path)
            if len(bodies) >= count:
                return bodies
            time.sleep(0.1)
        raise AssertionError(f"{path}: {len(self.bodies(path))} of {count} callbacks")


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"null")
            status = state.answer(self.path)
            with state.lock:
                state.received.append((self.path, body))
            self.send_response(status)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state = Receiver(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def callback_settings(
    devstack: Devstack,
    namespace: str,
    vhost: str,
    mozart_specs: Settings,
    search_client: OpenSearch,
) -> Settings:
    indices = mozart_specs.indices
    for key, doc in (
        ("containers", FAIL_CONTAINER),
        ("job_specs", FAIL_JOB_SPEC),
        ("hysds_ios_grq", FAIL_HYSDS_IO),
    ):
        search_client.index(
            index=indices.name(key), id=doc["id"], body=doc, refresh="true"
        )
    return devstack_settings(
        devstack,
        namespace,
        vhost,
        broker={"jobs_queue": "jobs_processed_callbacks"},
        processes={
            "callbacks_enabled": True,
            "callbacks_allow_internal": True,
            "callbacks_poll_interval": 0.2,
            "callbacks_backoff_initial": 0.3,
            "callbacks_backoff_max": 1.0,
        },
    )


@pytest.fixture(scope="module")
def simulator(callback_settings: Settings) -> Iterator[Simulator]:
    # Long enough running that a 0.2 s poll sees the job running.
    sim = Simulator(callback_settings, Timings(queued=0.5, running=2.0))
    sim.install_templates()
    with start_worker(
        celery_app(sim),
        pool="solo",
        perform_ping_check=False,
        loglevel="WARNING",
        queues=[callback_settings.broker.jobs_queue],
    ):
        yield sim


@pytest.fixture(scope="module")
def app(callback_settings: Settings, simulator: Simulator) -> Iterator[Flask]:
    app = create_app(callback_settings)
    yield app
    notifier = notifier_of(app)
    assert notifier is not None
    notifier.stop()


@pytest.fixture(scope="module")
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def _subscriber(receiver: Receiver, token: str) -> dict[str, str]:
    return {
        "successUri": f"{receiver.url}/{token}/success",
        "inProgressUri": f"{receiver.url}/{token}/progress",
        "failedUri": f"{receiver.url}/{token}/failed",
    }


def _execute(
    client: FlaskClient, process_id: str, inputs: dict[str, Any], token: str, rx: Any
) -> str:
    reply = client.post(
        f"/processes/{process_id}/execution",
        json={"inputs": inputs, "subscriber": _subscriber(rx, token)},
    )
    assert reply.status_code == 201, reply.get_json()
    job_id: str = reply.get_json()["jobID"]
    return job_id


def test_callback_class_is_declared_when_enabled(app: Flask) -> None:
    assert CALLBACK_CONFORMANCE in api_parts(app).conformance
    plain = create_app(callback_settings_without_callbacks(app))
    assert CALLBACK_CONFORMANCE not in api_parts(plain).conformance
    assert notifier_of(plain) is None


def callback_settings_without_callbacks(app: Flask) -> Settings:
    settings: Settings = app.extensions["ogc_hysds"].settings
    processes = settings.processes.model_copy(update={"callbacks_enabled": False})
    return settings.model_copy(update={"processes": processes})


def test_success_and_in_progress_callbacks_carry_status_info(
    client: FlaskClient, receiver: Receiver
) -> None:
    token = uuid.uuid4().hex
    job_id = _execute(
        client, "hello_world:develop", {"greeting": "call me"}, token, receiver
    )

    running = receiver.wait_for(f"/{token}/progress")[0]
    success = receiver.wait_for(f"/{token}/success")[0]

    assert running["jobID"] == job_id and running["status"] == "running"
    assert success == client.get(f"/jobs/{job_id}").get_json()
    assert any(link["rel"].endswith("/results") for link in success["links"])
    time.sleep(1)  # nothing more is owed once the success was acknowledged
    assert len(receiver.bodies(f"/{token}/success")) == 1
    assert receiver.bodies(f"/{token}/failed") == []


def test_failed_job_is_announced_on_failed_uri(
    client: FlaskClient, receiver: Receiver
) -> None:
    token = uuid.uuid4().hex
    job_id = _execute(client, "fail_me:v1", {"simulate_failure": True}, token, receiver)

    failed = receiver.wait_for(f"/{token}/failed")[0]

    assert failed["jobID"] == job_id
    assert failed["status"] == "failed"
    assert failed["message"] == "simulated failure"
    assert receiver.bodies(f"/{token}/success") == []


def test_callback_is_retried_until_acknowledged(
    client: FlaskClient, receiver: Receiver, search_client: OpenSearch, app: Flask
) -> None:
    token = uuid.uuid4().hex
    receiver.answers[f"/{token}/success"] = [500, 500]

    job_id = _execute(client, "hello_world:develop", {"greeting": "x"}, token, receiver)
    bodies = receiver.wait_for(f"/{token}/success", count=3)

    assert {body["status"] for body in bodies} == {"successful"}
    # The receiver may answer before the notifier has recorded the answer.
    _wait(lambda: _stored(search_client, app, job_id)["done"])
    stored = _stored(search_client, app, job_id)
    assert stored["delivered"][-1] == "successful"
    assert stored["done"] is True and stored["abandoned"] == []
    time.sleep(1)
    assert len(receiver.bodies(f"/{token}/success")) == 3


def _wait(condition: Callable[[], Any], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition never met"
        time.sleep(0.1)


def _stored(search_client: OpenSearch, app: Flask, job_id: str) -> dict[str, Any]:
    settings: Settings = app.extensions["ogc_hysds"].settings
    index = settings.indices.name("ogc_callbacks")
    doc: dict[str, Any] = search_client.get(index=index, id=job_id)["_source"]
    return doc


@pytest.fixture
def quiet(app: Flask) -> None:
    """The tests below drive their own notifiers: stop the in-server loop."""
    notifier = notifier_of(app)
    assert notifier is not None
    notifier.stop()


def _standalone(settings: Settings) -> tuple[Flask, Notifier]:
    processes = settings.processes.model_copy(
        update={
            "callbacks_in_server": False,
            # Long pauses: the test drives the scans itself.
            "callbacks_backoff_initial": 1.0,
            "callbacks_backoff_max": 1.0,
        }
    )
    app = create_app(settings.model_copy(update={"processes": processes}))
    notifier = notifier_of(app)
    assert notifier is not None
    return app, notifier


def _scan_until(
    notifiers: list[Notifier], done: Callable[[], bool], timeout: float = 40
) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "condition never met"
        for notifier in notifiers:
            notifier.run_once()
        time.sleep(0.1)


def test_restarted_notifier_resumes_from_stored_state(
    callback_settings: Settings,
    simulator: Simulator,
    receiver: Receiver,
    search_client: OpenSearch,
    quiet: None,
) -> None:
    token = uuid.uuid4().hex
    path = f"/{token}/success"
    receiver.answers[path] = [500]
    app, first = _standalone(callback_settings)
    # Only success is asked for, so the running state owes nothing.
    reply = app.test_client().post(
        "/processes/hello_world:develop/execution",
        json={
            "inputs": {"greeting": "r"},
            "subscriber": {"successUri": receiver.url + path},
        },
    )
    job_id = reply.get_json()["jobID"]

    # The first notifier's attempt fails ...
    _scan_until([first], lambda: len(receiver.bodies(path)) == 1)
    before = _stored(search_client, app, job_id)
    assert before["pending"] == "successful" and before["attempts"] == 1
    assert before["last_error"]

    # ... and a brand-new one, sharing nothing but OpenSearch, finishes the job.
    _, second = _standalone(callback_settings)
    _scan_until([second], lambda: _stored(search_client, app, job_id)["done"])

    after = _stored(search_client, app, job_id)
    assert after["delivered"] == ["successful"]
    assert len(receiver.bodies(path)) == 2


def test_concurrent_notifiers_deliver_once(
    callback_settings: Settings,
    simulator: Simulator,
    receiver: Receiver,
    search_client: OpenSearch,
    quiet: None,
) -> None:
    token = uuid.uuid4().hex
    path = f"/{token}/success"
    app, first = _standalone(callback_settings)
    _, second = _standalone(callback_settings)
    reply = app.test_client().post(
        "/processes/hello_world:develop/execution",
        json={
            "inputs": {"greeting": "c"},
            "subscriber": {"successUri": receiver.url + path},
        },
    )
    job_id = reply.get_json()["jobID"]

    def both_scan() -> None:
        threads = [threading.Thread(target=n.run_once) for n in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    deadline = time.monotonic() + 40
    while not _stored_or_none(search_client, app, job_id).get("done"):
        assert time.monotonic() < deadline
        both_scan()
        time.sleep(0.05)
    both_scan()
    assert len(receiver.bodies(path)) == 1


def _stored_or_none(
    search_client: OpenSearch, app: Flask, job_id: str
) -> dict[str, Any]:
    try:
        return _stored(search_client, app, job_id)
    except Exception:
        return {}


def test_internal_targets_are_refused_by_default(
    callback_settings: Settings,
    simulator: Simulator,
    receiver: Receiver,
    search_client: OpenSearch,
    quiet: None,
) -> None:
    token = uuid.uuid4().hex
    path = f"/{token}/success"
    processes = callback_settings.processes.model_copy(
        update={"callbacks_allow_internal": False}
    )
    strict = callback_settings.model_copy(update={"processes": processes})
    app, notifier = _standalone(strict)
    reply = app.test_client().post(
        "/processes/hello_world:develop/execution",
        json={
            "inputs": {"greeting": "s"},
            "subscriber": {"successUri": receiver.url + path},
        },
    )
    job_id = reply.get_json()["jobID"]

    _scan_until(
        [notifier],
        lambda: _stored_or_none(search_client, app, job_id).get("done", False),
    )

    stored = _stored(search_client, app, job_id)
    assert stored["abandoned"] == ["successful"]
    assert "internal address" in stored["last_error"]
    assert receiver.bodies(path) == []
