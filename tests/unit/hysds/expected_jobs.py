# SPDX-License-Identifier: Apache-2.0
"""Hand-written HySDS job JSON (hysds.md §3.4) for each seeded user process.

The processes are the devstack's seeded ones (`ogc_hysds/devstack/processes.py`)
and the products their `dataset_jpath` inputs name are seeded GRQ landmarks.
Every field is written out from the reference, not computed; only the stored
job-spec and container documents, which §3.4 embeds whole, are taken from the
seed. A change in our builder shows up here as a difference in one field.
"""

from __future__ import annotations

from typing import Any

from ogc_hysds.devstack import processes as seeded

SLC = "S1B_IW_SLC__1SDV_20200105T061533_20200105T061600_019660_0252A9_77C4"
GUNW = "S1-GUNW-A-R-088-tops-20200105_20191212-061546-17500S_19000S-PP-8f1e-v2_0_3"
DS = "ds-bucket.s3-website-us-west-2.amazonaws.com/products"
S3 = "s3://s3-us-west-2.amazonaws.com:80/ds-bucket/products"
WORKER_FILES = {
    "$HOME/.netrc": "/home/ops/.netrc",
    "$HOME/.aws": ["/home/ops/.aws", "ro"],
}
CODE = "s3://code-bucket"

HELLO_INPUTS: dict[str, Any] = {
    "greeting": "it's me",
    "repeat": 2,
    "hysds:queue": "factotum-job_worker-small",
    "hysds:priority": 7,
    "hysds:tags": ["run-42", "second-tag-is-dropped"],
    "hysds:job_name": "my_run",
}

HELLO_JOB: dict[str, Any] = {
    "job_type": "job:job-hello_world:develop",
    "job_queue": "factotum-job_worker-small",
    "container_image_url": f"{CODE}/container-hysds_hello_world-develop.tar.gz",
    "container_image_urls": {},
    "container_image_name": "container-hysds_hello_world:develop",
    "container_mappings": WORKER_FILES,
    "runtime_options": {},
    "time_limit": 900,
    "soft_time_limit": 600,
    "disk_usage": "1GB",
    "enable_dedup": False,
    "payload": {
        # Positional params are single-quoted on the command line (§3.3).
        "_command": "/home/ops/hello_world/run.sh 'it'\"'\"'s me'",
        "localize_urls": [],
        "_disk_usage": "1GB",
        "job_specification": seeded.job_spec_doc(seeded.HELLO_WORLD),
        "container_specification": seeded.container_doc(seeded.HELLO_WORLD),
        "greeting": "it's me",
        "repeat": 2.0,
        "tag": "run-42",
    },
    "priority": 7,
    "username": "jdoe",
    "tags": ["run-42", "second-tag-is-dropped"],
    "tag": "run-42",
    "job_name": "my_run",
}

IFG_QUERY = '{"query": {"term": {"_id": "' + SLC + '"}}}'

IFG_INPUTS: dict[str, Any] = {
    "reference_urls": SLC,
    "reference_id": SLC,
    "track_number": f"http://h/collections/S1-IW_SLC/items/{SLC}",
    "filter_strength": "0.7",
    "query": IFG_QUERY,
    "hysds:priority": 3,
}

IFG_JOB: dict[str, Any] = {
    "job_type": "job:job-s1-gunw-ifg:v2.0.1",
    "job_queue": "verdi-job_worker-large",
    "container_image_url": f"{CODE}/container-aria-jpl_ariamh-v2.0.1.tar.gz",
    "container_image_urls": {},
    "container_image_name": "container-aria-jpl_ariamh:v2.0.1",
    "container_mappings": WORKER_FILES,
    "runtime_options": {},
    "time_limit": 29100,
    "soft_time_limit": 28800,
    "disk_usage": "100GB",
    "enable_dedup": True,
    "payload": {
        "_command": (
            "/home/ops/ariamh/interferogram/sentinel/create_standard_product.sh"
        ),
        # hysds-io `lambda` is not evaluated (docs/processes.md): both URLs.
        "localize_urls": [
            {"url": f"http://{DS}/S1-IW_SLC/v1.0/{SLC}"},
            {"url": f"{S3}/S1-IW_SLC/v1.0/{SLC}"},
        ],
        "_disk_usage": "100GB",
        "job_specification": seeded.job_spec_doc(seeded.S1_GUNW_IFG),
        "container_specification": seeded.container_doc(seeded.S1_GUNW_IFG),
        "reference_id": SLC,
        "track_number": 88.0,
        "azimuth_looks": 7.0,
        "range_looks": 19.0,
        "filter_strength": "0.7",
        "dataset_tag": "standard-product",
        "query": IFG_QUERY,
        "tag": "s1-gunw-ifg:v2.0.1",
    },
    "priority": 3,
    "username": "jdoe",
    "tags": ["s1-gunw-ifg:v2.0.1"],
    "tag": "s1-gunw-ifg:v2.0.1",
}

POINT = {"type": "Point", "coordinates": [-118.2, 34.1]}
TS_URL = f"{CODE}/container-hysds_timeseries-v1.3.0.tar.gz"
TS_ARM_URL = f"{CODE}/container-hysds_timeseries-v1.3.0-arm64.tar.gz"

