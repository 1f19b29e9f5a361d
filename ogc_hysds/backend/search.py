# SPDX-License-Identifier: Apache-2.0
"""Search backend: one pooled opensearch-py client per cluster per process."""

from __future__ import annotations

from typing import Any

from opensearchpy import OpenSearch
from opensearchpy import exceptions as os_errors

from ogc_hysds.backend.errors import Unavailable
from ogc_hysds.config import BackendPolicy, SearchClusterSettings


class SearchBackend:
    """GRQ's or Mozart's search cluster."""

    def __init__(
        self, name: str, cluster: SearchClusterSettings, policy: BackendPolicy
    ) -> None:
        self.name = name
        self.cluster = cluster
        self.policy = policy
        auth = (cluster.username, cluster.password) if cluster.username else None
        self.client = OpenSearch(
            hosts=[str(cluster.url)],
            http_auth=auth,
            verify_certs=cluster.verify_certs,
            timeout=cluster.timeout,
            max_retries=0,
        )

    def ping(self) -> dict[str, Any]:
        """Cluster health; raises `Unavailable` when the cluster cannot answer."""
        try:
            health: dict[str, Any] = self.client.cluster.health(
                params={"timeout": "2s"}, request_timeout=3
            )
        except (os_errors.ConnectionError, os_errors.TransportError) as err:
            raise Unavailable(f"{self.name} search: {err}", backend=self.name) from err
        if health.get("status") == "red":
            raise Unavailable(f"{self.name} cluster status red", backend=self.name)
        return health
