# SPDX-License-Identifier: Apache-2.0
"""HySDS spec documents shaped exactly as hysds.md §2.2-§2.4 describes them.

Used by unit tests and as fixture data for the processes integration tests.
"""

from __future__ import annotations

from typing import Any

HELLO_CONTAINER: dict[str, Any] = {
    "id": "container-hysds_hello_world:develop",
    "url": "s3://code-bucket/container-hysds_hello_world-develop.tar.gz",
    "version": "develop",
    "digest": "sha256:0f3c",
    "resource": "container",
}

HELLO_JOB_SPEC: dict[str, Any] = {
    "id": "job-hello_world:develop",
    "job-version": "develop",
    "container": "container-hysds_hello_world:develop",
    "resource": "jobspec",
    "command": "/home/ops/hello_world/run.sh",
    "disk_usage": "1GB",
    "soft_time_limit": 600,
    "time_limit": 900,
    "recommended-queues": ["job_worker-small", "job_worker-large"],
    "imported_worker_files": {"/home/ops/.netrc": ["/home/ops/.netrc", "ro"]},
    "params": [
        {"name": "greeting", "destination": "positional"},
        {"name": "count", "destination": "positional"},
        {"name": "mode", "destination": "context"},
        {"name": "shout", "destination": "context"},
        {"name": "note", "destination": "context"},
    ],
}

HELLO_HYSDS_IO: dict[str, Any] = {
    "id": "hysds-io-hello_world:develop",
    "job-specification": "job-hello_world:develop",
    "job-version": "develop",
    "resource": "hysds-io-specification",
    "label": "Hello world",
    "component": "tosca",
    "submission_type": "individual",
    "enable_dedup": False,
    "params": [
        {
            "name": "greeting",
            "from": "submitter",
            "type": "text",
            "placeholder": "what to say",
        },
        {"name": "count", "from": "submitter", "type": "number", "default": "3"},
        {"name": "mode", "from": "value", "type": "text", "value": "friendly"},
        {"name": "shout", "from": "submitter", "type": "boolean", "default": "false"},
        {"name": "note", "from": "submitter", "type": "textarea", "optional": True},
    ],
}

TYPES_CONTAINER: dict[str, Any] = {
    "id": "container-all_types:v1",
    "url": "s3://code-bucket/container-all_types-v1.tar.gz",
    "version": "v1",
    "digest": "sha256:aa11",
    "resource": "container",
    "urls": '{"x86_64": "s3://b/x86.tar.gz", "arm64": "s3://b/arm.tar.gz"}',
}

_TYPED = [
    ("t_text", "text", {}),
    ("t_number", "number", {}),
    ("t_datetime", "datetime", {}),
    ("t_date", "date", {}),
    ("t_boolean", "boolean", {}),
    ("t_enum", "enum", {"enumerables": ["red", "green"]}),
    ("t_email", "email", {}),
    ("t_textarea", "textarea", {}),
    ("t_region", "region", {}),
    ("t_container_version", "container_version", {"version_regex": "v[0-9]+"}),
    ("t_jobspec_version", "jobspec_version", {"version_regex": "develop|v.*"}),
    ("t_hysdsio_version", "hysdsio_version", {"version_regex": "[a-z]+"}),
    ("t_object", "object", {}),
]

TYPES_JOB_SPEC: dict[str, Any] = {
    "id": "job-all_types:v1",
    "job-version": "v1",
    "container": "container-all_types:v1",
    "command": "python /app/run.py",
    "disk_usage": "5GB",
    "soft_time_limit": 3600,
    "time_limit": 3960,
    "required_queues": ["factotum-job_worker"],
    "runtime_options": {"gpus": "all"},
    "params": [{"name": name, "destination": "context"} for name, _, _ in _TYPED]
    + [
        {"name": "input_urls", "destination": "localize"},
        {"name": "product_id", "destination": "positional"},
    ],
}

TYPES_HYSDS_IO: dict[str, Any] = {
    "id": "hysds-io-all_types:v1",
    "job-specification": "job-all_types:v1",
    "label": "Every hysds-io type",
    "params": [
        {"name": name, "from": "submitter", "type": kind, "optional": True, **extra}
        for name, kind, extra in _TYPED
    ]
    + [
        {"name": "input_urls", "from": "dataset_jpath:_source.urls", "type": "text"},
        {"name": "product_id", "from": "dataset_jpath:_id", "type": "text"},
    ],
}

LW_CONTAINER: dict[str, Any] = {
    "id": "container-hysds_lightweight-jobs:v1",
    "url": "s3://code-bucket/container-hysds_lightweight-jobs-v1.tar.gz",
    "version": "v1",
    "digest": "sha256:bb22",
}


def lightweight(operation: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Job spec and hysds-io of hysds/lightweight-jobs' lw-mozart-<operation>."""
    job_spec = {
        "id": f"job-lw-mozart-{operation}:v1",
        "job-version": "v1",
        "container": LW_CONTAINER["id"],
        "command": "/home/ops/verdi/ops/lightweight-jobs/purge.sh",
        "disk_usage": "3GB",
        "soft_time_limit": 86400,
        "time_limit": 86700,
        "required_queues": ["system-jobs-queue"],
        "params": [
            {"name": "query", "destination": "context"},
            {"name": "component", "destination": "context"},
            {"name": "operation", "destination": "context"},
        ],
    }
    hysds_io = {
        "id": f"hysds-io-lw-mozart-{operation}:v1",
        "job-specification": job_spec["id"],
        "component": "figaro",
        "params": [
            {"name": "query", "from": "passthrough"},
            {"name": "component", "from": "value", "value": "mozart"},
            {"name": "operation", "from": "value", "value": operation},
        ],
    }
    return job_spec, hysds_io


PRODUCT_HIT: dict[str, Any] = {
    "_id": "AOI_sacramento_valley",
    "_index": "grq_v2.0_area_of_interest",
    "_source": {
        "id": "AOI_sacramento_valley",
        "dataset": "area_of_interest",
        "urls": [
            "http://my-bucket.s3-website-us-west-2.amazonaws.com/datasets/aoi",
            "s3://s3-us-west-2.amazonaws.com:80/my-bucket/datasets/aoi",
        ],
    },
}


def mozart_docs() -> dict[str, list[dict[str, Any]]]:
    """Documents per settings index key, ready to load into Mozart's cluster."""
    revoke_spec, revoke_io = lightweight("revoke")
    purge_spec, purge_io = lightweight("purge")
    return {
        "containers": [HELLO_CONTAINER, TYPES_CONTAINER, LW_CONTAINER],
        "job_specs": [HELLO_JOB_SPEC, TYPES_JOB_SPEC, revoke_spec, purge_spec],
        "hysds_ios_grq": [HELLO_HYSDS_IO, TYPES_HYSDS_IO],
        "hysds_ios_mozart": [revoke_io, purge_io],
    }
