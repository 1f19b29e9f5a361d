# SPDX-License-Identifier: Apache-2.0
"""CQL2 filters (pygeofilter AST) as OpenSearch DSL over GRQ products.

Written here rather than taken from `pygeofilter.backends.opensearch`: that
backend needs opensearch-dsl, matches text with analysed queries instead of the
`.keyword` sub-fields GRQ sorts and compares on, and knows nothing of a product's
[starttime, endtime] interval, which CQL2's temporal operators compare against
(OGC 21-065r2 §6.3.4, Table 2). Attribute names resolve through `FieldResolver`,
so only queryables can be filtered on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Literal

from pygeofilter import ast, values

from ogc_hysds.hysds.grq_query import (
    END_FIELD,
    START_FIELD,
    QueryError,
    TimeInterval,
    bbox_filter,
    interval_overlap_filter,
    isoformat,
)

FieldKind = Literal["keyword", "number", "date", "boolean", "geometry", "interval"]
PARAMETER = "filter"


@dataclass(frozen=True)
class ResolvedField:
    """An index field a queryable maps to, and how it compares."""

    field: str
    kind: FieldKind


FieldResolver = Callable[[str], ResolvedField]

_COMPARISONS: dict[type[ast.Node], str] = {
    ast.LessThan: "lt",
    ast.LessEqual: "lte",
    ast.GreaterThan: "gt",
    ast.GreaterEqual: "gte",
}
_SPATIAL: dict[type[ast.Node], str] = {
    ast.GeometryIntersects: "intersects",
    ast.GeometryWithin: "within",
    ast.GeometryContains: "contains",
    ast.GeometryDisjoint: "disjoint",
}
MATCH_NONE: dict[str, Any] = {"match_none": {}}
MATCH_ALL: dict[str, Any] = {"match_all": {}}


def to_dsl(node: ast.Node, resolve: FieldResolver) -> dict[str, Any]:
    """Translate a CQL2 AST into a query clause; unsupported parts raise."""
    if isinstance(node, ast.And):
        return {
            "bool": {"filter": [to_dsl(node.lhs, resolve), to_dsl(node.rhs, resolve)]}
        }
    if isinstance(node, ast.Or):
        should = [to_dsl(node.lhs, resolve), to_dsl(node.rhs, resolve)]
        return {"bool": {"should": should, "minimum_should_match": 1}}
    if isinstance(node, ast.Not):
        return _negate(to_dsl(node.sub_node, resolve))
    if isinstance(node, ast.Include):
        return MATCH_NONE if node.not_ else MATCH_ALL
    if isinstance(node, ast.TemporalPredicate):
        return _temporal(node, resolve)
    if isinstance(node, ast.SpatialComparisonPredicate):
        return _spatial(node, resolve)
    return _scalar(node, resolve)


def _scalar(node: ast.Node, resolve: FieldResolver) -> dict[str, Any]:
    if isinstance(node, ast.Equal | ast.NotEqual):
        clause = _equal(node.lhs, node.rhs, resolve)
        return _negate(clause) if isinstance(node, ast.NotEqual) else clause
    if type(node) in _COMPARISONS:
        field = _attribute(node.lhs, resolve)
        value = _literal(node.rhs, field)
        return {"range": {field.field: {_COMPARISONS[type(node)]: value}}}
    if isinstance(node, ast.Like):
        return _maybe_not(_like(node, resolve), node.not_)
    if isinstance(node, ast.In):
        field = _attribute(node.lhs, resolve)
        items = [_literal(item, field) for item in node.sub_nodes]
        return _maybe_not({"terms": {field.field: items}}, node.not_)
    if isinstance(node, ast.Between):
        field = _attribute(node.lhs, resolve)
        bounds = {"gte": _literal(node.low, field), "lte": _literal(node.high, field)}
        return _maybe_not({"range": {field.field: bounds}}, node.not_)
    if isinstance(node, ast.IsNull):
        field = _attribute(node.lhs, resolve)
        return _maybe_not(_negate({"exists": {"field": field.field}}), node.not_)
    raise QueryError(f"unsupported CQL2 expression: {type(node).__name__}", PARAMETER)


def _equal(lhs: Any, rhs: Any, resolve: FieldResolver) -> dict[str, Any]:
    # CASEI(prop) = CASEI('x') (cql2 case-insensitive-comparison) parses as lower().
    if _is_lower(lhs) and _is_lower(rhs):
        field = _attribute(lhs.arguments[0], resolve)
        value = _literal(rhs.arguments[0], field)
        return {"term": {field.field: {"value": value, "case_insensitive": True}}}
    field = _attribute(lhs, resolve)
    return {"term": {field.field: _literal(rhs, field)}}


def _is_lower(node: Any) -> bool:
    return isinstance(node, ast.Function) and node.name == "lower"


def _like(node: ast.Like, resolve: FieldResolver) -> dict[str, Any]:
    field = _attribute(node.lhs, resolve)
    if field.kind != "keyword":
        raise QueryError(f"LIKE needs a string property, not {field.field}", PARAMETER)
    pattern = _wildcard(
        str(node.pattern), node.wildcard, node.singlechar, node.escapechar
    )
    options: dict[str, Any] = {"value": pattern}
    if node.nocase:
        options["case_insensitive"] = True
    return {"wildcard": {field.field: options}}


def _wildcard(pattern: str, many: str, one: str, escape: str) -> str:
    """CQL2 LIKE pattern (`%`, `_`) as an OpenSearch wildcard (`*`, `?`)."""
    out: list[str] = []
    chars = iter(pattern)
    for char in chars:
        if char == escape:
            out.append(_escape_wildcard(next(chars, "")))
        elif char == many:
            out.append("*")
        elif char in (one, "_"):
            out.append("?")
        else:
            out.append(_escape_wildcard(char))
    return "".join(out)


def _escape_wildcard(char: str) -> str:
    return "\\" + char if char in "*?\\" else char


def _spatial(
    node: ast.SpatialComparisonPredicate, resolve: FieldResolver
) -> dict[str, Any]:
    relation = _SPATIAL.get(type(node))
    if relation is None:
        raise QueryError(f"unsupported spatial operator {node.op.value}", PARAMETER)
    field = _attribute(node.lhs, resolve)
    if field.kind != "geometry":
        raise QueryError(f"{field.field} is not a geometry", PARAMETER)
    shape = _shape(node.rhs)
    if shape is None:
        raise QueryError("spatial operators need a geometry literal", PARAMETER)
    if relation == "intersects" and shape.get("type") == "bbox":
        return bbox_filter(shape["bbox"], field.field)
    if shape.get("type") == "bbox":
        minx, miny, maxx, maxy = shape["bbox"]
        shape = {"type": "envelope", "coordinates": [[minx, maxy], [maxx, miny]]}
    return {"geo_shape": {field.field: {"shape": shape, "relation": relation}}}


def _shape(value: Any) -> dict[str, Any] | None:
    if isinstance(value, values.Geometry):
        return _listify(dict(value.geometry))
    if isinstance(value, values.Envelope):
        # pygeofilter 0.4.0's CQL2-JSON parser fills Envelope(x1, x2, y1, y2)
        # positionally from [minx, miny, maxx, maxy].
        return {"type": "bbox", "bbox": (value.x1, value.x2, value.y1, value.y2)}
    if isinstance(value, ast.Function) and value.name.lower() == "bbox":
        numbers = [float(arg) for arg in value.arguments]
        if len(numbers) == 6:
            numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
        return {"type": "bbox", "bbox": tuple(numbers)}
    return None


def _listify(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_listify(item) for item in value]
    if isinstance(value, dict):
        return {key: _listify(item) for key, item in value.items() if key != "crs"}
    return value


def _temporal(node: ast.TemporalPredicate, resolve: FieldResolver) -> dict[str, Any]:
    field = _attribute(node.lhs, resolve)
    if field.kind not in ("interval", "date"):
        raise QueryError(f"{field.field} is not temporal", PARAMETER)
    query = _query_interval(node.rhs)
    ends = (START_FIELD, END_FIELD) if field.kind == "interval" else None
    builder = _TEMPORAL.get(node.op)
    if builder is None:
        raise QueryError(f"unsupported temporal operator {node.op.value}", PARAMETER)
    if ends is None:
        return builder(_Span(field.field, field.field, False), query)
    return builder(_Span(*ends, True), query)


@dataclass(frozen=True)
class _Span:
    """A product's time span: its start and end fields (equal for an instant)."""

    start: str
    end: str
    ongoing_if_no_end: bool

    def start_is(self, op: str, bound: str) -> dict[str, Any]:
        return _compare(self.start, op, bound)

    def end_is(self, op: str, bound: str) -> dict[str, Any]:
        clause = _compare(self.end, op, bound)
        if not self.ongoing_if_no_end or op not in ("gt", "gte"):
            return clause
        # A GRQ product without endtime is ongoing: its end lies after any bound.
        ongoing = {"bool": {"must_not": [{"exists": {"field": self.end}}]}}
        return {"bool": {"should": [clause, ongoing], "minimum_should_match": 1}}


