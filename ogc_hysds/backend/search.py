# SPDX-License-Identifier: Apache-2.0
"""Search backend: one pooled opensearch-py client per cluster per process.

Every method goes through `_call`, which hands the call to the backend's
`BackendAdapter` (throttle, breaker, retries, classification into `NotFound` /
`BadRequest` / `Unavailable`). Request bodies are raw JSON built by our own code,
so one class serves OpenSearch and Elasticsearch 7.10-compatible clusters alike;
`search` applies the query hygiene of `backend.query` and refuses to pass partial
results off as complete.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from typing import Any, TypeVar

from opensearchpy import JSONSerializer, OpenSearch, helpers
from opensearchpy import exceptions as os_errors

from ogc_hysds import jsonio
from ogc_hysds.backend import query
from ogc_hysds.backend.adapter import BackendAdapter
from ogc_hysds.backend.errors import BadRequest, Unavailable
from ogc_hysds.backend.observe import BackendObserver
from ogc_hysds.backend.throttle import Clock, Sleep
from ogc_hysds.config import BackendPolicy, SearchClusterSettings

T = TypeVar("T")

# HySDS's own searches add these so a missing daily index is not an error.
_LENIENT = {"ignore_unavailable": "true", "allow_no_indices": "true"}

# Set on a search response that lacks some shards' hits, under `partial_results: flag`.
PARTIAL_MARKER = "_partial"

MAPPING_TTL = 300.0


class SearchBackend:
    """GRQ's or Mozart's search cluster."""

    def __init__(
        self,
        name: str,
        cluster: SearchClusterSettings,
        policy: BackendPolicy,
        *,
        namespace: str = "",
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
        observer: BackendObserver | None = None,
    ) -> None:
        """`namespace`, when set, is the prefix every index name must carry."""
        self.name = name
        self.cluster = cluster
        self.policy = policy
        self.namespace = namespace
        auth = (cluster.username, cluster.password) if cluster.username else None
        # The adapter retries; the client must not retry on its own as well.
        self.client = OpenSearch(
            hosts=[str(cluster.url)],
            http_auth=auth,
            verify_certs=cluster.verify_certs,
            timeout=cluster.timeout,
            max_retries=0,
            retry_on_timeout=False,
            pool_maxsize=policy.max_in_flight,
            serializer=_FastDecoding(),
        )
        self.adapter = BackendAdapter(
            name,
            policy,
            timeout=cluster.timeout,
            clock=clock,
            sleep=sleep,
            observer=observer,
        )
        self._fields = query.MappingCache(self.mapping, ttl=MAPPING_TTL, clock=clock)

    def ping(self) -> dict[str, Any]:
        """Cluster health; raises `Unavailable` when the cluster cannot answer."""
        health = self._call(
            "health",
            lambda timeout: self.client.cluster.health(params=_timeout(timeout)),
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
        """Run a search body; the raw response (hits, aggregations) is returned.

        Raises `BadRequest` for scripts, paging beyond 10000 hits or unknown sort
        and `_source` fields. A response missing some shards raises `Unavailable`,
        or, under `partial_results: flag`, carries `response["_partial"] = True`.
        """
        self._check_index(index)
        self.check_fields(index, query.check_body(self.name, body))
        merged = {**_LENIENT, **(params or {})}
        response = self._call(
            operation,
            lambda timeout: self.client.search(
                index=index, body=dict(body), params={**merged, **_timeout(timeout)}
            ),
        )
        return check_partial(
            self.name, operation, response, self.policy.partial_results
        )

    def msearch(
        self,
        index: str,
        bodies: Sequence[Mapping[str, Any]],
        *,
        operation: str = "msearch",
    ) -> list[dict[str, Any]]:
        """Run several search bodies on `index` in one call; one response each.

        The bodies pass the same checks as `search`, and the whole batch is one
        call through the adapter: one token, one retry unit. A body the cluster
        refuses raises `BadRequest`; a response missing shards is handled as
        in `search`.
        """
        self._check_index(index)
        for body in bodies:
            self.check_fields(index, query.check_body(self.name, body))
        lines: list[Mapping[str, Any]] = []
        for body in bodies:
            lines += [{"index": index, **_LENIENT}, body]
        reply = self._call(
            operation,
            lambda timeout: self.client.msearch(body=lines, params=_timeout(timeout)),
        )
        return [
            check_partial(
                self.name,
                operation,
                _msearch_item(self.name, item),
                self.policy.partial_results,
            )
            for item in reply["responses"]
        ]

    def check_fields(self, index: str, fields: Iterable[str]) -> None:
        """Raise `BadRequest` naming a field the index mapping does not know.

        Mappings are cached for a few minutes. When no index matches yet (a missing
        daily index) there is nothing to check against and nothing to find.
        """
        fields = list(fields)
        if not fields:
            return
        known = self._fields.fields(index)
        if known:
            query.check_fields(self.name, fields, known)

    def count(self, index: str, body: Mapping[str, Any] | None = None) -> int:
        self._check_index(index)
        reply = self._call(
            "count",
            lambda timeout: self.client.count(
                index=index,
                body=dict(body or {}),
                params={**_LENIENT, **_timeout(timeout)},
            ),
        )
        return int(reply["count"])

    def get(self, index: str, doc_id: str) -> dict[str, Any]:
        """A document's `_source` by id; raises `NotFound`."""
        self._check_index(index)
        reply = self._call(
            "get",
            lambda timeout: self.client.get(
                index=index, id=doc_id, params=_timeout(timeout)
            ),
        )
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
        self._check_index(index)
        params = {"refresh": "wait_for"} if refresh else {}
        self._call(
            "index",
            lambda timeout: self.client.index(
                index=index,
                id=doc_id,
                body=dict(document),
                params={**params, **_timeout(timeout)},
            ),
        )

    def delete(self, index: str, doc_id: str) -> None:
        self._check_index(index)
        self._call(
            "delete",
            lambda timeout: self.client.delete(
                index=index, id=doc_id, params=_timeout(timeout)
            ),
        )

    def bulk_index(
        self, actions: Iterable[Mapping[str, Any]], *, chunk_size: int = 1000
    ) -> int:
        """Index many documents (each action names `_index`, `_id`, `_source`).

        Each chunk is one call through the adapter, so a retry resends exactly the
        chunk that failed. Documents the cluster refuses raise opensearch-py's
        `helpers.BulkIndexError` unchanged, with the per-document errors.
        """
        done = 0
        for chunk in itertools.batched(actions, chunk_size):
            for action in chunk:
                self._check_index(str(action.get("_index", "")))
            done += self._call("bulk", partial(self._bulk_chunk, chunk))
        return done

    def _bulk_chunk(self, chunk: Sequence[Mapping[str, Any]], timeout: float) -> int:
        done, _ = helpers.bulk(
            self.client, chunk, chunk_size=len(chunk), request_timeout=timeout
        )
        return int(done)

    def ensure_index(self, index: str, body: Mapping[str, Any]) -> bool:
        """Create `index` with `body` (settings, mappings) unless it exists.

        Idempotent and safe when several servers start at once: losing the race
        to create it counts as success. Returns True when this call created it.
        """
        self._check_index(index)
        return self._call("ensure_index", partial(self._create, index, dict(body)))

    def _create(self, index: str, body: dict[str, Any], timeout: float) -> bool:
        params = _timeout(timeout)
        if self.client.indices.exists(index=index, params=params):
            return False
        try:
            self.client.indices.create(index=index, body=body, params=params)
        except os_errors.RequestError as err:
            if err.error != "resource_already_exists_exception":
                raise
            return False
        return True

    def mapping(self, index: str) -> dict[str, Any]:
        self._check_index(index)
        return self._call(
            "mapping",
            lambda timeout: self.client.indices.get_mapping(
                index=index, params={**_LENIENT, **_timeout(timeout)}
            ),
        )

    def refresh(self, index: str) -> None:
        self._check_index(index)
        self._call(
            "refresh",
            lambda timeout: self.client.indices.refresh(
                index=index, params=_timeout(timeout)
            ),
        )

    def _call(self, operation: str, call: Callable[[float], T]) -> T:
        return self.adapter.call(operation, call)

    def _check_index(self, index: str) -> None:
        # Index names come from settings; one outside our namespace is our bug.
        names = [name.strip().lstrip("-") for name in index.split(",")]
        stray = [name for name in names if not name.startswith(self.namespace)]
        if stray:
            raise ValueError(
                f"index {stray[0]!r} is outside namespace {self.namespace!r}"
            )


