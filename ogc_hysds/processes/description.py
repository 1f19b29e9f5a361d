# SPDX-License-Identifier: Apache-2.0
"""OGC process summaries and descriptions built from HySDS job types.

Inputs are the hysds-io params a caller supplies (`from: submitter`,
`passthrough` and `dataset_jpath:`), each with the JSON Schema of its hysds-io
type; `from: value` params are fixed and not shown. HySDS controls (queue,
priority, ...) follow as optional `hysds:*` inputs. The one output is the list
of products the job stages (OGC API Processes 1.0, ogc-process-description).
Titles, descriptions, keywords and output texts can be overridden per process
with YAML files in `process_descriptions/`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import yaml

from ogc_hysds.hysds.params import is_dataset_param, json_schema
from ogc_hysds.hysds.registry import Process
from ogc_hysds.hysds.resolve import CONTROL_PREFIX

log = logging.getLogger(__name__)

REL_EXECUTE = "http://www.opengis.net/def/rel/ogc/1.0/execute"
CONTROL_KEYWORD = "hysds-control"
PRODUCT_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["id", "links"],
        "properties": {
            "id": {"type": "string"},
            "dataset": {"type": "string"},
            "links": {"type": "array", "items": {"type": "object"}},
        },
    },
}


def load_overrides(directory: str) -> dict[str, dict[str, Any]]:
    """YAML overrides keyed by the processID (or its name without version)."""
    overrides: dict[str, dict[str, Any]] = {}
    path = Path(directory)
    if not path.is_dir():
        return overrides
    for file in sorted(path.glob("*.y*ml")):
        doc = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        if isinstance(doc, dict) and doc.get("process"):
            overrides[str(doc["process"])] = doc
        else:
            log.warning("%s names no `process`; ignored", file)
    return overrides


def override_for(
    process: Process, overrides: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    name = process.process_id.partition(":")[0]
    return overrides.get(process.process_id) or overrides.get(name) or {}


def summary(
    process: Process, base_url: str, override: dict[str, Any]
) -> dict[str, Any]:
    """processSummary: what `/processes` lists."""
    hysds_io = process.hysds_io
    url = f"{base_url}/processes/{process.process_id}"
    return {
        "id": process.process_id,
        "version": process.version,
        "title": override.get("title") or hysds_io.get("label") or process.process_id,
        "description": override.get("description") or hysds_io.get("description", ""),
        "keywords": list(override.get("keywords", [])),
        # HySDS jobs run minutes to days: asynchronous only, dismissable.
        "jobControlOptions": ["async-execute", "dismiss"],
        "outputTransmission": ["value"],
        "links": [
            {
                "href": url,
                "rel": "self",
                "type": "application/json",
                "title": "this process",
            },
            {"href": f"{url}?f=html", "rel": "alternate", "type": "text/html"},
        ],
    }


def description(
    process: Process, base_url: str, override: dict[str, Any]
) -> dict[str, Any]:
    """process (ogc-process-description): summary plus inputs and outputs."""
    described = summary(process, base_url, override)
    input_texts = override.get("inputs", {})
    inputs = {
        str(param["name"]): _input(param, input_texts.get(param["name"], {}))
        for param in process.submitter_params
    }
    inputs.update(control_inputs(process))
    described["inputs"] = inputs
    output_texts = override.get("outputs", {}).get("products", {})
    described["outputs"] = {
        "products": {
            "title": output_texts.get("title", "Staged products"),
            "description": output_texts.get(
                "description",
                "Products the job staged into the catalogue (HySDS products_staged),"
                " each with links to its Features item and its data.",
            ),
            "schema": PRODUCT_SCHEMA,
        }
    }
    described["links"].append(
        {
            "href": f"{base_url}/processes/{process.process_id}/execution",
            "rel": REL_EXECUTE,
            "title": "execute (POST)",
        }
    )
    return described


def _input(param: dict[str, Any], texts: dict[str, Any]) -> dict[str, Any]:
    has_default = param.get("default") not in (None, "")
    optional = bool(param.get("optional")) or has_default
    source = str(param.get("from", "submitter"))
    described_as = param.get("description") or param.get("placeholder") or ""
    if is_dataset_param(param):
        described_as = (
            f"A catalogue product: its id or the URL of its Features item. "
            f"The job receives {source.split(':', 1)[1]} of the product's record."
        )
    return {
        "title": texts.get("title") or param.get("placeholder") or param["name"],
        "description": texts.get("description") or described_as,
        "schema": json_schema(param),
        "minOccurs": 0 if optional else 1,
        "maxOccurs": 1,
    }


def control_inputs(process: Process) -> dict[str, dict[str, Any]]:
    """HySDS controls, optional inputs prefixed `hysds:` (see docs/processes.md)."""
    queue_schema: dict[str, Any] = {"type": "string"}
    if process.queues:
        queue_schema = {
            "type": "string",
            "enum": process.queues,
            "default": process.queues[0],
        }
    spec = process.job_spec
    controls = {
        "queue": ("HySDS queue the job runs on", queue_schema),
        "priority": (
            "HySDS priority, 0 (lowest) to 9",
            {"type": "integer", "minimum": 0, "maximum": 9, "default": 0},
        ),
        "tags": (
            "Job tags; HySDS keeps the first as the job's tag",
            {"type": "array", "items": {"type": "string"}, "minItems": 1},
        ),
        "job_name": (
            "Base of the HySDS job name (a timestamp is appended)",
            {"type": "string", "pattern": "^[A-Za-z0-9_.:\\-]{1,200}$"},
        ),
        "soft_time_limit": (
            "Soft time limit, seconds",
            _limit_schema(spec.get("soft_time_limit")),
        ),
        "time_limit": (
            "Hard time limit, seconds",
            _limit_schema(spec.get("time_limit")),
        ),
        "disk_usage": (
            "Disk space the job needs, e.g. 10GB",
            {
                "type": "string",
                "pattern": "^\\d+(GB|MB|KB)$",
                "default": spec.get("disk_usage"),
            },
        ),
        "enable_dedup": (
            "Skip the job when an identical one is queued, running or done",
            {
                "type": "boolean",
                "default": bool(process.hysds_io.get("enable_dedup", True)),
            },
        ),
    }
    return {
        CONTROL_PREFIX + name: {
            "title": title,
            "description": title,
            "schema": {k: v for k, v in schema.items() if v is not None},
            "minOccurs": 0,
            "maxOccurs": 1,
            "keywords": [CONTROL_KEYWORD],
        }
        for name, (title, schema) in controls.items()
    }


def _limit_schema(default: Any) -> dict[str, Any]:
    return {"type": "integer", "minimum": 1, "default": default}
