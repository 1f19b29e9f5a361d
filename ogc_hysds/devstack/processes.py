# SPDX-License-Identifier: Apache-2.0
"""Mozart seed specs: job-spec, hysds-io and container documents (hysds.md §2.2–2.4).

Each `Process` holds the two files an algorithm repository ships
(`docker/job-spec.json.<name>`, `docker/hysds-io.json.<name>`); the stored
documents add what hysds/container-builder adds (`id`, `container`,
`job-version`, `resource`, `job-specification`). Together the processes cover
every hysds-io param type, every `from` kind and every job-spec destination,
plus HySDS's own lightweight revoke/purge jobs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

Doc = dict[str, Any]

_WORKER_FILES = {
    "$HOME/.netrc": "/home/ops/.netrc",
    "$HOME/.aws": ["/home/ops/.aws", "ro"],
}
_QUEUE_KEYS: tuple[str, ...] = ("recommended-queues", "recommended_queues")
_QUEUE_KEYS += ("required-queues", "required_queues")

_REGION = json.dumps(
    {
        "type": "Polygon",
        "coordinates": [
            [
                [-119.0, 33.5],
                [-117.0, 33.5],
                [-117.0, 34.7],
                [-119.0, 34.7],
                [-119.0, 33.5],
            ]
        ],
    }
)


@dataclass(frozen=True)
class Process:
    """A HySDS job type as an algorithm repository publishes it."""

    name: str
    version: str
    repo: str
    job_spec: Doc
    hysds_io: Doc
    # Dataset whose GRQ records feed `dataset_jpath` params; the one produced.
    input_dataset: str | None = None
    output_dataset: str | None = None
    multi_arch: bool = False

    @property
    def job_spec_id(self) -> str:
        return f"job-{self.name}:{self.version}"

    @property
    def hysds_io_id(self) -> str:
        return f"hysds-io-{self.name}:{self.version}"

    @property
    def container_id(self) -> str:
        return f"container-{self.repo}:{self.version}"

    @property
    def container_url(self) -> str:
        return f"s3://code-bucket/container-{self.repo}-{self.version}.tar.gz"

    def queues(self) -> list[str]:
        """Required and recommended queues, under any of the four spellings."""
        return [queue for key in _QUEUE_KEYS for queue in self.job_spec.get(key, [])]


def _param(name: str, source: str, kind: str | None = None, **fields: Any) -> Doc:
    param: Doc = {"name": name, "from": source}
    if kind is not None:
        param["type"] = kind
    param.update(fields)
    return param


HELLO_WORLD = Process(
    name="hello_world",
    version="develop",
    repo="hysds_hello_world",
    output_dataset="hello_world-product",
    job_spec={
        "command": "/home/ops/hello_world/run.sh",
        "disk_usage": "1GB",
        "soft_time_limit": 600,
        "time_limit": 900,
        "recommended-queues": ["verdi-job_worker-small", "factotum-job_worker-small"],
        "imported_worker_files": _WORKER_FILES,
        "params": [
            {"name": "greeting", "destination": "positional"},
            {"name": "repeat", "destination": "context"},
        ],
    },
    hysds_io={
        "label": "Hello World",
        "description": "Writes a greeting into a hello_world-product.",
        "component": "figaro",
        "submission_type": "individual",
        "enable_dedup": False,
        "allowed_accounts": ["_all"],
        "params": [
            _param("greeting", "submitter", "text", default="hello world"),
            _param("repeat", "submitter", "number", default="1", optional=True),
        ],
    },
)

S1_GUNW_IFG = Process(
    name="s1-gunw-ifg",
    version="v2.0.1",
    repo="aria-jpl_ariamh",
    input_dataset="S1-IW_SLC",
    output_dataset="S1-GUNW",
    job_spec={
        "command": "/home/ops/ariamh/interferogram/sentinel/create_standard_product.sh",
        "disk_usage": "100GB",
        "soft_time_limit": 28800,
        "time_limit": 29100,
        "required-queues": ["verdi-job_worker-large"],
        "imported_worker_files": _WORKER_FILES,
        "post": ["hysds.triage.triage"],
        "params": [
            {"name": "reference_urls", "destination": "localize"},
            {"name": "reference_id", "destination": "context"},
            {"name": "track_number", "destination": "context"},
            {"name": "azimuth_looks", "destination": "context"},
            {"name": "range_looks", "destination": "context"},
            {"name": "filter_strength", "destination": "context"},
            {"name": "dataset_tag", "destination": "context"},
            {"name": "query", "destination": "context"},
        ],
    },
    hysds_io={
        "label": "S1 interferogram (GUNW)",
        "component": "tosca",
        "submission_type": "individual",
        "enable_dedup": True,
        "allowed_accounts": ["_all"],
        "params": [
            _param(
                "reference_urls",
                "dataset_jpath:_source.urls",
                "text",
                **{"lambda": "lambda urls: [u for u in urls if u.startswith('s3://')]"},
            ),
            _param("reference_id", "dataset_jpath:_id", "text"),
            _param(
                "track_number", "dataset_jpath:_source.metadata.track_number", "number"
            ),
            _param("azimuth_looks", "submitter", "number", default="7"),
            _param("range_looks", "submitter", "number", default="19"),
            _param(
                "filter_strength",
                "submitter",
                "enum",
                enumerables=["0.3", "0.5", "0.7"],
                default="0.5",
            ),
            _param("dataset_tag", "value", "text", value="standard-product"),
            _param("query", "passthrough"),
        ],
    },
)

TIMESERIES = Process(
    name="timeseries-displacement",
    version="v1.3.0",
    repo="hysds_timeseries",
    input_dataset="S1-GUNW",
    output_dataset="S1-DISP-TS",
    multi_arch=True,
    job_spec={
        "command": "python /home/ops/timeseries/run_ts.py",
        "disk_usage": "200GB",
        "soft_time_limit": 86400,
        "time_limit": 86700,
        "recommended_queues": ["verdi-job_worker-large", "timeseries-job_worker-gpu"],
        "runtime_options": {"gpus": "all"},
        "params": [
            {"name": "mode", "destination": "positional"},
            {"name": "input_urls", "destination": "localize"},
            {"name": "input_id", "destination": "context"},
            {"name": "region", "destination": "context"},
            {"name": "start_time", "destination": "context"},
            {"name": "end_time", "destination": "context"},
            {"name": "reference_date", "destination": "context"},
            {"name": "min_coherence", "destination": "context"},
            {"name": "save_intermediate", "destination": "context"},
        ],
    },
    hysds_io={
        "label": "Displacement time series",
        "component": "tosca",
        "submission_type": "iteration",
        "enable_dedup": True,
        "allowed_accounts": ["_all"],
        "params": [
            _param(
                "mode",
                "submitter",
                "enum",
                enumerables=["velocity", "displacement", "both"],
                default="both",
            ),
            _param("input_urls", "dataset_jpath:_source.urls", "text"),
            _param("input_id", "dataset_jpath:_id", "text"),
            _param("region", "submitter", "region", default=_REGION),
            _param(
                "start_time", "submitter", "datetime", default="2019-01-01T00:00:00Z"
            ),
            _param("end_time", "submitter", "datetime", default="2020-01-01T00:00:00Z"),
            _param("reference_date", "submitter", "date", default="2019-01-01"),
            _param("min_coherence", "submitter", "number", default="0.4"),
            _param("save_intermediate", "submitter", "boolean", default="false"),
        ],
    },
)

PRODUCT_QA = Process(
    name="product-qa",
    version="v0.9.2",
    repo="hysds_product_qa",
    input_dataset="S1-GUNW",
    job_spec={
        "command": "/home/ops/product_qa/qa.sh",
        "disk_usage": "500MB",
        "soft_time_limit": 3600,
        "time_limit": 3900,
        "required_queues": ["factotum-job_worker-small"],
        "params": [
            {"name": "strict", "destination": "positional"},
            {"name": "product_url", "destination": "localize"},
            {"name": "report_email", "destination": "context"},
            {"name": "notes", "destination": "context"},
            {"name": "thresholds", "destination": "context"},
            {"name": "qa_date", "destination": "context"},
            {"name": "container_version", "destination": "context"},
            {"name": "jobspec_version", "destination": "context"},
            {"name": "hysdsio_version", "destination": "context"},
            {"name": "name", "destination": "context"},
        ],
    },
    hysds_io={
        "label": "Product QA report",
        "component": "tosca",
        "submission_type": "individual",
        "enable_dedup": False,
        "allowed_accounts": ["ops", "jdoe"],
        "params": [
            _param("strict", "submitter", "boolean", default="true"),
            _param("product_url", "dataset_jpath:_source.urls.0", "text"),
            _param("report_email", "submitter", "email", default="ops@example.com"),
            _param("notes", "submitter", "textarea", default="", optional=True),
            _param(
                "thresholds",
                "submitter",
                "object",
                default={"min_coherence": 0.3, "max_gaps": 2},
            ),
            _param("qa_date", "submitter", "date", default="2024-05-15"),
            _param(
                "container_version",
                "submitter",
                "container_version",
                version_regex="container-hysds_product_qa:.*",
                default="container-hysds_product_qa:v0.9.2",
            ),
            _param(
                "jobspec_version",
                "submitter",
                "jobspec_version",
                version_regex="job-product-qa:.*",
                default="job-product-qa:v0.9.2",
            ),
            _param(
                "hysdsio_version",
                "submitter",
                "hysdsio_version",
                version_regex="hysds-io-product-qa:.*",
                default="hysds-io-product-qa:v0.9.2",
            ),
            _param("name", "passthrough", "text"),
        ],
    },
)


def _lightweight(operation: str) -> Process:
    """HySDS's own revoke/purge job types (hysds/lightweight-jobs)."""
    return Process(
        name=f"lw-mozart-{operation}",
        version="v1.2.1",
        repo="hysds_lightweight-jobs",
        job_spec={
            "required_queues": ["system-jobs-queue"],
            "command": "python /home/ops/verdi/ops/lightweight-jobs/purge.py",
            "disk_usage": "3GB",
            "soft_time_limit": 86400,
            "time_limit": 86700,
            "imported_worker_files": _WORKER_FILES,
            "params": [
                {"name": "query", "destination": "context"},
                {"name": "component", "destination": "context"},
                {"name": "operation", "destination": "context"},
            ],
        },
        hysds_io={
            "label": f"{operation.title()} Mozart jobs",
            "component": "figaro",
            "submission_type": "individual",
            "enable_dedup": False,
            "allowed_accounts": ["ops"],
            "params": [
                _param("query", "passthrough"),
                _param("component", "value", value="mozart"),
                _param("operation", "value", value=operation),
            ],
        },
    )


