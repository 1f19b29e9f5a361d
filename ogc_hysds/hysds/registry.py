# SPDX-License-Identifier: Apache-2.0
"""The process registry: HySDS job types read from Mozart's spec indices.

A process is one hysds-io document joined with the job spec it names and the
container that job spec runs. All three live in Mozart's search cluster
(hysds.md §2.1-§2.4); the registry reads them in bulk and keeps them for a TTL,
so a request costs no backend call while the cache is fresh.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ogc_hysds.backend.search import SearchBackend
from ogc_hysds.config import IndexSettings

log = logging.getLogger(__name__)

HYSDS_IO_PREFIX = "hysds-io-"
# hysds.md §2.2: both spellings of both keys are accepted by Mozart.
_REQUIRED_QUEUE_KEYS = ("required-queues", "required_queues")
_RECOMMENDED_QUEUE_KEYS = ("recommended-queues", "recommended_queues")
# Enough for every spec a cluster holds; HySDS itself pages at 1,000-10,000.
_MAX_SPECS = 10000


@dataclass(frozen=True)
class Process:
    """One HySDS job type as an OGC process."""

    process_id: str
    version: str
    hysds_io: dict[str, Any]
    job_spec: dict[str, Any]
    container: dict[str, Any]

    @property
    def job_spec_id(self) -> str:
        return str(self.job_spec["id"])

    @property
    def submitter_params(self) -> list[dict[str, Any]]:
        """hysds-io params the caller supplies (shown as OGC inputs)."""
        return [p for p in self.hysds_io.get("params", []) if is_input(p)]

    @property
    def required_queues(self) -> list[str]:
        return _queues(self.job_spec, _REQUIRED_QUEUE_KEYS)

    @property
    def queues(self) -> list[str]:
        """Queues a job may go to: required ones if any, else the recommended."""
        required = self.required_queues
        if required:
            return required
        return _queues(self.job_spec, _RECOMMENDED_QUEUE_KEYS)


def is_input(param: dict[str, Any]) -> bool:
    """True for params the caller supplies: `submitter`, `passthrough`, datasets."""
    source = str(param.get("from", "submitter"))
    return source != "value"


def process_id_of(hysds_io_id: str) -> str:
    """processID = the hysds-io id without its `hysds-io-` prefix (decision 4)."""
    if hysds_io_id.startswith(HYSDS_IO_PREFIX):
        return hysds_io_id[len(HYSDS_IO_PREFIX) :]
    return hysds_io_id


def job_spec_id_of(hysds_io: dict[str, Any]) -> str:
    """The job spec a hysds-io names, or the one HySDS derives from its id.

    hysds_commons derives it by replacing the first `hysds-io` with `job`
    (hysds.md §3.2), which is what container-builder also stores.
    """
    named = hysds_io.get("job-specification")
    if named:
        return str(named)
    return str(hysds_io["id"]).replace("hysds-io", "job", 1)


def build_processes(
    hysds_ios: Iterable[dict[str, Any]],
    job_specs: dict[str, dict[str, Any]],
    containers: dict[str, dict[str, Any]],
) -> dict[str, Process]:
    """Join hysds-ios with their job specs and containers, keyed by processID.

    A hysds-io whose job spec or container is missing cannot run (Mozart raises
    on submit), so it is left out with a warning rather than shown broken.
    """
    processes: dict[str, Process] = {}
    for hysds_io in hysds_ios:
        job_spec = job_specs.get(job_spec_id_of(hysds_io))
        if job_spec is None:
            log.warning("hysds-io %s names a missing job spec", hysds_io.get("id"))
            continue
        container = containers.get(str(job_spec.get("container", "")))
        if container is None:
            log.warning("job spec %s names a missing container", job_spec.get("id"))
            continue
        process_id = process_id_of(str(hysds_io["id"]))
        processes[process_id] = Process(
            process_id=process_id,
            version=_version(job_spec),
            hysds_io=hysds_io,
            job_spec=job_spec,
            container=container,
        )
    return processes


@dataclass
class ProcessRegistry:
    """Processes read from Mozart's indices, cached for `ttl` seconds."""

    backend: SearchBackend
    indices: IndexSettings
    ttl: float
    clock: Callable[[], float] = time.monotonic
    _processes: dict[str, Process] = field(default_factory=dict)
    _loaded_at: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def all(self) -> list[Process]:
        """Every process, sorted by processID so paging is stable."""
        processes = self._fresh()
        return [processes[key] for key in sorted(processes)]

    def get(self, process_id: str) -> Process | None:
        return self._fresh().get(process_id)

    def invalidate(self) -> None:
        with self._lock:
            self._loaded_at = None

    def _fresh(self) -> dict[str, Process]:
        with self._lock:
            now = self.clock()
            if self._loaded_at is None or now - self._loaded_at >= self.ttl:
                self._processes = self._load()
                self._loaded_at = now
                log.info("process registry loaded: %d processes", len(self._processes))
            return self._processes

    def _load(self) -> dict[str, Process]:
        # hysds_commons looks a hysds-io up in hysds_ios-grq before
        # hysds_ios-mozart (hysds.md §3.2), so GRQ's copy wins on a clash.
        hysds_ios = self._sources("hysds_ios_mozart") + self._sources("hysds_ios_grq")
        job_specs = {doc["id"]: doc for doc in self._sources("job_specs")}
        containers = {doc["id"]: doc for doc in self._sources("containers")}
        return build_processes(hysds_ios, job_specs, containers)

    def _sources(self, key: str) -> list[dict[str, Any]]:
        body = {"size": _MAX_SPECS, "query": {"match_all": {}}}
        reply = self.backend.search(self.indices.name(key), body, operation=key)
        docs = []
        for hit in reply["hits"]["hits"]:
            source = dict(hit["_source"])
            source.setdefault("id", hit["_id"])
            docs.append(source)
        return docs


def _version(job_spec: dict[str, Any]) -> str:
    # container-builder stores `job-version`; the id's tag is the same value.
    version = job_spec.get("job-version")
    if version:
        return str(version)
    return str(job_spec["id"]).rpartition(":")[2]


def _queues(job_spec: dict[str, Any], keys: tuple[str, ...]) -> list[str]:
    queues: list[str] = []
    for key in keys:
        for queue in job_spec.get(key) or []:
            if queue not in queues:
                queues.append(str(queue))
    return queues
