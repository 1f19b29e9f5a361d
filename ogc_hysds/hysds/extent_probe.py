# SPDX-License-Identifier: Apache-2.0
"""Spatial extent by bisection, for GRQ geometry that OpenSearch cannot aggregate.

HySDS maps `location` as `geo_shape` with the legacy `tree: quadtree`
(hysds.md §1.2). Such a field has no doc values, so `geo_bounds` answers
"Fielddata is not supported". The cluster can still say whether any product
intersects a box, and each edge of the extent is where that answer flips: the
west edge is the smallest x for which some product intersects
[-180, x] x [-90, 90], the north edge the largest y for which one intersects
[-180, y] .. [180, 90], and so on. The four edges are bisected together, one
multi-search per step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ogc_hysds.hysds.grq_query import Bbox

# minx, miny, maxx, maxy in CRS84.
Envelope = tuple[float, float, float, float]

# Answers, for each box, whether any product intersects it.
AnyIntersects = Callable[[Sequence[Envelope]], Sequence[bool]]

WORLD: Envelope = (-180.0, -90.0, 180.0, 90.0)

# 360° / 2**12 is under 0.1°: finer than a collection's extent needs.
STEPS = 12

# Edge name, the range it lies in, and whether products appear as the probe
# value rises (west, south: the box grows from the world's edge towards it).
_EDGES: tuple[tuple[str, tuple[float, float], bool], ...] = (
    ("west", (-180.0, 180.0), True),
    ("south", (-90.0, 90.0), True),
    ("east", (-180.0, 180.0), False),
    ("north", (-90.0, 90.0), False),
)


def probe_bbox(any_intersects: AnyIntersects, steps: int = STEPS) -> Bbox | None:
    """The extent of everything `any_intersects` sees, rounded outwards.

    None when nothing intersects the world. With exact answers each edge is
    within its range / 2**steps of the true one, and never inside it. A
    prefix tree answers on cells (query box and products alike), so it can
    only say yes early: that moves the edges further out, never in.
    """
    if not any_intersects([WORLD])[0]:
        return None

    ranges = {name: span for name, span, _ in _EDGES}
    for _ in range(steps):
        middles = {name: (low + high) / 2 for name, (low, high) in ranges.items()}
        boxes = [_probe_box(name, middles[name]) for name, _, _ in _EDGES]
        for (name, _, rising), hit in zip(_EDGES, any_intersects(boxes), strict=True):
            low, high = ranges[name]
            # Rising edges: a hit means the edge is at or below the middle.
            ranges[name] = (
                (low, middles[name]) if hit == rising else (middles[name], high)
            )

    # Outwards: the low end for west and south, the high end for east and north.
    edge = {name: ranges[name][0 if rising else 1] for name, _, rising in _EDGES}
    return (edge["west"], edge["south"], edge["east"], edge["north"])


def _probe_box(edge: str, value: float) -> Envelope:
    match edge:
        case "west":
            return (-180.0, -90.0, value, 90.0)
        case "south":
            return (-180.0, -90.0, 180.0, value)
        case "east":
            return (value, -90.0, 180.0, 90.0)
        case _:
            return (-180.0, value, 180.0, 90.0)
