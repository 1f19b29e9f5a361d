# SPDX-License-Identifier: Apache-2.0
"""What the Processes routes need, built once per app from settings.

Holds the process registry, the job store and the submission transport, and
runs the two multi-step operations (submit, dismiss) so the routes stay a
list of parse → authorize → act → render steps.
"""

from __future__ import annotations

import fnmatch
import logging
from dataclasses import dataclass
from typing import Any

from flask import Flask

from ogc_hysds.backend.errors import Unavailable
from ogc_hysds.backend.search import SearchBackend
from ogc_hysds.config import Settings
from ogc_hysds.errors import (
    Conflict,
    Forbidden,
    NoSuchJob,
    NoSuchProcess,
    ServiceUnavailable,
)
from ogc_hysds.hysds import lightweight
from ogc_hysds.hysds.jobs import Job, JobRecord, JobStore, utc_now
from ogc_hysds.hysds.products import find_product
from ogc_hysds.hysds.registry import Process, ProcessRegistry
from ogc_hysds.hysds.resolve import ResolvedJob, resolve
from ogc_hysds.hysds.status import ACCEPTED, RUNNING
from ogc_hysds.hysds.submit import (
    AmqpTransport,
    MozartApiTransport,
    Transport,
    new_payload_id,
)
from ogc_hysds.processes.description import load_overrides
from ogc_hysds.state import server_state

log = logging.getLogger(__name__)

EXTENSION_KEY = "ogc_hysds.processes"
# Our own exception types, where OGC API Processes 1.0 defines none
# (docs/processes.md, "Errors").
EXCEPTIONS = "urn:ogc-hysds:exception"


class DismissNotPossible(Conflict):
    """A finished job cannot be dismissed: HySDS can neither cancel nor
    forget it (it keeps the status doc until its ILM policy deletes it)."""

    type_uri = f"{EXCEPTIONS}:dismiss-not-possible"
    title = "Dismiss not possible"


class JobFailed(Conflict):
    """Results of a failed job: HySDS's reason, as a client error.

    1.0 §7.13.3 asks for an error matching the failure; the job failed, not
    this server, and a 5xx would hide the reason behind a generic message.
    """

    type_uri = f"{EXCEPTIONS}:job-failed"
    title = "Job failed"


@dataclass(frozen=True)
class Identity:
    """Who is calling. Until auth lands: the configured default user."""

    username: str
    is_ops: bool


