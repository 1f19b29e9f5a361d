# SPDX-License-Identifier: Apache-2.0
"""pygeoapi's configuration, built in code from our settings and the catalogue.

No YAML file and no environment variables (ogc.md §2.9 "More control"): the
resources are the collections the catalogue discovered, with extents it computed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ogc_hysds.config import Settings
from ogc_hysds.features.service import Collection, FeaturesService, provider_definition

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"


def base_url(settings: Settings) -> str:
    return str(settings.server.url).rstrip("/")


def pygeoapi_config(settings: Settings, service: FeaturesService) -> dict[str, Any]:
    features = settings.features
    return {
        "server": {
            "url": base_url(settings),
            "mimetype": "application/json; charset=UTF-8",
            "encoding": "utf-8",
            "languages": ["en-US"],
            "pretty_print": False,
            "limits": {
                "default_items": features.default_limit,
                "max_items": features.max_limit,
                "on_exceed": "throttle",
            },
            "map": {
                "url": features.map_tiles_url or "",
                "attribution": features.map_attribution,
            },
            "templates": {"path": str(TEMPLATES_DIR), "static": str(STATIC_DIR)},
        },
        "logging": {"level": settings.server.log_level},
        "metadata": _metadata(),
        "resources": {
            collection.id: _resource(service, collection)
            for collection in service.collections().values()
        },
    }


def _metadata() -> dict[str, Any]:
    return {
        "identification": {
            "title": "ogc-hysds",
            "description": "OGC API Features and Processes in front of HySDS",
            "keywords": ["HySDS", "GRQ", "OGC API"],
            "keywords_type": "theme",
            "terms_of_service": "",
            "url": "https://github.com/hysds",
        },
        "license": {
            "name": "Apache-2.0",
            "url": "https://www.apache.org/licenses/LICENSE-2.0",
        },
        "provider": {"name": "HySDS", "url": "https://github.com/hysds"},
        "contact": {"name": "HySDS operators", "email": "", "url": ""},
    }


def _resource(service: FeaturesService, collection: Collection) -> dict[str, Any]:
    extent = service.extent(collection)
    resource: dict[str, Any] = {
        "type": "collection",
        "title": collection.title,
        "description": collection.description,
        "keywords": list(collection.keywords),
        "links": [],
        "extents": {
            "spatial": {
                "bbox": list(extent.bbox or (-180.0, -90.0, 180.0, 90.0)),
                "crs": CRS84,
            },
            "temporal": {"begin": extent.start, "end": extent.end, "trs": GREGORIAN},
        },
        "providers": [provider_definition(service, collection)],
    }
    if collection.hidden:
        resource["visibility"] = "hidden"
    return resource
