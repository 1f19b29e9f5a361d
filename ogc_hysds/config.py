# SPDX-License-Identifier: Apache-2.0
"""Typed settings: one YAML file, environment overrides, validated once at start-up.

The file `config/ogc-hysds.yml` documents every key with its default. Any key can be
overridden from the environment as `OGC_HYSDS_<SECTION>__<KEY>` (double underscore
between levels), e.g. `OGC_HYSDS_GRQ__URL=http://grq-es:9200`. A wrong or missing
setting raises `SettingsError` naming the key and what was expected, so the server
refuses to start instead of failing on the first request.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

ENV_PREFIX = "OGC_HYSDS_"
ENV_CONFIG_FILE = "OGC_HYSDS_CONFIG"
DEFAULT_CONFIG_FILE = (
    Path(__file__).resolve().parent.parent / "config" / "ogc-hysds.yml"
)

BackendName = Literal[
    "grq", "mozart", "broker", "broker_admin", "mozart_api", "callbacks"
]


class SettingsError(Exception):
    """A setting is missing or invalid; the message names the key."""


class _Section(BaseModel):
    # Unknown keys are typos far more often than intent: refuse them.
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServerSettings(_Section):
    url: AnyHttpUrl = Field(
        default=AnyHttpUrl("http://127.0.0.1:5000"),
        description="Public base URL used in every link the API returns.",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=5000, ge=1, le=65535)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class SearchClusterSettings(_Section):
    """An OpenSearch (or Elasticsearch 7.10-compatible) cluster."""

    url: AnyHttpUrl
    engine: Literal["opensearch", "elasticsearch"] = "opensearch"
    username: str | None = None
    password: str | None = None
    verify_certs: bool = True
    timeout: float = Field(default=10.0, gt=0)


class IndexSettings(_Section):
    """Index and alias names; every name the server touches comes from here.

    `namespace` is prepended to every name. Production leaves it empty; tests give
    each run its own namespace so runs never see each other's data.
    """

    namespace: str = Field(default="", pattern=r"^[a-z0-9_\-]*$")
    grq_alias: str = "grq"
    grq_index_prefix: str = "grq"
    job_specs: str = "job_specs"
    containers: str = "containers"
    hysds_ios_mozart: str = "hysds_ios-mozart"
    hysds_ios_grq: str = "hysds_ios-grq"
    job_status_alias: str = "job_status-current"
    job_status_prefix: str = "job_status"
    job_failed: str = "job_failed"
    ogc_jobs: str = "ogc_hysds_jobs"
    ogc_callbacks: str = "ogc_hysds_callbacks"

    def name(self, key: str) -> str:
        """The full name of an index or alias, namespace included."""
        return f"{self.namespace}{getattr(self, key)}"


class BrokerSettings(_Section):
    url: str = Field(
        default="amqp://guest:guest@127.0.0.1:5672/%2F",
        pattern=r"^amqps?://",
        description="AMQP URL of HySDS's RabbitMQ (Mozart's broker).",
    )
    admin_url: AnyHttpUrl = Field(
        default=AnyHttpUrl("http://127.0.0.1:15672"),
        description="RabbitMQ management API base URL.",
    )
    admin_username: str = "guest"
    admin_password: str = "guest"
    jobs_queue: str = "jobs_processed"


class MozartApiSettings(_Section):
    url: AnyHttpUrl | None = Field(
        default=None,
        description="Mozart REST API base, e.g. https://host/mozart/api/v0.1",
    )


class BackendPolicy(_Section):
    """How hard the server may lean on one backend, and how it reacts to trouble."""

    rate: float = Field(default=50.0, gt=0, description="Calls per second (refill).")
    burst: int = Field(default=100, ge=1, description="Token bucket capacity.")
    max_in_flight: int = Field(default=16, ge=1)
    acquire_timeout: float = Field(default=0.5, ge=0)
    attempts: int = Field(default=3, ge=1, le=10)
    backoff_initial: float = Field(default=0.2, gt=0)
    backoff_max: float = Field(default=2.0, gt=0)
    deadline: float = Field(default=10.0, gt=0)
    breaker_failures: int = Field(default=5, ge=1)
    breaker_cooldown: float = Field(default=15.0, gt=0)
    partial_results: Literal["unavailable", "flag"] = "unavailable"


class ProcessesSettings(_Section):
    """OGC API Processes over HySDS: registry, submission and job identity."""

    transport: Literal["amqp", "mozart-api"] = Field(
        default="amqp",
        description="amqp: Celery message on jobs_processed; mozart-api: job/submit.",
    )
    registry_ttl: float = Field(default=60.0, ge=0, description="Seconds.")
    descriptions_dir: str = Field(
        default="process_descriptions",
        description="Per-process overrides (YAML); relative to the working dir.",
    )
    default_username: str = Field(
        default="ops", description="HySDS username until authentication lands."
    )
    ops_role_users: list[str] = ["ops"]
    default_queue: str = Field(
        default="job_worker-small",
        description="Queue for job specs that recommend none.",
    )
    default_limit: int = Field(default=10, ge=1, le=10000)
    max_limit: int = Field(default=10000, ge=1, le=10000)
    echo_process: bool = True
    hidden: list[str] = Field(
        default=["lw-mozart-*", "lw-tosca-*"],
        description="Glob patterns (* and ?) of processIDs never listed or run.",
    )
    callbacks_enabled: bool = Field(
        default=False,
        description="Deliver `subscriber` callbacks; declares the callback class.",
    )
    callbacks_in_server: bool = Field(
        default=True,
        description="Run the notifier loop inside the server process; false when "
        "a separate `ogc-hysds notifier` runs it.",
    )
    callbacks_allow_internal: bool = Field(
        default=False,
        description="Allow callbacks to loopback and link-local addresses.",
    )
    callbacks_poll_interval: float = Field(default=2.0, gt=0, description="Seconds.")
    callbacks_max_attempts: int = Field(default=10, ge=1)
    callbacks_max_age: float = Field(
        default=86400.0, gt=0, description="Seconds of retrying before giving up."
    )
    callbacks_backoff_initial: float = Field(default=5.0, gt=0)
    callbacks_backoff_max: float = Field(default=600.0, gt=0)
    callbacks_timeout: float = Field(default=10.0, gt=0, description="Per POST.")


class CollectionOverride(_Section):
    """What an operator may say about one GRQ dataset's collection."""

    title: str | None = None
    description: str | None = None
    keywords: list[str] | None = None
    visibility: Literal["default", "hidden"] = "default"


