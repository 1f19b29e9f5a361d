# SPDX-License-Identifier: Apache-2.0
"""Validating an execute request and resolving it to final HySDS params.

HySDS resolves hysds-io `from` only on its rule/on-demand path (hysds.md §3.2);
a direct submission must arrive with final values. So we do what
hysds_commons' `get_inputs` does: `value` params come from the hysds-io,
`submitter` params from the caller (else their default, optional → ""),
`dataset_jpath:` params from the caller's product's GRQ record, then the type
conversion. HySDS controls (queue, priority, ...) arrive as `hysds:*` inputs.
Every bad input is reported at once, each by name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ogc_hysds.errors import InvalidParameter
from ogc_hysds.hysds.params import (
    DATASET_PREFIX,
    InvalidValue,
    convert,
    is_dataset_param,
)
from ogc_hysds.hysds.products import walk_jpath
from ogc_hysds.hysds.registry import Process

ProductLookup = Callable[[str], dict[str, Any] | None]

CONTROL_PREFIX = "hysds:"
# hysds.md §2.2: disk_usage must match ^\d+(GB|MB|KB).
_DISK_USAGE = re.compile(r"^\d+(GB|MB|KB)$")
# Mozart turns ":" into "__" and appends a timestamp (§3.6); keep names tame.
_JOB_NAME = re.compile(r"^[A-Za-z0-9_.:\-]{1,200}$")


@dataclass(frozen=True)
class Controls:
    """How HySDS runs the job, as opposed to what the job computes."""

    queue: str
    priority: int
    tags: list[str]
    job_name: str | None
    soft_time_limit: int
    time_limit: int
    disk_usage: str
    enable_dedup: bool


@dataclass(frozen=True)
class ResolvedJob:
    process: Process
    params: dict[str, Any]
    controls: Controls


def resolve(
    process: Process,
    inputs: Mapping[str, Any],
    lookup_product: ProductLookup,
    default_queue: str,
) -> ResolvedJob:
    """Validate the caller's inputs and resolve every hysds-io param."""
    problems: dict[str, str] = {}
    values = {name: _unwrap(value) for name, value in inputs.items()}

    known = {p["name"] for p in process.submitter_params} | set(CONTROL_DEFAULTS)
    for name in values:
        if name not in known:
            problems[name] = "not an input of this process"

    params = _resolve_params(process, values, lookup_product, problems)
    controls = _resolve_controls(process, values, default_queue, problems)

    if problems:
        raise InvalidParameter(_describe(problems), locator=",".join(problems))
    assert controls is not None
    return ResolvedJob(process=process, params=params, controls=controls)


def _unwrap(value: Any) -> Any:
    # OGC qualified values carry the value in `value`; links carry `href`.
    if isinstance(value, dict) and "value" in value and "type" not in value:
        return value["value"]
    if isinstance(value, dict) and set(value) <= {"href", "type", "rel", "title"}:
        if "href" in value:
            return value["href"]
    return value


def _resolve_params(
    process: Process,
    values: Mapping[str, Any],
    lookup_product: ProductLookup,
    problems: dict[str, str],
) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for param in process.hysds_io.get("params", []):
        name = str(param["name"])
        try:
            params[name] = _resolve_one(param, values, lookup_product)
        except InvalidValue as err:
            problems[name] = str(err)
    return params


def _resolve_one(
    param: dict[str, Any], values: Mapping[str, Any], lookup_product: ProductLookup
) -> Any:
    name = str(param["name"])
    if param.get("from") == "value":
        return convert(param, param.get("value", ""))
    if name not in values or values[name] is None:
        return _missing(param)
    if is_dataset_param(param):
        return _from_product(param, values[name], lookup_product)
    return convert(param, values[name])


def _missing(param: dict[str, Any]) -> Any:
    default = param.get("default")
    if default is not None and default != "":
        return convert(param, default)
    if param.get("optional"):
        # hysds_commons fills optional, absent params with "" (§3.2).
        return ""
    raise InvalidValue("required")


