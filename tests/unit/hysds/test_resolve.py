# SPDX-License-Identifier: Apache-2.0
from __future__ import annotations

from typing import Any

import pytest

from ogc_hysds.errors import InvalidParameter
from ogc_hysds.hysds.registry import Process, build_processes
from ogc_hysds.hysds.resolve import resolve
from tests import hysds_samples as s


def _process(process_id: str) -> Process:
    docs = s.mozart_docs()
    return build_processes(
        docs["hysds_ios_grq"],
        {d["id"]: d for d in docs["job_specs"]},
        {d["id"]: d for d in docs["containers"]},
    )[process_id]


def _lookup(reference: str) -> dict[str, Any] | None:
    return s.PRODUCT_HIT if reference == "AOI_sacramento_valley" else None


def test_defaults_values_and_optional_params_are_filled() -> None:
    resolved = resolve(
        _process("hello_world:develop"), {"greeting": "hi"}, _lookup, "q"
    )
    assert resolved.params == {
        "greeting": "hi",
        "count": 3.0,
        "mode": "friendly",
        "shout": False,
        "note": "",
    }


def test_controls_default_from_job_spec() -> None:
    resolved = resolve(
        _process("hello_world:develop"), {"greeting": "hi"}, _lookup, "q"
    )
    controls = resolved.controls
    assert (controls.queue, controls.priority, controls.tags) == (
        "job_worker-small",
        0,
        ["hello_world:develop"],
    )
    assert (controls.soft_time_limit, controls.time_limit, controls.disk_usage) == (
        600,
        900,
        "1GB",
    )
    assert controls.enable_dedup is False


def test_qualified_values_are_unwrapped() -> None:
    resolved = resolve(
        _process("hello_world:develop"), {"greeting": {"value": "yo"}}, _lookup, "q"
    )
    assert resolved.params["greeting"] == "yo"


def test_every_bad_input_is_named() -> None:
    with pytest.raises(InvalidParameter) as caught:
        resolve(
            _process("hello_world:develop"),
            {
                "count": "many",
                "bogus": 1,
                "hysds:priority": 12,
                "hysds:queue": "elsewhere",
            },
            _lookup,
            "q",
        )
    detail = caught.value.detail
    for name in (
        "greeting: required",
        "count:",
        "bogus:",
        "hysds:priority",
        "hysds:queue",
    ):
        assert name in detail
    assert caught.value.locator is not None


def test_dataset_jpath_params_walk_the_grq_record() -> None:
    item_url = "http://h/collections/area_of_interest/items/AOI_sacramento_valley"
    resolved = resolve(
        _process("all_types:v1"),
        {"input_urls": "AOI_sacramento_valley", "product_id": {"href": item_url}},
        lambda ref: (
            s.PRODUCT_HIT if ref in ("AOI_sacramento_valley", item_url) else None
        ),
        "q",
    )
    assert resolved.params["input_urls"] == s.PRODUCT_HIT["_source"]["urls"]
    assert resolved.params["product_id"] == "AOI_sacramento_valley"


def test_unknown_product_is_a_bad_input() -> None:
    with pytest.raises(InvalidParameter) as caught:
        resolve(
            _process("all_types:v1"),
            {"input_urls": "nope", "product_id": "nope"},
            _lookup,
            "q",
        )
    assert "input_urls: no catalogue product" in caught.value.detail


def test_controls_are_validated() -> None:
    resolved = resolve(
        _process("hello_world:develop"),
        {
            "greeting": "hi",
            "hysds:queue": "job_worker-large",
            "hysds:priority": 7,
            "hysds:tags": ["run-42", "x"],
            "hysds:job_name": "my_run",
            "hysds:time_limit": 1200,
            "hysds:soft_time_limit": 800,
            "hysds:disk_usage": "20GB",
            "hysds:enable_dedup": True,
        },
        _lookup,
        "q",
    )
    controls = resolved.controls
    assert controls.queue == "job_worker-large"
    assert controls.priority == 7
    assert controls.tags == ["run-42", "x"]
    assert controls.job_name == "my_run"
    assert (controls.soft_time_limit, controls.time_limit) == (800, 1200)
    assert controls.disk_usage == "20GB"
    assert controls.enable_dedup is True