def _compare(field: str, op: str, bound: str) -> dict[str, Any]:
    if op == "eq":
        return {"term": {field: bound}}
    return {"range": {field: {op: bound}}}


def _all(*clauses: dict[str, Any]) -> dict[str, Any]:
    if any(clause is MATCH_NONE for clause in clauses):
        return MATCH_NONE
    return {"bool": {"filter": list(clauses)}}


Bounds = tuple[str | None, str | None]
_Builder = Callable[[_Span, Bounds], dict[str, Any]]


def _bound(span: _Span, side: str, op: str, q: Bounds, index: int) -> dict[str, Any]:
    """Compare the span's start or end with a bound of the query interval.

    An open bound (`..`) is -inf at index 0 and +inf at index 1.
    """
    bound = q[index]
    if bound is None:
        always = op != "eq" and (op in ("lt", "lte")) == (index == 1)
        return {"exists": {"field": span.start}} if always else MATCH_NONE
    return span.start_is(op, bound) if side == "start" else span.end_is(op, bound)


def _after(span: _Span, q: Bounds) -> dict[str, Any]:
    return _all(_bound(span, "start", "gt", q, 1))


def _before(span: _Span, q: Bounds) -> dict[str, Any]:
    return _all(_bound(span, "end", "lt", q, 0))


