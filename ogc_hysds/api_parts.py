# SPDX-License-Identifier: Apache-2.0
"""What each API part adds to the one landing page, conformance list and OpenAPI.

pygeoapi serves Features; our own blueprints serve Processes, WPS and the HySDS
extensions. Each part declares its conformance classes, landing-page links and
OpenAPI paths here, next to the code that implements them, so `/conformance` can
never claim a class that is not mounted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Flask

EXTENSION_KEY = "ogc_hysds.api_parts"


@dataclass
class ApiParts:
    conformance: list[str] = field(default_factory=list)
    landing_links: list[dict[str, Any]] = field(default_factory=list)
    openapi_paths: dict[str, Any] = field(default_factory=dict)
    openapi_components: dict[str, Any] = field(default_factory=dict)
    openapi_tags: list[dict[str, Any]] = field(default_factory=list)

    def declare(
        self,
        *,
        conformance: list[str] | None = None,
        links: list[dict[str, Any]] | None = None,
        paths: dict[str, Any] | None = None,
        components: dict[str, Any] | None = None,
        tags: list[dict[str, Any]] | None = None,
    ) -> None:
        for uri in conformance or []:
            if uri not in self.conformance:
                self.conformance.append(uri)
        self.landing_links.extend(links or [])
        self.openapi_paths.update(paths or {})
        for section, entries in (components or {}).items():
            self.openapi_components.setdefault(section, {}).update(entries)
        self.openapi_tags.extend(tags or [])


def api_parts(app: Flask) -> ApiParts:
    parts: ApiParts = app.extensions.setdefault(EXTENSION_KEY, ApiParts())
    return parts
