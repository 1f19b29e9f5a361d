# SPDX-License-Identifier: Apache-2.0
"""The Processes part of the one OpenAPI 3.0 document (`/openapi`).

Paths, parameters and response schemas of what `processes/routes.py` serves,
written from OGC API - Processes - Part 1: Core 1.0 (`core/openapi/schemas/*`,
ogc.md §1.4), with local `$ref`s only, so the `oas30` class holds offline.
Declared through `api_parts` beside the routes.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

_REF = "#/components"
STATUSES = ["accepted", "running", "successful", "failed", "dismissed"]


def _schema(name: str) -> Schema:
    return {"$ref": f"{_REF}/schemas/{name}"}


def _parameter(name: str) -> Schema:
    return {"$ref": f"{_REF}/parameters/{name}"}


def _json(schema: Schema, description: str) -> Schema:
    return {
        "description": description,
        "content": {"application/json": {"schema": schema}},
    }


def _error(description: str) -> Schema:
    return _json(_schema("exception"), description)


def _query(name: str, schema: Schema, description: str) -> Schema:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "style": "form",
        "explode": False,
        "schema": schema,
        "description": description,
    }


def _path(name: str) -> Schema:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


_STRINGS: Schema = {"type": "array", "items": {"type": "string"}}

PARAMETERS: dict[str, Schema] = {
    "processIdPath": _path("processID"),
    "jobIdPath": _path("jobId"),
    "limitProcesses": _query(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": 10000, "default": 10},
        "Most items on a page.",
    ),
    "offset": _query(
        "offset", {"type": "integer", "minimum": 0}, "Items to skip (process list)."
    ),
    "next": _query(
        "next", {"type": "string"}, "Opaque cursor from the job list's next link."
    ),
    "processIDFilter": _query("processID", _STRINGS, "Jobs of these processes."),
    "statusFilter": _query(
        "status",
        {"type": "array", "items": {"type": "string", "enum": STATUSES}},
        "Jobs in these states.",
    ),
    "typeFilter": _query(
        "type",
        {"type": "array", "items": {"type": "string", "enum": ["process"]}},
        "Job types; every job here is of type process.",
    ),
    "datetimeFilter": _query(
        "datetime",
        {"type": "string"},
        "Instant or interval (`a/b`, `../b`, `a/..`) on the job's created time.",
    ),
    "minDuration": _query(
        "minDuration", {"type": "integer", "minimum": 0}, "Seconds, at least."
    ),
    "maxDuration": _query(
        "maxDuration", {"type": "integer", "minimum": 0}, "Seconds, at most."
    ),
    "tagFilter": _query("tag", _STRINGS, "HySDS job tags."),
    "queueFilter": _query("queue", _STRINGS, "HySDS job queues."),
    "userFilter": _query(
        "user", {"type": "string"}, "Jobs of this HySDS user (ops role only)."
    ),
}

_LINK: Schema = {
    "type": "object",
    "required": ["href"],
    "properties": {
        name: {"type": "string"} for name in ("href", "rel", "type", "hreflang")
    }
    | {"title": {"type": "string"}},
}
_DESCRIPTION_TYPE: Schema = {
    "type": "object",
    "properties": {
        "title": {"type": "string"},
        "description": {"type": "string"},
        "keywords": _STRINGS,
        "metadata": {"type": "array", "items": {"type": "object"}},
    },
}
_SUMMARY: Schema = {
    "allOf": [
        _schema("descriptionType"),
        {
            "type": "object",
            "required": ["id", "version"],
            "properties": {
                "id": {"type": "string"},
                "version": {"type": "string"},
                "jobControlOptions": {
                    "type": "array",
                    "items": {
                        "type": "string",
                        "enum": ["sync-execute", "async-execute", "dismiss"],
                    },
                },
                "outputTransmission": {
                    "type": "array",
                    "items": {"type": "string", "enum": ["value", "reference"]},
                },
                "links": {"type": "array", "items": _schema("link")},
            },
        },
    ]
}
_IO: Schema = {
    "allOf": [
        _schema("descriptionType"),
        {"type": "object", "properties": {"schema": {"type": "object"}}},
    ]
}
_PROCESS: Schema = {
    "allOf": [
        _schema("processSummary"),
        {
            "type": "object",
            "properties": {
                "inputs": {
                    "type": "object",
                    "additionalProperties": {
                        "allOf": [
                            _IO,
                            {
                                "type": "object",
                                "properties": {
                                    "minOccurs": {"type": "integer"},
                                    "maxOccurs": {
                                        "oneOf": [
                                            {"type": "integer"},
                                            {"type": "string", "enum": ["unbounded"]},
                                        ]
                                    },
                                },
                            },
                        ]
                    },
                },
                "outputs": {"type": "object", "additionalProperties": _IO},
            },
        },
    ]
}
_STATUS_INFO: Schema = {
    "type": "object",
    "required": ["jobID", "status", "type"],
    "properties": {
        "processID": {"type": "string"},
        "type": {"type": "string", "enum": ["process"]},
        "jobID": {"type": "string"},
        "status": {"type": "string", "enum": STATUSES},
        "message": {"type": "string"},
        "created": {"type": "string", "format": "date-time"},
        "started": {"type": "string", "format": "date-time"},
        "finished": {"type": "string", "format": "date-time"},
        "updated": {"type": "string", "format": "date-time"},
        "progress": {"type": "integer", "minimum": 0, "maximum": 100},
        "links": {"type": "array", "items": _schema("link")},
    },
}
_EXECUTE: Schema = {
    "type": "object",
    "properties": {
        "inputs": {"type": "object", "additionalProperties": True},
        "outputs": {"type": "object", "additionalProperties": True},
        "response": {"type": "string", "enum": ["raw", "document"]},
        "subscriber": {
            "type": "object",
            "required": ["successUri"],
            "properties": {
                name: {"type": "string", "format": "uri"}
                for name in ("successUri", "inProgressUri", "failedUri")
            },
        },
    },
}
_EXCEPTION: Schema = {
    "type": "object",
    "required": ["type"],
    "properties": {
        name: {"type": "string"} for name in ("type", "title", "detail", "instance")
    }
    | {"status": {"type": "integer"}},
    "additionalProperties": True,
}

SCHEMAS: dict[str, Schema] = {
    "link": _LINK,
    "descriptionType": _DESCRIPTION_TYPE,
    "processSummary": _SUMMARY,
    "process": _PROCESS,
    "processList": {
        "type": "object",
        "required": ["processes", "links"],
        "properties": {
            "processes": {"type": "array", "items": _schema("processSummary")},
            "links": {"type": "array", "items": _schema("link")},
        },
    },
    "execute": _EXECUTE,
    "statusInfo": _STATUS_INFO,
    "jobList": {
        "type": "object",
        "required": ["jobs", "links"],
        "properties": {
            "jobs": {"type": "array", "items": _schema("statusInfo")},
            "links": {"type": "array", "items": _schema("link")},
        },
    },
    "results": {
        "type": "object",
        "description": "HySDS jobs: {products: [...]}; echo: its outputs.",
        "additionalProperties": True,
    },
    "exception": _EXCEPTION,
}


def openapi_components() -> dict[str, Any]:
    return {"schemas": SCHEMAS, "parameters": PARAMETERS}


def openapi_paths() -> dict[str, Any]:
    job_filters = [
        _parameter(name)
        for name in (
            "limitProcesses",
            "next",
            "processIDFilter",
            "statusFilter",
            "typeFilter",
            "datetimeFilter",
            "minDuration",
            "maxDuration",
            "tagFilter",
            "queueFilter",
            "userFilter",
        )
    ]
    job_id = [_parameter("jobIdPath")]
    process_id = [_parameter("processIdPath")]
    not_found = _error("No such process or job.")
    status_info = _json(_schema("statusInfo"), "The job's status.")
    return {
        "/processes": {
            "get": _operation(
                "getProcesses",
                "List the processes (HySDS job types and echo).",
                [_parameter("limitProcesses"), _parameter("offset")],
                {"200": _json(_schema("processList"), "The processes.")},
            )
        },
        "/processes/{processID}": {
            "get": _operation(
                "getProcessDescription",
                "Describe a process: inputs, outputs and HySDS controls.",
                process_id,
                {
                    "200": _json(_schema("process"), "The process."),
                    "404": not_found,
                },
            )
        },
        "/processes/{processID}/execution": {
            "post": {
                **_operation(
                    "execute",
                    "Execute a process; HySDS jobs run asynchronously (201).",
                    process_id,
                    {
                        "200": {"description": "Result of a synchronous execution."},
                        "201": {
                            **status_info,
                            "description": "Job created; Location names it.",
                            "headers": {"Location": {"schema": {"type": "string"}}},
                        },
                        "400": _error("Invalid inputs, each named."),
                        "404": not_found,
                        "503": _error("HySDS cannot take jobs now; retry later."),
                    },
                ),
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _schema("execute")}},
                },
            }
        },
        "/jobs": {
            "get": _operation(
                "getJobs",
                "List jobs, newest first.",
                job_filters,
                {
                    "200": _json(_schema("jobList"), "A page of jobs."),
                    "400": _error("Invalid filter."),
                    "403": _error("Only ops may list other users' jobs."),
                },
            )
        },
        "/jobs/{jobId}": {
            "get": _operation(
                "getStatus",
                "Status of a job.",
                job_id,
                {
                    "200": status_info,
                    "403": _error("Another user's job."),
                    "404": not_found,
                },
            ),
            "delete": _operation(
                "dismiss",
                "Dismiss a job (HySDS revoke if running, purge if queued).",
                job_id,
                {
                    "200": status_info,
                    "403": _error("Another user's job."),
                    "404": not_found,
                    "409": _error("Dismiss not possible: the job has finished."),
                },
            ),
        },
        "/jobs/{jobId}/results": {
            "get": _operation(
                "getResult",
                "Results of a successful job.",
                job_id,
                {
                    "200": _json(_schema("results"), "The results."),
                    "403": _error("Another user's job."),
                    "404": _error("No such job, or results not ready."),
                    "409": _error("The job failed; the reason is the detail."),
                },
            )
        },
    }


def _operation(
    operation_id: str,
    summary: str,
    parameters: list[Schema],
    responses: dict[str, Schema],
) -> Schema:
    return {
        "operationId": operation_id,
        "summary": summary,
        "tags": ["Processes"],
        "parameters": parameters,
        "responses": responses,
    }
