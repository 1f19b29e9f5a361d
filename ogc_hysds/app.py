# SPDX-License-Identifier: Apache-2.0
"""Flask application factory: settings in, a WSGI app out."""

from __future__ import annotations

import logging

from flask import Flask

from ogc_hysds import features, health, http_errors
from ogc_hysds.backend.registry import build_backends
from ogc_hysds.config import Settings
from ogc_hysds.http_json import FastJSONProvider
from ogc_hysds.processes import notifier
from ogc_hysds.processes import routes as processes_routes
from ogc_hysds.state import EXTENSION_KEY, ServerState

log = logging.getLogger(__name__)


def create_app(settings: Settings) -> Flask:
    """Build the server for one set of settings; nothing is read at import time."""
    app = Flask("ogc_hysds")
    app.json = FastJSONProvider(app)
    app.extensions[EXTENSION_KEY] = ServerState(
        settings=settings, backends=build_backends(settings)
    )
    http_errors.register(app)
    app.register_blueprint(health.blueprint)
    features.register(app)
    processes_routes.init_app(app)
    notifier.init_app(app)
    log.info(
        "ogc-hysds ready at %s (GRQ %s, Mozart %s, broker %s)",
        settings.server.url,
        settings.grq.url,
        settings.mozart.url,
        settings.broker.admin_url,
    )
    return app
