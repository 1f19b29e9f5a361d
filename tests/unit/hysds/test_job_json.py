# SPDX-License-Identifier: Apache-2.0
from __future__ import annotations

from typing import Any

import pytest

from ogc_hysds.hysds.job_json import build_job_json, command_line, shell_quote
from ogc_hysds.hysds.resolve import resolve
from ogc_hysds.hysds.submit import mozart_form
from tests.unit.hysds import seeded
from tests.unit.hysds.expected_jobs import CASES, EXPECTED, HELLO_INPUTS, field_of


def _resolved(process_id: str, inputs: dict[str, Any]) -> Any:
    return resolve(seeded.process(process_id), inputs, seeded.lookup, "default-q")


@pytest.mark.parametrize(("process_id", "name"), CASES)
def test_job_json_field_matches_the_hand_written_expectation(
    process_id: str, name: str
) -> None:
    inputs, expected = EXPECTED[process_id]
    job = build_job_json(_resolved(process_id, inputs), "jdoe")
    assert field_of(job, name) == field_of(expected, name)


@pytest.mark.parametrize("process_id", sorted(EXPECTED))
def test_job_json_has_no_field_beyond_the_expectation(process_id: str) -> None:
    inputs, expected = EXPECTED[process_id]
    job = build_job_json(_resolved(process_id, inputs), "jdoe")
    assert set(job) == set(expected)
    assert set(job["payload"]) == set(expected["payload"])


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
        "queue": "factotum-job_worker-small",
        "priority": "7",
        "tags": '["run-42", "second-tag-is-dropped"]',
        "username": "jdoe",
        "enable_dedup": "false",
        "soft_time_limit": "600",
        "time_limit": "900",
        "disk_usage": "1GB",
        "params": '{"greeting": "it\'s me", "repeat": 2.0}',
        "name": "my_run",
    }
