# SPDX-License-Identifier: Apache-2.0
"""The HySDS job JSON handed to the orchestrator (hysds.md §3.4).

Params are routed by their job-spec `destination` as hysds_commons'
`route_outputs` does (§3.3): `positional` → single-quoted command-line
arguments (also kept in the context), `localize` → `localize_urls`, `context`
→ keys of the payload, which becomes the job's `_context.json`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ogc_hysds.hysds.resolve import ResolvedJob


@dataclass
class Routed:
    positional: list[Any] = field(default_factory=list)
    localize_urls: list[Any] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)


def route(job_spec: dict[str, Any], params: dict[str, Any]) -> Routed:
    """Split resolved params by destination, in job-spec order."""
    routed = Routed()
    for spec_param in job_spec.get("params", []):
        name = str(spec_param["name"])
        if name not in params:
            continue
        value = params[name]
        destination = spec_param.get("destination", "context")
        if destination == "positional":
            routed.positional.append(value)
            routed.context[name] = value
        elif destination == "localize":
            routed.localize_urls.extend(_localize_entries(value))
        else:
            routed.context[name] = value
    return routed


def _localize_entries(value: Any) -> list[Any]:
    # Lists are flattened; a bare URL becomes {"url": ...}, the shape the job
    # worker reads; {url, local_path} objects pass as they are.
    if isinstance(value, list):
        return [entry for item in value for entry in _localize_entries(item)]
    if isinstance(value, dict):
        return [value]
    if value in ("", None):
        return []
    return [{"url": str(value)}]


def shell_quote(value: Any) -> str:
    """One argument single-quoted; non-strings JSON-dumped first (§3.3)."""
    text = value if isinstance(value, str) else json.dumps(value)
    return "'" + text.replace("'", "'\"'\"'") + "'"


def command_line(command: str, positional: list[Any]) -> str:
    return " ".join([command, *(shell_quote(value) for value in positional)])


def build_job_json(resolved: ResolvedJob, username: str) -> dict[str, Any]:
    """The `job` argument of `hysds.orchestrator.submit_job`."""
    process = resolved.process
    controls = resolved.controls
    job_spec = process.job_spec
    container = process.container
    routed = route(job_spec, resolved.params)
    tag = controls.tags[0]

    payload: dict[str, Any] = {
        "_command": command_line(str(job_spec["command"]), routed.positional),
        "localize_urls": routed.localize_urls,
        "_disk_usage": controls.disk_usage,
        "job_specification": job_spec,
        "container_specification": container,
        **routed.context,
        "tag": tag,
    }
    job: dict[str, Any] = {
        "job_type": f"job:{process.job_spec_id}",
        "job_queue": controls.queue,
        "container_image_url": container.get("url"),
        "container_image_urls": _container_urls(container),
        "container_image_name": container.get("id"),
        "container_mappings": job_spec.get("imported_worker_files", {}),
        "runtime_options": job_spec.get("runtime_options", {}),
        "time_limit": controls.time_limit,
        "soft_time_limit": controls.soft_time_limit,
        "disk_usage": controls.disk_usage,
        "enable_dedup": controls.enable_dedup,
        "payload": payload,
        "priority": controls.priority,
        "username": username,
        "tags": controls.tags,
        "tag": tag,
    }
    if controls.job_name is not None:
        job["job_name"] = controls.job_name
    # publish_overwrite_ok is left out: HySDS treats the string "false" as true
    # (hysds.md §3.4, gotcha 9), and we never ask for overwrites.
    return job


def _container_urls(container: dict[str, Any]) -> dict[str, Any]:
    # Multi-arch builds store `urls` as a JSON string (hysds.md §2.4).
    urls = container.get("urls")
    if isinstance(urls, str):
        try:
            decoded = json.loads(urls)
        except ValueError:
            return {}
        return decoded if isinstance(decoded, dict) else {}
    return dict(urls) if isinstance(urls, dict) else {}
