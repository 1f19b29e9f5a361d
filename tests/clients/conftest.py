# SPDX-License-Identifier: Apache-2.0
"""The app served over real HTTP (werkzeug in a thread) for third-party clients.

Every request path and query string is recorded, so tests can tell what a
client pushed to the server (a bbox, paging tokens) from what it did itself.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
from werkzeug.serving import make_server

from ogc_hysds.app import create_app
from ogc_hysds.devstack.stack import Devstack
from tests.conftest import devstack_settings
from tests.integration.features.conftest import grq_products  # noqa: F401

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass
class Served:
    """A running server: its base URL and the requests it has answered."""

    url: str
    requests: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)

    def items_requests(self, collection_id: str) -> list[dict[str, list[str]]]:
        path = f"/collections/{collection_id}/items"
        return [query for seen, query in self.requests if seen == path]

    def get(self, path: str) -> Any:
        response = requests.get(f"{self.url}{path}", timeout=30)
        response.raise_for_status()
        return response.json()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _recording(app: WsgiApp, served: Served) -> WsgiApp:
    def wrapped(environ: dict[str, Any], start: Callable[..., Any]) -> Iterable[bytes]:
        query = parse_qs(environ.get("QUERY_STRING", ""))
        served.requests.append((environ.get("PATH_INFO", ""), query))
        return app(environ, start)

    return wrapped


@pytest.fixture(scope="module")
def served(
    devstack: Devstack,
    namespace: str,
    vhost: str,
    grq_products: int,  # noqa: F811
) -> Iterator[Served]:
    port = free_port()
    result = Served(f"http://127.0.0.1:{port}")
    settings = devstack_settings(devstack, namespace, vhost, server={"url": result.url})
    app = _recording(create_app(settings), result)
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield result
    server.shutdown()
    thread.join(timeout=5)
