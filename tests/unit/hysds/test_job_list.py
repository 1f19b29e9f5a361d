# SPDX-License-Identifier: Apache-2.0
from __future__ import annotations

import datetime as dt

import pytest

from ogc_hysds.hysds import job_list
from ogc_hysds.hysds.job_list import JobFilters


def test_cursor_round_trips() -> None:
    key = (1715796724511, "e3b1c0de-5f6a")
    assert job_list.decode_cursor(job_list.encode_cursor(key)) == key


@pytest.mark.parametrize("token", ["garbage", "", "WzEsMl0"])
def test_foreign_cursor_is_refused(token: str) -> None:
    with pytest.raises(ValueError):
        job_list.decode_cursor(token)


def test_process_id_and_job_type_are_inverse() -> None:
    assert job_list.job_type_of("hello_world:develop") == "job-hello_world:develop"
    assert job_list.process_id_of_type("job-hello_world:develop") == (
        "hello_world:develop"
    )


def test_failed_covers_offline_and_keeps_dismissed_live_jobs_out() -> None:
    clause = job_list.status_clause(["failed", "accepted"], ["d1"], [])
    direct = clause["bool"]["should"][0]["bool"]
    assert direct["filter"] == [
        {"terms": {"status": ["job-failed", "job-offline", "job-queued"]}}
    ]
    assert direct["must_not"][0]["bool"]["filter"][0] == {"ids": {"values": ["d1"]}}


def test_dismissed_includes_our_dismissals_and_deduped_originals() -> None:
    clause = job_list.status_clause(["dismissed"], ["d1"], ["o1"])
    options = clause["bool"]["should"]
    assert len(options) == 3
    assert {"terms": {"dedup_job.keyword": ["o1"]}} in options[2]["bool"]["filter"]


def test_duration_uses_hysds_duration_or_start_time() -> None:
    now = dt.datetime(2024, 5, 15, 12, 0, tzinfo=dt.UTC)
    clause = job_list.duration_clause(60, None, now)
    finished, running = clause["bool"]["should"]
    assert finished == {"range": {"job.job_info.duration": {"gte": 60}}}
    assert running["bool"]["filter"][1] == {
        "range": {"job.job_info.time_start": {"lte": "2024-05-15T11:59:00.000000Z"}}
    }


def test_hidden_globs_become_wildcards_on_type() -> None:
    filters = JobFilters(hidden=["lw-mozart-*"])
    assert job_list.hidden_clauses(filters) == [
        {"wildcard": {"type": {"value": "job-lw-mozart-*"}}}
    ]
