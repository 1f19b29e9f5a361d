# SPDX-License-Identifier: Apache-2.0
"""Shared fixtures: the real devstack, and a namespace of our own per test run.

Integration tests talk to the devstack's real OpenSearch and RabbitMQ on loopback
(`ogc-hysds devstack up`; the `devstack` fixture starts it when it is not running).
A missing service is an error, never a skip. Each test module of each run gets its
own index namespace and RabbitMQ vhost, so neither parallel runs nor the modules
of one run see each other's data.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from opensearchpy import OpenSearch

from ogc_hysds.config import Settings, settings_from_dict
from ogc_hysds.devstack.stack import Devstack, default_root


@pytest.fixture(scope="session")
def devstack() -> Devstack:
    stack = Devstack()
    stack.up()
    return stack


@pytest.fixture(scope="session")
def run_id() -> str:
    return uuid.uuid4().hex[:8]


def module_tag(request: pytest.FixtureRequest) -> str:
    """A short tag naming the test module that asked for a fixture."""
    return hashlib.sha1(request.module.__name__.encode()).hexdigest()[:4]


@pytest.fixture(scope="module")
def vhost(
    devstack: Devstack, run_id: str, request: pytest.FixtureRequest
) -> Iterator[str]:
    """A RabbitMQ vhost for this test module, removed afterwards."""
    name = f"test-{run_id}-{module_tag(request)}"
    admin = devstack.rabbitmq.admin_url
    auth = ("guest", "guest")
    requests.put(f"{admin}/api/vhosts/{name}", auth=auth, timeout=10).raise_for_status()
    requests.put(
        f"{admin}/api/permissions/{name}/guest",
        json={"configure": ".*", "write": ".*", "read": ".*"},
        auth=auth,
        timeout=10,
    ).raise_for_status()
    yield name
    requests.delete(f"{admin}/api/vhosts/{name}", auth=auth, timeout=10)


def devstack_settings(
    devstack: Devstack, namespace: str, vhost: str, **overrides: Any
) -> Settings:
    raw: dict[str, Any] = devstack.settings_overrides()
    raw["broker"]["url"] = raw["broker"]["url"].rsplit("/", 1)[0] + f"/{vhost}"
    raw["indices"] = {"namespace": namespace}
    for key, value in overrides.items():
        raw.setdefault(key, {}).update(value)
    return settings_from_dict(raw)


@pytest.fixture(scope="module")
def namespace(
    devstack: Devstack, run_id: str, request: pytest.FixtureRequest
) -> Iterator[str]:
    """Index-name prefix for this test module; its indices go afterwards."""
    prefix = f"t{run_id}{module_tag(request)}_"
    yield prefix
    client = OpenSearch(hosts=[devstack.opensearch.url])
    client.indices.delete(
        index=f"{prefix}*",
        params={"expand_wildcards": "all", "ignore_unavailable": "true"},
    )
    templates = client.indices.get_index_template()["index_templates"]
    for template in templates:
        if template["name"].startswith(prefix):
            client.indices.delete_index_template(name=template["name"])


@pytest.fixture(scope="module")
def settings(devstack: Devstack, namespace: str, vhost: str) -> Settings:
    return devstack_settings(devstack, namespace, vhost)


@pytest.fixture(scope="session")
def search_client(devstack: Devstack) -> OpenSearch:
    """A plain client for test set-up and for checking what reached the backend."""
    return OpenSearch(hosts=[devstack.opensearch.url])


def dedicated_devstack(
    root: Path, name: str, *, opensearch_port: int, amqp_port: int, admin_port: int
) -> Devstack:
    """A devstack of a test's own, for tests that stop or break a backend.

    It reuses the jars Maven laid out for the shared devstack, and its ports
    and node name keep it apart from the shared one.
    """
    shared_jars = default_root() / "opensearch" / "lib"
    if shared_jars.is_dir():
        (root / "opensearch").mkdir(parents=True, exist_ok=True)
        (root / "opensearch" / "lib").symlink_to(shared_jars)
    return Devstack(
        root=root,
        opensearch_port=opensearch_port,
        amqp_port=amqp_port,
        admin_port=admin_port,
        nodename=f"ogc-hysds-{name}@localhost",
    )
