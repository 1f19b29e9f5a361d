# SPDX-License-Identifier: Apache-2.0
"""OGC API - Processes - Part 1: Core 1.0 over HySDS, as our own blueprint.

pygeoapi's Processes layer departs from the standard where the CITE suite
checks (ogc.md §2.12), so `/processes` and `/jobs` are served here
(ARCHITECTURE decision 8). Each handler reads as parse → authorize → act →
render; errors are raised from `ogc_hysds.errors` and rendered once.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, current_app, jsonify, request

from ogc_hysds.api_parts import api_parts
from ogc_hysds.errors import Forbidden, InvalidParameter, ResultNotReady
from ogc_hysds.hysds import job_list
from ogc_hysds.hysds.job_list import JobFilters, SortKey
from ogc_hysds.hysds.jobs import KIND_LOCAL, Job, JobRecord, utc_now
from ogc_hysds.hysds.status import (
    ACCEPTED,
    DISMISSED,
    FAILED,
    OGC_STATUSES,
    RUNNING,
    SUCCESSFUL,
    JobState,
)
from ogc_hysds.processes import echo, html
from ogc_hysds.processes.description import description, override_for, summary
from ogc_hysds.processes.openapi import openapi_components, openapi_paths
from ogc_hysds.processes.service import (
    EXTENSION_KEY,
    DismissNotPossible,
    Identity,
    JobFailed,
    ProcessesService,
    build_service,
    not_dismissable,
    processes_service,
)

log = logging.getLogger(__name__)

CONF = "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf"
# oas30: every path below is in the one OpenAPI document (`processes/openapi`).
# callback is declared by the notifier when it delivers callbacks.
CONFORMANCE = [
    f"{CONF}/{name}"
    for name in (
        "core",
        "ogc-process-description",
        "json",
        "html",
        "oas30",
        "job-list",
        "dismiss",
    )
]
REL = "http://www.opengis.net/def/rel/ogc/1.0"

blueprint = Blueprint("processes", __name__)


def init_app(app: Flask) -> None:
    """Mount the blueprint and declare what it implements."""
    app.extensions[EXTENSION_KEY] = build_service(app)
    app.register_blueprint(blueprint)
    base = str(processes_service(app).base_url)
    api_parts(app).declare(
        conformance=CONFORMANCE,
        links=[
            {
                "href": f"{base}/processes",
                "rel": f"{REL}/processes",
                "type": "application/json",
                "title": "Processes",
            },
            {
                "href": f"{base}/jobs",
                "rel": f"{REL}/job-list",
                "type": "application/json",
                "title": "Jobs",
            },
        ],
        paths=openapi_paths(),
        components=openapi_components(),
        tags=[{"name": "Processes", "description": "OGC API - Processes over HySDS"}],
    )


def _service() -> ProcessesService:
    return processes_service(current_app)


# --- processes ---------------------------------------------------------------


@blueprint.get("/processes")
def list_processes() -> Response:
    service = _service()
    limit, offset = _paging(service)

    everything = service.processes()
    summaries = [
        summary(p, service.base_url, override_for(p, service.overrides))
        for p in everything[offset : offset + limit]
    ]
    if service.settings.processes.echo_process and offset == 0:
        summaries.insert(0, _echo_summary(service))

    links = _page_links(service, "/processes", limit, offset, len(everything))
    return _render({"processes": summaries, "links": links}, "Processes")


@blueprint.get("/processes/<process_id>")
def get_process(process_id: str) -> Response:
    service = _service()
    if process_id == echo.PROCESS_ID and service.settings.processes.echo_process:
        return _render(echo.describe(service.base_url), "Process echo")

    process = service.process(process_id)
    override = override_for(process, service.overrides)
    return _render(
        description(process, service.base_url, override), f"Process {process_id}"
    )


@blueprint.post("/processes/<process_id>/execution")
def execute(process_id: str) -> Response:
    service = _service()
    body = _execute_body()
    identity = service.identity()
    inputs = body.get("inputs") or {}
    subscriber = body.get("subscriber")

    if process_id == echo.PROCESS_ID and service.settings.processes.echo_process:
        return _execute_echo(service, identity, body)

    process = service.process(process_id)
    resolved = service.resolve(process, inputs)
    job = service.submit(
        resolved, identity, inputs, subscriber, body.get("response", "raw")
    )
    return _created(service, job)


def _execute_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidParameter("the request body must be a JSON object", locator="body")
    if not isinstance(body.get("inputs", {}), dict):
        raise InvalidParameter("inputs must be an object", locator="inputs")
    if body.get("response", "raw") not in ("raw", "document"):
        raise InvalidParameter("response must be raw or document", locator="response")
    subscriber = body.get("subscriber")
    if subscriber is not None and (
        not isinstance(subscriber, dict)
        or not isinstance(subscriber.get("successUri"), str)
    ):
        raise InvalidParameter("subscriber needs a successUri", locator="subscriber")
    return body


def _execute_echo(
    service: ProcessesService, identity: Identity, body: dict[str, Any]
) -> Response:
    inputs = body.get("inputs") or {}
    value, pause = echo.validate(inputs)

    # OGC API Processes 1.0 §7.11.2.3: without `Prefer: respond-async` a
    # process offering both modes runs synchronously.
    if "respond-async" not in request.headers.get("Prefer", ""):
        outputs = echo.run_sync(value, pause)
        if body.get("response") == "document":
            return jsonify(outputs)
        return Response(value, mimetype="text/plain")

    record = JobRecord(
        job_id=f"echo-{uuid.uuid4()}",
        process_id=echo.PROCESS_ID,
        owner=identity.username,
        created=utc_now(),
        inputs=inputs,
        subscriber=body.get("subscriber"),
        kind=KIND_LOCAL,
        submitted=True,
        local_state={"status": "accepted"},
    )
    service.jobs.save(record)
    echo.start_async(service.jobs, record, value, pause, notify=lambda _: None)
    job = Job(record, JobState(status="accepted", created=record.created))
    response = _created(service, job)
    response.headers["Preference-Applied"] = "respond-async"
    return response


def _created(service: ProcessesService, job: Job) -> Response:
    # 1.0 Req 34 (/req/core/process-execute-success-async): 201 + Location.
    response = jsonify(_status_info(service, job))
    response.status_code = 201
    response.headers["Location"] = f"{service.base_url}/jobs/{job.record.job_id}"
    return response


# --- jobs --------------------------------------------------------------------


@blueprint.get("/jobs")
def list_jobs() -> Response:
    service = _service()
    limit = _limit(service)
    after = _cursor()
    filters = _job_filters(service)

    jobs, next_key = service.jobs.page(filters, limit, after)

    links = [_self_link(service, "/jobs")]
    if next_key is not None:
        token = job_list.encode_cursor(next_key)
        links.append(_link_with(service, "/jobs", "next", "next", token))
    body = {"jobs": [_status_info(service, job) for job in jobs], "links": links}
    return _render(body, "Jobs")


@blueprint.get("/jobs/<job_id>")
def get_job(job_id: str) -> Response:
    service = _service()
    job = service.owned_job(job_id, service.identity())
    return _render(_status_info(service, job), f"Job {job_id}")


@blueprint.get("/jobs/<job_id>/results")
def get_results(job_id: str) -> Response:
    service = _service()
    job = service.owned_job(job_id, service.identity())

    _require_results(job)
    if job.record.kind == KIND_LOCAL:
        return jsonify(job.state.products[0] if job.state.products else {})
    products = [_product(service, p) for p in job.state.products]
    # 1.0 §7.13.3: `document` maps output ids to values; `raw` with one output
    # by value is that value alone.
    if job.record.response == "document":
        return jsonify({"products": products})
    return jsonify(products)


@blueprint.delete("/jobs/<job_id>")
def dismiss_job(job_id: str) -> Response:
    service = _service()
    job = service.owned_job(job_id, service.identity())

    if job.record.kind == KIND_LOCAL:
        if job.state.status not in (ACCEPTED, RUNNING):
            raise DismissNotPossible(not_dismissable(job))
        job.record.dismissed = True
        job.record.local_state = {"status": DISMISSED, "created": job.record.created}
        service.jobs.save(job.record)
    else:
        service.dismiss(job)
    dismissed = service.jobs.job(job_id)
    assert dismissed is not None
    return jsonify(_status_info(service, dismissed))


def _require_results(job: Job) -> None:
    status = job.state.status
    if status == SUCCESSFUL:
        return
    if status == FAILED:
        raise JobFailed(job.state.message or "the job failed")
    if status == DISMISSED:
        raise ResultNotReady(
            f"job {job.record.job_id} was dismissed; it has no results"
        )
    raise ResultNotReady(f"job {job.record.job_id} is {status}; results are not ready")


def _status_info(service: ProcessesService, job: Job) -> dict[str, Any]:
    """statusInfo (1.0 statusInfo.yaml) plus HySDS links."""
    state = job.state
    url = f"{service.base_url}/jobs/{job.record.job_id}"
    links: list[dict[str, Any]] = [
        {"href": url, "rel": "self", "type": "application/json", "title": "this job"},
        {"href": f"{url}?f=html", "rel": "alternate", "type": "text/html"},
    ]
    if state.status == SUCCESSFUL:
        links.append(
            {
                "href": f"{url}/results",
                "rel": f"{REL}/results",
                "type": "application/json",
                "title": "results",
            }
        )
    if state.job_url:
        # The worker's WebDAV job dir holds _stdout.txt and _stderr.txt (§2.5).
        for name in ("_stdout.txt", "_stderr.txt"):
            links.append(
                {
                    "href": f"{state.job_url}/{name}",
                    "rel": "related",
                    "type": "text/plain",
                    "title": f"log {name}",
                }
            )
    if state.dedup_job:
        links.append(
            {
                "href": f"{service.base_url}/jobs/{state.dedup_job}",
                "rel": "duplicate",
                "title": "original job",
            }
        )
    info: dict[str, Any] = {
        "jobID": job.record.job_id,
        "type": "process",
        "processID": job.record.process_id,
        "status": state.status,
        "message": state.message,
        "created": state.created or job.record.created,
        "started": state.started,
        "finished": state.finished,
        "updated": state.updated,
        "links": links,
    }
    return {key: value for key, value in info.items() if value is not None}


def _product(service: ProcessesService, product: dict[str, Any]) -> dict[str, Any]:
    """A staged product as links to its Features item and its data URLs."""
    collection, product_id = product.get("dataset"), product.get("id")
    item = f"{service.base_url}/collections/{collection}/items/{product_id}"
    links = [
        {
            "href": item,
            "rel": "item",
            "type": "application/geo+json",
            "title": "catalogue item",
        }
    ]
    links += [
        {"href": url, "rel": "enclosure", "title": "product data"}
        for url in product.get("urls", [])
    ]
    return {"id": product.get("id"), "dataset": product.get("dataset"), "links": links}


def _job_filters(service: ProcessesService) -> JobFilters:
    args = request.args
    statuses = _multi("status")
    for status in statuses:
        if status not in OGC_STATUSES:
            raise InvalidParameter(f"unknown status {status!r}", locator="status")
    # 1.0 job-list `type`: every job here is of type `process`.
    types = _multi("type")
    created_from, created_to = _interval(args.get("datetime"))
    return JobFilters(
        owner=_owner_filter(service.identity(), args.get("user")),
        process_ids=_multi("processID"),
        statuses=statuses,
        created_from=created_from,
        created_to=created_to,
        min_duration=_number("minDuration"),
        max_duration=_number("maxDuration"),
        tags=_multi("tag"),
        queues=_multi("queue"),
        hidden=list(service.settings.processes.hidden),
        nothing=bool(types) and "process" not in types,
    )


def _owner_filter(identity: Identity, user: str | None) -> str | None:
    # A user sees their own jobs; `ops` sees all, or one user's with `user`.
    if identity.is_ops:
        return user
    if user not in (None, identity.username):
        raise Forbidden("only ops may list other users' jobs")
    return identity.username


def _multi(name: str) -> list[str]:
    values: list[str] = []
    for raw in request.args.getlist(name):
        values += [part for part in raw.split(",") if part]
    return values


def _number(name: str) -> float | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError as err:
        raise InvalidParameter(
            f"{name} must be a number of seconds", locator=name
        ) from err
    if value < 0:
        raise InvalidParameter(f"{name} must not be negative", locator=name)
    return value


def _interval(raw: str | None) -> tuple[str | None, str | None]:
    if not raw:
        return None, None
    start, _, end = raw.partition("/")
    if not _:
        return start, start
    return (None if start in ("", "..") else start), (
        None if end in ("", "..") else end
    )


# --- paging and rendering -----------------------------------------------------


def _limit(service: ProcessesService) -> int:
    settings = service.settings.processes
    try:
        limit = int(request.args.get("limit", settings.default_limit))
    except ValueError as err:
        raise InvalidParameter("limit must be an integer", locator="limit") from err
    if not 1 <= limit <= 10000:
        raise InvalidParameter("limit must be 1 to 10000", locator="limit")
    return min(limit, settings.max_limit)


def _cursor() -> SortKey | None:
    token = request.args.get("next")
    if token is None:
        return None
    try:
        return job_list.decode_cursor(token)
    except ValueError as err:
        raise InvalidParameter(
            "next is not a token this server issued", locator="next"
        ) from err


def _paging(service: ProcessesService) -> tuple[int, int]:
    settings = service.settings.processes
    try:
        limit = int(request.args.get("limit", settings.default_limit))
        offset = int(request.args.get("offset", 0))
    except ValueError as err:
        raise InvalidParameter(
            "limit and offset must be integers", locator="limit"
        ) from err
    if not 1 <= limit <= 10000:
        raise InvalidParameter("limit must be 1 to 10000", locator="limit")
    if offset < 0:
        raise InvalidParameter("offset must not be negative", locator="offset")
    return min(limit, settings.max_limit), offset


def _page_links(
    service: ProcessesService, path: str, limit: int, offset: int, total: int
) -> list[dict[str, Any]]:
    links = [_self_link(service, path)]
    if offset + limit < total:
        links.append(_link_with_offset(service, path, "next", offset + limit))
    if offset > 0:
        links.append(_link_with_offset(service, path, "prev", max(0, offset - limit)))
    return links


def _self_link(service: ProcessesService, path: str) -> dict[str, Any]:
    query = request.query_string.decode()
    href = f"{service.base_url}{path}" + (f"?{query}" if query else "")
    return {"href": href, "rel": "self", "type": "application/json"}


def _link_with_offset(
    service: ProcessesService, path: str, rel: str, offset: int
) -> dict[str, Any]:
    return _link_with(service, path, rel, "offset", str(offset))


def _link_with(
    service: ProcessesService, path: str, rel: str, name: str, value: str
) -> dict[str, Any]:
    args = request.args.to_dict(flat=False)
    args[name] = [value]
    pairs = [(key, item) for key, items in args.items() for item in items]
    query = urlencode([pair for pair in pairs if pair[0] != "f"], safe=":,/")
    return {
        "href": f"{service.base_url}{path}?{query}",
        "rel": rel,
        "type": "application/json",
    }


def _echo_summary(service: ProcessesService) -> dict[str, Any]:
    described = echo.describe(service.base_url)
    return {
        key: value
        for key, value in described.items()
        if key not in ("inputs", "outputs")
    }


def _render(body: dict[str, Any], title: str) -> Response:
    if html.wants_html():
        return html.render(body, title)
    return jsonify(body)
