# SPDX-License-Identifier: Apache-2.0
from __future__ import annotations

from ogc_hysds.devstack import processes as seeded
from ogc_hysds.hysds.registry import build_processes, job_spec_id_of, process_id_of
from tests.unit.hysds.seeded import processes


def test_process_id_drops_the_hysds_io_prefix() -> None:
    assert process_id_of("hysds-io-hello_world:develop") == "hello_world:develop"


def test_job_spec_is_derived_when_not_named() -> None:
    assert job_spec_id_of({"id": "hysds-io-x:1"}) == "job-x:1"


def test_processes_join_specs_and_containers() -> None:
    process = processes()["hello_world:develop"]
    assert process.version == "develop"
    assert process.container["id"] == "container-hysds_hello_world:develop"
    assert [p["name"] for p in process.submitter_params] == ["greeting", "repeat"]


def test_value_params_are_not_inputs() -> None:
    names = [p["name"] for p in processes()["s1-gunw-ifg:v2.0.1"].submitter_params]
    assert "dataset_tag" not in names
    assert {"reference_urls", "query"} <= set(names)


def test_required_queues_win_over_recommended() -> None:
    assert processes()["s1-gunw-ifg:v2.0.1"].queues == ["verdi-job_worker-large"]
    assert processes()["hello_world:develop"].queues == [
        "verdi-job_worker-small",
        "factotum-job_worker-small",
    ]


def test_hysds_io_without_container_is_left_out() -> None:
    spec = {**seeded.job_spec_doc(seeded.HELLO_WORLD), "container": "container-x:1"}
    hysds_io = seeded.hysds_io_doc(seeded.HELLO_WORLD)
    assert build_processes([hysds_io], {spec["id"]: spec}, {}) == {}
