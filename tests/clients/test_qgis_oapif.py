# SPDX-License-Identifier: Apache-2.0
"""QGIS's OAPIF provider, headless (ogc.md §5.3), against the served app.

QGIS runs in the system Python (Debian `python3-qgis`, installed by `make
system-deps`) in a subprocess with `QT_QPA_PLATFORM=offscreen`. QGIS 3.22's
OAPIF data source URI has no `bbox` key (it is ignored: the layer then counts
the whole collection), so the box is given the way QGIS's own canvas does, as
the filter rectangle of a feature request, which the provider sends as `bbox`.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.clients.conftest import Served

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SYSTEM_PYTHON = "/usr/bin/python3"
# A single-geometry collection: QGIS gives a layer one geometry type.
COLLECTION = "S1-DISP-TS"
BBOX = (-119.5, 33.0, -117.0, 35.0)

SCRIPT = """
import json, os, sys
from qgis.core import QgsApplication, QgsFeatureRequest, QgsRectangle, QgsVectorLayer

url, collection, bbox = sys.argv[1], sys.argv[2], [float(v) for v in sys.argv[3:7]]
app = QgsApplication([], False)
app.initQgis()
layer = QgsVectorLayer(f"url='{url}' typename='{collection}'", "oapif", "OAPIF")
request = QgsFeatureRequest().setFilterRect(QgsRectangle(*bbox))
ids = [f["id"] for f in layer.getFeatures(request)] if layer.isValid() else []
print(json.dumps({"valid": layer.isValid(), "total": layer.featureCount(), "ids": ids}))
sys.stdout.flush()
# exitQgis() with a live OAPIF layer can crash QGIS 3.22 in teardown.
os._exit(0)
"""


def _qgis(served: Served) -> dict[str, object]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    args = [str(value) for value in BBOX]
    done = subprocess.run(
        [SYSTEM_PYTHON, "-c", SCRIPT, served.url, COLLECTION, *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_qgis_loads_a_layer_with_a_bbox(served: Served) -> None:
    before = len(served.items_requests(COLLECTION))
    result = _qgis(served)

    bbox = ",".join(str(value) for value in BBOX)
    ours = served.get(f"/collections/{COLLECTION}/items?limit=10000&bbox={bbox}")
    everything = served.get(f"/collections/{COLLECTION}/items?limit=1")
    assert result["valid"] is True
    assert result["total"] == everything["numberMatched"]
    assert sorted(result["ids"]) == sorted(f["id"] for f in ours["features"])  # type: ignore[call-overload]
    assert len(ours["features"]) == ours["numberMatched"] > 0
    sent = served.items_requests(COLLECTION)[before:]
    assert any("bbox" in query for query in sent)
