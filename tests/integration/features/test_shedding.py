# SPDX-License-Identifier: Apache-2.0
"""Overload is shed before it reaches GRQ: a client past the rate gets a 503."""

from __future__ import annotations

import pytest

from ogc_hysds.app import create_app
from ogc_hysds.devstack.stack import Devstack
from tests.conftest import devstack_settings

pytestmark = pytest.mark.integration


def test_calls_past_the_rate_are_shed_with_503_and_retry_after(
    devstack: Devstack, namespace: str, vhost: str, grq_products: int
) -> None:
    # One token, refilled every 10 s, and no waiting for a slot.
    settings = devstack_settings(
        devstack,
        namespace,
        vhost,
        backends={"grq": {"rate": 0.1, "burst": 1, "acquire_timeout": 0}},
    )
    client = create_app(settings).test_client()
    statuses = []
    for _ in range(5):
        response = client.get("/collections/grq/items?limit=1")
        statuses.append(response.status_code)
        if response.status_code == 503:
            shed = response

    assert 200 not in statuses[1:]
    assert set(statuses) <= {200, 503}
    assert shed.mimetype == "application/problem+json"
    assert int(shed.headers["Retry-After"]) >= 1
    assert shed.get_json()["status"] == 503
