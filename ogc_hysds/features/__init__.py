# SPDX-License-Identifier: Apache-2.0
"""OGC API Features over the GRQ catalogue (pygeoapi provider + our items routes)."""

from __future__ import annotations

from flask import Flask

from ogc_hysds import ogcapi_shell
from ogc_hysds.api_parts import api_parts
from ogc_hysds.features import passthrough, pele, routes
from ogc_hysds.features.openapi_doc import PELE_TAG, pele_openapi_paths
from ogc_hysds.features.service import FeaturesService, register_service
from ogc_hysds.hysds.catalogue import Catalogue
from ogc_hysds.state import server_state


def register(app: Flask) -> None:
    """Mount the landing page, conformance, OpenAPI, Features, Pele and pass-through."""
    state = server_state(app)
    settings = state.settings
    catalogue = Catalogue(
        state.backends.grq,
        settings.indices.name("grq_alias"),
        ttl=settings.features.catalogue_ttl,
    )
    service = FeaturesService(catalogue, settings.features)
    register_service(service)
    ogcapi_shell.register(app, settings, service)
    app.register_blueprint(routes.blueprint)
    pele.register(app, catalogue)
    api_parts(app).declare(paths=pele_openapi_paths(), tags=[PELE_TAG])
    passthrough.register(app)
