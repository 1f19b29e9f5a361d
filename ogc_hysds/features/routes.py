# SPDX-License-Identifier: Apache-2.0
"""OGC API Features routes: collections from pygeoapi, items and queryables our own.

pygeoapi describes collections (JSON, JSON-LD, HTML). Items are served here
because pygeoapi pages by `offset`, which OpenSearch cannot follow past 10,000
hits and which gets slower with depth; our `next`/`prev` links carry opaque
search_after tokens instead (OGC API Features 1.0 §7.15.4 leaves the link
target to the server). See docs/features.md.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pygeoapi.api as pygeoapi_core
import pygeoapi.api.itemtypes as pygeoapi_items
from flask import Blueprint, Response, current_app, make_response, request
from pygeoapi.util import render_j2_template

from ogc_hysds.errors import InvalidParameter, NotFoundError
from ogc_hysds.features.geojson import GEOJSON, feature, item_url
from ogc_hysds.features.params import CRS84, items_query, parameter, reject_unknown
from ogc_hysds.features.queryables import queryables_document
from ogc_hysds.features.service import Collection, FeaturesService
from ogc_hysds.http_json import json_response
from ogc_hysds.hysds.catalogue import ProductPage, ProductQuery
from ogc_hysds.ogcapi_shell import run_pygeoapi, shell
from ogc_hysds.state import server_state

blueprint = Blueprint("features", __name__)

# Part 2 §6.2.2: responses with features name their CRS.
CONTENT_CRS = f"<{CRS84}>"


@blueprint.get("/collections")
def collections() -> Response:
    return run_pygeoapi(pygeoapi_core.describe_collections)


@blueprint.get("/collections/<collection_id>")
def collection(collection_id: str) -> Response:
    _collection(collection_id)
    return run_pygeoapi(pygeoapi_core.describe_collections, collection_id)


@blueprint.get("/collections/<collection_id>/schema")
def schema(collection_id: str) -> Response:
    _collection(collection_id)
    return run_pygeoapi(pygeoapi_core.get_collection_schema, collection_id)


@blueprint.get("/collections/<collection_id>/queryables")
def queryables(collection_id: str) -> Response:
    found = _collection(collection_id)
    if _wants_html():
        return run_pygeoapi(pygeoapi_items.get_collection_queryables, collection_id)
    document = queryables_document(
        _service().catalogue.queryables(), _collection_url(found.id), found.title
    )
    return json_response(document, "application/schema+json")


@blueprint.get("/collections/<collection_id>/items")
def items(collection_id: str) -> Response:
    found = _collection(collection_id)
    settings = server_state(current_app).settings.features
    args = request.args.to_dict()
    query = items_query(
        args,
        dataset=found.dataset,
        queryables=_service().catalogue.queryables(),
        default_limit=settings.default_limit,
        max_limit=settings.max_limit,
    )

    with parameter("token"):
        page = _service().catalogue.search(query)

    body = _feature_collection(found, page, query, args)
    if _wants_html():
        return _html("collections/items/index.html", _html_data(found, body))
    return _geojson_response(body)


@blueprint.get("/collections/<collection_id>/items/<item_id>")
def item(collection_id: str, item_id: str) -> Response:
    found = _collection(collection_id)
    reject_unknown(_format_args(), {})
    product = _service().catalogue.get(item_id, found.dataset)
    if product is None:
        raise NotFoundError(f"no item {item_id!r} in collection {found.id!r}")

    collection_url = _collection_url(found.id)
    body = feature(product, item_url(collection_url, product.id), collection_url)
    if _wants_html():
        return _html("collections/items/item.html", _html_data(found, body))
    return _geojson_response(body)


def _service() -> FeaturesService:
    return shell().service


def _collection(collection_id: str) -> Collection:
    found = _service().collection(collection_id)
    if found is None:
        raise NotFoundError(f"no collection {collection_id!r}")
    return found


def _collection_url(collection_id: str) -> str:
    return f"{shell().api().base_url}/collections/{collection_id}"


def _format_args() -> dict[str, str]:
    # An item takes no query parameters but the output format and language.
    return {k: v for k, v in request.args.items() if k not in ("f", "lang")}


def _wants_html() -> bool:
    requested = request.args.get("f")
    if requested is not None:
        if requested not in ("json", "geojson", "html"):
            raise InvalidParameter(f"unsupported format {requested!r}", locator="f")
        return requested == "html"
    best = request.accept_mimetypes.best_match(
        [GEOJSON, "application/json", "text/html"]
    )
    return best == "text/html"


def _feature_collection(
    found: Collection, page: ProductPage, query: ProductQuery, args: dict[str, str]
) -> dict[str, Any]:
    collection_url = _collection_url(found.id)
    features = [
        feature(
            product,
            item_url(collection_url, product.id),
            collection_url,
            selected=query.include,
            skip_geometry=query.skip_geometry,
        )
        for product in page.products
    ]
    return {
        "type": "FeatureCollection",
        "features": features,
        "numberMatched": page.number_matched,
        "numberReturned": len(features),
        "links": _page_links(collection_url, page, args),
    }


def _page_links(
    collection_url: str, page: ProductPage, args: dict[str, str]
) -> list[dict[str, Any]]:
    items_url = f"{collection_url}/items"
    kept = {k: v for k, v in args.items() if k not in ("f", "token")}

    def href(fmt: str, token: str | None = None) -> str:
        query = {**kept, "f": fmt, **({"token": token} if token else {})}
        return f"{items_url}?{urlencode(query)}"

    current = args.get("token")
    links = [
        {"rel": "self", "type": GEOJSON, "href": href("json", current)},
        {"rel": "alternate", "type": "text/html", "href": href("html", current)},
        {"rel": "collection", "type": "application/json", "href": collection_url},
    ]
    if page.next_token:
        links.append(
            {"rel": "next", "type": GEOJSON, "href": href("json", page.next_token)}
        )
    if page.prev_token:
        links.append(
            {"rel": "prev", "type": GEOJSON, "href": href("json", page.prev_token)}
        )
    return links


def _geojson_response(body: dict[str, Any]) -> Response:
    response = json_response(body, GEOJSON)
    response.headers["Content-Crs"] = CONTENT_CRS
    return response


def _html_data(found: Collection, body: dict[str, Any]) -> dict[str, Any]:
    api = shell().api()
    return {
        **body,
        "collection_id": found.id,
        "collection_title": found.title,
        "collections_path": f"{api.base_url}/collections",
        "collection_url": _collection_url(found.id),
        "geojson": json.dumps(body),
    }


def _html(template: str, data: dict[str, Any]) -> Response:
    api = shell().api()
    content = render_j2_template(
        api.tpl_config, api.config["server"]["templates"], template, data
    )
    response = make_response(content, 200)
    response.mimetype = "text/html"
    return response
