# SPDX-License-Identifier: Apache-2.0
"""The OGC API shell: one landing page, conformance list and OpenAPI document.

pygeoapi is mounted through its documented `pygeoapi.api.API(config, openapi)`
object (ogc.md §2.9 "More control"), with a configuration built in code from our
settings and the GRQ datasets the catalogue discovered. When the dataset list
changes (catalogue TTL) the API object and its OpenAPI document are rebuilt.
Every API part (`api_parts(app)`) adds its conformance classes, landing links
and OpenAPI paths, so there is one of each for the whole server.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, Response, current_app, make_response, request
from pygeoapi import api as pygeoapi_core
from pygeoapi import l10n as pygeoapi_l10n
from pygeoapi.api import API, APIRequest
from pygeoapi.openapi import get_oas

from ogc_hysds.api_parts import ApiParts, api_parts
from ogc_hysds.config import Settings
from ogc_hysds.errors import InvalidParameter
from ogc_hysds.features.openapi_doc import self_contained, with_items_paging
from ogc_hysds.features.pygeoapi_config import pygeoapi_config
from ogc_hysds.features.service import FeaturesService
from ogc_hysds.http_json import json_response

log = logging.getLogger(__name__)

EXTENSION_KEY = "ogc_hysds.ogcapi_shell"
FEATURES_3 = "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf"
CQL2 = "http://www.opengis.net/spec/cql2/1.0/conf"

# Classes this server implements beyond what pygeoapi declares for a feature
# provider (ogc.md §2.11): Part 3 filtering and the CQL2 classes the GRQ
# translation covers (hysds/grq_cql2.py).
FEATURES_CONFORMANCE = [
    f"{FEATURES_3}/filter",
    f"{FEATURES_3}/features-filter",
    f"{CQL2}/basic-cql2",
    f"{CQL2}/cql2-text",
    f"{CQL2}/cql2-json",
    f"{CQL2}/advanced-comparison-operators",
    f"{CQL2}/case-insensitive-comparison",
    f"{CQL2}/basic-spatial-functions",
    f"{CQL2}/basic-spatial-functions-plus",
    f"{CQL2}/temporal-functions",
]
# Declared by pygeoapi for any feature provider, but not implemented here.
NOT_IMPLEMENTED = ("ogcapi-features-4/1.0/conf/create-replace-delete",)

FOREIGN_RELS = ("/tiling-schemes", "/processes", "/job-list")

PygeoapiHandler = Callable[..., tuple[dict[str, Any], int, Any]]


class OgcApiShell:
    """pygeoapi's API object for the current collections, rebuilt when they change."""

    def __init__(self, settings: Settings, service: FeaturesService) -> None:
        self.settings = settings
        self.service = service
        self._lock = threading.Lock()
        self._signature: tuple[str, ...] | None = None
        self._api: API | None = None
        self._openapi: dict[str, Any] | None = None

    def api(self) -> API:
        signature = tuple(self.service.collections())
        with self._lock:
            if self._api is None or signature != self._signature:
                config = pygeoapi_config(self.settings, self.service)
                self._api = API(config, {})
                self._signature = signature
                self._openapi = None
                log.info("OGC API collections: %s", ", ".join(signature))
            return self._api

    def openapi(self, parts: ApiParts) -> dict[str, Any]:
        """The whole server's OpenAPI 3.0 document, with no remote references."""
        api = self.api()
        with self._lock:
            if self._openapi is None:
                document = get_oas(api.config, fail_on_invalid_collection=False)
                self._openapi = with_items_paging(document)
            document = json.loads(json.dumps(self._openapi, default=str))
        document["paths"].update(parts.openapi_paths)
        for section, entries in parts.openapi_components.items():
            document.setdefault("components", {}).setdefault(section, {}).update(
                entries
            )
        document.setdefault("tags", []).extend(parts.openapi_tags)
        return self_contained(document)


