# SPDX-License-Identifier: Apache-2.0
"""Make pygeoapi's OpenAPI document self-contained and describe our paging.

pygeoapi's generated document `$ref`s schemas on schemas.opengis.net (ogc.md
§2.6); offline clients and validators cannot resolve them. Each remote reference
becomes a local component, so the document validates with no network access.
"""

from __future__ import annotations

import re
from typing import Any

_KINDS = ("responses", "parameters", "schemas")
_PATH_PARAMETERS = {"collectionId", "featureId", "jobId", "processId"}

TOKEN_PARAMETER = {
    "name": "token",
    "in": "query",
    "required": False,
    "description": (
        "Opaque paging token from a `next` or `prev` link; pages are read with "
        "OpenSearch search_after, so deep pages cost as much as the first."
    ),
    "schema": {"type": "string"},
    "style": "form",
    "explode": False,
}


def with_items_paging(document: dict[str, Any]) -> dict[str, Any]:
    """Swap pygeoapi's `offset` parameter for our `token` on every items path.

    pygeoapi also documents a POST search with a CQL2 JSON body there; our items
    endpoint takes CQL2 JSON in the `filter` query parameter only, so the POST
    is left out rather than answered 405.
    """
    document.setdefault("components", {}).setdefault("parameters", {})["token"] = (
        TOKEN_PARAMETER
    )
    for path, item in document.get("paths", {}).items():
        if not path.endswith("/items") or "get" not in item:
            continue
        item.pop("post", None)
        parameters = [
            parameter
            for parameter in item["get"].get("parameters", [])
            if "offset" not in str(parameter.get("$ref", parameter.get("name", "")))
        ]
        parameters.append({"$ref": "#/components/parameters/token"})
        item["get"]["parameters"] = parameters
    return document


def self_contained(document: dict[str, Any]) -> dict[str, Any]:
    """Replace every remote `$ref` with a local component of the same kind."""
    added: dict[str, Any] = {}
    localized: dict[str, Any] = _walk(document, added)
    components = localized.setdefault("components", {})
    for kind, entries in added.items():
        section = components.setdefault(kind, {})
        for name, entry in entries.items():
            section.setdefault(name, entry)
    return localized


def _walk(node: Any, components: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_walk(item, components) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("http"):
        return {"$ref": _local(ref, components)}
    return {key: _walk(value, components) for key, value in node.items()}


def _local(url: str, components: dict[str, Any]) -> str:
    kind, name = _kind_and_name(url)
    section = components.setdefault(kind, {})
    if name not in section:
        section[name] = _stand_in(kind, name, url)
    return f"#/components/{kind}/{name}"


def _kind_and_name(url: str) -> tuple[str, str]:
    fragment = url.split("#", 1)[1] if "#" in url else ""
    parts = [part for part in re.split(r"[/#]", fragment or url) if part]
    kind = next((part for part in parts if part in _KINDS), "schemas")
    stem = re.sub(r"\.(ya?ml|json)$", "", parts[-1]) if parts else "remote"
    return kind, re.sub(r"[^A-Za-z0-9_.\-]", "_", stem)


def _stand_in(kind: str, name: str, url: str) -> dict[str, Any]:
    note = f"Defined by {url}"
    if kind == "responses":
        return {
            "description": f"{name} ({note})",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    if kind == "parameters":
        located = "path" if name in _PATH_PARAMETERS else "query"
        return {
            "name": name,
            "in": located,
            "required": located == "path",
            "description": note,
            "schema": {"type": "string"},
        }
    return {"type": "object", "description": note}


# --- Pele parity (/api/v1/pele, features/pele.py) ------------------------------

PELE_TAG = {
    "name": "Pele",
    "description": "HySDS Pele parity: dataset and product listings (/api/v1/pele).",
}

_PELE_PAGING = [
    {
        "name": "offset",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 0, "default": 0},
    },
    {
        "name": "page_size",
        "in": "query",
        "required": False,
        "description": "1..100; offset + page_size may not exceed 10000.",
        "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10},
    },
]
_PELE_TIME_AND_POLYGON = [
    {"name": name, "in": "query", "required": False, "schema": {"type": "string"}}
    for name in ("start_time", "end_time", "polygon")
]


def _pele_query(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "string"},
    }


def _pele_path(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def _pele_get(
    operation_id: str, summary: str, parameters: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "tags": [PELE_TAG["name"]],
        "operationId": operation_id,
        "summary": summary,
        "parameters": parameters,
        "responses": {
            "200": {
                "description": "Pele envelope: success, total, count, page_size, "
                "offset and the payload",
                "content": {"application/json": {"schema": {"type": "object"}}},
            },
            "400": {"description": "Invalid parameter"},
            "404": {"description": "Unknown product"},
        },
    }


def pele_openapi_paths(prefix: str = "/api/v1/pele") -> dict[str, Any]:
    """OpenAPI path items of every Pele parity route."""
    fields = _pele_query("fields", "Comma-separated record fields to return.")
    ids_parameters = _PELE_PAGING + _PELE_TIME_AND_POLYGON
    by_dataset = _pele_get(
        "peleDatasetIds", "Product ids of a dataset", [_pele_path("dataset")]
    )
    by_dataset["parameters"] += ids_parameters
    by_type = _pele_get(
        "peleTypeIds", "Product ids of a dataset type", [_pele_path("dataset_type")]
    )
    by_type["parameters"] += ids_parameters
    return {
        f"{prefix}/types": {
            "get": _pele_get("peleTypes", "Dataset types", _PELE_PAGING)
        },
        f"{prefix}/datasets": {
            "get": _pele_get("peleDatasets", "Datasets", _PELE_PAGING)
        },
        f"{prefix}/type/{{dataset_type}}/datasets": {
            "get": _pele_get(
                "peleDatasetsOfType",
                "Datasets of a dataset type",
                [_pele_path("dataset_type"), *_PELE_PAGING],
            )
        },
        f"{prefix}/dataset/{{dataset}}/types": {
            "get": _pele_get(
                "peleTypesOfDataset",
                "Dataset types of a dataset",
                [_pele_path("dataset"), *_PELE_PAGING],
            )
        },
        f"{prefix}/dataset/{{dataset}}/dataset_ids": {
            "get": by_dataset,
            "post": {**by_dataset, "operationId": "peleDatasetIdsPost"},
        },
        f"{prefix}/type/{{dataset_type}}/dataset_ids": {
            "get": by_type,
            "post": {**by_type, "operationId": "peleTypeIdsPost"},
        },
        f"{prefix}/dataset/{{product_id}}": {
            "get": _pele_get(
                "peleProduct",
                "One product's metadata",
                [_pele_path("product_id"), fields],
            )
        },
        f"{prefix}/overlaps/{{product_id}}": {
            "get": _pele_get(
                "peleOverlaps",
                "Products overlapping a product in space and time",
                [
                    _pele_path("product_id"),
                    _pele_query("types", "Comma-separated dataset types."),
                    _pele_query("datasets", "Comma-separated datasets."),
                    fields,
                    *_PELE_PAGING,
                ],
            )
        },
        f"{prefix}/overlaps/{{product_id}}/types": {
            "get": _pele_get(
                "peleOverlappingTypes",
                "Which of the given types overlap a product",
                [
                    _pele_path("product_id"),
                    _pele_query("types", "Comma-separated dataset types (required)."),
                ],
            )
        },
    }
