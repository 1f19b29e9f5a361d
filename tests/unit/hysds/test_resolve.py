# SPDX-License-Identifier: Apache-2.0
from __future__ import annotations

import pytest

from ogc_hysds.errors import InvalidParameter
from ogc_hysds.hysds.resolve import resolve
from tests.unit.hysds.expected_jobs import GUNW, SLC
from tests.unit.hysds.seeded import lookup, process


def test_defaults_values_and_optional_params_are_filled() -> None:
    resolved = resolve(
        process("product-qa:v0.9.2"), {"product_url": GUNW, "name": "n"}, lookup, "q"
    )
    assert resolved.params["strict"] is True
    assert resolved.params["notes"] == ""
    assert resolved.params["thresholds"] == {"min_coherence": 0.3, "max_gaps": 2}
    ifg = resolve(
        process("s1-gunw-ifg:v2.0.1"),
        {"reference_urls": SLC, "reference_id": SLC, "track_number": SLC, "query": "q"},
        lookup,
        "q",
    )
    assert ifg.params["dataset_tag"] == "standard-product"
    assert ifg.params["azimuth_looks"] == 7.0


def test_controls_default_from_job_spec() -> None:
    resolved = resolve(process("hello_world:develop"), {"greeting": "hi"}, lookup, "q")
    controls = resolved.controls
    assert (controls.queue, controls.priority, controls.tags) == (
        "verdi-job_worker-small",
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
        process("hello_world:develop"), {"greeting": {"value": "yo"}}, lookup, "q"
    )
    assert resolved.params["greeting"] == "yo"


def test_every_bad_input_is_named() -> None:
    with pytest.raises(InvalidParameter) as caught:
        resolve(
            process("hello_world:develop"),
            {
                "repeat": "many",
                "bogus": 1,
                "hysds:priority": 12,
                "hysds:queue": "elsewhere",
            },
            lookup,
            "q",
        )
    detail = caught.value.detail
    for name in (
        "repeat:",
        "bogus:",
        "hysds:priority",
        "hysds:queue",
    ):
        assert name in detail
    assert caught.value.locator is not None


def test_dataset_jpath_params_walk_the_grq_record() -> None:
    item_url = f"http://h/collections/S1-GUNW/items/{GUNW}"
    resolved = resolve(
        process("timeseries-displacement:v1.3.0"),
        {"input_urls": GUNW, "input_id": {"href": item_url}},
        lookup,
        "q",
    )
    hit = lookup(GUNW)
    assert hit is not None
    assert resolved.params["input_urls"] == hit["_source"]["urls"]
    assert resolved.params["input_id"] == GUNW


def test_numbers_from_product_metadata_are_converted() -> None:
    resolved = resolve(
        process("s1-gunw-ifg:v2.0.1"),
        {"reference_urls": SLC, "reference_id": SLC, "track_number": SLC, "query": "q"},
        lookup,
        "q",
    )
    assert resolved.params["track_number"] == 88.0


def test_unknown_product_is_a_bad_input() -> None:
    with pytest.raises(InvalidParameter) as caught:
        resolve(
            process("timeseries-displacement:v1.3.0"),
            {"input_urls": "nope", "input_id": "nope"},
            lookup,
            "q",
        )
    assert "input_urls: no catalogue product" in caught.value.detail


def test_controls_are_validated() -> None:
    resolved = resolve(
        process("hello_world:develop"),
        {
            "greeting": "hi",
            "hysds:queue": "factotum-job_worker-small",
            "hysds:priority": 7,
            "hysds:tags": ["run-42", "x"],
            "hysds:job_name": "my_run",
            "hysds:time_limit": 1200,
            "hysds:soft_time_limit": 800,
            "hysds:disk_usage": "20GB",
            "hysds:enable_dedup": True,
        },
        lookup,
        "q",
    )
    controls = resolved.controls
    assert controls.queue == "factotum-job_worker-small"
    assert controls.priority == 7
    assert controls.tags == ["run-42", "x"]
    assert controls.job_name == "my_run"
    assert (controls.soft_time_limit, controls.time_limit) == (800, 1200)
    assert controls.disk_usage == "20GB"
    assert controls.enable_dedup is True
