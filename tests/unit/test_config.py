# SPDX-License-Identifier: Apache-2.0
"""Settings: defaults, environment overrides, and errors that name the key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ogc_hysds.config import DEFAULT_CONFIG_FILE, SettingsError, load_settings

MINIMAL = "grq: {url: http://grq:9200}\nmozart: {url: http://mozart:9200}\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "settings.yml"
    path.write_text(text)
    return path


def test_shipped_file_is_valid_and_documents_defaults() -> None:
    settings = load_settings(DEFAULT_CONFIG_FILE, environ={})

    assert str(settings.grq.url) == "http://127.0.0.1:9250/"
    assert settings.indices.grq_alias == "grq"
    assert settings.policy("grq").attempts == 3


def test_every_backend_gets_a_policy(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, MINIMAL), environ={})

    assert set(settings.backends) == {
        "grq",
        "mozart",
        "broker",
        "broker_admin",
        "mozart_api",
        "callbacks",
    }


def test_environment_overrides_nested_keys(tmp_path: Path) -> None:
    environ = {
        "OGC_HYSDS_GRQ__URL": "http://other:9200",
        "OGC_HYSDS_BACKENDS__GRQ__RATE": "7.5",
        "OGC_HYSDS_HEALTH__REQUIRED": "[grq]",
    }

    settings = load_settings(write(tmp_path, MINIMAL), environ=environ)

    assert str(settings.grq.url) == "http://other:9200/"
    assert settings.policy("grq").rate == 7.5
    assert settings.health.required == ["grq"]


def test_namespace_prefixes_every_index_name(tmp_path: Path) -> None:
    environ = {"OGC_HYSDS_INDICES__NAMESPACE": "t1_"}

    settings = load_settings(write(tmp_path, MINIMAL), environ=environ)

    assert settings.indices.name("grq_alias") == "t1_grq"
    assert settings.indices.name("job_status_alias") == "t1_job_status-current"


@pytest.mark.parametrize(
    ("text", "environ", "expected"),
    [
        ("mozart: {url: http://m:9200}\n", {}, "grq (OGC_HYSDS_GRQ): Field required"),
        (MINIMAL + "server: {port: 70000}\n", {}, "server.port"),
        (MINIMAL + "grq_url: x\n", {}, "grq_url"),
        (MINIMAL, {"OGC_HYSDS_BACKENDS__GRQ__RATE": "fast"}, "backends.grq.rate"),
        (MINIMAL, {"OGC_HYSDS_BROKER__URL": "http://x"}, "broker.url"),
        (MINIMAL, {"OGC_HYSDS_HEALTH__REQUIRED": "[nope]"}, "health.required.0"),
        (MINIMAL + "backends: {solr: {}}\n", {}, "backends.solr"),
    ],
)
def test_invalid_settings_name_the_key(
    tmp_path: Path, text: str, environ: dict[str, str], expected: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(write(tmp_path, text), environ=environ)

    assert expected in str(caught.value)


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings(tmp_path / "absent.yml", environ={})


def test_broken_yaml_is_reported(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="not valid YAML"):
        load_settings(write(tmp_path, "grq: [unclosed\n"), environ={})


def test_cli_refuses_to_start_with_a_message_naming_the_key(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL + "server: {port: -1}\n")

    result = subprocess.run(
        [sys.executable, "-m", "ogc_hysds.cli", "serve", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2
    assert "server.port" in result.stderr


def test_variables_outside_any_section_are_not_settings(tmp_path: Path) -> None:
    environ = {"OGC_HYSDS_DEVSTACK_DIR": "/tmp/x", "OGC_HYSDS_CONFIG": "ignored"}

    settings = load_settings(write(tmp_path, MINIMAL), environ=environ)

    assert str(settings.grq.url) == "http://grq:9200/"
