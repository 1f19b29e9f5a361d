# SPDX-License-Identifier: Apache-2.0
"""Mozart seed data: specs, job-status documents (hysds.md §2.5) and broker queues.

Jobs are spread over a fixed week (2024-05-10 … 16) so their daily
`job_status-YYYY.MM.DD` indices and `job_id`s are the same on every run; ids come
from the random seed. Every HySDS status appears; `job-failed` documents live in
`job_failed` only, as Logstash moves them there; a deduped job points at an
earlier job with the same payload hash; completed jobs stage real GRQ products.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from ogc_hysds.backend.broker import BrokerBackend
from ogc_hysds.backend.search import SearchBackend
from ogc_hysds.config import IndexSettings
from ogc_hysds.devstack import processes as procs
from ogc_hysds.devstack.bulk import Action, write_bulk
from ogc_hysds.devstack.seed_grq import Record, random_uuid

STATUSES = (
    "job-queued",
    "job-started",
    "job-completed",
    "job-failed",
    "job-deduped",
    "job-revoked",
    "job-offline",
)
USERNAMES = ("jdoe", "asmith", "ops", "mkim")
JOB_TAGS = ("nightly", "demo", "reprocessing", "ops-rerun", "run-42")
# Celery's queues are declared with this priority range (hysds.md §3.5).
QUEUE_ARGUMENTS = {"x-max-priority": 10}
SYSTEM_QUEUE = "system-jobs-queue"

_WEEK = datetime(2024, 5, 10, tzinfo=UTC)
_RUNS = ("job-started", "job-completed", "job-failed", "job-offline")
_ORIGINALS = ("job-queued", "job-started", "job-completed")
_ORCHESTRATOR = "celery@orchestrator_jobs.mozart"


def spec_actions(indices: IndexSettings) -> Iterator[Action]:
    """Index actions for every job-spec, hysds-io and (distinct) container."""
    containers = {}
    for process in procs.PROCESSES:
        yield _spec(indices.name("job_specs"), procs.job_spec_doc(process))
        ios = f"hysds_ios_{procs.hysds_io_component(process)}"
        yield _spec(indices.name(ios), procs.hysds_io_doc(process))
        containers[process.container_id] = procs.container_doc(process)
    for doc in containers.values():
        yield _spec(indices.name("containers"), doc)


def _spec(index: str, doc: Record) -> Action:
    return {"_index": index, "_id": doc["id"], "_source": doc}


def seed_mozart(
    search: SearchBackend,
    indices: IndexSettings,
    staged: Sequence[Record],
    random_seed: int = 42,
    jobs: int = 70,
    *,
    progress: bool = False,
) -> Counter[str]:
    """Write specs and job-status documents; returns documents written per index.

    `staged` are GRQ products completed jobs may have produced (or consumed).
    The Mozart templates must be installed first (`seed.install_templates`).
    """
    specs = spec_actions(indices)
    counts = write_bulk(search, specs, label="Mozart specs", total=0, progress=False)
    actions = (
        {
            "_index": job["job"]["job_info"]["index"],
            "_id": job["payload_id"],
            "_source": job,
        }
        for job in generate_jobs(indices, staged, random_seed, jobs)
    )
    written = write_bulk(
        search, actions, label="job status", total=jobs, progress=progress
    )
    counts.update(written)
    return counts


def declare_queues(broker: BrokerBackend, jobs_queue: str) -> list[str]:
    """Declare the orchestrator's queue, `system-jobs-queue` and every job queue."""
    queues = list(dict.fromkeys([jobs_queue, SYSTEM_QUEUE, *procs.job_queues()]))
    for queue in queues:
        broker.declare_queue(queue, QUEUE_ARGUMENTS)
    return queues


