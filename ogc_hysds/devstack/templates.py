# SPDX-License-Identifier: Apache-2.0
"""Index templates HySDS installs, rebuilt for the devstack under our index names.

Three composable templates, each named and patterned from the namespace so a
test run's templates never apply to another run's indices:

* GRQ (hysds/grq2 `config/es_template.json`): every `grq_*` product index, read
  alias `grq`.
* job status (hysds/sdscli `job_status.template`): `job_status*` and `job_failed`,
  aliases `job_status` and `job_status-current`.
* Mozart specs (hysds/mozart `configs/es_template.json` plus the hysds_ios
  mapping): `job_specs`, `containers`, `hysds_ios-*`.

Differences from HySDS, all for a one-node devstack: one shard and no replica
(HySDS uses 8 shards), and a 1 s refresh (HySDS uses 5 s) so trials and tests see
freshly written documents quickly.
"""

from __future__ import annotations

from typing import Any

from ogc_hysds.config import IndexSettings

Body = dict[str, Any]

_REFRESH_INTERVAL = "1s"

# Priority above the default 0 so a broad template some operator adds (HySDS's
# base template matches "*") does not replace these mappings.
_PRIORITY = 200

# HySDS's default analyzer: whole values, lower-cased, split on word delimiters.
_ANALYSIS: Body = {
    "analyzer": {
        "default": {
            "type": "custom",
            "tokenizer": "keyword",
            "filter": ["lowercase", "word_delimiter"],
        }
    }
}

_KEYWORD: Body = {"type": "keyword"}
_DATE: Body = {"type": "date"}
_TEXT: Body = {"type": "text"}
_DISABLED: Body = {"type": "object", "enabled": False}
_TEXT_AND_KEYWORD: Body = {
    "type": "text",
    "fields": {"keyword": {"type": "keyword", "ignore_above": 256}},
}


def _settings() -> Body:
    return {
        "index": {
            "number_of_shards": 1,
            "number_of_replicas": 0,
            "refresh_interval": _REFRESH_INTERVAL,
            "analysis": _ANALYSIS,
        }
    }


def _strings(copy_to: str | None = None) -> Body:
    """Dynamic template `strings`: text with a `.keyword` sub-field for exact match."""
    mapping: Body = {
        "type": "text",
        "norms": False,
        "fields": {"keyword": {"type": "keyword", "ignore_above": 256}},
    }
    if copy_to:
        mapping["copy_to"] = copy_to
    return {"strings": {"match_mapping_type": "string", "mapping": mapping}}


def grq_template(indices: IndexSettings) -> tuple[str, Body]:
    """Name and body of the template for every `<ns>grq_*` product index."""
    # HySDS sets the legacy `tree: quadtree` (prefix-tree) parameter. OpenSearch
    # 2.19 still accepts it, but indexing frame-sized polygons with it was about
    # five times slower here, so the devstack uses the default BKD geo_shape: the
    # same GeoJSON and the same geo_shape queries (intersects, within, disjoint)
    # work on both, antimeridian and polar footprints included.
    geo_shape = {"type": "geo_shape"}
    urls = {"type": "text", "copy_to": "text_fields"}
    properties: Body = {
        "location": geo_shape,
        "center": geo_shape,
        "starttime": _DATE,
        "endtime": _DATE,
        "creation_timestamp": _DATE,
        "@timestamp": _DATE,
        "urls": urls,
        "browse_urls": urls,
        "metadata": {"properties": {"context": _DISABLED}},
        "prov": {
            "properties": {"wasDerivedFrom": _KEYWORD, "wasGeneratedBy": _KEYWORD}
        },
        "text_fields": _TEXT,
        "temporal_span": {"type": "integer"},
    }
    body = {
        "index_patterns": [f"{indices.name('grq_index_prefix')}_*"],
        "priority": _PRIORITY,
        "template": {
            "settings": _settings(),
            "aliases": {indices.name("grq_alias"): {}},
            "mappings": {
                "dynamic_templates": [_strings(copy_to="text_fields")],
                "properties": properties,
            },
        },
    }
    return indices.name("grq_alias"), body


def job_status_template(indices: IndexSettings) -> tuple[str, Body]:
    """Name and body of the template for dated job-status indices and `job_failed`."""
    keywords = ["status", "resource", "type", "uuid", "job_id", "payload_id"]
    keywords.append("payload_hash")
    properties: Body = {name: _KEYWORD for name in keywords}
    properties.update(
        {
            "@timestamp": _DATE,
            "timestamp": _DATE,
            "tags": _TEXT_AND_KEYWORD,
            "user_tags": _TEXT_AND_KEYWORD,
            "short_error": _TEXT_AND_KEYWORD,
            "id": _TEXT_AND_KEYWORD,
            "error": _TEXT,
            "traceback": _TEXT,
            "dedup_msg": _TEXT,
            "context": _DISABLED,
            "job": {"properties": _job_properties()},
        }
    )
    status = indices.name("job_status_prefix")
    body = {
        "index_patterns": [f"{status}*", indices.name("job_failed")],
        "priority": _PRIORITY,
        "template": {
            "settings": _settings(),
            "aliases": {status: {}, indices.name("job_status_alias"): {}},
            "mappings": {"dynamic_templates": [_strings()], "properties": properties},
        },
    }
    return status, body


def _job_properties() -> Body:
    job: Body = {
        name: _KEYWORD
        for name in ("type", "name", "job_id", "task_id", "tag", "username")
    }
    job.update({"params": _DISABLED, "localize_urls": _DISABLED, "command": _DISABLED})
    job_info: Body = {
        name: _KEYWORD for name in ("job_queue", "execute_node", "index", "id")
    }
    for name in ("time_queued", "time_start", "time_end", "cmd_start", "cmd_end"):
        job_info[name] = _DATE
    job["job_info"] = {"properties": job_info}
    return job


def mozart_specs_template(indices: IndexSettings) -> tuple[str, Body]:
    """Name and body of the template for `job_specs`, `containers` and `hysds_ios-*`."""
    patterns = [
        indices.name("job_specs"),
        indices.name("containers"),
        indices.name("hysds_ios_mozart"),
        indices.name("hysds_ios_grq"),
    ]
    # From hysds/mozart `configs/hysds_ios.mapping`: defaults may be objects, so
    # they are stored but not indexed; the booleans are mapped explicitly.
    boolean = {"type": "boolean"}
    properties: Body = {
        "params": {"properties": {"default": _DISABLED, "optional": boolean}},
        "enable_dedup": boolean,
        "disable_post_builtins": boolean,
    }
    body = {
        "index_patterns": patterns,
        "priority": _PRIORITY,
        "template": {
            "settings": _settings(),
            "mappings": {"dynamic_templates": [_strings()], "properties": properties},
        },
    }
    return f"{indices.namespace}mozart_specs", body


def all_templates(indices: IndexSettings) -> list[tuple[str, Body]]:
    return [
        grq_template(indices),
        job_status_template(indices),
        mozart_specs_template(indices),
    ]
