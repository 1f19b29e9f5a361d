# SPDX-License-Identifier: Apache-2.0
"""Search backend: one pooled opensearch-py client per cluster per process.

Every method goes through `_call`, the single place where a call is throttled,
retried and classified into `NotFound` / `BadRequest` / `Unavailable`. Request
bodies are raw JSON built by our own code (never passed through from users), so
one class serves OpenSearch and Elasticsearch 7.10-compatible clusters alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from opensearchpy import OpenSearch, helpers
from opensearchpy import exceptions as os_errors

from ogc_hysds.backend.errors import BadRequest, NotFound, Unavailable
from ogc_hysds.config import BackendPolicy, SearchClusterSettings

T = TypeVar("T")

# HySDS's own searches add these so a missing daily index is not an error.
_LENIENT = {"ignore_unavailable": "true", "allow_no_indices": "true"}


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
            pool_maxsize=policy.max_in_flight,
        )

    def ping(self) -> dict[str, Any]:
        """Cluster health; raises `Unavailable` when the cluster cannot answer."""
        health = self._call(
            "health",
            lambda: self.client.cluster.health(),
        )
        if health.get("status") == "red":
            raise Unavailable(f"{self.name} cluster status red", backend=self.name)
        return health

    def search(
        self,
        index: str,
        body: Mapping[str, Any],
        *,
        operation: str = "search",
        params: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """Run a search body; the raw response (hits, aggregations) is returned."""
        merged = {**_LENIENT, **(params or {})}
        return self._call(
            operation,
            lambda: self.client.search(index=index, body=dict(body), params=merged),
        )

    def count(self, index: str, body: Mapping[str, Any] | None = None) -> int:
        reply = self._call(
            "count",
            lambda: self.client.count(index=index, body=dict(body or {}), params=_LENIENT),
        )
        return int(reply["count"])

    def get(self, index: str, doc_id: str) -> dict[str, Any]:
        """A document's `_source` by id; raises `NotFound`."""
        reply = self._call("get", lambda: self.client.get(index=index, id=doc_id))
        source: dict[str, Any] = reply["_source"]
        return source

    def index(
        self,
        index: str,
        doc_id: str,
        document: Mapping[str, Any],
        *,
        refresh: bool = False,
    ) -> None:
        params = {"refresh": "wait_for"} if refresh else {}
        self._call(
            "index",
            lambda: self.client.index(
                index=index, id=doc_id, body=dict(document), params=params
            ),
        )

    def delete(self, index: str, doc_id: str) -> None:
        self._call("delete", lambda: self.client.delete(index=index, id=doc_id))

    def bulk_index(
        self, actions: Iterable[Mapping[str, Any]], *, chunk_size: int = 1000
    ) -> int:
        """Index many documents (each action names `_index`, `_id`, `_source`)."""

        def run() -> int:
            done, _ = helpers.bulk(self.client, actions, chunk_size=chunk_size)
            return int(done)

        return self._call("bulk", run)

    def mapping(self, index: str) -> dict[str, Any]:
        return self._call("mapping", lambda: self.client.indices.get_mapping(index=index))

    def refresh(self, index: str) -> None:
        self._call("refresh", lambda: self.client.indices.refresh(index=index))

    def _call(self, operation: str, call: Callable[[], T]) -> T:
        try:
            return call()
        except os_errors.NotFoundError as err:
            raise NotFound(f"{self.name}: not found", backend=self.name) from err
        except os_errors.RequestError as err:
            raise BadRequest(f"{self.name}: {err.error}", backend=self.name) from err
        except (os_errors.ConnectionError, os_errors.TransportError) as err:
            raise Unavailable(
                f"{self.name} {operation}: {type(err).__name__}", backend=self.name
            ) from err
