# SPDX-License-Identifier: Apache-2.0
"""Product footprints for the seed data: GeoJSON as GRQ stores it.

GRQ keeps `location` and `center` with lower-case GeoJSON type names
("polygon", "multipolygon", "point"), after grq2 normalised them for shapely.
Random footprints are drawn around a fixed list of places, none of them near
Sacramento, the antimeridian or the poles, so the landmark products there stay
the only hits of a query over those areas.

Antimeridian: OpenSearch 2.19 (like Elasticsearch 7) accepts a polygon written
with longitudes running eastward across 180 (170 → -170) and, because the ring
then looks clockwise while spanning 180° or more, splits it at the dateline
(the `orientation: right` rule). It intersects envelopes on either side of 180
and not one at 0°. Longitudes beyond ±180 are rejected. The split form (a
multipolygon with two parts meeting at ±180, as RFC 7946 §3.1.9 recommends)
indexes and intersects the same way; the landmarks carry one of each.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

Geometry = dict[str, Any]
Ring = list[list[float]]


@dataclass(frozen=True)
class Place:
    """A place products are drawn around, with the reverse-geocoding grq2 adds."""

    name: str
    lon: float
    lat: float
    continent: str
    city: dict[str, Any]


def _city(
    geonameid: str,
    name: str,
    country: str,
    admin1: str,
    population: int,
    lat: float,
    lon: float,
) -> dict[str, Any]:
    # Shape of a `geonames` doc as grq2 copies it into a product's `city` list.
    return {
        "geonameid": geonameid,
        "name": name,
        "country_code": country,
        "admin1_code": admin1,
        "population": population,
        "location": {"lat": lat, "lon": lon},
    }


PLACES: tuple[Place, ...] = (
    Place(
        "los_angeles",
        -118.2,
        34.1,
        "North America",
        _city("5368361", "Los Angeles", "US", "CA", 3971883, 34.05, -118.24),
    ),
    Place(
        "hawaii",
        -155.4,
        19.5,
        "North America",
        _city("5855927", "Hilo", "US", "HI", 43263, 19.73, -155.09),
    ),
    Place(
        "alaska",
        -149.9,
        61.2,
        "North America",
        _city("5879400", "Anchorage", "US", "AK", 291826, 61.22, -149.90),
    ),
    Place(
        "mexico",
        -99.1,
        19.4,
        "North America",
        _city("3530597", "Mexico City", "MX", "09", 12294193, 19.43, -99.13),
    ),
    Place(
        "chile",
        -70.6,
        -33.4,
        "South America",
        _city("3871336", "Santiago", "CL", "12", 4837295, -33.46, -70.65),
    ),
    Place(
        "peru",
        -77.0,
        -12.0,
        "South America",
        _city("3936456", "Lima", "PE", "15", 7737002, -12.04, -77.03),
    ),
    Place(
        "iceland",
        -21.9,
        64.1,
        "Europe",
        _city("3413829", "Reykjavik", "IS", "39", 118918, 64.14, -21.90),
    ),
    Place(
        "italy",
        14.2,
        40.8,
        "Europe",
        _city("3172394", "Naples", "IT", "04", 988972, 40.85, 14.27),
    ),
    Place(
        "turkey",
        37.0,
        37.2,
        "Asia",
        _city("314830", "Gaziantep", "TR", "83", 1065975, 37.06, 37.38),
    ),
    Place(
        "nepal",
        85.3,
        27.7,
        "Asia",
        _city("1283240", "Kathmandu", "NP", "00", 1442271, 27.70, 85.32),
    ),
    Place(
        "japan",
        140.9,
        37.7,
        "Asia",
        _city("2112923", "Fukushima", "JP", "08", 294237, 37.75, 140.47),
    ),
    Place(
        "indonesia",
        110.4,
        -7.6,
        "Asia",
        _city("1621177", "Yogyakarta", "ID", "10", 636660, -7.80, 110.36),
    ),
    Place(
        "new_zealand",
        174.8,
        -41.3,
        "Oceania",
        _city("2179537", "Wellington", "NZ", "G2", 381900, -41.29, 174.78),
    ),
    Place(
        "ethiopia",
        39.5,
        11.0,
        "Africa",
        _city("344979", "Dessie", "ET", "47", 151174, 11.13, 39.63),
    ),
)


def polygon(ring: Ring) -> Geometry:
    return {"type": "polygon", "coordinates": [ring]}


def multipolygon(*rings: Ring) -> Geometry:
    return {"type": "multipolygon", "coordinates": [[ring] for ring in rings]}


def point(lon: float, lat: float) -> Geometry:
    return {"type": "point", "coordinates": [round(lon, 4), round(lat, 4)]}


def box(west: float, south: float, east: float, north: float) -> Ring:
    """A closed counter-clockwise ring; `east < west` means it crosses 180°."""
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


def frame(lon: float, lat: float, width: float, height: float, heading: float) -> Ring:
    """A satellite-frame-like quadrilateral: a rectangle rotated by `heading` degrees.

    The ring is counter-clockwise (RFC 7946 exterior ring) and closed.
    """
    angle = math.radians(heading)
    corners = [(-1, -1), (1, -1), (1, 1), (-1, 1)]
    ring = []
    for dx, dy in corners:
        x = dx * width / 2
        y = dy * height / 2
        ring.append(
            [
                round(lon + x * math.cos(angle) - y * math.sin(angle), 4),
                round(lat + x * math.sin(angle) + y * math.cos(angle), 4),
            ]
        )
    ring.append(list(ring[0]))
    return ring


def random_frame(rng: random.Random, place: Place, size: float) -> Ring:
    """A frame of roughly `size` degrees jittered around `place`."""
    lon = place.lon + rng.uniform(-2.0, 2.0)
    lat = place.lat + rng.uniform(-2.0, 2.0)
    width = size * rng.uniform(0.8, 1.2)
    height = size * rng.uniform(0.6, 1.0)
    return frame(lon, lat, width, height, rng.uniform(-15.0, 15.0))


def random_pair(rng: random.Random, place: Place, size: float) -> Geometry:
    """Two disjoint frames side by side, e.g. a product spanning a data gap."""
    first = random_frame(rng, place, size)
    shift = size * 1.6
    second = [[x + shift, y] for x, y in first]
    return multipolygon(first, second)


def center(geometry: Geometry) -> Geometry:
    """The centre grq2 would add, computed so an antimeridian footprint stays at 180°.

    grq2 takes shapely's planar centroid; for a ring written across 180 that lands
    on the wrong side of the globe, so longitudes are unwrapped first.
    """
    points = _vertices(geometry)
    longitudes = [lon for lon, _ in points]
    if max(longitudes) - min(longitudes) > 180:
        longitudes = [lon + 360 if lon < 0 else lon for lon in longitudes]
    lon = sum(longitudes) / len(longitudes)
    lat = sum(lat for _, lat in points) / len(points)
    if lon > 180:
        lon -= 360
    return point(lon, lat)


def _vertices(geometry: Geometry) -> list[tuple[float, float]]:
    # Closing vertices are dropped so they do not weigh twice in the mean.
    kind = geometry["type"]
    coordinates = geometry["coordinates"]
    if kind == "point":
        return [(coordinates[0], coordinates[1])]
    polygons = [coordinates] if kind == "polygon" else coordinates
    return [(x, y) for rings in polygons for x, y in rings[0][:-1]]
