# SPDX-License-Identifier: Apache-2.0
from __future__ import annotations

import copy

from ogc_hysds.hysds.registry import build_processes, job_spec_id_of, process_id_of
from tests import hysds_samples as s


def _processes() -> dict:
    docs = s.mozart_docs()
    return build_processes(
        docs["hysds_ios_mozart"] + docs["hysds_ios_grq"],
        {d["id"]: d for d in docs["job_specs"]},
        {d["id"]: d for d in docs["containers"]},
    )


def test_process_id_drops_the_hysds_io_prefix() -> None:
    assert process_id_of("hysds-io-hello_world:develop") == "hello_world:develop"


def test_job_spec_is_derived_when_not_named() -> None:
    assert job_spec_id_of({"id": "hysds-io-x:1"}) == "job-x:1"


def test_processes_join_specs_and_containers() -> None:
    process = _processes()["hello_world:develop"]
    assert process.version == "develop"
    assert process.container["id"] == "container-hysds_hello_world:develop"
    assert [p["name"] for p in process.submitter_params] == [
        "greeting",
        "count",
        "shout",
        "note",
    ]


def test_required_queues_win_over_recommended() -> None:
    assert _processes()["all_types:v1"].queues == ["factotum-job_worker"]
    assert _processes()["hello_world:develop"].queues == [
        "job_worker-small",
        "job_worker-large",
    ]


def test_hysds_io_without_container_is_left_out() -> None:
    spec = copy.deepcopy(s.HELLO_JOB_SPEC)
    spec["container"] = "container-missing:1"
    processes = build_processes([s.HELLO_HYSDS_IO], {spec["id"]: spec}, {})
    assert processes == {}