def _during(span: _Span, q: Bounds) -> dict[str, Any]:
    return _all(_bound(span, "start", "gt", q, 0), _bound(span, "end", "lt", q, 1))


def _contains(span: _Span, q: Bounds) -> dict[str, Any]:
    return _all(_bound(span, "start", "lt", q, 0), _bound(span, "end", "gt", q, 1))


def _equals(span: _Span, q: Bounds) -> dict[str, Any]:
    return _all(_bound(span, "start", "eq", q, 0), _bound(span, "end", "eq", q, 1))


def _begins(span: _Span, q: Bounds) -> dict[str, Any]:
    return _all(_bound(span, "start", "eq", q, 0), _bound(span, "end", "lt", q, 1))


def _begun_by(span: _Span, q: Bounds) -> dict[str, Any]:
    return _all(_bound(span, "start", "eq", q, 0), _bound(span, "end", "gt", q, 1))


def _ends(span: _Span, q: Bounds) -> dict[str, Any]:
    return _all(_bound(span, "end", "eq", q, 1), _bound(span, "start", "gt", q, 0))


def _ended_by(span: _Span, q: Bounds) -> dict[str, Any]:
    return _all(_bound(span, "end", "eq", q, 1), _bound(span, "start", "lt", q, 0))


def _meets(span: _Span, q: Bounds) -> dict[str, Any]:
    return _all(_bound(span, "end", "eq", q, 0))


