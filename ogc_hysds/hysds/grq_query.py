# SPDX-License-Identifier: Apache-2.0
"""GRQ query builders: product searches as OpenSearch DSL over the HySDS template.

Pure functions, no I/O. They know the GRQ mapping (hysds.md §1.2): geometry in
`location` (geo_shape), time in `starttime`/`endtime`, strings as text with a
`.keyword` sub-field for exact match and sort, every string copied to
`text_fields`. Malformed input raises `QueryError` naming the parameter it came
from, so the HTTP layer can answer 400 with that locator.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

GEOMETRY_FIELD = "location"
START_FIELD = "starttime"
END_FIELD = "endtime"
TIEBREAKER = "id.keyword"
TEXT_FIELD = "text_fields"

Direction = Literal["next", "prev"]
Bbox = tuple[float, float, float, float]


class QueryError(ValueError):
    """A query input is invalid; `parameter` names where it came from."""

    def __init__(self, message: str, parameter: str) -> None:
        super().__init__(message)
        self.parameter = parameter


@dataclass(frozen=True)
class TimeInterval:
    """A closed interval; `None` marks an open end (OGC `..`)."""

    start: datetime | None
    end: datetime | None


@dataclass(frozen=True)
class SortKey:
    """One sort criterion on an index field (already resolved, e.g. `label.keyword`)."""

    field: str
    ascending: bool = True


@dataclass(frozen=True)
class PageToken:
    """Where a page starts: the sort values of the neighbouring hit."""

    direction: Direction
    values: tuple[Any, ...]
    signature: str


def bbox_filter(bbox: Bbox, field: str = GEOMETRY_FIELD) -> dict[str, Any]:
    """Spatial intersects on `field`; an antimeridian-crossing box is split in two.

    OGC API Features 1.0 §7.15.3 allows `minx > maxx` for boxes crossing 180°;
    geo_shape envelopes cannot express that, so the two halves are OR'd.
    """
    minx, miny, maxx, maxy = validate_bbox(bbox)
    if minx <= maxx:
        return _envelope_intersects(field, minx, miny, maxx, maxy)
    return {
        "bool": {
            "should": [
                _envelope_intersects(field, minx, miny, 180.0, maxy),
                _envelope_intersects(field, -180.0, miny, maxx, maxy),
            ],
            "minimum_should_match": 1,
        }
    }


def validate_bbox(bbox: Sequence[float]) -> Bbox:
    """Check a CRS84 box: longitudes in [-180, 180], latitudes ordered in [-90, 90]."""
    if len(bbox) != 4:
        raise QueryError("bbox needs 4 numbers (2D)", "bbox")
    minx, miny, maxx, maxy = (float(value) for value in bbox)
    if not all(-180.0 <= x <= 180.0 for x in (minx, maxx)):
        raise QueryError("bbox longitudes must lie in [-180, 180]", "bbox")
    if not all(-90.0 <= y <= 90.0 for y in (miny, maxy)) or miny > maxy:
        raise QueryError("bbox latitudes must lie in [-90, 90], min <= max", "bbox")
    return minx, miny, maxx, maxy


def _envelope_intersects(
    field: str, minx: float, miny: float, maxx: float, maxy: float
) -> dict[str, Any]:
    # geo_shape envelopes are given as [[west, north], [east, south]].
    envelope = {"type": "envelope", "coordinates": [[minx, maxy], [maxx, miny]]}
    return {"geo_shape": {field: {"shape": envelope, "relation": "intersects"}}}


def interval_overlap_filter(interval: TimeInterval) -> dict[str, Any]:
    """Products whose [starttime, endtime] overlaps the interval.

    A product without `endtime` is ongoing (a growing time series; HySDS only
    warns when a dataset.json lacks it), so it overlaps every later window; a
    product without `starttime` never matches a temporal query.
    """
    clauses: list[dict[str, Any]] = [{"exists": {"field": START_FIELD}}]
    if interval.end is not None:
        clauses.append({"range": {START_FIELD: {"lte": isoformat(interval.end)}}})
    if interval.start is not None:
        ended_after = {"range": {END_FIELD: {"gte": isoformat(interval.start)}}}
        ongoing = {"bool": {"must_not": [{"exists": {"field": END_FIELD}}]}}
        clauses.append(
            {"bool": {"should": [ended_after, ongoing], "minimum_should_match": 1}}
        )
    return {"bool": {"filter": clauses}}


def isoformat(moment: datetime) -> str:
    """RFC 3339 in UTC; naive datetimes are taken as UTC, as GRQ stores them."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def term_filter(field: str, values: Sequence[Any]) -> dict[str, Any]:
    """Exact match on one of `values` (the field is already the `.keyword` one)."""
    if len(values) == 1:
        return {"term": {field: values[0]}}
    return {"terms": {field: list(values)}}


def free_text_filter(terms: Sequence[str]) -> dict[str, Any]:
    """Any of the terms in HySDS's catch-all `text_fields` (OGC API Records `q`)."""
    return {
        "bool": {
            "should": [{"match": {TEXT_FIELD: term}} for term in terms],
            "minimum_should_match": 1,
        }
    }


def sort_clause(
    sortby: Sequence[SortKey], direction: Direction = "next"
) -> list[dict[str, Any]]:
    """The sort, ending with the unique `id.keyword` so search_after is stable.

    For a `prev` page the whole sort is reversed (missing values too); the caller
    reverses the hits back.
    """
    keys = [key for key in sortby if key.field != TIEBREAKER]
    tiebreak = next((key for key in sortby if key.field == TIEBREAKER), None)
    keys.append(tiebreak or SortKey(TIEBREAKER, True))
    clause = []
    for key in keys:
        ascending = key.ascending if direction == "next" else not key.ascending
        missing = "_last" if ascending == key.ascending else "_first"
        order = "asc" if ascending else "desc"
        clause.append({key.field: {"order": order, "missing": missing}})
    return clause


def sort_signature(sortby: Sequence[SortKey]) -> str:
    """A short fingerprint of the sort, so a token is not reused with another."""
    text = ",".join(f"{key.field}:{int(key.ascending)}" for key in sortby)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def encode_token(token: PageToken) -> str:
    """Opaque, URL-safe page token (base64url JSON without padding)."""
    raw = json.dumps(
        {"d": token.direction, "v": list(token.values), "s": token.signature},
        separators=(",", ":"),
    )
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_token(text: str, signature: str, sort_length: int) -> PageToken:
    """Parse and validate a token made by `encode_token` for the same sort."""
    try:
        padded = text + "=" * (-len(text) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as err:
        raise QueryError("token is not a valid page token", "token") from err
    if not isinstance(data, dict) or data.get("d") not in ("next", "prev"):
        raise QueryError("token is not a valid page token", "token")
    values = data.get("v")
    if not isinstance(values, list) or len(values) != sort_length:
        raise QueryError("token does not match this query", "token")
    if not all(isinstance(value, str | int | float) for value in values):
        raise QueryError("token is not a valid page token", "token")
    if data.get("s") != signature:
        raise QueryError("token was made for another sort order", "token")
    return PageToken(data["d"], tuple(values), signature)


def now_utc() -> datetime:
    return datetime.now(UTC)
