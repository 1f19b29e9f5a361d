# SPDX-License-Identifier: Apache-2.0
"""Bisecting a spatial extent from "does anything intersect this box?" answers."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from ogc_hysds.hysds.extent_probe import STEPS, Envelope, probe_bbox

LON_STEP = 360 / 2**STEPS
LAT_STEP = 180 / 2**STEPS


class Footprints:
    """Product boxes, answering intersects queries as the cluster would."""

    def __init__(self, *boxes: Envelope) -> None:
        self.boxes = boxes
        self.calls = 0

    def __call__(self, probes: Sequence[Envelope]) -> list[bool]:
        self.calls += 1
        return [any(_intersects(probe, box) for box in self.boxes) for probe in probes]


def _intersects(a: Envelope, b: Envelope) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


@pytest.mark.parametrize(
    "boxes",
    [
        ((10.0, 10.0, 20.0, 30.0),),
        ((-120.5, 35.2, -120.5, 35.2), (10.0, 84.0, 40.0, 89.9)),
        ((-180.0, -90.0, 180.0, 90.0),),
        ((179.0, -20.0, 180.0, -10.0), (-180.0, -20.0, -179.0, -10.0)),
    ],
    ids=["one-polygon", "point-and-polar", "whole-world", "split-at-180"],
)
def test_extent_contains_every_product_within_a_step(
    boxes: tuple[Envelope, ...],
) -> None:
    west, south, east, north = probe_bbox(Footprints(*boxes)) or (0, 0, 0, 0)

    assert min(b[0] for b in boxes) - LON_STEP <= west <= min(b[0] for b in boxes)
    assert min(b[1] for b in boxes) - LAT_STEP <= south <= min(b[1] for b in boxes)
    assert max(b[2] for b in boxes) <= east <= max(b[2] for b in boxes) + LON_STEP
    assert max(b[3] for b in boxes) <= north <= max(b[3] for b in boxes) + LAT_STEP


def test_nothing_anywhere_has_no_extent() -> None:
    footprints = Footprints()

    assert probe_bbox(footprints) is None
    assert footprints.calls == 1


def test_one_call_per_step_for_all_four_edges() -> None:
    footprints = Footprints((0.0, 0.0, 1.0, 1.0))

    probe_bbox(footprints)

    assert footprints.calls == 1 + STEPS
