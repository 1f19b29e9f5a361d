# SPDX-License-Identifier: Apache-2.0
"""WSGI entry point for gunicorn: `gunicorn 'ogc_hysds.wsgi:app()'`.

Settings come from the file named by OGC_HYSDS_CONFIG (default
config/ogc-hysds.yml) and OGC_HYSDS_* environment overrides, read when gunicorn
calls the factory, never at import time.
"""

from __future__ import annotations

from flask import Flask

from ogc_hysds.app import create_app
from ogc_hysds.config import load_settings
from ogc_hysds.logs import configure_logging


def app() -> Flask:
    settings = load_settings()
    configure_logging(settings.server.log_level)
    return create_app(settings)