def check_partial(
    backend: str, operation: str, response: dict[str, Any], mode: str
) -> dict[str, Any]:
    """Refuse (`mode="unavailable"`) or mark (`"flag"`) a response missing shards.

    A search that timed out or lost shards returns HTTP 200 with fewer hits than
    exist; passing it on as complete would make a client believe a page is the
    whole answer.
    """
    shards = response.get("_shards") or {}
    failed = int(shards.get("failed", 0))
    total = int(shards.get("total", 0))
    # `successful` includes skipped shards. A shard with no copy on any live
    # node is neither successful nor failed: only the total shows it.
    missing = max(total - int(shards.get("successful", total)) - failed, 0)
    if not response.get("timed_out") and failed == 0 and missing == 0:
        return response
    refusal = _query_refusal(shards.get("failures") or []) if not missing else None
    if refusal is not None:
        # Every failed shard refused the query itself (a value its field
        # cannot hold): that is the caller's error, not a partial outage.
        raise BadRequest(f"{backend}: {refusal}", backend=backend)
    if mode == "flag":
        response[PARTIAL_MARKER] = True
        return response
    raise Unavailable(
        f"{backend} {operation}: partial results "
        f"({failed + missing} of {total} shards failed or unavailable)",
        backend=backend,
    )


def _msearch_item(backend: str, item: dict[str, Any]) -> dict[str, Any]:
    """One response of a multi-search; its own error raised as the classes do."""
    error = item.get("error")
    if error is None:
        return item
    reason = error.get("root_cause", [error])[0] if isinstance(error, dict) else {}
    message = f"{backend}: {reason.get('reason') or error}"
    if reason.get("type") in _QUERY_ERRORS or int(item.get("status", 0)) == 400:
        raise BadRequest(message, backend=backend)
    raise Unavailable(message, backend=backend)


# Shard failure types that mean "this query is wrong", whatever the cluster state.
_QUERY_ERRORS = frozenset(
    {
        "query_shard_exception",
        "search_parse_exception",
        "parse_exception",
        "number_format_exception",
        "illegal_argument_exception",
    }
)


def _query_refusal(failures: list[dict[str, Any]]) -> str | None:
    """The reason to show when every shard failure is a refused query, else None."""
    reasons = [failure.get("reason") or {} for failure in failures]
    if not reasons or any(r.get("type") not in _QUERY_ERRORS for r in reasons):
        return None
    return str(reasons[0].get("reason") or "the query was refused")


class _FastDecoding(JSONSerializer):
    """opensearch-py's serializer, decoding responses with orjson.

    Request bodies are small; a page of hits is not (see `ogc_hysds.jsonio`).
    """

    def loads(self, s: str) -> Any:
        return jsonio.loads(s)


def _timeout(seconds: float) -> dict[str, Any]:
    # opensearch-py takes a per-request timeout from `params`; it never reaches
    # the cluster as a query parameter.
    return {"request_timeout": seconds}
