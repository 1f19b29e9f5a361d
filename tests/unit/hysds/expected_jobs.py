# SPDX-License-Identifier: Apache-2.0
"""Hand-written HySDS job JSON (hysds.md §3.4) per sample process.

Written field by field from the reference, not computed, so a change in our
builder shows up as a difference here.
"""

from __future__ import annotations

from typing import Any

from tests import hysds_samples as s

HELLO_INPUTS: dict[str, Any] = {
    "greeting": "it's me",
    "count": 2,
    "hysds:queue": "job_worker-large",
    "hysds:priority": 7,
    "hysds:tags": ["run-42"],
    "hysds:job_name": "my_run",
}

HELLO_JOB: dict[str, Any] = {
    "job_type": "job:job-hello_world:develop",
    "job_queue": "job_worker-large",
    "container_image_url": "s3://code-bucket/container-hysds_hello_world-develop.tar.gz",
    "container_image_urls": {},
    "container_image_name": "container-hysds_hello_world:develop",
    "container_mappings": {"/home/ops/.netrc": ["/home/ops/.netrc", "ro"]},
    "runtime_options": {},
    "time_limit": 900,
    "soft_time_limit": 600,
    "disk_usage": "1GB",
    "enable_dedup": False,
    "payload": {
        "_command": "/home/ops/hello_world/run.sh 'it'\"'\"'s me' '2.0'",
        "localize_urls": [],
        "_disk_usage": "1GB",
        "job_specification": s.HELLO_JOB_SPEC,
        "container_specification": s.HELLO_CONTAINER,
        "greeting": "it's me",
        "count": 2.0,
        "mode": "friendly",
        "shout": False,
        "note": "",
        "tag": "run-42",
    },
    "priority": 7,
    "username": "jdoe",
    "tags": ["run-42"],
    "tag": "run-42",
    "job_name": "my_run",
}

POINT = {"type": "Point", "coordinates": [-121.5, 38.5]}

TYPES_INPUTS: dict[str, Any] = {
    "t_text": "a",
    "t_number": "1.5",
    "t_datetime": "2024-05-15T18:12:04Z",
    "t_date": "2024-05-15",
    "t_boolean": True,
    "t_enum": "green",
    "t_email": "jdoe@example.org",
    "t_textarea": "line 1\nline 2",
    "t_region": POINT,
    "t_container_version": "v3",
    "t_jobspec_version": "develop",
    "t_hysdsio_version": "abc",
    "t_object": {"k": [1, 2]},
    "input_urls": "AOI_sacramento_valley",
    "product_id": "http://h/collections/area_of_interest/items/AOI_sacramento_valley",
}

TYPES_JOB: dict[str, Any] = {
    "job_type": "job:job-all_types:v1",
    "job_queue": "factotum-job_worker",
    "container_image_url": "s3://code-bucket/container-all_types-v1.tar.gz",
    "container_image_urls": {
        "x86_64": "s3://b/x86.tar.gz",
        "arm64": "s3://b/arm.tar.gz",
    },
    "container_image_name": "container-all_types:v1",
    "container_mappings": {},
    "runtime_options": {"gpus": "all"},
    "time_limit": 3960,
    "soft_time_limit": 3600,
    "disk_usage": "5GB",
    "enable_dedup": True,
    "payload": {
        "_command": "python /app/run.py 'AOI_sacramento_valley'",
        "localize_urls": [
            {"url": "http://my-bucket.s3-website-us-west-2.amazonaws.com/datasets/aoi"},
            {"url": "s3://s3-us-west-2.amazonaws.com:80/my-bucket/datasets/aoi"},
        ],
        "_disk_usage": "5GB",
        "job_specification": s.TYPES_JOB_SPEC,
        "container_specification": s.TYPES_CONTAINER,
        "t_text": "a",
        "t_number": 1.5,
        "t_datetime": "2024-05-15T18:12:04Z",
        "t_date": "2024-05-15",
        "t_boolean": True,
        "t_enum": "green",
        "t_email": "jdoe@example.org",
        "t_textarea": "line 1\nline 2",
        "t_region": POINT,
        "t_container_version": "v3",
        "t_jobspec_version": "develop",
        "t_hysdsio_version": "abc",
        "t_object": {"k": [1, 2]},
        "product_id": "AOI_sacramento_valley",
        "tag": "all_types:v1",
    },
    "priority": 0,
    "username": "jdoe",
    "tags": ["all_types:v1"],
    "tag": "all_types:v1",
}

EXPECTED = {
    "hello_world:develop": (HELLO_INPUTS, HELLO_JOB),
    "all_types:v1": (TYPES_INPUTS, TYPES_JOB),
}