class FeaturesSettings(_Section):
    """OGC API Features over the GRQ catalogue (see docs/features.md)."""

    default_limit: int = Field(default=10, ge=1, le=10000)
    max_limit: int = Field(default=10000, ge=1, le=10000)
    catalogue_ttl: float = Field(
        default=300.0, ge=0, description="Seconds datasets, extents, mappings live."
    )
    all_products_collection: str = Field(default="grq", pattern=r"^[A-Za-z0-9_.\-]+$")
    all_products_title: str = "All GRQ products"
    collections: dict[str, CollectionOverride] = {}
    map_tiles_url: str | None = Field(
        default=None,
        description="Basemap tile URL for HTML maps; none keeps pages offline.",
    )
    map_attribution: str = ""
    passthrough_enabled: bool = Field(
        default=True,
        description="Serve POST /api/v1/grq/query and /api/v1/jobs/query.",
    )


class HealthSettings(_Section):
    required: list[Literal["grq", "mozart", "broker"]] = ["grq", "mozart", "broker"]


class Settings(_Section):
    server: ServerSettings = ServerSettings()
    grq: SearchClusterSettings
    mozart: SearchClusterSettings
    indices: IndexSettings = IndexSettings()
    broker: BrokerSettings = BrokerSettings()
    mozart_api: MozartApiSettings = MozartApiSettings()
    backends: dict[BackendName, BackendPolicy] = Field(
        default_factory=dict, validate_default=True
    )
    health: HealthSettings = HealthSettings()
    features: FeaturesSettings = FeaturesSettings()
    processes: ProcessesSettings = ProcessesSettings()

    @field_validator("backends", mode="before")
    @classmethod
    def _fill_backend_defaults(cls, value: Any) -> Any:
        # Every backend gets a policy; the file only lists what differs.
        value = dict(value or {})
        for name in (
            "grq",
            "mozart",
            "broker",
            "broker_admin",
            "mozart_api",
            "callbacks",
        ):
            value.setdefault(name, {})
        return value

    def policy(self, backend: BackendName) -> BackendPolicy:
        return self.backends[backend]


def load_settings(
    path: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Read the YAML file, apply `OGC_HYSDS_*` overrides and validate."""
    environ = os.environ if environ is None else environ
    config_path = Path(path or environ.get(ENV_CONFIG_FILE) or DEFAULT_CONFIG_FILE)
    raw = _read_yaml(config_path)
    _apply_environment(raw, environ)
    return settings_from_dict(raw, source=str(config_path))


def settings_from_dict(raw: Mapping[str, Any], source: str = "<dict>") -> Settings:
    try:
        return Settings.model_validate(raw)
    except ValidationError as err:
        raise SettingsError(_describe(err, source)) from err


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise SettingsError(f"settings file {path} does not exist") from err
    except yaml.YAMLError as err:
        raise SettingsError(f"settings file {path} is not valid YAML: {err}") from err
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise SettingsError(f"settings file {path} must hold a mapping at top level")
    return loaded


def _apply_environment(raw: dict[str, Any], environ: Mapping[str, str]) -> None:
    # Values are parsed as YAML scalars so `true`, `5` and `[grq, broker]` work.
    # Every setting sits in a section, so a name without `__` (OGC_HYSDS_CONFIG,
    # OGC_HYSDS_DEVSTACK_DIR) is not a setting and is left alone.
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue
        path = [part.lower() for part in name[len(ENV_PREFIX) :].split("__")]
        node = raw
        for part in path[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[path[-1]] = yaml.safe_load(value) if value != "" else ""


def _describe(err: ValidationError, source: str) -> str:
    lines = [f"invalid settings in {source}:"]
    for problem in err.errors():
        key = ".".join(str(part) for part in problem["loc"])
        env = ENV_PREFIX + "__".join(str(part).upper() for part in problem["loc"])
        lines.append(f"  {key} ({env}): {problem['msg']}")
    return "\n".join(lines)