def generate_jobs(
    indices: IndexSettings,
    staged: Sequence[Record],
    random_seed: int = 42,
    count: int = 70,
) -> list[Record]:
    """`count` job-status documents, every status at least once when `count` ≥ 7."""
    rng = random.Random(f"{random_seed}:jobs")
    by_dataset: dict[str, list[Record]] = {}
    for record in staged:
        by_dataset.setdefault(record["dataset"], []).append(record)
    jobs: list[Record] = []
    params_of: dict[str, Record] = {}
    for n in range(count):
        status = STATUSES[n % len(STATUSES)]
        original = _original(rng, jobs) if status == "job-deduped" else None
        product: Record | None = None
        if original is not None:
            process = original_process(original)
            params = params_of[original["payload_id"]]
        else:
            process = _pick_process(rng, status)
            product = _pick_input(rng, by_dataset, process)
            params = job_params(process, product, rng)
        doc = _job(rng, indices, status, process, params)
        _apply_status(rng, doc, process, by_dataset, product, original)
        params_of[doc["payload_id"]] = params
        jobs.append(doc)
    return jobs


def _original(rng: random.Random, jobs: list[Record]) -> Record | None:
    candidates = [job for job in jobs if job["status"] in _ORIGINALS]
    return rng.choice(candidates) if candidates else None


def _pick_input(
    rng: random.Random, by_dataset: dict[str, list[Record]], process: procs.Process
) -> Record | None:
    inputs = by_dataset.get(process.input_dataset or "", [])
    return rng.choice(inputs) if inputs else None


def _job(
    rng: random.Random,
    indices: IndexSettings,
    status: str,
    process: procs.Process,
    params: Record,
) -> Record:
    """The document `log_job_status` writes when the orchestrator queues a job."""
    queued = _WEEK + timedelta(
        seconds=rng.randrange(7 * 86400), microseconds=rng.randrange(10**6)
    )
    payload_hash = hashlib.md5(json.dumps(params, sort_keys=True).encode()).hexdigest()
    payload_id = random_uuid(rng)
    job_type = process.job_spec_id
    # hysds.md §3.6: "<job-spec id with : → __>-<YYYYMMDDTHHMMSS.<µs, unpadded>Z>".
    job_id = (
        f"{job_type.replace(':', '__')}-{queued:%Y%m%dT%H%M%S}.{queued.microsecond}Z"
    )
    tag = rng.choice(JOB_TAGS)
    job_info: Record = {
        "id": job_id,
        "job_queue": rng.choice(process.queues()),
        "time_queued": _iso(queued),
        "index": _status_index(indices, status, queued),
        "time_limit": process.job_spec["time_limit"],
        "soft_time_limit": process.job_spec["soft_time_limit"],
        "payload_hash": payload_hash,
        "dedup": bool(process.hysds_io.get("enable_dedup", True)),
        "job_payload": {"job_type": f"job:{job_type}", "payload_task_id": payload_id},
    }
    doc: Record = {
        "uuid": random_uuid(rng),
        "payload_id": payload_id,
        "job_id": job_id,
        "payload_hash": payload_hash,
        "dedup": job_info["dedup"],
        "status": status,
        "resource": "job",
        "type": job_type,
        "tags": [tag],
        "celery_hostname": _ORCHESTRATOR,
        "@version": "1",
        "@timestamp": _iso(queued + timedelta(seconds=1)),
    }
    doc["job"] = {
        "job_id": job_id,
        "name": job_id,
        "task_id": doc["uuid"],
        "type": job_type,
        "priority": rng.randint(0, 9),
        "tag": tag,
        "username": rng.choice(USERNAMES),
        "container_image_name": process.container_id,
        "container_image_url": process.container_url,
        "container_mappings": process.job_spec.get("imported_worker_files", {}),
        "runtime_options": process.job_spec.get("runtime_options", {}),
        "dependency_images": [],
        "params": _payload(process, params, tag),
        "localize_urls": _localize_urls(process, params),
        "retry_count": 0,
        "job_info": job_info,
    }
    return doc


def _status_index(indices: IndexSettings, status: str, queued: datetime) -> str:
    # Logstash moves failed jobs to job_failed and records that index name.
    if status == "job-failed":
        return indices.name("job_failed")
    return f"{indices.name('job_status_prefix')}-{queued:%Y.%m.%d}"


def original_process(job: Record) -> procs.Process:
    return next(p for p in procs.PROCESSES if p.job_spec_id == job["type"])


def _pick_process(rng: random.Random, status: str) -> procs.Process:
    # Lightweight jobs show up now and then, as they do on a real Mozart.
    if status == "job-completed" and rng.random() < 0.15:
        return rng.choice([procs.LW_REVOKE, procs.LW_PURGE])
    return rng.choice(procs.PROCESSES[:4])


