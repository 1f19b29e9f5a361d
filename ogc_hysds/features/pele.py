# SPDX-License-Identifier: Apache-2.0
"""Pele parity under /api/v1/pele (a versioned HySDS extension, not an OGC API).

Same routes and answers as hysds/pele's `/api/v0.1/pele` (hysds.md §5.1): the
paging envelope `{success, total, count, page_size, offset, <payload>}` with
Pele's limits (default page 10, max 100, offset + page_size <= 10,000).
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request

from ogc_hysds.errors import InvalidParameter, NotFoundError
from ogc_hysds.hysds import grq_pele
from ogc_hysds.hysds.catalogue import Catalogue
from ogc_hysds.hysds.grq_records import Product

EXTENSION_KEY = "ogc_hysds.pele"
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100
MAX_WINDOW = 10_000

blueprint = Blueprint("pele", __name__, url_prefix="/api/v1/pele")


def register(app: Flask, catalogue: Catalogue) -> None:
    app.extensions[EXTENSION_KEY] = catalogue
    app.register_blueprint(blueprint)


@blueprint.get("/types")
def types() -> Response:
    return _terms("types", "dataset_type.keyword", grq_pele.selection())


@blueprint.get("/datasets")
def datasets() -> Response:
    return _terms("datasets", "dataset.keyword", grq_pele.selection())


@blueprint.get("/type/<dataset_type>/datasets")
def datasets_of_type(dataset_type: str) -> Response:
    where = grq_pele.selection(dataset_type=dataset_type)
    return _terms("datasets", "dataset.keyword", where)


@blueprint.get("/dataset/<dataset>/types")
def types_of_dataset(dataset: str) -> Response:
    where = grq_pele.selection(dataset=dataset)
    return _terms("types", "dataset_type.keyword", where)


@blueprint.route("/dataset/<dataset>/dataset_ids", methods=["GET", "POST"])
def ids_of_dataset(dataset: str) -> Response:
    where = grq_pele.selection(dataset=dataset, **_time_and_polygon())
    offset, size = _paging()
    page = grq_pele.product_ids(_catalogue(), where, offset, size)
    return _envelope("dataset_ids", page, offset, size)


@blueprint.route("/type/<dataset_type>/dataset_ids", methods=["GET", "POST"])
def ids_of_type(dataset_type: str) -> Response:
    where = grq_pele.selection(dataset_type=dataset_type, **_time_and_polygon())
    offset, size = _paging()
    page = grq_pele.product_ids(_catalogue(), where, offset, size)
    return _envelope("dataset_ids", page, offset, size)


@blueprint.get("/dataset/<product_id>")
def product(product_id: str) -> Response:
    found = _product(product_id)
    fields = _fields(request.args.get("fields")) or grq_pele.METADATA_FIELDS
    result = {name: found.record[name] for name in fields if name in found.record}
    return jsonify({"success": True, "result": result})


@blueprint.get("/overlaps/<product_id>")
def overlaps(product_id: str) -> Response:
    reference = _product(product_id)
    where = grq_pele.overlapping(
        reference,
        types=_fields(request.args.get("types")),
        datasets=_fields(request.args.get("datasets")),
    )
    fields = _fields(request.args.get("fields")) or ("id", "dataset", "dataset_type")
    offset, size = _paging()
    page = grq_pele.products(_catalogue(), where, fields, offset, size)
    return _envelope("results", page, offset, size)


@blueprint.get("/overlaps/<product_id>/types")
def overlapping_types(product_id: str) -> Response:
    reference = _product(product_id)
    wanted = _fields(request.args.get("types"))
    if not wanted:
        raise InvalidParameter("types is required (comma-separated)", locator="types")
    found = grq_pele.types_with_overlaps(_catalogue(), reference, wanted)
    return jsonify({"success": True, "result": found})


def _catalogue() -> Catalogue:
    catalogue: Catalogue = current_app.extensions[EXTENSION_KEY]
    return catalogue


def _product(product_id: str) -> Product:
    found = _catalogue().get(product_id)
    if found is None:
        raise NotFoundError(f"no product {product_id!r}")
    return found


def _terms(payload: str, field: str, where: dict[str, Any]) -> Response:
    offset, size = _paging()
    page = grq_pele.terms(_catalogue(), field, where, offset, size)
    return _envelope(payload, page, offset, size)


def _paging() -> tuple[int, int]:
    try:
        offset = int(request.args.get("offset", 0))
        size = int(request.args.get("page_size", DEFAULT_PAGE_SIZE))
    except ValueError as err:
        raise InvalidParameter("offset and page_size are integers") from err
    if offset < 0 or not 1 <= size <= MAX_PAGE_SIZE:
        raise InvalidParameter(
            f"page_size must lie in 1..{MAX_PAGE_SIZE}", locator="page_size"
        )
    if offset + size > MAX_WINDOW:
        raise InvalidParameter(
            "offset + page_size may not exceed 10000", locator="offset"
        )
    return offset, size


def _time_and_polygon() -> dict[str, Any]:
    source: dict[str, Any] = dict(request.args)
    if request.method == "POST" and request.is_json:
        source.update(request.get_json(silent=True) or {})
    polygon = source.get("polygon")
    if isinstance(polygon, str):
        try:
            polygon = json.loads(polygon)
        except ValueError as err:
            raise InvalidParameter("polygon is not JSON", locator="polygon") from err
    if polygon is not None and not isinstance(polygon, list):
        raise InvalidParameter("polygon must be a coordinate list", locator="polygon")
    return {
        "start_time": source.get("start_time"),
        "end_time": source.get("end_time"),
        "polygon": polygon,
    }


def _fields(value: str | None) -> tuple[str, ...]:
    return tuple(part for part in (value or "").split(",") if part)


def _envelope(payload: str, page: grq_pele.Page, offset: int, size: int) -> Response:
    return jsonify(
        {
            "success": True,
            "total": page.total,
            "count": len(page.values),
            "page_size": size,
            "offset": offset,
            payload: page.values,
        }
    )