LW_REVOKE = _lightweight("revoke")
LW_PURGE = _lightweight("purge")

PROCESSES: tuple[Process, ...] = (
    HELLO_WORLD,
    S1_GUNW_IFG,
    TIMESERIES,
    PRODUCT_QA,
    LW_REVOKE,
    LW_PURGE,
)


def job_spec_doc(process: Process) -> Doc:
    return {
        **process.job_spec,
        "id": process.job_spec_id,
        "container": process.container_id,
        "job-version": process.version,
        "resource": "jobspec",
    }


def hysds_io_doc(process: Process) -> Doc:
    return {
        **process.hysds_io,
        "id": process.hysds_io_id,
        "job-specification": process.job_spec_id,
        "job-version": process.version,
        "resource": "hysds-io-specification",
    }


def container_doc(process: Process) -> Doc:
    digest = hashlib.sha256(process.container_id.encode()).hexdigest()
    doc: Doc = {
        "id": process.container_id,
        "digest": f"sha256:{digest}",
        "url": process.container_url,
        "version": process.version,
        "resource": "container",
    }
    if process.multi_arch:
        # container-met.py stores the per-architecture URLs as a JSON string.
        arm = process.container_url.replace(".tar.gz", "-arm64.tar.gz")
        urls = {"x86_64": process.container_url, "amd64": process.container_url}
        urls.update({"arm64": arm, "aarch64": arm})
        doc["urls"] = json.dumps(urls)
    return doc


def hysds_io_component(process: Process) -> str:
    """`mozart` or `grq`: io-met.py files figaro/mozart specs under Mozart."""
    component = process.hysds_io.get("component", "tosca")
    return "mozart" if component in ("figaro", "mozart") else "grq"


def job_queues() -> list[str]:
    """Every queue the seeded job specs name, in first-seen order."""
    return list(dict.fromkeys(q for process in PROCESSES for q in process.queues()))