def job_params(
    process: procs.Process, product: Record | None, rng: random.Random
) -> Record:
    """Final param values as `resolve_hysds_job` passes them on (types converted)."""
    return {
        param["name"]: _param_value(param, product, rng)
        for param in process.hysds_io["params"]
    }


def _param_value(param: Record, product: Record | None, rng: random.Random) -> Any:
    source = param["from"]
    if source == "value":
        return param["value"]
    if source.startswith("dataset_jpath:"):
        hit = {"_id": product["id"], "_source": product} if product else {}
        return _jpath(hit, source.split(":", 1)[1])
    if source == "passthrough":
        return _passthrough(param["name"], product)
    return _converted(param.get("type", "text"), param.get("default", ""))


def _jpath(hit: Record, path: str) -> Any:
    # Walks an ES hit the way hysds_commons does: integers index into lists.
    node: Any = hit
    for part in path.split("."):
        if node is None:
            return ""
        node = node[int(part)] if isinstance(node, list) else node.get(part)
    return "" if node is None else node


def _passthrough(name: str, product: Record | None) -> Any:
    if name == "query":
        target = product["id"] if product else "*"
        return {"query": {"bool": {"must": [{"term": {"_id": target}}]}}}
    return f"on-demand-{name}"


def _converted(kind: str, default: Any) -> Any:
    # hysds_commons converts string defaults: number → float, boolean, region → JSON.
    if kind == "number":
        return float(default)
    if kind == "boolean":
        return str(default).lower() == "true"
    if kind == "region":
        return json.loads(default)
    return default


def _payload(process: procs.Process, params: Record, tag: str) -> Record:
    """The orchestrator payload stored (unindexed) in `job.params`."""
    context = {
        spec["name"]: params.get(spec["name"], "")
        for spec in process.job_spec["params"]
        if spec["destination"] != "localize"
    }
    return {
        "_command": _command_line(process, params),
        "localize_urls": _localize_urls(process, params),
        "_disk_usage": process.job_spec["disk_usage"],
        "job_specification": procs.job_spec_doc(process),
        "container_specification": procs.container_doc(process),
        "tag": tag,
        **context,
    }


def _command_line(process: procs.Process, params: Record) -> str:
    # Positional params are appended single-quoted; non-strings JSON-dumped.
    words = [process.job_spec["command"]]
    for spec in process.job_spec["params"]:
        if spec["destination"] == "positional":
            value = params.get(spec["name"], "")
            text = value if isinstance(value, str) else json.dumps(value)
            words.append("'" + text.replace("'", "'\"'\"'") + "'")
    return " ".join(words)


def _localize_urls(process: procs.Process, params: Record) -> list[Record]:
    urls: list[Record] = []
    for spec in process.job_spec["params"]:
        if spec["destination"] == "localize":
            value = params.get(spec["name"]) or []
            urls += [
                {"url": url} for url in ([value] if isinstance(value, str) else value)
            ]
    return urls


def _apply_status(
    rng: random.Random,
    doc: Record,
    process: procs.Process,
    by_dataset: dict[str, list[Record]],
    product: Record | None,
    original: Record | None,
) -> None:
    """Add what the worker, Celery events or the orchestrator wrote for the status."""
    status = doc["status"]
    job_info = doc["job"]["job_info"]
    queued = datetime.fromisoformat(job_info["time_queued"])
    last = queued + timedelta(seconds=1)
    if status in _RUNS or (status == "job-revoked" and rng.random() < 0.5):
        last = _started(rng, doc, queued)
    if status in ("job-completed", "job-failed"):
        last = _finished(rng, doc, process, by_dataset, product)
    if status == "job-failed":
        doc.update(_failure(process, doc["job_id"]))
    if status == "job-revoked":
        # Celery's task_revoked handler: signum 0 when revoked before it ran.
        doc["signum"] = 9 if "time_start" in job_info else 0
        last += timedelta(minutes=rng.randint(1, 30))
    if status == "job-deduped" and original is not None:
        doc["payload_hash"] = job_info["payload_hash"] = original["payload_hash"]
        doc["dedup_job"] = original["payload_id"]
        doc["dedup_msg"] = f"orchestrator dedup: job {original['payload_id']} exists"
    doc["@timestamp"] = _iso(last)


