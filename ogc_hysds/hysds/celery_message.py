# SPDX-License-Identifier: Apache-2.0
"""A Celery task protocol v2 message for `hysds.orchestrator.submit_job`.

This is what `hysds.orchestrator.do_submit_job` sends with `apply_async`
(hysds.md §3.5): args `(job,)`, msgpack-serialised, on `jobs_processed`, and
the task id it returns is the job's `payload_id`. Written from the protocol's
documentation (docs.celeryq.dev, internals/protocol.html); the integration
tests prove it by letting a real Celery worker decode and run it.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from typing import Any

import msgpack

SUBMIT_JOB_TASK = "hysds.orchestrator.submit_job"
CONTENT_TYPE = "application/x-msgpack"
CONTENT_ENCODING = "binary"
PERSISTENT = 2
# Celery truncates argsrepr/kwargsrepr to this many characters by default.
_REPR_MAX = 1024


@dataclass(frozen=True)
class CeleryMessage:
    """Everything AMQP needs: body bytes, headers and message properties."""

    task_id: str
    body: bytes
    headers: dict[str, Any]
    content_type: str
    content_encoding: str
    correlation_id: str
    delivery_mode: int
    priority: int


def submit_job_message(
    job: dict[str, Any], task_id: str, priority: int
) -> CeleryMessage:
    """The message that asks the orchestrator to queue `job`.

    `task_id` becomes the payload_id, so the caller chooses it (a uuid4) and
    can record the job before the orchestrator ever sees it.
    """
    args = (job,)
    return CeleryMessage(
        task_id=task_id,
        body=encode_body(args),
        headers=_headers(task_id, args),
        content_type=CONTENT_TYPE,
        content_encoding=CONTENT_ENCODING,
        correlation_id=task_id,
        delivery_mode=PERSISTENT,
        priority=priority,
    )


def encode_body(args: tuple[Any, ...]) -> bytes:
    """Protocol v2 body: `[args, kwargs, embed]`, msgpack with bin/str split."""
    embed = {"callbacks": None, "errbacks": None, "chain": None, "chord": None}
    packed: bytes = msgpack.packb([list(args), {}, embed], use_bin_type=True)
    return packed


def _headers(task_id: str, args: tuple[Any, ...]) -> dict[str, Any]:
    # A fresh task is its own root; no parent, group, ETA, expiry or limits:
    # do_submit_job passes none of them (hysds.md §3.5).
    return {
        "lang": "py",
        "task": SUBMIT_JOB_TASK,
        "id": task_id,
        "shadow": None,
        "eta": None,
        "expires": None,
        "group": None,
        "group_index": None,
        "retries": 0,
        "timelimit": [None, None],
        "root_id": task_id,
        "parent_id": None,
        "argsrepr": _truncate(repr(args)),
        "kwargsrepr": "{}",
        "origin": f"{os.getpid()}@{socket.gethostname()}",
        "ignore_result": False,
        "replaced_task_nesting": 0,
        "stamped_headers": None,
        "stamps": {},
    }


def _truncate(text: str) -> str:
    if len(text) <= _REPR_MAX:
        return text
    return text[: _REPR_MAX - 3] + "..."
