# SPDX-License-Identifier: Apache-2.0
"""Query hygiene: what a search body may contain before it reaches a cluster.

Bodies are built by our own code, but parts of them (sort keys, `_source` lists,
paging) come from users. So the search layer refuses scripts of any kind and
runtime mappings (they run code on the cluster), bounds `size` and `from` to the
cluster's default `index.max_result_window` (10000), and checks sort and
`_source` fields against the index mapping, naming the offending field.
"""

from __future__ import annotations

import fnmatch
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from ogc_hysds.backend.errors import BadRequest
from ogc_hysds.backend.throttle import Clock

MAX_RESULT_WINDOW = 10_000
DEFAULT_SIZE = 10

FORBIDDEN_KEYS = frozenset(
    {
        "script",
        "script_score",
        "scripted_metric",
        "script_fields",
        "runtime_mappings",
        "_script",
    }
)

# Fields every document has without being in the mapping.
METADATA_FIELDS = frozenset(
    {"_id", "_index", "_score", "_doc", "_seq_no", "_shard_doc"}
)


def check_body(backend: str, body: Mapping[str, Any]) -> list[str]:
    """Refuse scripts and unbounded paging; return the sort and `_source` fields."""
    for key in _keys(body):
        if key in FORBIDDEN_KEYS:
            raise BadRequest(
                f"{backend}: '{key}' is not allowed in a search", backend=backend
            )
    _check_paging(backend, body)
    return [*sort_fields(body.get("sort")), *source_fields(body.get("_source"))]


def sort_fields(sort: Any) -> list[str]:
    """Field names in a `sort` clause (a name, `{name: order}` or a list of them)."""
    if sort is None:
        return []
    items = sort if isinstance(sort, list) else [sort]
    fields: list[str] = []
    for item in items:
        names = (
            [item]
            if isinstance(item, str)
            else list(item)
            if isinstance(item, dict)
            else []
        )
        # `_geo_distance` and friends name their field inside; the engine checks it.
        fields.extend(name for name in names if not name.startswith("_"))
    return fields


def source_fields(source: Any) -> list[str]:
    """Field names (or patterns) in a `_source` filter."""
    if source is None or isinstance(source, bool):
        return []
    if isinstance(source, str):
        return [source]
    if isinstance(source, list):
        return [str(name) for name in source]
    if isinstance(source, dict):
        return [
            str(name)
            for key in ("includes", "excludes", "include", "exclude")
            for name in _as_list(source.get(key))
        ]
    return []


def mapped_fields(mapping_reply: Mapping[str, Any]) -> frozenset[str]:
    """Every field path (objects and multi-fields included) of a get-mapping reply."""
    fields: set[str] = set()
    for index in mapping_reply.values():
        properties = index.get("mappings", {}).get("properties", {})
        fields.update(_walk(properties, ""))
    return frozenset(fields)


def check_fields(backend: str, fields: Iterable[str], known: frozenset[str]) -> None:
    """Raise `BadRequest` naming the first field the mapping does not know."""
    for field in fields:
        if field in METADATA_FIELDS or field in known:
            continue
        if any(char in field for char in "*?") and fnmatch.filter(known, field):
            continue
        raise BadRequest(f"{backend}: unknown field '{field}'", backend=backend)


class MappingCache:
    """Known fields per index, looked up once per `ttl` seconds."""

    def __init__(
        self, load: Callable[[str], Mapping[str, Any]], *, ttl: float, clock: Clock
    ) -> None:
        self._load = load
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, frozenset[str]]] = {}

    def fields(self, index: str) -> frozenset[str]:
        with self._lock:
            entry = self._entries.get(index)
        if entry is not None and self._clock() - entry[0] < self._ttl:
            return entry[1]
        fields = mapped_fields(self._load(index))
        with self._lock:
            self._entries[index] = (self._clock(), fields)
        return fields

    def forget(self, index: str | None = None) -> None:
        with self._lock:
            if index is None:
                self._entries.clear()
            else:
                self._entries.pop(index, None)


def _check_paging(backend: str, body: Mapping[str, Any]) -> None:
    size = body.get("size", DEFAULT_SIZE)
    start = body.get("from", 0)
    if not isinstance(size, int) or not 0 <= size <= MAX_RESULT_WINDOW:
        raise BadRequest(
            f"{backend}: size must be between 0 and {MAX_RESULT_WINDOW}",
            backend=backend,
        )
    if not isinstance(start, int) or start < 0 or start + size > MAX_RESULT_WINDOW:
        raise BadRequest(
            f"{backend}: from + size must not exceed {MAX_RESULT_WINDOW}",
            backend=backend,
        )


def _keys(node: Any) -> Iterator[str]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            yield str(key)
            yield from _keys(value)
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _keys(item)


def _walk(properties: Mapping[str, Any], prefix: str) -> Iterator[str]:
    for name, spec in properties.items():
        path = f"{prefix}{name}"
        yield path
        for sub in spec.get("fields", {}):
            yield f"{path}.{sub}"
        yield from _walk(spec.get("properties", {}), f"{path}.")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
