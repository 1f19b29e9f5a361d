# SPDX-License-Identifier: Apache-2.0
"""Handing a resolved job to HySDS, through the transport chosen in settings.

`amqp` (default, decision 6): the job JSON as a Celery v2 message on
`jobs_processed`, declared as Celery declares it (`x-max-priority: 10`),
persistent and publisher-confirmed. `mozart-api`: a form POST to Mozart's
`job/submit` (hysds.md §2.6), which resolves and publishes the same message.
Either way `submit` returns only once HySDS's side confirmed the job, and
raises `Unavailable` (→ 503) otherwise.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from typing import Any, Protocol

import pika

from ogc_hysds.backend.broker import BrokerBackend
from ogc_hysds.backend.errors import BadRequest, Unavailable
from ogc_hysds.backend.http import HttpBackend
from ogc_hysds.hysds.celery_message import submit_job_message
from ogc_hysds.hysds.job_json import build_job_json
from ogc_hysds.hysds.resolve import ResolvedJob

log = logging.getLogger(__name__)

# hysds/hysds celeryconfig: task_queue_max_priority = 10 (hysds.md §3.5). A
# declare with other arguments is refused by RabbitMQ (PRECONDITION_FAILED).
JOBS_QUEUE_ARGUMENTS = {"x-max-priority": 10}


class Transport(Protocol):
    def submit(self, resolved: ResolvedJob, username: str, payload_id: str) -> str:
        """Submit and return the job's payload_id once HySDS confirmed it."""
        ...


def new_payload_id() -> str:
    return str(uuid.uuid4())


class AmqpTransport:
    """Publishes `hysds.orchestrator.submit_job` straight to the broker."""

    def __init__(self, broker: BrokerBackend, queue: str) -> None:
        self.broker = broker
        self.queue = queue
        self._declared = False
        self._lock = threading.Lock()

    def submit(self, resolved: ResolvedJob, username: str, payload_id: str) -> str:
        job = build_job_json(resolved, username)
        message = submit_job_message(job, payload_id, resolved.controls.priority)
        properties = pika.BasicProperties(
            content_type=message.content_type,
            content_encoding=message.content_encoding,
            correlation_id=message.correlation_id,
            delivery_mode=message.delivery_mode,
            priority=message.priority,
            headers=message.headers,
        )
        try:
            self._declare()
            self.broker.publish(self.queue, self.queue, message.body, properties)
        except BadRequest as err:
            # Unroutable or a queue declared differently: HySDS cannot take
            # the job now; that is an outage to the caller, not their error.
            raise Unavailable(
                f"broker refused the job: {err.message}", backend="broker"
            ) from err
        log.info("job %s submitted to %s (%s)", payload_id, self.queue, job["job_type"])
        return payload_id

    def _declare(self) -> None:
        with self._lock:
            if not self._declared:
                self.broker.declare_queue(self.queue, JOBS_QUEUE_ARGUMENTS)
                self._declared = True


class MozartApiTransport:
    """Mozart's `job/submit`; Mozart chooses the payload_id."""

    def __init__(self, mozart_api: HttpBackend) -> None:
        self.mozart_api = mozart_api

    def submit(self, resolved: ResolvedJob, username: str, payload_id: str) -> str:
        reply = self.mozart_api.request(
            "POST", "job/submit", data=mozart_form(resolved, username)
        )
        result = reply.json()
        if not result.get("success") or not result.get("result"):
            raise Unavailable("mozart refused the job", backend="mozart_api")
        payload_id = str(result["result"])
        log.info("job %s submitted through Mozart job/submit", payload_id)
        return payload_id


def mozart_form(resolved: ResolvedJob, username: str) -> dict[str, Any]:
    """Form fields of Mozart's `job/submit` (hysds.md §2.6).

    Mozart does not evaluate hysds-io `from` on this path (§3.2), so `params`
    carries the final values of every param, `value` ones included.
    """
    controls = resolved.controls
    form: dict[str, Any] = {
        "type": resolved.process.job_spec_id,
        "queue": controls.queue,
        "priority": str(controls.priority),
        "tags": json.dumps(controls.tags),
        "username": username,
        "enable_dedup": "true" if controls.enable_dedup else "false",
        "soft_time_limit": str(controls.soft_time_limit),
        "time_limit": str(controls.time_limit),
        "disk_usage": controls.disk_usage,
        "params": json.dumps(resolved.params),
    }
    if controls.job_name is not None:
        form["name"] = controls.job_name
    return form
