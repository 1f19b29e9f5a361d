# SPDX-License-Identifier: Apache-2.0
"""OWSLib's OGC API Features client against a real served app (werkzeug thread)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from owslib.ogcapi.features import Features
from werkzeug.serving import make_server

from ogc_hysds.app import create_app
from ogc_hysds.devstack.stack import Devstack
from tests.conftest import devstack_settings
from tests.integration.features.conftest import grq_products  # noqa: F401

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server_url(
    devstack: Devstack,
    namespace: str,
    vhost: str,
    grq_products: int,  # noqa: F811
) -> Iterator[str]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    settings = devstack_settings(devstack, namespace, vhost, server={"url": url})
    server = make_server("127.0.0.1", port, create_app(settings), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url
    server.shutdown()
    thread.join(timeout=5)


def test_owslib_lists_collections_and_items(server_url: str, grq_products: int) -> None:  # noqa: F811
    client = Features(server_url)
    collection_ids = [c["id"] for c in client.collections()["collections"]]
    assert "grq" in collection_ids
    assert (
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
        in (client.conformance()["conformsTo"])
    )
    items = client.collection_items("grq", limit=5, bbox=[-123, 38, -121, 39])
    assert "AOI_sacramento_valley" in {f["id"] for f in items["features"]}
    queryables = client.collection_queryables("grq")
    assert "dataset" in queryables["properties"]


def test_owslib_gets_one_item(server_url: str) -> None:
    client = Features(server_url)
    item = client.collection_item("grq", "AOI_sacramento_valley")
    assert item["properties"]["dataset"] == "area_of_interest"