def _started(rng: random.Random, doc: Record, queued: datetime) -> datetime:
    job = doc["job"]
    job_info = job["job_info"]
    start = queued + timedelta(seconds=rng.uniform(2, 900))
    ip = f"10.0.{rng.randint(0, 15)}.{rng.randint(2, 254)}"
    node = f"ip-{ip.replace('.', '-')}.us-west-2.compute.internal"
    job_dir = f"jobs/{queued:%Y/%m/%d/%H/%M}/{job['job_id']}"
    job_info.update(
        {
            "execute_node": node,
            "public_ip": ip,
            "facts": {"hysds_execute_node": node, "ec2_instance_type": "c5.2xlarge"},
            "job_dir": f"/data/work/{job_dir}",
            "job_url": f"http://{ip}:8085/{job_dir}",
            "time_start": _iso(start),
            "cmd_start": _iso(start + timedelta(seconds=3)),
        }
    )
    queue = job_info["job_queue"]
    job["delivery_info"] = {
        "exchange": queue,
        "routing_key": queue,
        "priority": job["priority"],
        "redelivered": False,
    }
    doc["celery_hostname"] = f"celery@{queue}.{node.split('.')[0]}"
    return start


def _finished(
    rng: random.Random,
    doc: Record,
    process: procs.Process,
    by_dataset: dict[str, list[Record]],
    product: Record | None,
) -> datetime:
    status = doc["status"]
    job_info = doc["job"]["job_info"]
    start = datetime.fromisoformat(job_info["time_start"])
    duration = rng.uniform(20, 3600)
    end = start + timedelta(seconds=duration)
    outputs = by_dataset.get(process.output_dataset or "", [])
    staged: list[Record] = []
    if status == "job-completed" and outputs:
        staged = rng.sample(outputs, k=min(len(outputs), rng.randint(1, 2)))
    job_info.update(
        {
            "cmd_end": _iso(end - timedelta(seconds=2)),
            "cmd_duration": round(duration - 5, 3),
            "time_end": _iso(end),
            "duration": round(duration, 3),
            "status": 1 if status == "job-failed" else 0,
            "pid": rng.randint(1000, 60000),
            "stdout": "",
            "stderr": "",
            "context_file": f"{job_info['job_dir']}/_context.json",
            "datasets_cfg_file": "/home/ops/verdi/etc/datasets.json",
            "metrics": {
                "inputs_localized": [_localized(product)] if product else [],
                "products_staged": [_staged(p, end, rng) for p in staged],
                "job_dir_size": rng.randint(4096, 10**9),
                "usage_stats": [],
            },
        }
    )
    return end


def _localized(product: Record) -> Record:
    return {
        "url": product["urls"][-1],
        "path": product["id"],
        "disk_usage": 2048,
        "duration": 1.2,
    }


def _staged(product: Record, end: datetime, rng: random.Random) -> Record:
    # products_staged items as hysds.dataset_ingest records them.
    duration = round(rng.uniform(0.5, 30), 3)
    size = rng.randint(4096, 10**9)
    return {
        "id": product["id"],
        "urls": product["urls"],
        "browse_urls": product["browse_urls"],
        "dataset": product["dataset"],
        "ipath": product["ipath"],
        "system_version": product["system_version"],
        "dataset_level": product["dataset_level"],
        "dataset_type": product["dataset_type"],
        "path": f"/data/work/output/{product['id']}",
        "disk_usage": size,
        "time_start": _iso(end - timedelta(seconds=duration)),
        "time_end": _iso(end),
        "duration": duration,
        "transfer_rate": round(size / duration, 1),
    }


def _failure(process: procs.Process, job_id: str) -> Record:
    command = process.job_spec["command"]
    short = f"Got non-zero exit code: 1 from {command}"
    return {
        "short_error": short,
        "error": f"{short}\nSee _stderr.txt of {job_id} for details.",
        "traceback": (
            "Traceback (most recent call last):\n"
            '  File "/home/ops/hysds/job_worker.py", line 1193, in run_job\n'
            "    raise RuntimeError(error)\n"
            f"RuntimeError: {short}"
        ),
    }


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
