# SPDX-License-Identifier: Apache-2.0
"""GRQ product records (hysds.md §1.3) as domain objects.

Absorbs two HySDS storage quirks: grq2 stores GeoJSON type names lower-case
(`"polygon"`), and `dataset.json` times are often naive ISO strings that HySDS
means as UTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# GeoJSON (RFC 7946 §1.4) type names, keyed by their lower-case spelling.
_GEOJSON_TYPES = {
    name.lower(): name
    for name in (
        "Point",
        "MultiPoint",
        "LineString",
        "MultiLineString",
        "Polygon",
        "MultiPolygon",
        "GeometryCollection",
    )
}


@dataclass(frozen=True)
class Product:
    """One GRQ product: identity, footprint, time span and the whole record."""

    id: str
    dataset: str | None
    geometry: dict[str, Any] | None
    starttime: str | None
    endtime: str | None
    record: dict[str, Any]


def product_from_record(record: Mapping[str, Any]) -> Product:
    return Product(
        id=str(record.get("id") or record.get("objectid") or ""),
        dataset=record.get("dataset"),
        geometry=geojson_geometry(record.get("location")),
        starttime=utc_timestamp(record.get("starttime")),
        endtime=utc_timestamp(record.get("endtime")),
        record=dict(record),
    )


def geojson_geometry(location: Any) -> dict[str, Any] | None:
    """Valid GeoJSON from a GRQ `location` (lower-case type names restored)."""
    if not isinstance(location, Mapping) or "type" not in location:
        return None
    kind = _GEOJSON_TYPES.get(str(location["type"]).lower())
    if kind is None:
        return None
    if kind == "GeometryCollection":
        parts = [geojson_geometry(part) for part in location.get("geometries", [])]
        return {"type": kind, "geometries": [part for part in parts if part]}
    return {"type": kind, "coordinates": location.get("coordinates")}


def utc_timestamp(value: Any) -> str | None:
    """RFC 3339 UTC text for a GRQ date; naive values are UTC, as HySDS writes them."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