def _from_product(
    param: dict[str, Any], reference: Any, lookup_product: ProductLookup
) -> Any:
    if not isinstance(reference, str) or not reference:
        raise InvalidValue("expected a product id or a Features item URL")
    hit = lookup_product(reference)
    if hit is None:
        raise InvalidValue(f"no catalogue product {reference!r}")
    jpath = str(param["from"])[len(DATASET_PREFIX) :]
    try:
        value = walk_jpath(hit, jpath)
    except (KeyError, IndexError, ValueError) as err:
        raise InvalidValue(f"product {reference!r} has no {jpath}") from err
    # Lists (e.g. `_source.urls`) stay lists: HySDS routes them as they are.
    # Scalars are converted by type as hysds_commons converts them (a number
    # from metadata becomes a float).
    if isinstance(value, str) or param.get("type") in ("number", "boolean"):
        return convert(param, value)
    return value


CONTROL_DEFAULTS: dict[str, Any] = {
    f"{CONTROL_PREFIX}queue": None,
    f"{CONTROL_PREFIX}priority": 0,
    f"{CONTROL_PREFIX}tags": None,
    f"{CONTROL_PREFIX}job_name": None,
    f"{CONTROL_PREFIX}soft_time_limit": None,
    f"{CONTROL_PREFIX}time_limit": None,
    f"{CONTROL_PREFIX}disk_usage": None,
    f"{CONTROL_PREFIX}enable_dedup": None,
}


def _resolve_controls(
    process: Process,
    values: Mapping[str, Any],
    default_queue: str,
    problems: dict[str, str],
) -> Controls | None:
    def get(key: str) -> Any:
        return values.get(CONTROL_PREFIX + key)

    checks: dict[str, Callable[[], Any]] = {
        "queue": lambda: _queue(process, get("queue"), default_queue),
        "priority": lambda: _priority(get("priority")),
        "tags": lambda: _tags(get("tags"), process),
        "job_name": lambda: _job_name(get("job_name")),
        "soft_time_limit": lambda: _seconds(
            get("soft_time_limit"), process.job_spec.get("soft_time_limit")
        ),
        "time_limit": lambda: _seconds(
            get("time_limit"), process.job_spec.get("time_limit")
        ),
        "disk_usage": lambda: _disk_usage(
            get("disk_usage"), process.job_spec.get("disk_usage")
        ),
        "enable_dedup": lambda: _dedup(get("enable_dedup"), process),
    }
    resolved: dict[str, Any] = {}
    for key, check in checks.items():
        try:
            resolved[key] = check()
        except InvalidValue as err:
            problems[CONTROL_PREFIX + key] = str(err)
    if len(resolved) != len(checks):
        return None
    return Controls(**resolved)


def _queue(process: Process, value: Any, default_queue: str) -> str:
    allowed = process.queues
    if value is None:
        return allowed[0] if allowed else default_queue
    if not isinstance(value, str) or not value:
        raise InvalidValue("expected a queue name")
    # Required queues are a hard rule of the job spec (hysds.md §2.2);
    # recommended ones are the menu Mozart offers, so we hold callers to it.
    if allowed and value not in allowed:
        raise InvalidValue(f"must be one of {allowed}")
    return value


def _priority(value: Any) -> int:
    # RabbitMQ honours 0-9 on a queue declared with x-max-priority 10 (§3.5).
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidValue("expected an integer 0-9")
    if value != int(value) or not 0 <= value <= 9:
        raise InvalidValue("expected an integer 0-9")
    return int(value)


def _tags(value: Any, process: Process) -> list[str]:
    if value is None:
        return [process.process_id]
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise InvalidValue("expected a list of strings")
    if not all(isinstance(tag, str) and tag for tag in value):
        raise InvalidValue("expected a list of strings")
    return list(value)


def _job_name(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _JOB_NAME.match(value):
        raise InvalidValue("expected letters, digits and _ . : - (1-200)")
    return value


def _seconds(value: Any, spec_value: Any) -> int:
    if value is None:
        return int(spec_value or 86400)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InvalidValue("expected a positive integer (seconds)")
    return value


def _disk_usage(value: Any, spec_value: Any) -> str:
    if value is None:
        return str(spec_value or "10GB")
    if not isinstance(value, str) or not _DISK_USAGE.match(value):
        raise InvalidValue("expected a size like 10GB, 500MB or 100KB")
    return value


def _dedup(value: Any, process: Process) -> bool:
    if value is None:
        # The hysds-io's own choice, else HySDS's default (true, §3.9).
        return bool(process.hysds_io.get("enable_dedup", True))
    if not isinstance(value, bool):
        raise InvalidValue("expected a boolean")
    return value


def _describe(problems: Mapping[str, str]) -> str:
    listed = "; ".join(f"{name}: {reason}" for name, reason in problems.items())
    return f"invalid inputs: {listed}"
