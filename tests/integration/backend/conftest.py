# SPDX-License-Identifier: Apache-2.0
"""Dedicated OpenSearch and RabbitMQ nodes for fault injection, and a TCP proxy.

Fault tests stop, freeze and restart backends, so they never touch the shared
devstack: they start their own nodes on other ports (the OpenSearch jars are
linked from the shared devstack's folder when it has them) and stop them at the
end of the session.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask, jsonify

from ogc_hysds.app import create_app
from ogc_hysds.config import Settings, settings_from_dict
from ogc_hysds.devstack.stack import Devstack
from ogc_hysds.state import server_state
from tests.conftest import dedicated_devstack

OPENSEARCH_PORT = 9270
PROXY_PORT = 9271
AMQP_PORT = 5692
ADMIN_PORT = 15692
NAMESPACE = "faults_"

# Short enough that every fault test ends in seconds.
POLICY = {
    "attempts": 3,
    "backoff_initial": 0.1,
    "backoff_max": 0.4,
    "deadline": 3.0,
    "acquire_timeout": 0.5,
    "breaker_failures": 4,
    "breaker_cooldown": 2.0,
}
CLIENT_TIMEOUT = 1.0


@pytest.fixture(scope="package")
def fault_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Devstack]:
    stack = dedicated_devstack(
        tmp_path_factory.mktemp("faults"),
        "faults",
        opensearch_port=OPENSEARCH_PORT,
        amqp_port=AMQP_PORT,
        admin_port=ADMIN_PORT,
    )
    try:
        stack.up()
        yield stack
    finally:
        stack.down()


def fault_settings(
    stack: Devstack, *, grq_url: str | None = None, **policy: Any
) -> Settings:
    """Settings for the dedicated nodes, with short timeouts and policies."""
    raw: dict[str, Any] = stack.settings_overrides()
    raw["grq"]["url"] = grq_url or stack.opensearch.url
    raw["grq"]["timeout"] = CLIENT_TIMEOUT
    raw["mozart"]["timeout"] = CLIENT_TIMEOUT
    raw["indices"] = {"namespace": NAMESPACE}
    raw["backends"] = {
        name: {**POLICY, **policy} for name in ("grq", "mozart", "broker")
    }
    return settings_from_dict(raw)


def fault_app(settings: Settings) -> Flask:
    """The real app plus one test-only route that searches GRQ through the adapter."""
    app = create_app(settings)

    def search() -> Any:
        grq = server_state(app).backends.grq
        index = settings.indices.name("grq_alias")
        return jsonify(grq.search(index, {"query": {"match_all": {}}}))

    app.add_url_rule("/test/search", "test_search", search)
    return app


def wait_until(check: Callable[[], object], timeout: float) -> float:
    """Call `check` until it stops raising; return the seconds it took."""
    started = time.monotonic()
    while True:
        try:
            check()
            return time.monotonic() - started
        except Exception:
            if time.monotonic() - started > timeout:
                raise
            time.sleep(0.2)


class TcpProxy:
    """Forwards a local port to a backend; `close()` makes the port refuse."""

    def __init__(self, port: int, target: tuple[str, int]) -> None:
        self.port = port
        self.target = target
        self._server: socket.socket | None = None
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()

    def open(self) -> None:
        server = socket.create_server(("127.0.0.1", self.port), reuse_port=True)
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def close(self) -> None:
        """Stop listening and cut every forwarded connection."""
        if self._server is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone
            # would leave the kernel socket listening until that call returns.
            _shut(self._server)
            self._server = None
        with self._lock:
            for sock in self._open:
                _shut(sock)
            self._open.clear()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=2)
            except OSError:
                _shut(client)
                continue
            upstream.settimeout(None)
            with self._lock:
                self._open += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        _shut(sink)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


@pytest.fixture
def proxy(fault_stack: Devstack) -> Iterator[TcpProxy]:
    forward = TcpProxy(PROXY_PORT, ("127.0.0.1", OPENSEARCH_PORT))
    forward.open()
    yield forward
    forward.close()
