# SPDX-License-Identifier: Apache-2.0
"""GET /health: is each backend reachable, and can the server do its work?"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import Blueprint, Response, current_app, jsonify

from ogc_hysds.backend.errors import BackendError
from ogc_hysds.state import server_state

log = logging.getLogger(__name__)

blueprint = Blueprint("health", __name__)

RETRY_AFTER_SECONDS = 10


@blueprint.get("/health")
def health() -> tuple[Response, int, dict[str, str]]:
    state = server_state(current_app)
    probes: dict[str, Callable[[], Any]] = {
        "grq": state.backends.grq.ping,
        "mozart": state.backends.mozart.ping,
        "broker": state.backends.broker.ping,
    }
    required = set(state.settings.health.required)

    # Probe in parallel so one hanging backend does not hide the others' state.
    with ThreadPoolExecutor(max_workers=len(probes)) as pool:
        outcomes = dict(zip(probes, pool.map(_probe, probes.values()), strict=True))

    report = {
        name: {**outcome, "required": name in required}
        for name, outcome in outcomes.items()
    }
    down = [name for name in required if report[name]["status"] != "ok"]
    body = {"status": "unavailable" if down else "ok", "backends": report}
    if down:
        log.warning("health: required backends unavailable: %s", ", ".join(down))
        return jsonify(body), 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return jsonify(body), 200, {}


def _probe(check: Callable[[], Any]) -> dict[str, str]:
    try:
        check()
    except BackendError as err:
        return {"status": "unavailable", "reason": err.message}
    return {"status": "ok"}