def shell(app: Flask | None = None) -> OgcApiShell:
    found: OgcApiShell = (app or current_app).extensions[EXTENSION_KEY]
    return found


def run_pygeoapi(handler: PygeoapiHandler, *args: Any) -> Response:
    """Call one of pygeoapi's API handlers for the current Flask request."""
    api = shell().api()
    api_request = APIRequest.from_flask(request, api.locales)
    if not api_request.is_valid():
        raise InvalidParameter("unsupported output format", locator="f")
    headers, status, content = handler(api, api_request, *args)
    response = make_response(content, status)
    response.headers.update(headers)
    return response


blueprint = Blueprint("ogcapi", __name__)


@blueprint.get("/")
def landing_page() -> Response:
    response = run_pygeoapi(pygeoapi_core.landing_page)
    body = response.get_json() if response.is_json else None
    if not isinstance(body, dict) or "links" not in body:
        return response  # HTML and JSON-LD carry no link list to adjust
    # pygeoapi links tiling schemes and its own Processes API unconditionally;
    # neither is served by pygeoapi here, so only what the API parts declare stays.
    body["links"] = [
        link for link in body["links"] if not link["rel"].endswith(FOREIGN_RELS)
    ]
    body["links"].extend(api_parts(current_app).landing_links)
    return _json(body, response)


@blueprint.get("/conformance")
def conformance() -> Response:
    response = run_pygeoapi(pygeoapi_core.conformance)
    if not response.is_json:
        return response
    classes = [
        uri
        for uri in response.get_json()["conformsTo"]
        if not uri.endswith(NOT_IMPLEMENTED)
    ]
    classes += FEATURES_CONFORMANCE + api_parts(current_app).conformance
    return _json({"conformsTo": sorted(set(classes))}, response)


@blueprint.get("/openapi")
def openapi() -> Response:
    api_request = APIRequest.from_flask(request, shell().api().locales)
    if api_request.format == "html":
        return run_pygeoapi(_swagger_page)
    document = shell().openapi(api_parts(current_app))
    return json_response(document, "application/vnd.oai.openapi+json;version=3.0")


def _swagger_page(api: API, api_request: APIRequest) -> tuple[dict[str, Any], int, Any]:
    from pygeoapi.util import render_j2_template

    headers = api_request.get_response_headers(**api.api_headers)
    data = {"openapi-document-path": f"{api.base_url}/openapi?f=json"}
    content = render_j2_template(
        api.tpl_config,
        api.config["server"]["templates"],
        "openapi/swagger.html",
        data,
        api_request.locale,
    )
    return headers, 200, content


def _json(body: dict[str, Any], template: Response) -> Response:
    response = json_response(body, "application/json", template.status_code)
    for name in ("Content-Language", "Vary"):
        if name in template.headers:
            response.headers[name] = template.headers[name]
    return response


class _NoTranslatedConfigCache(dict[Any, Any]):
    """Stands in for pygeoapi's cache of locale-translated configs.

    pygeoapi 0.24 keeps, for its HTML templates, one translated copy of the
    config per locale in a process-wide dict (`l10n._cfg_cache`), whichever API
    object the config came from. Once our API object is rebuilt for a new set
    of collections, or a second app runs in the process, pages would render
    from the stale copy (old collections, another server URL). Storing nothing
    makes each page translate its own API's config: one deep copy of a small
    dict, beside a template environment pygeoapi builds per page anyway.
    """

    def __setitem__(self, key: Any, value: Any) -> None:
        return None


def register(app: Flask, settings: Settings, service: FeaturesService) -> None:
    # pygeoapi's l10n warns once per untranslated config key on every request.
    logging.getLogger("pygeoapi.l10n").setLevel(logging.ERROR)
    pygeoapi_l10n._cfg_cache = _NoTranslatedConfigCache()  # type: ignore[attr-defined]
    app.extensions[EXTENSION_KEY] = OgcApiShell(settings, service)
    app.register_blueprint(blueprint)
