# SPDX-License-Identifier: Apache-2.0
"""Queryables (OGC API Features Part 3 §6) as JSON Schema, from the GRQ mapping."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ogc_hysds.hysds.grq_cql2 import ResolvedField

JSON_SCHEMA = "https://json-schema.org/draft/2020-12/schema"

_SCHEMAS: dict[str, dict[str, Any]] = {
    "keyword": {"type": "string"},
    "number": {"type": "number"},
    "date": {"type": "string", "format": "date-time"},
    "boolean": {"type": "boolean"},
    # Part 3 §6.2 Rec 6: geometry queryables use the `geometry-any` format.
    "geometry": {"format": "geometry-any"},
    "interval": {"type": "string", "format": "date-time"},
}


def field_schemas(queryables: Mapping[str, ResolvedField]) -> dict[str, Any]:
    """Queryable name → JSON Schema of its values."""
    schemas = {}
    for name, resolved in sorted(queryables.items()):
        schema = dict(_SCHEMAS[resolved.kind])
        schema["title"] = name
        schemas[name] = schema
    return schemas


def queryables_document(
    queryables: Mapping[str, ResolvedField], collection_url: str, title: str
) -> dict[str, Any]:
    """The `/collections/{id}/queryables` response body."""
    return {
        "$schema": JSON_SCHEMA,
        "$id": f"{collection_url}/queryables",
        "type": "object",
        "title": title,
        "properties": field_schemas(queryables),
        # Part 3 Req 5 recommends closing the set so clients know it is complete.
        "additionalProperties": False,
    }
