# SPDX-License-Identifier: Apache-2.0
"""What one server process holds: its settings and its backend connections."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from ogc_hysds.backend.registry import Backends
from ogc_hysds.config import Settings

EXTENSION_KEY = "ogc_hysds"


@dataclass
class ServerState:
    settings: Settings
    backends: Backends


def server_state(app: Flask) -> ServerState:
    state: ServerState = app.extensions[EXTENSION_KEY]
    return state