@dataclass
class ProcessesService:
    settings: Settings
    registry: ProcessRegistry
    jobs: JobStore
    transport: Transport
    overrides: dict[str, dict[str, Any]]
    grq: SearchBackend

    @property
    def base_url(self) -> str:
        return str(self.settings.server.url).rstrip("/")

    def identity(self) -> Identity:
        # The HySDS username comes from the caller's identity, never from the
        # request body (MAAP-Project/maap-api-nasa#156; decision 6).
        username = self.settings.processes.default_username
        return Identity(username, username in self.settings.processes.ops_role_users)

    def is_hidden(self, process_id: str) -> bool:
        """HySDS system job types (`processes.hidden`) are not processes."""
        return any(
            fnmatch.fnmatchcase(process_id, pattern)
            for pattern in self.settings.processes.hidden
        )

    def processes(self) -> list[Process]:
        """The processes a caller may see and run, sorted by processID."""
        return [p for p in self.registry.all() if not self.is_hidden(p.process_id)]

    def process(self, process_id: str) -> Process:
        process = self.registry.get(process_id)
        # A hidden job type (e.g. lw-mozart-purge) could purge other users'
        # jobs: to callers it does not exist.
        if process is None or self.is_hidden(process_id):
            raise NoSuchProcess(f"no process {process_id!r}")
        return process

    def owned_job(self, job_id: str, identity: Identity) -> Job:
        """The job, if the caller owns it or has the ops role."""
        job = self.jobs.job(job_id)
        if job is None:
            raise NoSuchJob(f"no job {job_id!r}")
        if not (identity.is_ops or job.record.owner == identity.username):
            raise Forbidden(f"job {job_id} belongs to another user")
        return job

    def resolve(self, process: Process, inputs: dict[str, Any]) -> ResolvedJob:
        alias = self.settings.indices.name("grq_alias")

        def lookup(reference: str) -> dict[str, Any] | None:
            return find_product(self.grq, alias, reference)

        return resolve(process, inputs, lookup, self.settings.processes.default_queue)

    def submit(
        self,
        resolved: ResolvedJob,
        identity: Identity,
        inputs: dict[str, Any],
        subscriber: dict[str, Any] | None,
        response: str = "raw",
    ) -> Job:
        """Submit to HySDS; the job is visible only once HySDS confirmed it."""
        record = JobRecord(
            job_id=new_payload_id(),
            process_id=resolved.process.process_id,
            owner=identity.username,
            created=utc_now(),
            inputs=inputs,
            subscriber=subscriber,
            tags=resolved.controls.tags,
            queue=resolved.controls.queue,
            response=response,
        )
        self.jobs.save(record)
        try:
            payload_id = self.transport.submit(
                resolved, identity.username, record.job_id
            )
        except Unavailable:
            self.jobs.discard(record.job_id)
            raise
        if payload_id != record.job_id:
            # mozart-api: Mozart picked the payload_id.
            self.jobs.discard(record.job_id)
            record.job_id = payload_id
        record.submitted = True
        self._save_confirmed(record)
        log.info(
            "job %s accepted (%s, owner %s)",
            payload_id,
            record.process_id,
            record.owner,
        )
        return Job(record, self.jobs.states([record])[record.job_id])

    def _save_confirmed(self, record: JobRecord) -> None:
        try:
            self.jobs.save(record)
        except Unavailable as err:
            # HySDS has the job but we could not record it: say so rather than
            # pretend it failed; it will still appear in HySDS's own status.
            raise ServiceUnavailable(
                f"job {record.job_id} was queued but could not be recorded; retry GET"
            ) from err

    def dismiss(self, job: Job) -> None:
        """Revoke a running HySDS job, purge a queued one (hysds.md §3.10)."""
        record = job.record
        if job.state.status not in (ACCEPTED, RUNNING):
            raise DismissNotPossible(not_dismissable(job))
        operation = (
            lightweight.REVOKE if job.state.status == RUNNING else lightweight.PURGE
        )
        process = lightweight.find_lightweight(self.registry, operation)
        if process is None:
            raise ServiceUnavailable(
                f"HySDS lightweight job lw-mozart-{operation} is not registered"
            )
        resolved = lightweight.lightweight_job(process, operation, record.job_id)
        self.transport.submit(resolved, self.identity().username, new_payload_id())
        record.dismissed = True
        self.jobs.save(record)
        log.info("job %s dismissed (%s submitted)", record.job_id, operation)


def not_dismissable(job: Job) -> str:
    return (
        f"dismiss not possible: job {job.record.job_id} is {job.state.status}; "
        "HySDS cannot cancel or remove a finished job"
    )


def build_service(app: Flask) -> ProcessesService:
    state = server_state(app)
    settings = state.settings
    backends = state.backends
    transport: Transport
    if settings.processes.transport == "mozart-api":
        if backends.mozart_api is None:
            raise ValueError("processes.transport mozart-api needs mozart_api.url")
        transport = MozartApiTransport(backends.mozart_api)
    else:
        transport = AmqpTransport(backends.broker, settings.broker.jobs_queue)
    return ProcessesService(
        settings=settings,
        registry=ProcessRegistry(
            backends.mozart, settings.indices, ttl=settings.processes.registry_ttl
        ),
        jobs=JobStore(backends.mozart, settings.indices),
        transport=transport,
        overrides=load_overrides(settings.processes.descriptions_dir),
        grq=backends.grq,
    )


def processes_service(app: Flask) -> ProcessesService:
    service: ProcessesService = app.extensions[EXTENSION_KEY]
    return service
