# SPDX-License-Identifier: Apache-2.0
"""GDAL's OGC API Features driver (OAPIF, ogc.md §5.2) against the served app.

Needs `ogrinfo` and `ogr2ogr` (Debian `gdal-bin`, installed by `make
system-deps`); a missing binary is an error, as for any other service.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.clients.conftest import Served

pytestmark = pytest.mark.integration

# Around Los Angeles: seeded products cluster there, far from the antimeridian
# (where GDAL's own envelope test differs from geo_shape intersects).
BBOX = (-119.5, 33.0, -117.0, 35.0)


def _run(*args: str) -> str:
    done = subprocess.run(
        args, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _number_matched(served: Served, query: str) -> int:
    body = served.get(f"/collections/grq/items?limit=1&{query}")
    matched: int = body["numberMatched"]
    return matched


def test_ogrinfo_lists_every_collection(served: Served) -> None:
    listing = _run("ogrinfo", "-ro", "-so", f"OAPIF:{served.url}")

    layers = set(re.findall(r"^\d+: (\S+)", listing, re.MULTILINE))
    collections = {c["id"] for c in served.get("/collections")["collections"]}
    assert layers == collections
    assert "grq" in layers


def test_ogrinfo_pushes_the_bbox(served: Served) -> None:
    before = len(served.items_requests("grq"))
    spat = [str(value) for value in BBOX]
    summary = _run(
        "ogrinfo", "-ro", "-so", f"OAPIF:{served.url}", "grq", "-spat", *spat
    )

    count = int(re.search(r"Feature Count: (\d+)", summary).group(1))  # type: ignore[union-attr]
    expected = _number_matched(served, "bbox=" + ",".join(spat))
    assert 0 < count == expected
    sent = served.items_requests("grq")[before:]
    assert any("bbox" in query for query in sent)


def test_ogr2ogr_reads_every_page(served: Served, tmp_path: Path) -> None:
    out = tmp_path / "grq.json"
    before = len(served.items_requests("grq"))
    _run(
        "ogr2ogr",
        "-f",
        "GeoJSON",
        str(out),
        f"OAPIF:{served.url}",
        "grq",
        "-oo",
        "PAGE_SIZE=50",
    )

    features = json.loads(out.read_text())["features"]
    assert len(features) == _number_matched(served, "")
    assert len({f["properties"]["id"] for f in features}) == len(features)
    tokens = [q for q in served.items_requests("grq")[before:] if "token" in q]
    assert len(tokens) >= len(features) // 50
