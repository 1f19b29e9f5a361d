# SPDX-License-Identifier: Apache-2.0
"""Items query parameters (OGC API Features Parts 1-3) parsed into a `ProductQuery`.

Every malformed or unknown parameter raises `InvalidParameter` naming it: Part 1
Req 7 ("/req/core/query-param-unknown") wants 400 for parameters the server
does not know, and each parameter's requirement wants 400 for a bad value.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from pygeofilter import ast
from pygeofilter.parsers.cql2_json import parse as parse_cql2_json
from pygeofilter.parsers.cql2_text import parse as parse_cql2_text

from ogc_hysds.errors import InvalidParameter
from ogc_hysds.hysds.catalogue import ProductQuery
from ogc_hysds.hysds.grq_query import Bbox, QueryError, TimeInterval, validate_bbox

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CRS84H = "http://www.opengis.net/def/crs/OGC/0/CRS84h"
EPSG4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
SUPPORTED_CRS = (CRS84, EPSG4326)

# Parameters the items endpoint understands besides queryable names.
STANDARD_PARAMETERS = frozenset(
    {
        "f",
        "lang",
        "limit",
        "bbox",
        "bbox-crs",
        "crs",
        "datetime",
        "properties",
        "sortby",
        "filter",
        "filter-lang",
        "filter-crs",
        "q",
        "skipGeometry",
        "token",
    }
)


@contextmanager
def parameter(name: str) -> Iterator[None]:
    """Turn a bad value for `name` into a 400 that names it."""
    try:
        yield
    except QueryError as err:
        raise InvalidParameter(str(err), locator=err.parameter) from err
    except (ValueError, TypeError, KeyError) as err:
        raise InvalidParameter(f"invalid value for {name}", locator=name) from err


def items_query(
    args: Mapping[str, str],
    *,
    dataset: str | None,
    queryables: Mapping[str, Any],
    default_limit: int,
    max_limit: int,
) -> ProductQuery:
    """Everything `/collections/{id}/items` accepts, validated."""
    reject_unknown(args, queryables)
    equals = tuple(
        (name, _filter_values(name, args[name], queryables[name].kind))
        for name in args
        if name not in STANDARD_PARAMETERS
    )
    return ProductQuery(
        dataset=dataset,
        bbox=_bbox(args),
        interval=_optional(args, "datetime", parse_datetime),
        equals=equals,
        text=_optional(args, "q", _terms) or (),
        cql2=_filter(args),
        sortby=_optional(args, "sortby", parse_sortby) or (),
        limit=parse_limit(args.get("limit"), default_limit, max_limit),
        token=args.get("token") or None,
        include=_optional(args, "properties", _terms),
        skip_geometry=_optional(args, "skipGeometry", parse_bool) or False,
    )


def _filter_values(name: str, value: str, kind: str) -> tuple[str, ...]:
    """`prop=a,b` values, each checked against the queryable's type.

    Part 1 §7.15.5: a value the property cannot hold is a bad request, caught
    here rather than left to fail on some of GRQ's shards.
    """
    values = tuple(value.split(","))
    check = _VALUE_CHECKS.get(kind)
    if check is None:
        raise InvalidParameter(
            f"{name} cannot be filtered by value; use a CQL2 filter", locator=name
        )
    for item in values:
        with parameter(name):
            check(item)
    return values


def _number(value: str) -> None:
    float(value)


def _text(value: str) -> None:
    if not value:
        raise ValueError("empty value")


_VALUE_CHECKS: dict[str, Callable[[str], object]] = {
    "keyword": _text,
    "number": _number,
    "boolean": lambda value: parse_bool(value),  # defined further down
    "date": lambda value: datetime.fromisoformat(value.replace("Z", "+00:00")),
}


def reject_unknown(args: Mapping[str, str], queryables: Mapping[str, Any]) -> None:
    for name in args:
        if name not in STANDARD_PARAMETERS and name not in queryables:
            raise InvalidParameter(f"unknown query parameter {name!r}", locator=name)
    crs = args.get("crs")
    if crs is not None and crs not in SUPPORTED_CRS:
        raise InvalidParameter(f"unsupported crs {crs!r}", locator="crs")


def _optional[T](
    args: Mapping[str, str], name: str, parse: Callable[[str], T]
) -> T | None:
    value = args.get(name)
    if value is None:
        return None
    with parameter(name):
        return parse(value)


def parse_limit(value: str | None, default: int, maximum: int) -> int:
    """Part 1 §7.15.2: out-of-range limits are clamped by the server; junk is 400."""
    if value is None:
        return default
    with parameter("limit"):
        limit = int(value)
    if limit < 1:
        raise InvalidParameter("limit must be a positive integer", locator="limit")
    return min(limit, maximum)


def _bbox(args: Mapping[str, str]) -> Bbox | None:
    value = args.get("bbox")
    bbox_crs = args.get("bbox-crs", CRS84)
    if bbox_crs not in SUPPORTED_CRS:
        raise InvalidParameter(f"unsupported bbox-crs {bbox_crs!r}", locator="bbox-crs")
    if value is None:
        return None
    with parameter("bbox"):
        numbers = [float(part) for part in value.split(",")]
        if len(numbers) == 6:
            numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
        if bbox_crs == EPSG4326 and len(numbers) == 4:
            # EPSG:4326 axis order is latitude, longitude (Part 2 §6.2).
            numbers = [numbers[1], numbers[0], numbers[3], numbers[2]]
        return validate_bbox(numbers)


def parse_datetime(value: str) -> TimeInterval:
    """RFC 3339 instant or `start/end` interval with `..` or empty open ends."""
    if "/" not in value:
        moment = _instant(value)
        if moment is None:
            raise ValueError("open instant")
        return TimeInterval(moment, moment)
    start_text, end_text = value.split("/", 1)
    start, end = _instant(start_text), _instant(end_text)
    if start is None and end is None:
        raise ValueError("both ends open")
    if start is not None and end is not None and start > end:
        raise QueryError("datetime interval ends before it starts", "datetime")
    return TimeInterval(start, end)


def _instant(text: str) -> datetime | None:
    if text in ("", ".."):
        return None
    moment = datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00"))
    if "T" not in text.upper():
        return moment
    if moment.tzinfo is None:
        raise ValueError("RFC 3339 timestamps need a time zone")
    return moment


def parse_sortby(value: str) -> tuple[tuple[str, bool], ...]:
    """`sortby=+a,-b,c` (OGC API Records / Features Part 8 draft)."""
    keys = []
    for raw in value.split(","):
        name = raw.strip()
        ascending = not name.startswith("-")
        name = name.lstrip("+-").strip()
        if not name:
            raise ValueError("empty sort key")
        keys.append((name, ascending))
    return tuple(keys)


def parse_bool(value: str) -> bool:
    lowered = value.lower()
    if lowered not in ("true", "false"):
        raise ValueError("expected true or false")
    return lowered == "true"


def _terms(value: str) -> tuple[str, ...]:
    terms = tuple(term.strip() for term in value.split(",") if term.strip())
    if not terms:
        raise ValueError("empty list")
    return terms


def _filter(args: Mapping[str, str]) -> ast.Node | None:
    text = args.get("filter")
    lang = args.get("filter-lang", "cql2-text")
    if lang not in ("cql2-text", "cql2-json"):
        raise InvalidParameter(
            f"unsupported filter-lang {lang!r}", locator="filter-lang"
        )
    filter_crs = args.get("filter-crs", CRS84)
    if filter_crs not in (CRS84,):
        raise InvalidParameter("only CRS84 is supported", locator="filter-crs")
    if text is None:
        return None
    return parse_filter(text, lang)


def parse_filter(text: str, lang: str) -> ast.Node:
    """A CQL2 text or JSON filter as a pygeofilter AST; 400 when it does not parse."""
    try:
        if lang == "cql2-json":
            parsed: ast.Node = parse_cql2_json(json.loads(text))
        else:
            parsed = parse_cql2_text(text)
    except Exception as err:  # noqa: BLE001 - lark and the JSON walker raise many types
        raise InvalidParameter(f"filter is not valid {lang}", locator="filter") from err
    return parsed
