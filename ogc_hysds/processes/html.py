# SPDX-License-Identifier: Apache-2.0
"""HTML views of the Processes documents (conformance class `html`).

OGC API Processes 1.0 Req /req/html/content: every resource that answers JSON
also answers HTML. `/processes`, `/processes/{id}`, `/jobs` and `/jobs/{id}`
get their own pages (`templates/processes/`); any other document is shown as
its links and its JSON. The pages load only this server's stylesheet, so they
work offline. Content negotiation: `f=html`, or a browser's `Accept: text/html`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Response, current_app, render_template, request

from ogc_hysds.processes.service import processes_service

# Page template per route endpoint of the processes blueprint.
_TEMPLATES = {
    "processes.list_processes": "processes/processes.html",
    "processes.get_process": "processes/process.html",
    "processes.list_jobs": "processes/jobs.html",
    "processes.get_job": "processes/job.html",
}
_FALLBACK = "processes/document.html"
# Our own resources that answer JSON only: their links stay as they are.
_JSON_ONLY_SUFFIXES = ("/results", "/execution")


def wants_html() -> bool:
    requested = request.args.get("f")
    if requested is not None:
        return requested == "html"
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html"


def render(document: dict[str, Any], title: str) -> Response:
    base = processes_service(current_app).base_url
    template = _TEMPLATES.get(request.endpoint or "", _FALLBACK)
    # Registered on first use, so the routes need no hook for it.
    current_app.jinja_env.filters.setdefault("html_view", html_view)
    page = render_template(
        template, doc=document, title=title, base=base, json_href=_json_href(base)
    )
    return Response(page, mimetype="text/html")


def html_view(href: str, base: str) -> str:
    """The HTML view of one of our own JSON links; other links unchanged."""
    if not href.startswith(base) or "f=" in urlsplit(href).query:
        return href
    if urlsplit(href).path.endswith(_JSON_ONLY_SUFFIXES):
        return href
    return href + ("&" if "?" in href else "?") + "f=html"


def _json_href(base: str) -> str:
    args = [
        f"{key}={value}"
        for key, values in request.args.to_dict(flat=False).items()
        for value in values
        if key != "f"
    ]
    return f"{base}{request.path}?" + "&".join([*args, "f=json"])
