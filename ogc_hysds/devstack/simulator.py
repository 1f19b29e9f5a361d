# SPDX-License-Identifier: Apache-2.0
"""A HySDS stand-in for demos and tests: orchestrator and worker in one.

A real Celery worker (the `celery` library, msgpack accepted, queue declared
with `x-max-priority: 10`) registers `hysds.orchestrator.submit_job` on
`jobs_processed`, so every message ogc-hysds publishes is decoded by Celery
itself. For each job it does what HySDS's orchestrator and a verdi worker
would record (hysds.md §2.5, §3.6-§3.10): names the job, dedups, writes
`job_status` documents keyed by payload_id through job-queued → job-started →
job-completed (or job-failed, moved to `job_failed`), stages one product into
GRQ and lists it in `products_staged`, and honours lightweight revoke/purge
jobs. A job tagged `simulate-failure` fails (`short_error` "simulated
failure"); one tagged `simulate-offline` ends `job-offline`. Never used in
production.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from celery import Celery
from opensearchpy import OpenSearch
from opensearchpy import exceptions as os_errors

from ogc_hysds.config import Settings
from ogc_hysds.devstack.templates import all_templates

log = logging.getLogger(__name__)

PRODUCTS_BUCKET = "s3://s3-us-west-2.amazonaws.com:80/ds-bucket/products"

SUBMIT_JOB_TASK = "hysds.orchestrator.submit_job"
# A job tagged so (`hysds:tags`) fails, or loses its worker, once started.
FAIL_TAG = "simulate-failure"
OFFLINE_TAG = "simulate-offline"


@dataclass(frozen=True)
class Timings:
    """Seconds between the status changes of a simulated job."""

    queued: float = 2.0
    running: float = 5.0


@dataclass
class Simulator:
    settings: Settings
    timings: Timings = field(default_factory=Timings)
    hostname: str = field(default_factory=socket.gethostname)
    revoked: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.search = OpenSearch(hosts=[str(self.settings.mozart.url)])
        self.grq = OpenSearch(hosts=[str(self.settings.grq.url)])
        self.indices = self.settings.indices

    def install_templates(self) -> None:
        # The job_status template gives dated indices the job_status-current alias.
        for name, body in all_templates(self.indices):
            self.search.indices.put_index_template(name=name, body=body)

    # --- orchestrator -----------------------------------------------------

    def submit_job(self, payload_id: str, job: dict[str, Any], priority: int) -> None:
        """What `hysds.orchestrator.submit_job` does with one job (§3.6)."""
        job_type = str(job["job_type"]).split(":", 1)[1]
        if job_type.startswith(("job-lw-mozart-revoke:", "job-lw-mozart-purge:")):
            self._lightweight(job)
        doc = self._queued_doc(payload_id, job, job_type, priority)
        original = self._duplicate_of(doc) if job.get("enable_dedup") else None
        if original is not None:
            doc.update(status="job-deduped", dedup_job=original)
            doc["dedup_msg"] = f"payload_hash {doc['payload_hash']} matches {original}"
            self._write(doc)
            log.info("job %s deduped against %s", payload_id, original)
            return
        self._write(doc)
        log.info("job %s queued as %s", payload_id, doc["job_id"])
        worker = threading.Thread(target=self._work, args=(doc,), daemon=True)
        worker.start()

    def _queued_doc(
        self, payload_id: str, job: dict[str, Any], job_type: str, priority: int
    ) -> dict[str, Any]:
        now = dt.datetime.now(dt.UTC)
        base = str(job.get("job_name") or job_type).replace(":", "__")
        # HySDS: "<name>-<YYYYmmddTHHMMSS>.<microseconds, not zero-padded>Z".
        job_id = f"{base}-{now:%Y%m%dT%H%M%S}.{now.microsecond}Z"
        payload_hash = _payload_hash(job["payload"])
        task_id = f"{payload_id[:8]}-run-job"
        job_info = {
            "id": job_id,
            "job_queue": job["job_queue"],
            "time_queued": _iso(now),
            "index": f"{self.indices.name('job_status_prefix')}-{now:%Y.%m.%d}",
            "time_limit": max(
                int(job["time_limit"]), int(job["soft_time_limit"]) + 300
            ),
            "soft_time_limit": job["soft_time_limit"],
            "payload_hash": payload_hash,
            "dedup": bool(job.get("enable_dedup")),
            "job_payload": {"job_type": job["job_type"], "payload_task_id": payload_id},
        }
        return {
            "uuid": task_id,
            "job_id": job_id,
            "payload_id": payload_id,
            "payload_hash": payload_hash,
            "dedup": bool(job.get("enable_dedup")),
            "status": "job-queued",
            "resource": "job",
            "type": job_type,
            "tags": [job["tag"]],
            "celery_hostname": f"celery@{self.hostname}",
            "@version": "1",
            "@timestamp": _iso(now),
            "job": {
                "job_id": job_id,
                "name": job_id,
                "task_id": task_id,
                "type": job_type,
                "priority": priority,
                "tag": job["tag"],
                "username": job.get("username"),
                "container_image_name": job.get("container_image_name"),
                "container_image_url": job.get("container_image_url"),
                "container_mappings": job.get("container_mappings", {}),
                "runtime_options": job.get("runtime_options", {}),
                "params": job["payload"],
                "localize_urls": job["payload"].get("localize_urls", []),
                "delivery_info": {
                    "exchange": job["job_queue"],
                    "routing_key": job["job_queue"],
                    "priority": priority,
                    "redelivered": False,
                },
                "retry_count": 0,
                "job_info": job_info,
            },
        }

    def _duplicate_of(self, doc: dict[str, Any]) -> str | None:
        # §3.9: same payload_hash among queued, started or completed jobs.
        body = {
            "size": 1,
            "query": {
                "bool": {
                    "filter": [
                        {"term": {"payload_hash": doc["payload_hash"]}},
                        {
                            "terms": {
                                "status": ["job-queued", "job-started", "job-completed"]
                            }
                        },
                    ]
                }
            },
        }
        hits = self._search_status(body)
        return str(hits[0]["_id"]) if hits else None

    # --- worker -------------------------------------------------------------

    def _work(self, doc: dict[str, Any]) -> None:
        payload_id = doc["payload_id"]
        time.sleep(self.timings.queued)
        if self._take_revoked(payload_id):
            self._finish(doc, "job-revoked")
            return
        started = dt.datetime.now(dt.UTC)
        job_info = doc["job"]["job_info"]
        # The worker's WebDAV layout: jobs/YYYY/MM/DD/HH/MM/<job_id> (hysds.md §2.5).
        job_path = f"{started:%Y/%m/%d/%H/%M}/{doc['job_id']}"
        job_info.update(
            time_start=_iso(started),
            execute_node=self.hostname,
            public_ip="127.0.0.1",
            job_dir=f"/tmp/jobs/{job_path}",
            job_url=f"http://127.0.0.1:8085/jobs/{job_path}",
        )
        doc["status"] = "job-started"
        self._write(doc)
        log.info("job %s started", payload_id)
        time.sleep(self.timings.running)
        if self._take_revoked(payload_id):
            self._finish(doc, "job-revoked")
            return
        if doc["job"]["params"].get("simulate_failure") or FAIL_TAG in doc["tags"]:
            doc.update(short_error="simulated failure", error="simulated failure")
            doc["traceback"] = "Traceback (most recent call last):\n  simulated"
            self._finish(doc, "job-failed")
            return
        if OFFLINE_TAG in doc["tags"]:
            # hysds/event_processors.py: the worker went offline mid-job.
            doc["status"] = "job-offline"
            self._write(doc)
            log.info("job %s job-offline", payload_id)
            return
        # Lightweight jobs (revoke, purge) stage nothing.
        staged = (
            []
            if doc["type"].startswith("job-lw-")
            else [self._stage_product(doc, started)]
        )
        job_info["metrics"] = {
            "inputs_localized": [],
            "products_staged": staged,
            "job_dir_size": 20480,
            "usage_stats": [],
        }
        self._finish(doc, "job-completed")

    def _finish(self, doc: dict[str, Any], status: str) -> None:
        ended = dt.datetime.now(dt.UTC)
        job_info = doc["job"]["job_info"]
        job_info["time_end"] = _iso(ended)
        if "time_start" in job_info:
            started = dt.datetime.fromisoformat(
                job_info["time_start"].replace("Z", "+00:00")
            )
            job_info["duration"] = round((ended - started).total_seconds(), 3)
        job_info["status"] = 0 if status == "job-completed" else 1
        doc["status"] = status
        self._write(doc)
        log.info("job %s %s", doc["payload_id"], status)

    def _stage_product(
        self, doc: dict[str, Any], started: dt.datetime
    ) -> dict[str, Any]:
        spec_name = doc["type"].removeprefix("job-").split(":", 1)[0]
        dataset = f"{spec_name}-product"
        now = dt.datetime.now(dt.UTC)
        product_id = f"{dataset}-{now:%Y%m%dT%H%M%S}-{doc['payload_id'][:8]}"
        version = "v1.0"
        url = f"{PRODUCTS_BUCKET}/{dataset}/{version}/{product_id}"
        record = {
            "id": product_id,
            "objectid": product_id,
            "dataset": dataset,
            "ipath": f"hysds::data/{dataset}",
            "dataset_type": dataset,
            "dataset_level": "l0",
            "version": version,
            "system_version": version,
            "label": product_id,
            "starttime": _iso(started),
            "endtime": _iso(now),
            "creation_timestamp": _iso(now),
            "location": {"type": "point", "coordinates": [-118.17, 34.2]},
            "urls": [url],
            "browse_urls": [],
            "metadata": {"job_id": doc["job_id"]},
            "prov": {"wasGeneratedBy": f"task_id:{doc['uuid']}"},
            "@timestamp": _iso(now),
        }
        index = f"{self.indices.name('grq_index_prefix')}_{version}_{dataset}".lower()
        self.grq.index(
            index=index, id=product_id, body=record, params={"refresh": "wait_for"}
        )
        return {
            "id": product_id,
            "urls": [url],
            "browse_urls": [],
            "dataset": dataset,
            "ipath": record["ipath"],
            "system_version": version,
            "dataset_level": "l0",
            "dataset_type": dataset,
            "path": f"/tmp/jobs/{product_id}",
            "disk_usage": 4096,
            "time_start": _iso(started),
            "time_end": _iso(now),
            "duration": 0.1,
            "transfer_rate": 40960.0,
        }

    # --- lightweight jobs ---------------------------------------------------

    def _lightweight(self, job: dict[str, Any]) -> None:
        """Revoke (running) or purge (queued) the jobs the query selects (§3.10)."""
        payload = job["payload"]
        query = payload["query"]
        if isinstance(query, str):
            query = json.loads(query)
        for hit in self._search_status({"size": 100, **query}):
            target = hit["_id"]
            if (
                payload.get("operation") == "purge"
                and hit["_source"]["status"] == "job-queued"
            ):
                with self._lock:
                    self.revoked.add(target)
                self.search.delete(
                    index=hit["_index"], id=target, params={"refresh": "true"}
                )
                log.info("job %s purged", target)
            else:
                with self._lock:
                    self.revoked.add(target)
                log.info("job %s revoked", target)

    def _take_revoked(self, payload_id: str) -> bool:
        with self._lock:
            return payload_id in self.revoked

    # --- status documents ---------------------------------------------------

    def _write(self, doc: dict[str, Any]) -> None:
        # Logstash replaces the whole doc by payload_id; job-failed docs are
        # moved to job_failed (hysds.md §3.8).
        doc["@timestamp"] = _iso(dt.datetime.now(dt.UTC))
        index = doc["job"]["job_info"]["index"]
        if doc["status"] == "job-failed":
            try:
                self.search.delete(index=index, id=doc["payload_id"])
            except os_errors.NotFoundError:
                pass
            index = self.indices.name("job_failed")
        self.search.index(
            index=index, id=doc["payload_id"], body=doc, params={"refresh": "wait_for"}
        )

    def _search_status(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        reply = self.search.search(
            index=self.indices.name("job_status_alias"),
            body=body,
            params={"ignore_unavailable": "true", "allow_no_indices": "true"},
        )
        hits: list[dict[str, Any]] = reply["hits"]["hits"]
        return hits


def celery_app(simulator: Simulator) -> Celery:
    """A Celery app configured as HySDS's celeryconfig configures it (§3.5)."""
    settings = simulator.settings
    app = Celery("hysds", broker=settings.broker.url)
    app.conf.update(
        accept_content=["msgpack", "json"],
        task_serializer="msgpack",
        result_serializer="msgpack",
        task_queue_max_priority=10,
        task_default_queue=settings.broker.jobs_queue,
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        task_reject_on_worker_lost=True,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )

    # shared=False: Celery would otherwise add this task, closure and all, to
    # every Celery app finalized later in the process (tests start several).
    @app.task(name=SUBMIT_JOB_TASK, bind=True, shared=False)
    def submit_job(self: Any, job: dict[str, Any]) -> None:
        priority = int(self.request.delivery_info.get("priority") or 0)
        simulator.submit_job(str(self.request.id), job, priority)

    return app


def run(settings: Settings, timings: Timings | None = None) -> None:
    """`ogc-hysds devstack simulate`: serve jobs until interrupted."""
    simulator = Simulator(settings, timings or Timings())
    simulator.install_templates()
    app = celery_app(simulator)
    log.info("HySDS simulator consuming %s", settings.broker.jobs_queue)
    app.worker_main(
        ["worker", "--pool=solo", "--loglevel=INFO", "-Q", settings.broker.jobs_queue]
    )


def _payload_hash(payload: dict[str, Any]) -> str:
    # hysds.utils.get_payload_hash: MD5 of the sorted-keys JSON, minus volatile keys.
    kept = {
        k: v
        for k, v in payload.items()
        if k not in ("_disk_usage", "_sciflo_job_num", "_sciflo_wuid")
    }
    return hashlib.md5(json.dumps(kept, sort_keys=True).encode()).hexdigest()


def _iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
