# SPDX-License-Identifier: Apache-2.0
"""Delivers execute `subscriber` callbacks (OGC API Processes 1.0 `callback`).

A loop polls for jobs whose OGC status changed since the last notification
their subscriber acknowledged, and POSTs the job's statusInfo (the body of
`GET /jobs/{id}`) to inProgressUri, successUri or failedUri. Everything the
loop knows lives in OpenSearch (`indices.ogc_callbacks`, one document per
job), so a restarted notifier carries on from the stored state, and several
notifiers may run at once: each claims a delivery with optimistic concurrency
(`if_seq_no` / `if_primary_term`) before sending it, so no two send the same
callback concurrently.

Run it inside the server (`processes.callbacks_in_server`, a daemon thread per
process) or as one `ogc-hysds notifier` process next to gunicorn workers.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from flask import Flask
from opensearchpy import exceptions as os_errors

from ogc_hysds.api_parts import api_parts
from ogc_hysds.backend.classify import HttpStatusError
from ogc_hysds.backend.errors import BackendError, NotFound
from ogc_hysds.backend.http import HttpBackend
from ogc_hysds.backend.observe import BackendObserver
from ogc_hysds.backend.search import SearchBackend
from ogc_hysds.config import Settings
from ogc_hysds.hysds import callbacks
from ogc_hysds.hysds.callbacks import Delivery, TargetRefused
from ogc_hysds.hysds.jobs import Job, JobRecord, JobStore
from ogc_hysds.processes.routes import _status_info
from ogc_hysds.processes.service import processes_service
from ogc_hysds.state import server_state

log = logging.getLogger(__name__)

EXTENSION_KEY = "ogc_hysds.notifier"
CALLBACK_CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/callback"
)
# Subscriber hosts whose HTTP client (session, throttle, breaker) is kept.
MAX_HOSTS = 64
# How far back each scan looks for new jobs with a subscriber; the first scan
# of a notifier looks back `callbacks_max_age` to catch up after downtime.
DISCOVERY_WINDOW = 120.0
SCAN_SIZE = 1000
_KEYWORD = {"type": "keyword"}
_DOUBLE = {"type": "double"}
# Explicit, so the first document cannot decide the types (a 0 making
# `next_attempt` a long); only `done` is queried, the rest is read back.
CALLBACKS_INDEX: dict[str, Any] = {
    "mappings": {
        "dynamic": False,
        "properties": {
            "job_id": _KEYWORD,
            "delivered": _KEYWORD,
            "abandoned": _KEYWORD,
            "pending": _KEYWORD,
            "attempts": {"type": "integer"},
            "first_attempt": _DOUBLE,
            "next_attempt": _DOUBLE,
            "done": {"type": "boolean"},
        },
    }
}

Render = Callable[[Job], dict[str, Any]]
Clock = Callable[[], float]


@dataclass
class Stored:
    """A `Delivery` with the version OpenSearch holds it at."""

    delivery: Delivery
    seq_no: int
    primary_term: int


class CallbackStore:
    """Delivery state per job, written only over the version it was read at."""

    def __init__(self, mozart: SearchBackend, index: str) -> None:
        if not index.startswith(mozart.namespace):
            raise ValueError(f"index {index!r} is outside the namespace")
        self.mozart = mozart
        self.index = index
        self._ensured = False

    def ensure_index(self) -> None:
        if not self._ensured:
            if self.mozart.ensure_index(self.index, CALLBACKS_INDEX):
                log.info("created callback state index %s", self.index)
            self._ensured = True

    def register(self, job_id: str) -> bool:
        """Start tracking a job; False when it is already tracked."""
        self.ensure_index()
        doc = Delivery(job_id).to_doc()
        return self._write(job_id, doc, {"op_type": "create"}) is not None

    def active(self) -> list[Stored]:
        body = {
            "size": SCAN_SIZE,
            "query": {"term": {"done": False}},
            "seq_no_primary_term": True,
        }
        try:
            reply = self.mozart.search(self.index, body, operation="callbacks")
        except NotFound:
            return []
        return [
            Stored(
                Delivery.from_doc(hit["_source"]), hit["_seq_no"], hit["_primary_term"]
            )
            for hit in reply["hits"]["hits"]
        ]

    def get(self, job_id: str) -> Stored | None:
        def fetch(timeout: float) -> dict[str, Any]:
            reply: dict[str, Any] = self.mozart.client.get(
                index=self.index, id=job_id, params={"request_timeout": timeout}
            )
            return reply

        try:
            reply = self.mozart.adapter.call("callbacks get", fetch)
        except NotFound:
            return None
        delivery = Delivery.from_doc(reply["_source"])
        return Stored(delivery, reply["_seq_no"], reply["_primary_term"])

    def update(self, stored: Stored) -> Stored | None:
        """Write over the version read; None when another notifier got there first."""
        params = {
            "if_seq_no": str(stored.seq_no),
            "if_primary_term": str(stored.primary_term),
        }
        reply = self._write(stored.delivery.job_id, stored.delivery.to_doc(), params)
        if reply is None:
            return None
        return Stored(stored.delivery, reply["_seq_no"], reply["_primary_term"])

    def _write(
        self, job_id: str, doc: dict[str, Any], params: dict[str, str]
    ) -> dict[str, Any] | None:
        def send(timeout: float) -> dict[str, Any] | None:
            try:
                reply: dict[str, Any] = self.mozart.client.index(
                    index=self.index,
                    id=job_id,
                    body=doc,
                    params={**params, "refresh": "true", "request_timeout": timeout},
                )
            except os_errors.ConflictError:
                # A version conflict is an answer, not a failure to retry.
                return None
            return reply

        return self.mozart.adapter.call("callbacks write", send)


class CallbackSender:
    """POSTs to subscriber URIs; one throttled client per host (`callbacks` policy).

    Per host, so a dead receiver trips its own breaker, not everyone's.
    """

    def __init__(
        self, settings: Settings, observer: BackendObserver | None = None
    ) -> None:
        self.policy = settings.policy("callbacks")
        self.timeout = settings.processes.callbacks_timeout
        self.observer = observer
        self._hosts: OrderedDict[str, HttpBackend] = OrderedDict()
        self._lock = threading.Lock()

    def post(self, uri: str, body: dict[str, Any]) -> None:
        """Deliver `body`; raises `BackendError` unless the receiver answered 2xx."""
        parts = urlsplit(uri)
        client = self._client(f"{parts.scheme}://{parts.netloc}")

        def send(timeout: float) -> None:
            # No redirects: a redirect could point the POST at an internal host.
            reply = client.session.post(
                uri,
                json=body,
                timeout=min(timeout, self.timeout),
                allow_redirects=False,
            )
            if not 200 <= reply.status_code < 300:
                raise HttpStatusError(reply.status_code, reply.reason or "")

        client.adapter.call("POST callback", send)

    def _client(self, base: str) -> HttpBackend:
        with self._lock:
            client = self._hosts.pop(base, None)
            if client is None:
                client = HttpBackend(
                    "callbacks",
                    base,
                    self.policy,
                    timeout=self.timeout,
                    observer=self.observer,
                )
            self._hosts[base] = client
            while len(self._hosts) > MAX_HOSTS:
                self._hosts.popitem(last=False)
            return client


class Notifier:
    """Finds owed callbacks, claims them, delivers them, records the outcome."""

    def __init__(
        self,
        settings: Settings,
        jobs: JobStore,
        store: CallbackStore,
        sender: CallbackSender,
        render: Render,
        *,
        clock: Clock = time.time,
    ) -> None:
        self.settings = settings.processes
        self.jobs = jobs
        self.store = store
        self.sender = sender
        self.render = render
        self.clock = clock
        self._caught_up = False
        self._registered: set[str] = set()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- the loop -------------------------------------------------------------

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(
            target=self.run_forever, name="ogc-hysds-notifier", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def run_forever(self) -> None:
        log.info(
            "callback notifier polling every %ss", self.settings.callbacks_poll_interval
        )
        while not self._stop.is_set():
            self.run_once_safely()
            self._stop.wait(self.settings.callbacks_poll_interval)

    def run_once_safely(self) -> None:
        # A background loop must outlive a backend outage and its own bugs.
        try:
            self.run_once()
        except BackendError as err:
            log.warning("callback scan skipped: %s", err)
        except Exception:
            log.exception("callback scan failed")

    def run_once(self) -> int:
        """One scan; returns how many callbacks were acknowledged."""
        self._discover()

        active = self.store.active()
        jobs = self._jobs(stored.delivery.job_id for stored in active)

        return sum(
            self._attend(stored, jobs.get(stored.delivery.job_id)) for stored in active
        )

    # --- steps ----------------------------------------------------------------

    def _discover(self) -> None:
        """Register jobs with a subscriber created since the last window."""
        window = (
            self.settings.callbacks_max_age if not self._caught_up else DISCOVERY_WINDOW
        )
        since = dt.datetime.fromtimestamp(self.clock() - window, dt.UTC)
        body = {
            "size": SCAN_SIZE,
            "query": {
                "bool": {
                    "filter": [
                        {"term": {"submitted": True}},
                        {"range": {"created": {"gte": since.isoformat()}}},
                    ]
                }
            },
            "sort": [{"created": {"order": "desc", "unmapped_type": "date"}}],
        }
        records = self._search_records(body)
        seen = set()
        for record in records:
            seen.add(record.job_id)
            if record.subscriber and record.job_id not in self._registered:
                self.store.register(record.job_id)
                self._registered.add(record.job_id)
        # Only ids still inside the window can come back; forget the rest.
        self._registered &= seen
        self._caught_up = True

    def _jobs(self, job_ids: Iterable[str]) -> dict[str, Job]:
        ids = list(job_ids)
        if not ids:
            return {}
        records = self._search_records(
            {"size": len(ids), "query": {"ids": {"values": ids}}}
        )
        states = self.jobs.states(records)
        return {r.job_id: Job(r, states[r.job_id]) for r in records}

    def _search_records(self, body: dict[str, Any]) -> list[JobRecord]:
        try:
            reply = self.jobs.mozart.search(
                self.jobs.index_name, body, operation="callbacks jobs"
            )
        except NotFound:
            return []
        return [JobRecord.from_doc(hit["_source"]) for hit in reply["hits"]["hits"]]

    def _attend(self, stored: Stored, job: Job | None) -> int:
        delivery = stored.delivery
        if job is None:
            delivery.done = True
            self.store.update(stored)
            return 0
        status = job.state.status
        subscriber = job.record.subscriber
        if not callbacks.owed(delivery, subscriber, status):
            if status in callbacks.TERMINAL:
                delivery.done = True
                self.store.update(stored)
            return 0
        if self.clock() < delivery.next_attempt and delivery.pending == status:
            return 0

        claimed = self._claim(stored, status)
        if claimed is None:
            return 0
        uri = callbacks.wanted_uri(subscriber, status)
        assert uri is not None
        return self._deliver(claimed, job, status, uri)

    def _claim(self, stored: Stored, status: str) -> Stored | None:
        # The lease outlasts one POST with its in-call retries; a notifier that
        # dies mid-delivery leaves the claim to expire and be taken again.
        lease = self.sender.policy.deadline + self.settings.callbacks_timeout
        callbacks.start_attempt(stored.delivery, status, self.clock(), lease)
        return self.store.update(stored)

    def _deliver(self, stored: Stored, job: Job, status: str, uri: str) -> int:
        delivery = stored.delivery
        try:
            callbacks.check_target(
                uri, allow_internal=self.settings.callbacks_allow_internal
            )
            self.sender.post(uri, self.render(job))
        except TargetRefused as err:
            self._abandon(stored, status, str(err))
            return 0
        except (BackendError, requests.RequestException) as err:
            self._failed(stored, status, str(err))
            return 0

        attempts = delivery.attempts
        callbacks.succeed(delivery, status)
        self.store.update(stored)
        log.info(
            "job %s: %s callback delivered (attempt %s)",
            delivery.job_id,
            status,
            attempts,
        )
        return 1

    def _failed(self, stored: Stored, status: str, error: str) -> None:
        delivery = stored.delivery
        now = self.clock()
        settings = self.settings
        if callbacks.give_up(
            delivery, now, settings.callbacks_max_attempts, settings.callbacks_max_age
        ):
            self._abandon(stored, status, error)
            return
        pause = callbacks.backoff(
            delivery.attempts,
            settings.callbacks_backoff_initial,
            settings.callbacks_backoff_max,
        )
        callbacks.fail(delivery, error, now + pause)
        self.store.update(stored)
        log.warning(
            "job %s: %s callback attempt %s failed (%s); retry in %.1fs",
            delivery.job_id,
            status,
            delivery.attempts,
            error,
            pause,
        )

    def _abandon(self, stored: Stored, status: str, error: str) -> None:
        delivery = stored.delivery
        attempts = delivery.attempts
        callbacks.abandon(delivery, status, error)
        self.store.update(stored)
        log.error(
            "job %s: %s callback abandoned after %s attempts: %s",
            delivery.job_id,
            status,
            attempts,
            error,
        )


def build_notifier(app: Flask) -> Notifier:
    """A notifier over the app's backends, rendering statusInfo as `/jobs/{id}`."""
    state = server_state(app)
    service = processes_service(app)
    settings = state.settings
    store = CallbackStore(state.backends.mozart, settings.indices.name("ogc_callbacks"))

    def render(job: Job) -> dict[str, Any]:
        return _status_info(service, job)

    sender = CallbackSender(settings, observer=state.backends.observer)
    return Notifier(settings, service.jobs, store, sender, render)


def init_app(app: Flask) -> None:
    """Declare the callback class and start the loop, when callbacks are enabled."""
    settings = server_state(app).settings.processes
    if not settings.callbacks_enabled:
        return
    api_parts(app).declare(conformance=[CALLBACK_CONFORMANCE])
    notifier = build_notifier(app)
    app.extensions[EXTENSION_KEY] = notifier
    if settings.callbacks_in_server:
        notifier.start()


def notifier_of(app: Flask) -> Notifier | None:
    notifier: Notifier | None = app.extensions.get(EXTENSION_KEY)
    return notifier


def run_standalone(settings: Settings) -> int:
    """`ogc-hysds notifier`: the loop alone, until SIGINT or SIGTERM."""
    # Imported here: the app factory imports this module.
    from ogc_hysds.app import create_app

    if not settings.processes.callbacks_enabled:
        log.error("processes.callbacks_enabled is false: nothing to deliver")
        return 2
    # The server processes must not run their own loop; this process is it.
    processes = settings.processes.model_copy(update={"callbacks_in_server": False})
    app = create_app(settings.model_copy(update={"processes": processes}))
    notifier = notifier_of(app)
    assert notifier is not None

    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    notifier.start()
    stop.wait()
    notifier.stop()
    return 0
