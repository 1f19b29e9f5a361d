# SPDX-License-Identifier: Apache-2.0
"""The two ways to run the server, as an operator would: CLI and gunicorn."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from ogc_hysds.devstack.stack import Devstack

pytestmark = pytest.mark.integration

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def environment(devstack: Devstack, namespace: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "OGC_HYSDS_GRQ__URL": devstack.opensearch.url,
            "OGC_HYSDS_MOZART__URL": devstack.opensearch.url,
            "OGC_HYSDS_BROKER__URL": devstack.rabbitmq.amqp_url,
            "OGC_HYSDS_BROKER__ADMIN_URL": devstack.rabbitmq.admin_url,
            "OGC_HYSDS_INDICES__NAMESPACE": namespace,
        }
    )
    return env


def wait_for_health(url: str, process: subprocess.Popen[bytes]) -> requests.Response:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "server exited during start-up"
        try:
            return requests.get(f"{url}/health", timeout=5)
        except requests.ConnectionError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within 30 s")


@pytest.fixture(
    params=[
        pytest.param("cli", id="ogc-hysds serve"),
        pytest.param("gunicorn", id="gunicorn"),
    ]
)
def served(
    request: pytest.FixtureRequest, devstack: Devstack, namespace: str
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    if request.param == "cli":
        command = [str(BIN / "ogc-hysds"), "serve", "--port", str(port)]
    else:
        command = [
            str(BIN / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "ogc_hysds.wsgi:app()",
        ]
    process = subprocess.Popen(
        command,
        env=environment(devstack, namespace),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield f"http://127.0.0.1:{port}", process
    process.terminate()
    process.wait(timeout=30)


def test_served_health_reports_every_backend_ok(
    served: tuple[str, subprocess.Popen[bytes]],
) -> None:
    url, process = served

    reply = wait_for_health(url, process)

    assert reply.status_code == 200
    assert reply.json()["status"] == "ok"
