# SPDX-License-Identifier: Apache-2.0
"""A GRQ cluster that does not answer gives 503 with Retry-After, not a 500."""

from __future__ import annotations

import pytest

from ogc_hysds.app import create_app
from ogc_hysds.devstack.stack import Devstack
from tests.conftest import devstack_settings

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    "url", ["/collections", "/collections/grq/items", "/collections/grq/items/x"]
)
def test_backend_down_is_503_with_retry_after(
    devstack: Devstack, namespace: str, vhost: str, url: str
) -> None:
    settings = devstack_settings(
        devstack,
        namespace,
        vhost,
        grq={"url": "http://127.0.0.1:9", "timeout": 1.0},
        backends={"grq": {"attempts": 1}},
    )
    response = create_app(settings).test_client().get(url)
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) >= 1
