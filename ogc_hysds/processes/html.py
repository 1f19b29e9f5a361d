# SPDX-License-Identifier: Apache-2.0
"""Minimal HTML views of the Processes JSON (conformance class `html`).

The HTML is the JSON document itself, readable in a browser, with every link
clickable. Content negotiation: `f=html`, or a browser's `Accept: text/html`.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, render_template_string, request

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body>
<h1>{{ title }}</h1>
{% if links %}<ul>{% for link in links %}
<li><a href="{{ link.href }}">{{ link.title or link.rel }}</a> ({{ link.rel }})</li>
{% endfor %}</ul>{% endif %}
<pre>{{ body }}</pre>
</body></html>
"""


def wants_html() -> bool:
    requested = request.args.get("f")
    if requested is not None:
        return requested == "html"
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html"


def render(document: dict[str, Any], title: str) -> Response:
    links = list(document.get("links", []))
    page = render_template_string(
        _PAGE, title=title, links=links, body=json.dumps(document, indent=2)
    )
    return Response(page, mimetype="text/html")
