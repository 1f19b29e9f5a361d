# SPDX-License-Identifier: Apache-2.0
"""The allow-list a raw OpenSearch search body must pass to reach GRQ or Mozart.

HySDS users are used to sending search bodies straight to GRQ's and Mozart's
clusters (Tosca, Figaro, `hysds_commons` scripts). The pass-through keeps that,
but only for what cannot hurt the cluster or reach beyond the index we choose:
a fixed set of query clauses with known options, sorts on mapped sortable
fields, bounded page size and nesting, no scripts, no terms lookups or indexed
shapes (they read other indices), no index, routing or preference, no `_source`
of disabled objects and at most a few small `terms` aggregations. Everything is
checked by name, so a rejection names the offending member by its JSON path.

Pure functions, no I/O: the field facts come from the index mapping.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ogc_hysds.backend.query import FORBIDDEN_KEYS as ADAPTER_FORBIDDEN_KEYS
from ogc_hysds.backend.query import MAX_RESULT_WINDOW
from ogc_hysds.hysds.grq_query import QueryError, SortKey

Body = dict[str, Any]
Scalar = str | int | float | bool

MAX_WINDOW = MAX_RESULT_WINDOW

# The adapter refuses code-running keys in every body; user-written bodies may
# not score by function either.
FORBIDDEN_KEYS = ADAPTER_FORBIDDEN_KEYS | {"function_score"}

# Top-level members a body may have; all others are refused by name.
TOP_LEVEL = frozenset(
    {
        "query",
        "sort",
        "size",
        "from",
        "search_after",
        "token",
        "_source",
        "aggs",
        "aggregations",
        "track_total_hits",
    }
)

# The server chooses where a query runs; naming a target is refused outright.
_SERVER_CHOSEN = frozenset({"index", "routing", "preference", "pit", "indices_boost"})

_SORTABLE_TYPES = frozenset(
    {
        "keyword",
        "long",
        "integer",
        "short",
        "byte",
        "double",
        "float",
        "half_float",
        "scaled_float",
        "date",
        "boolean",
    }
)

_AGG_NAME = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")


@dataclass(frozen=True)
class Limits:
    """Bounds of a pass-through query; `max_size` follows the items limit."""

    max_size: int
    default_size: int = 10
    max_depth: int = 10
    max_aggregations: int = 5
    max_aggregation_size: int = 100


@dataclass(frozen=True)
class FieldFacts:
    """What the index mapping says about fields, as the checks need it."""

    known: frozenset[str]
    sortable: frozenset[str]
    disabled: tuple[str, ...] = ()

    def is_disabled(self, name: str) -> bool:
        return any(
            name == path or name.startswith(f"{path}.") for path in self.disabled
        )


@dataclass(frozen=True)
class TermsAggregation:
    field: str
    size: int


@dataclass(frozen=True)
class CheckedQuery:
    """A body that passed the allow-list, in parts the runner reassembles."""

    query: Body | None = None
    sort: tuple[SortKey, ...] = ()
    size: int = 10
    start: int | None = None
    search_after: tuple[Scalar, ...] | None = None
    token: str | None = None
    source: tuple[str, ...] | None = None
    aggregations: dict[str, TermsAggregation] = field(default_factory=dict)


def field_facts(mapping_reply: Mapping[str, Any]) -> FieldFacts:
    """Known, sortable and disabled field paths over every index of a mapping reply."""
    known: set[str] = set()
    sortable: set[str] = set()
    disabled: set[str] = set()
    for index in mapping_reply.values():
        properties = index.get("mappings", {}).get("properties", {})
        for path, spec in _fields(properties, ""):
            known.add(path)
            if spec.get("enabled") is False:
                disabled.add(path)
            if spec.get("type") in _SORTABLE_TYPES:
                sortable.add(path)
    return FieldFacts(frozenset(known), frozenset(sortable), tuple(sorted(disabled)))


def _fields(properties: Mapping[str, Any], prefix: str) -> Iterator[tuple[str, Any]]:
    for name, spec in properties.items():
        path = f"{prefix}{name}"
        yield path, spec
        for sub, sub_spec in spec.get("fields", {}).items():
            yield f"{path}.{sub}", sub_spec
        yield from _fields(spec.get("properties", {}), f"{path}.")


def reject(path: str, message: str) -> QueryError:
    """A 400-bound error whose locator is the JSON path of the offending member."""
    return QueryError(f"{path}: {message}", path)


def check_body(body: Any, facts: FieldFacts, limits: Limits) -> CheckedQuery:
    """Validate a whole search body; raises `QueryError` naming the first offence."""
    if not isinstance(body, dict):
        raise reject("body", "a search body is a JSON object")
    _no_forbidden_keys(body, "body")
    for key in body:
        if key in _SERVER_CHOSEN:
            raise reject(key, "the server chooses where a query runs")
        if key not in TOP_LEVEL:
            raise reject(key, "is not allowed in a pass-through query")

    size = _size(body.get("size"), limits)
    start = _start(body.get("from"), size)
    search_after = _search_after(body.get("search_after"))
    token = _token(body.get("token"))
    if sum(value is not None for value in (start, search_after, token)) > 1:
        raise reject("from", "use only one of from, search_after and token")
    if "track_total_hits" in body and not isinstance(body["track_total_hits"], bool):
        raise reject("track_total_hits", "must be true or false")

    return CheckedQuery(
        query=check_clause(body["query"], "query", 1, limits)
        if "query" in body
        else None,
        sort=check_sort(body.get("sort"), facts),
        size=size,
        start=start,
        search_after=search_after,
        token=token,
        source=_source(body.get("_source"), facts),
        aggregations=_aggregations(body, facts, limits),
    )


def _no_forbidden_keys(node: Any, path: str) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{path}.{key}" if path != "body" else str(key)
            if key in FORBIDDEN_KEYS:
                raise reject(where, "scripts are not allowed")
            _no_forbidden_keys(value, where)
    elif isinstance(node, list):
        for position, item in enumerate(node):
            _no_forbidden_keys(item, f"{path}[{position}]")


def _size(value: Any, limits: Limits) -> int:
    if value is None:
        return limits.default_size
    if not _is_int(value) or not 0 <= value <= limits.max_size:
        raise reject("size", f"must be an integer in 0..{limits.max_size}")
    return int(value)


def _start(value: Any, size: int) -> int | None:
    if value is None:
        return None
    if not _is_int(value) or value < 0 or value + size > MAX_WINDOW:
        raise reject("from", f"from + size must lie in 0..{MAX_WINDOW}; use token")
    return int(value)


def _search_after(value: Any) -> tuple[Scalar, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not value or not all(map(_is_scalar, value)):
        raise reject("search_after", "must be a list of sort values")
    return tuple(value)


def _token(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise reject("token", "must be a token from a next or prev link")
    return value


# --- query clauses ------------------------------------------------------------


def check_clause(node: Any, path: str, depth: int, limits: Limits) -> Body:
    """One query clause and everything under it; returns the sanitized clause."""
    if depth > limits.max_depth:
        raise reject(path, f"queries may nest at most {limits.max_depth} deep")
    if not isinstance(node, dict) or len(node) != 1:
        raise reject(path, "a query clause is an object with exactly one key")
    ((name, spec),) = node.items()
    rule = _CLAUSES.get(name)
    if rule is None:
        raise reject(f"{path}.{name}", f"query clause {name!r} is not allowed")
    return {name: rule(spec, f"{path}.{name}", depth, limits)}


def _bool(spec: Any, path: str, depth: int, limits: Limits) -> Body:
    options = _object(spec, path, _BOOL_OPTIONS)
    checked: Body = {}
    for key, value in options.items():
        if key in _OCCURRENCES:
            children = value if isinstance(value, list) else [value]
            checked[key] = [
                check_clause(child, f"{path}.{key}[{n}]", depth + 1, limits)
                for n, child in enumerate(children)
            ]
        else:
            checked[key] = _scalar(value, f"{path}.{key}")
    return checked


def _nested(spec: Any, path: str, depth: int, limits: Limits) -> Body:
    options = _object(spec, path, {"path", "query", "score_mode", "ignore_unmapped"})
    if not isinstance(options.get("path"), str) or "query" not in options:
        raise reject(path, "nested needs a path and a query")
    checked: Body = {
        key: _scalar(value, f"{path}.{key}")
        for key, value in options.items()
        if key != "query"
    }
    checked["query"] = check_clause(
        options["query"], f"{path}.query", depth + 1, limits
    )
    return checked


def _query_string(spec: Any, path: str, depth: int, limits: Limits) -> Body:
    checked = _whole(_QUERY_STRING_OPTIONS, required="query")(spec, path, depth, limits)
    # A leading wildcard scans every term of the index (hysds.md: Tosca's facet
    # searches never need one); refuse it when asked for, turn it off otherwise.
    if checked.get("allow_leading_wildcard", False) is not False:
        raise reject(f"{path}.allow_leading_wildcard", "must be false")
    checked["allow_leading_wildcard"] = False
    return checked


def _terms(spec: Any, path: str, depth: int, limits: Limits) -> Body:
    options = _object(spec, path, None)
    fields = [key for key in options if key != "boost"]
    if len(fields) != 1:
        raise reject(path, "terms names exactly one field")
    values = options[fields[0]]
    # A terms lookup ({"index", "id", "path"}) would read another index.
    if not isinstance(values, list) or not all(map(_is_scalar, values)):
        raise reject(f"{path}.{fields[0]}", "terms takes a list of values")
    return dict(options)


def _whole(
    allowed: frozenset[str], required: str
) -> Callable[[Any, str, int, Limits], Body]:
    """A clause whose options sit directly in it (exists, ids, multi_match ...)."""

    def check(spec: Any, path: str, depth: int, limits: Limits) -> Body:
        options = _object(spec, path, allowed)
        if required and required not in options:
            raise reject(path, f"needs {required!r}")
        return {key: _plain(value, f"{path}.{key}") for key, value in options.items()}

    return check


def _per_field(
    allowed: frozenset[str],
    *,
    shorthand: bool = True,
    outer: frozenset[str] = frozenset({"boost"}),
    free: frozenset[str] = frozenset(),
) -> Callable[[Any, str, int, Limits], Body]:
    """A clause keyed by one field name: `{field: value}` or `{field: {options}}`.

    `free` options take any JSON (GeoJSON shapes, corner points); the rest take
    scalars only, so nothing can hide under an allowed name.
    """

    def check(spec: Any, path: str, depth: int, limits: Limits) -> Body:
        options = _object(spec, path, None)
        fields = [key for key in options if key not in outer]
        if len(fields) != 1:
            raise reject(path, "names exactly one field")
        checked: Body = {
            key: _scalar(value, f"{path}.{key}")
            for key, value in options.items()
            if key in outer
        }
        name = fields[0]
        value = options[name]
        where = f"{path}.{name}"
        if isinstance(value, dict):
            for key in value:
                if key not in allowed and key not in free:
                    raise reject(f"{where}.{key}", "is not an allowed option")
            checked[name] = {
                key: item if key in free else _scalar(item, f"{where}.{key}")
                for key, item in value.items()
            }
        elif shorthand:
            checked[name] = _scalar(value, where)
        else:
            raise reject(where, "takes an object of options")
        return checked

    return check


_wildcard_options = _per_field(
    frozenset({"value", "wildcard", "boost", "case_insensitive"})
)


def _wildcard(spec: Any, path: str, depth: int, limits: Limits) -> Body:
    checked = _wildcard_options(spec, path, depth, limits)
    # Like query_string's allow_leading_wildcard: a leading * scans every term.
    for name, value in checked.items():
        if isinstance(value, dict):
            value = value.get("value", value.get("wildcard"))
        if name != "boost" and isinstance(value, str) and value[:1] in ("*", "?"):
            raise reject(f"{path}.{name}", "a pattern may not start with a wildcard")
    return checked


_OCCURRENCES = frozenset({"must", "filter", "should", "must_not"})
_BOOL_OPTIONS = _OCCURRENCES | {"minimum_should_match", "boost"}
_QUERY_STRING_OPTIONS = frozenset(
    {
        "query",
        "default_field",
        "fields",
        "default_operator",
        "allow_leading_wildcard",
        "analyze_wildcard",
        "analyzer",
        "boost",
        "lenient",
        "minimum_should_match",
        "phrase_slop",
        "time_zone",
    }
)
_MATCH_OPTIONS = frozenset(
    {
        "query",
        "operator",
        "minimum_should_match",
        "fuzziness",
        "prefix_length",
        "max_expansions",
        "boost",
        "analyzer",
        "zero_terms_query",
        "lenient",
    }
)

_CLAUSES: dict[str, Callable[[Any, str, int, Limits], Body]] = {
    "bool": _bool,
    "nested": _nested,
    "query_string": _query_string,
    "terms": _terms,
    "wildcard": _wildcard,
    "match_all": _whole(frozenset({"boost"}), required=""),
    "term": _per_field(frozenset({"value", "boost", "case_insensitive"})),
    "prefix": _per_field(frozenset({"value", "boost", "case_insensitive"})),
    "match": _per_field(_MATCH_OPTIONS),
    "match_phrase": _per_field(
        frozenset({"query", "slop", "boost", "analyzer", "zero_terms_query"})
    ),
    "range": _per_field(
        frozenset({"gt", "gte", "lt", "lte", "format", "time_zone", "relation"})
        | {"boost"},
        shorthand=False,
    ),
    # `indexed_shape` (a shape read from another index) is not in the list.
    "geo_shape": _per_field(
        frozenset({"relation"}),
        shorthand=False,
        outer=frozenset({"boost", "ignore_unmapped"}),
        free=frozenset({"shape"}),
    ),
    "geo_bounding_box": _per_field(
        frozenset(),
        shorthand=False,
        outer=frozenset({"boost", "ignore_unmapped", "validation_method", "type"}),
        free=frozenset(
            {"top_left", "bottom_right", "top_right", "bottom_left", "wkt"}
            | {"top", "left", "bottom", "right"}
        ),
    ),
    "exists": _whole(frozenset({"field", "boost"}), required="field"),
    "ids": _whole(frozenset({"values", "boost"}), required="values"),
    "multi_match": _whole(
        _MATCH_OPTIONS | {"fields", "type", "tie_breaker", "slop"}, required="query"
    ),
}

ALLOWED_CLAUSES = frozenset(_CLAUSES)


def _object(spec: Any, path: str, allowed: frozenset[str] | set[str] | None) -> Body:
    if not isinstance(spec, dict):
        raise reject(path, "takes an object")
    for key in spec:
        if allowed is not None and key not in allowed:
            raise reject(f"{path}.{key}", "is not an allowed option")
    return dict(spec)


def _scalar(value: Any, path: str) -> Scalar:
    if not _is_scalar(value):
        raise reject(path, "takes a single value")
    result: Scalar = value
    return result


def _plain(value: Any, path: str) -> Any:
    """A scalar or a list of scalars (`ids.values`, `multi_match.fields`)."""
    if isinstance(value, list) and all(map(_is_scalar, value)):
        return list(value)
    return _scalar(value, path)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# --- sort, _source, aggregations -----------------------------------------------


def check_sort(sort: Any, facts: FieldFacts) -> tuple[SortKey, ...]:
    """`"field"`, `{"field": "asc"}` or `{"field": {"order": "desc"}}`, or a list."""
    if sort is None:
        return ()
    items = sort if isinstance(sort, list) else [sort]
    keys = []
    for position, item in enumerate(items):
        path = f"sort[{position}]"
        name, order = _sort_item(item, path)
        if name not in facts.sortable:
            raise reject(path, f"cannot sort on {name!r}: not a mapped sortable field")
        keys.append(SortKey(name, order == "asc"))
    return tuple(keys)


def _sort_item(item: Any, path: str) -> tuple[str, str]:
    if isinstance(item, str):
        return item, "asc"
    if not isinstance(item, dict) or len(item) != 1:
        raise reject(path, "a sort key is a field name or {field: order}")
    ((name, spec),) = item.items()
    order = spec.get("order", "asc") if isinstance(spec, dict) else spec
    if isinstance(spec, dict) and set(spec) - {"order"}:
        raise reject(f"{path}.{name}", "only 'order' may be given")
    if order not in ("asc", "desc"):
        raise reject(f"{path}.{name}", "order is 'asc' or 'desc'")
    return str(name), str(order)


def _source(value: Any, facts: FieldFacts) -> tuple[str, ...] | None:
    if value is None:
        return None
    names = value.get("includes") if isinstance(value, dict) else value
    if isinstance(value, dict) and set(value) - {"includes"}:
        raise reject("_source", "only 'includes' may be given")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise reject("_source", "a list of field names")
    for position, name in enumerate(names):
        path = f"_source[{position}]"
        if name not in facts.known:
            raise reject(path, f"{name!r} is not a mapped field")
        if facts.is_disabled(name):
            raise reject(path, f"{name!r} is not searchable (enabled: false)")
    return tuple(names)


def _aggregations(
    body: Mapping[str, Any], facts: FieldFacts, limits: Limits
) -> dict[str, TermsAggregation]:
    key = "aggs" if "aggs" in body else "aggregations"
    aggs = body.get(key)
    if aggs is None:
        return {}
    if not isinstance(aggs, dict) or len(aggs) > limits.max_aggregations:
        raise reject(key, f"at most {limits.max_aggregations} named aggregations")
    return {
        name: _terms_aggregation(name, spec, f"{key}.{name}", facts, limits)
        for name, spec in aggs.items()
    }


def _terms_aggregation(
    name: str, spec: Any, path: str, facts: FieldFacts, limits: Limits
) -> TermsAggregation:
    if not _AGG_NAME.match(name):
        raise reject(path, "aggregation names are letters, digits, _ and -")
    if not isinstance(spec, dict) or set(spec) != {"terms"}:
        raise reject(path, "only a terms aggregation, without sub-aggregations")
    terms = _object(spec["terms"], f"{path}.terms", {"field", "size"})
    field_name = terms.get("field")
    if field_name not in facts.sortable:
        raise reject(f"{path}.terms.field", "must be a mapped keyword, number or date")
    size = terms.get("size", 10)
    if not _is_int(size) or not 1 <= size <= limits.max_aggregation_size:
        raise reject(
            f"{path}.terms.size", f"must lie in 1..{limits.max_aggregation_size}"
        )
    return TermsAggregation(str(field_name), int(size))