def _met_by(span: _Span, q: Bounds) -> dict[str, Any]:
    return _all(_bound(span, "start", "eq", q, 1))


def _overlapped_by(span: _Span, q: Bounds) -> dict[str, Any]:
    return _all(
        _bound(span, "start", "gt", q, 0),
        _bound(span, "start", "lt", q, 1),
        _bound(span, "end", "gt", q, 1),
    )


def _intersects(span: _Span, q: Bounds) -> dict[str, Any]:
    if span.start == span.end:
        low = _bound(span, "start", "gte", q, 0)
        return _all(low, _bound(span, "start", "lte", q, 1))
    start, end = (
        None if bound is None else datetime.fromisoformat(bound) for bound in q
    )
    return interval_overlap_filter(TimeInterval(start, end))


def _disjoint(span: _Span, q: Bounds) -> dict[str, Any]:
    overlap = _intersects(span, q)
    if overlap is MATCH_NONE:
        return {"exists": {"field": span.start}}
    return _all({"exists": {"field": span.start}}, _negate(overlap))


# pygeofilter 0.4.0 parses both CQL2 T_INTERSECTS and T_OVERLAPS to TimeOverlaps;
# T_INTERSECTS (basic temporal, the common one) wins: any overlap matches.
_TEMPORAL: dict[ast.TemporalComparisonOp, _Builder] = {
    ast.TemporalComparisonOp.AFTER: _after,
    ast.TemporalComparisonOp.BEFORE: _before,
    ast.TemporalComparisonOp.DURING: _during,
    ast.TemporalComparisonOp.TCONTAINS: _contains,
    ast.TemporalComparisonOp.TEQUALS: _equals,
    ast.TemporalComparisonOp.BEGINS: _begins,
    ast.TemporalComparisonOp.BEGUNBY: _begun_by,
    ast.TemporalComparisonOp.ENDS: _ends,
    ast.TemporalComparisonOp.ENDEDBY: _ended_by,
    ast.TemporalComparisonOp.MEETS: _meets,
    ast.TemporalComparisonOp.METBY: _met_by,
    ast.TemporalComparisonOp.TOVERLAPS: _intersects,
    ast.TemporalComparisonOp.OVERLAPPEDBY: _overlapped_by,
    ast.TemporalComparisonOp.DISJOINT: _disjoint,
}


def _query_interval(value: Any) -> tuple[str | None, str | None]:
    if isinstance(value, values.Interval):
        return _moment(value.start), _moment(value.end)
    moment = _moment(value)
    if moment is None:
        raise QueryError("temporal operators need a timestamp or interval", PARAMETER)
    return moment, moment


def _moment(value: Any) -> str | None:
    if value is None or value == "..":
        return None
    if isinstance(value, datetime):
        return isoformat(value)
    if isinstance(value, date):
        return isoformat(datetime.combine(value, time()))
    raise QueryError(f"not a timestamp: {value!r}", PARAMETER)


def _attribute(node: Any, resolve: FieldResolver) -> ResolvedField:
    if not isinstance(node, ast.Attribute):
        raise QueryError("the left side of a comparison must be a property", PARAMETER)
    return resolve(node.name)


def _literal(value: Any, field: ResolvedField) -> Any:
    if isinstance(value, datetime | date):
        return _moment(value)
    if isinstance(value, ast.Node | values.Geometry | values.Envelope):
        raise QueryError(f"cannot compare {field.field} with an expression", PARAMETER)
    if field.kind == "number" and not isinstance(value, int | float):
        raise QueryError(f"{field.field} is numeric", PARAMETER)
    return value


def _maybe_not(clause: dict[str, Any], negate: bool) -> dict[str, Any]:
    return _negate(clause) if negate else clause


def _negate(clause: dict[str, Any]) -> dict[str, Any]:
    return {"bool": {"must_not": [clause]}}
