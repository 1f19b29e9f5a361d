# SPDX-License-Identifier: Apache-2.0
"""Sanitized query pass-through under /api/v1 (a versioned HySDS extension).

`POST /api/v1/grq/query` and `POST /api/v1/jobs/query` take a raw OpenSearch
search body, as HySDS users send to GRQ and Mozart today, check it against the
allow-list of `hysds/query_allowlist.py` and run it on the `grq` alias or on
`job_status-current` only. Answers are parsed: GeoJSON features (as the items
endpoint renders them) or job summaries, with `numberMatched`, limits and errors
as on the items endpoint. Paging: the `next`/`prev` links are POST links whose
`body` is the request body with an opaque `token` (STAC API's POST paging form).

Open to every caller while the server has no authentication (`features.
passthrough_enabled` turns it off); a jobs query sees every user's jobs.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, current_app, request

from ogc_hysds.api_parts import api_parts
from ogc_hysds.errors import InvalidParameter
from ogc_hysds.features.geojson import GEOJSON, feature, item_url
from ogc_hysds.features.params import parameter
from ogc_hysds.http_json import json_response
from ogc_hysds.hysds.grq_passthrough import (
    PassthroughPage,
    QueryPassthrough,
    grq_target,
    job_summaries,
    jobs_target,
    status_docs_by_payload,
)
from ogc_hysds.hysds.grq_records import product_from_record
from ogc_hysds.hysds.query_allowlist import ALLOWED_CLAUSES, Limits
from ogc_hysds.state import server_state

EXTENSION_KEY = "ogc_hysds.passthrough"
PREFIX = "/api/v1"

blueprint = Blueprint("passthrough", __name__, url_prefix=PREFIX)


def register(app: Flask) -> None:
    """Mount the routes and their OpenAPI entries, unless turned off in settings."""
    state = server_state(app)
    settings = state.settings
    if not settings.features.passthrough_enabled:
        return
    limits = Limits(
        max_size=settings.features.max_limit,
        default_size=settings.features.default_limit,
    )
    ttl = settings.features.catalogue_ttl
    app.extensions[EXTENSION_KEY] = {
        "grq": QueryPassthrough(
            state.backends.grq,
            grq_target(settings.indices.name("grq_alias")),
            limits,
            ttl=ttl,
        ),
        "jobs": QueryPassthrough(
            state.backends.mozart,
            jobs_target(settings.indices.name("job_status_alias")),
            limits,
            ttl=ttl,
        ),
    }
    app.register_blueprint(blueprint)
    api_parts(app).declare(
        paths=openapi_paths(),
        components={"schemas": {"SearchBody": SEARCH_BODY_SCHEMA}},
        tags=[TAG],
    )


@blueprint.post("/grq/query")
def grq_query() -> Response:
    body = _request_body()
    page = _run("grq", body)

    base_url = _base_url()
    collection_url = f"{base_url}/collections/{_all_products()}"
    features = [
        feature(
            product,
            item_url(collection_url, product.id),
            collection_url,
        )
        for product in map(product_from_record, page.sources)
    ]
    result = {
        "type": "FeatureCollection",
        "features": features,
        **_paging(page, body, len(features), f"{base_url}{PREFIX}/grq/query"),
    }
    return json_response(result, GEOJSON)


@blueprint.post("/jobs/query")
def jobs_query() -> Response:
    body = _request_body()
    runner = _runner("jobs")
    page = _run("jobs", body)

    jobs = job_summaries(
        page.sources, status_docs_by_payload(runner.search, runner.target.index)
    )
    # No per-job link: /jobs/{jobId} knows only jobs submitted through this
    # server, and most HySDS jobs were not.
    base_url = _base_url()
    result = {
        "jobs": jobs,
        **_paging(page, body, len(jobs), f"{base_url}{PREFIX}/jobs/query"),
    }
    return json_response(result, "application/json")


def _runner(name: str) -> QueryPassthrough:
    runner: QueryPassthrough = current_app.extensions[EXTENSION_KEY][name]
    return runner


def _run(name: str, body: dict[str, Any]) -> PassthroughPage:
    with parameter("body"):
        return _runner(name).run(body)


def _request_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidParameter("the request body is a JSON search body", locator="body")
    return body


def _paging(
    page: PassthroughPage, body: dict[str, Any], returned: int, url: str
) -> dict[str, Any]:
    # Paging members that would fight the token are dropped from the link bodies.
    kept = {k: v for k, v in body.items() if k not in ("token", "from", "search_after")}
    links: list[dict[str, Any]] = [
        {"rel": "self", "type": "application/json", "href": url, "method": "POST"}
    ]
    for rel, token in (("next", page.next_token), ("prev", page.prev_token)):
        if token:
            links.append(
                {
                    "rel": rel,
                    "type": "application/json",
                    "href": url,
                    "method": "POST",
                    "body": {**kept, "token": token},
                }
            )
    result: dict[str, Any] = {
        "numberMatched": page.number_matched,
        "numberReturned": returned,
        "links": links,
    }
    if page.aggregations:
        result["aggregations"] = page.aggregations
    return result


def _base_url() -> str:
    return str(server_state(current_app).settings.server.url).rstrip("/")


def _all_products() -> str:
    return server_state(current_app).settings.features.all_products_collection


# --- OpenAPI --------------------------------------------------------------------

TAG = {
    "name": "HySDS query pass-through",
    "description": (
        "Allow-listed raw OpenSearch queries on GRQ products and Mozart job "
        "statuses (HySDS extension, /api/v1)."
    ),
}

SEARCH_BODY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "An OpenSearch search body. Allowed query clauses: "
        + ", ".join(sorted(ALLOWED_CLAUSES))
        + ". No scripts, index, routing or preference; sort on mapped keyword, "
        "number or date fields; size up to the items limit; nesting up to 10 "
        "levels; aggregations: at most 5 `terms` with size <= 100."
    ),
    "properties": {
        "query": {"type": "object"},
        "sort": {"type": "array", "items": {}},
        "size": {"type": "integer", "minimum": 0},
        "from": {"type": "integer", "minimum": 0},
        "search_after": {"type": "array", "items": {}},
        "token": {"type": "string", "description": "From a next or prev link body."},
        "_source": {"type": "array", "items": {"type": "string"}},
        "aggs": {"type": "object"},
    },
    "additionalProperties": False,
}


def openapi_paths() -> dict[str, Any]:
    """OpenAPI path items of the two pass-through routes."""
    return {
        f"{PREFIX}/grq/query": _operation(
            "queryGrq",
            "Run an allow-listed OpenSearch query on GRQ products",
            "GeoJSON FeatureCollection with numberMatched and POST paging links",
            GEOJSON,
        ),
        f"{PREFIX}/jobs/query": _operation(
            "queryJobs",
            "Run an allow-listed OpenSearch query on job_status-current",
            "Job summaries (jobID = payload_id, OGC status) with paging links",
            "application/json",
        ),
    }


def _operation(
    operation_id: str, summary: str, answer: str, media_type: str
) -> dict[str, Any]:
    problem = {"application/problem+json": {"schema": {"type": "object"}}}
    return {
        "post": {
            "tags": [TAG["name"]],
            "operationId": operation_id,
            "summary": summary,
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/SearchBody"}
                    }
                },
            },
            "responses": {
                "200": {
                    "description": answer,
                    "content": {media_type: {"schema": {"type": "object"}}},
                },
                "400": {
                    "description": "The body is refused; `locator` is its JSON path",
                    "content": problem,
                },
                "503": {"description": "The search cluster is unavailable"},
            },
        }
    }