TS_INPUTS: dict[str, Any] = {
    "input_urls": GUNW,
    "input_id": f"http://h/collections/S1-GUNW/items/{GUNW}",
    "mode": "velocity",
    "region": POINT,
    "min_coherence": 0.5,
    "save_intermediate": True,
    "hysds:enable_dedup": False,
    "hysds:disk_usage": "250GB",
}

TS_JOB: dict[str, Any] = {
    "job_type": "job:job-timeseries-displacement:v1.3.0",
    "job_queue": "verdi-job_worker-large",
    "container_image_url": TS_URL,
    # The container's `urls` JSON string, decoded (hysds.md §2.4).
    "container_image_urls": {
        "x86_64": TS_URL,
        "amd64": TS_URL,
        "arm64": TS_ARM_URL,
        "aarch64": TS_ARM_URL,
    },
    "container_image_name": "container-hysds_timeseries:v1.3.0",
    "container_mappings": {},
    "runtime_options": {"gpus": "all"},
    "time_limit": 86700,
    "soft_time_limit": 86400,
    "disk_usage": "250GB",
    "enable_dedup": False,
    "payload": {
        "_command": "python /home/ops/timeseries/run_ts.py 'velocity'",
        "localize_urls": [
            {"url": f"http://{DS}/S1-GUNW/v2.0/{GUNW}"},
            {"url": f"{S3}/S1-GUNW/v2.0/{GUNW}"},
        ],
        "_disk_usage": "250GB",
        "job_specification": seeded.job_spec_doc(seeded.TIMESERIES),
        "container_specification": seeded.container_doc(seeded.TIMESERIES),
        "mode": "velocity",
        "input_id": GUNW,
        "region": POINT,
        "start_time": "2019-01-01T00:00:00Z",
        "end_time": "2020-01-01T00:00:00Z",
        "reference_date": "2019-01-01",
        "min_coherence": 0.5,
        "save_intermediate": True,
        "tag": "timeseries-displacement:v1.3.0",
    },
    "priority": 0,
    "username": "jdoe",
    "tags": ["timeseries-displacement:v1.3.0"],
    "tag": "timeseries-displacement:v1.3.0",
}

QA_INPUTS: dict[str, Any] = {
    "product_url": GUNW,
    "name": "qa-run",
    "thresholds": {"min_coherence": 0.2},
    "hysds:soft_time_limit": 1200,
    "hysds:time_limit": 1800,
}

QA_JOB: dict[str, Any] = {
    "job_type": "job:job-product-qa:v0.9.2",
    "job_queue": "factotum-job_worker-small",
    "container_image_url": f"{CODE}/container-hysds_product_qa-v0.9.2.tar.gz",
    "container_image_urls": {},
    "container_image_name": "container-hysds_product_qa:v0.9.2",
    "container_mappings": {},
    "runtime_options": {},
    "time_limit": 1800,
    "soft_time_limit": 1200,
    "disk_usage": "500MB",
    "enable_dedup": False,
    "payload": {
        "_command": "/home/ops/product_qa/qa.sh 'true'",
        # `dataset_jpath:_source.urls.0`: the first URL only.
        "localize_urls": [{"url": f"http://{DS}/S1-GUNW/v2.0/{GUNW}"}],
        "_disk_usage": "500MB",
        "job_specification": seeded.job_spec_doc(seeded.PRODUCT_QA),
        "container_specification": seeded.container_doc(seeded.PRODUCT_QA),
        "strict": True,
        "report_email": "ops@example.com",
        "notes": "",
        "thresholds": {"min_coherence": 0.2},
        "qa_date": "2024-05-15",
        "container_version": "container-hysds_product_qa:v0.9.2",
        "jobspec_version": "job-product-qa:v0.9.2",
        "hysdsio_version": "hysds-io-product-qa:v0.9.2",
        "name": "qa-run",
        "tag": "product-qa:v0.9.2",
    },
    "priority": 0,
    "username": "jdoe",
    "tags": ["product-qa:v0.9.2"],
    "tag": "product-qa:v0.9.2",
}

EXPECTED: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "hello_world:develop": (HELLO_INPUTS, HELLO_JOB),
    "s1-gunw-ifg:v2.0.1": (IFG_INPUTS, IFG_JOB),
    "timeseries-displacement:v1.3.0": (TS_INPUTS, TS_JOB),
    "product-qa:v0.9.2": (QA_INPUTS, QA_JOB),
}


def fields(process_id: str) -> list[str]:
    """Every field of a process's job JSON, payload keys as `payload.<key>`."""
    job = EXPECTED[process_id][1]
    top = [key for key in job if key != "payload"]
    return top + [f"payload.{key}" for key in job["payload"]]


def field_of(job: dict[str, Any], name: str) -> Any:
    if name.startswith("payload."):
        return job.get("payload", {}).get(name.removeprefix("payload."), "<absent>")
    return job.get(name, "<absent>")


CASES = [(pid, name) for pid in EXPECTED for name in fields(pid)]
