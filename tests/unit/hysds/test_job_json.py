# SPDX-License-Identifier: Apache-2.0
from __future__ import annotations

from typing import Any

import pytest

from ogc_hysds.hysds.job_json import build_job_json, command_line, shell_quote
from ogc_hysds.hysds.registry import build_processes
from ogc_hysds.hysds.resolve import resolve
from ogc_hysds.hysds.submit import mozart_form
from tests import hysds_samples as s
from tests.unit.hysds.expected_jobs import EXPECTED, HELLO_INPUTS


def _lookup(reference: str) -> dict[str, Any] | None:
    return s.PRODUCT_HIT if reference.endswith("AOI_sacramento_valley") else None


def _resolved(process_id: str, inputs: dict[str, Any]) -> Any:
    docs = s.mozart_docs()
    processes = build_processes(
        docs["hysds_ios_grq"],
        {d["id"]: d for d in docs["job_specs"]},
        {d["id"]: d for d in docs["containers"]},
    )
    return resolve(processes[process_id], inputs, _lookup, "default-q")


@pytest.mark.parametrize("process_id", sorted(EXPECTED))
def test_job_json_matches_the_hand_written_expectation(process_id: str) -> None:
    inputs, expected = EXPECTED[process_id]
    assert build_job_json(_resolved(process_id, inputs), "jdoe") == expected


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        ("a b", "'a b'"),
        ("it's", "'it'\"'\"'s'"),
        (3.0, "'3.0'"),
        ([1, "x"], "'[1, \"x\"]'"),
    ],
)
def test_positional_arguments_are_single_quoted(value: Any, quoted: str) -> None:
    assert shell_quote(value) == quoted


def test_command_without_positional_arguments_is_unchanged() -> None:
    assert command_line("/run.sh", []) == "/run.sh"


def test_mozart_form_carries_final_params() -> None:
    form = mozart_form(_resolved("hello_world:develop", HELLO_INPUTS), "jdoe")
    assert form == {
        "type": "job-hello_world:develop",
        "queue": "job_worker-large",
        "priority": "7",
        "tags": '["run-42"]',
        "username": "jdoe",
        "enable_dedup": "false",
        "soft_time_limit": "600",
        "time_limit": "900",
        "disk_usage": "1GB",
        "params": '{"greeting": "it\'s me", "count": 2.0, "mode": "friendly", '
        '"shout": false, "note": ""}',
        "name": "my_run",
    }
