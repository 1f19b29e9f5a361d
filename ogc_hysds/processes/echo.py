# SPDX-License-Identifier: Apache-2.0
"""The built-in `echo` process, run in-process, kept apart from HySDS.

The OGC CITE Processes ETS needs an echo process with a plain string input
and async execution, and adds a `pause` input to see `result-not-ready`
(ogc.md §4). It runs sync (the default when both modes are offered, OGC API
Processes 1.0 §7.11.2.3) or async in a thread; async state is kept in our job
record like any other job, so `/jobs` shows it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from ogc_hysds.errors import InvalidParameter
from ogc_hysds.hysds.jobs import JobRecord, JobStore, utc_now
from ogc_hysds.hysds.status import FAILED, RUNNING, SUCCESSFUL, JobState

log = logging.getLogger(__name__)

PROCESS_ID = "echo"
MAX_PAUSE = 60.0


def describe(base_url: str) -> dict[str, Any]:
    url = f"{base_url}/processes/{PROCESS_ID}"
    return {
        "id": PROCESS_ID,
        "version": "1.0.0",
        "title": "Echo",
        "description": "Returns its input; runs inside ogc-hysds, not on HySDS.",
        "keywords": ["echo", "test"],
        "jobControlOptions": ["sync-execute", "async-execute", "dismiss"],
        "outputTransmission": ["value"],
        "inputs": {
            "echoInput": {
                "title": "Echo input",
                "description": "Any string; it is returned unchanged.",
                "schema": {"type": "string"},
                "minOccurs": 1,
                "maxOccurs": 1,
            },
            "pause": {
                "title": "Pause",
                "description": "Seconds to wait before answering (at most 60).",
                "schema": {"type": "number", "minimum": 0, "maximum": MAX_PAUSE},
                "minOccurs": 0,
                "maxOccurs": 1,
            },
        },
        "outputs": {
            "echoOutput": {
                "title": "Echo output",
                "description": "The echoInput value.",
                "schema": {"type": "string"},
            }
        },
        "links": [
            {
                "href": url,
                "rel": "self",
                "type": "application/json",
                "title": "this process",
            },
            {
                "href": f"{url}/execution",
                "rel": "http://www.opengis.net/def/rel/ogc/1.0/execute",
                "title": "execute (POST)",
            },
        ],
    }


def validate(inputs: dict[str, Any]) -> tuple[str, float]:
    """The echo input and the pause, or a 400 naming each bad input."""
    problems: dict[str, str] = {}
    value = _unwrap(inputs.get("echoInput"))
    if not isinstance(value, str):
        problems["echoInput"] = "required, a string"
    pause = _unwrap(inputs.get("pause", 0))
    if isinstance(pause, bool) or not isinstance(pause, int | float):
        problems["pause"] = "expected a number"
    elif not 0 <= pause <= MAX_PAUSE:
        problems["pause"] = f"expected 0 to {MAX_PAUSE:g} seconds"
    for name in inputs:
        if name not in ("echoInput", "pause"):
            problems[name] = "not an input of this process"
    if problems:
        detail = "; ".join(f"{name}: {why}" for name, why in problems.items())
        raise InvalidParameter(f"invalid inputs: {detail}", locator=",".join(problems))
    return str(value), float(pause)


def _unwrap(value: Any) -> Any:
    if isinstance(value, dict) and "value" in value:
        return value["value"]
    return value


def run_sync(
    value: str, pause: float, sleep: Callable[[float], None] = time.sleep
) -> dict[str, Any]:
    sleep(pause)
    return {"echoOutput": value}


def start_async(
    store: JobStore,
    record: JobRecord,
    value: str,
    pause: float,
    notify: Callable[[JobRecord], None],
) -> None:
    """Run the echo in a thread, moving the record through its states."""
    thread = threading.Thread(
        target=_run_async,
        args=(store, record, value, pause, notify),
        name=f"echo-{record.job_id}",
        daemon=True,
    )
    thread.start()


def _run_async(
    store: JobStore,
    record: JobRecord,
    value: str,
    pause: float,
    notify: Callable[[JobRecord], None],
) -> None:
    started = utc_now()
    try:
        _set_state(
            store,
            record,
            JobState(status=RUNNING, created=record.created, started=started),
        )
        time.sleep(pause)
        current = store.record(record.job_id)
        if current is not None and current.dismissed:
            return
        state = JobState(
            status=SUCCESSFUL,
            created=record.created,
            started=started,
            finished=utc_now(),
            updated=utc_now(),
            products=[{"echoOutput": value}],
        )
        _set_state(store, record, state)
        log.info("echo job %s successful", record.job_id)
    except Exception:  # a thread has no caller to raise to
        log.exception("echo job %s failed", record.job_id)
        _set_state(store, record, JobState(status=FAILED, message="echo failed"))
    notify(record)


def _set_state(store: JobStore, record: JobRecord, state: JobState) -> None:
    record.local_state = asdict(state)
    store.save(record)
