# SPDX-License-Identifier: Apache-2.0
"""A real RabbitMQ node (Debian's rabbitmq-server) with the management plugin.

The node runs as the current user straight from `/usr/lib/rabbitmq/bin` (the
`/usr/sbin` wrapper would switch to the `rabbitmq` user and its system paths), with
every file - config, mnesia, logs - under the devstack folder and every listener on
127.0.0.1. epmd is started explicitly so `down` can stop it too.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import time
from pathlib import Path

import requests

from ogc_hysds.devstack.process import (
    DevstackError,
    PidFile,
    launch,
    pid_alive,
    stop_group,
)

log = logging.getLogger(__name__)

RABBIT_BIN = Path("/usr/lib/rabbitmq/bin")
START_TIMEOUT = 90.0


class RabbitMQNode:
    """One RabbitMQ node whose files live under `home`."""

    def __init__(
        self,
        home: Path,
        amqp_port: int = 5672,
        admin_port: int = 15672,
        nodename: str = "ogc-hysds-devstack@localhost",
    ) -> None:
        self.home = home
        self.amqp_port = amqp_port
        self.admin_port = admin_port
        self.nodename = nodename
        self.log_path = home / "server.log"
        self.pidfile = PidFile(home / "rabbitmq.pid")
        self.beam_pidfile = PidFile(home / "beam.pid")
        self.epmd_pidfile = PidFile(home / "epmd.pid")

    @property
    def amqp_url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.amqp_port}/%2F"

    @property
    def admin_url(self) -> str:
        return f"http://127.0.0.1:{self.admin_port}"

    def status(self) -> str:
        pid = self.pidfile.running_pid()
        if pid is None:
            return "stopped"
        state = "running" if self.healthy() else "starting"
        return f"{state} (pid {pid}, {self.amqp_url.replace('guest:guest@', '')})"

    def healthy(self) -> bool:
        try:
            reply = requests.get(
                f"{self.admin_url}/api/overview", auth=("guest", "guest"), timeout=3
            )
        except requests.RequestException:
            return False
        return reply.status_code == 200

    def up(self) -> None:
        """Start the node unless ours is already running, and wait until healthy."""
        if self.pidfile.running_pid() is not None:
            log.info("RabbitMQ already running at %s", self.admin_url)
            self._wait_healthy()
            return
        if not (RABBIT_BIN / "rabbitmq-server").exists():
            raise DevstackError(
                "RabbitMQ is not installed: run `make system-deps` "
                "(apt-get install rabbitmq-server)"
            )
        if self.healthy():
            raise DevstackError(
                f"port {self.admin_port} already serves a RabbitMQ the devstack did "
                "not start; stop it or choose other ports"
            )
        self._write_config()
        self._start_epmd()
        pid = launch(
            [str(RABBIT_BIN / "rabbitmq-server")],
            log_path=self.log_path,
            cwd=self.home,
            env=self._environment(),
        )
        self.pidfile.write(pid)
        log.info("RabbitMQ starting (pid %s), log %s", pid, self.log_path)
        self._wait_healthy()

    def down(self) -> bool:
        """Stop the node (and the epmd we started); True when something stopped."""
        stopped = False
        pid = self.pidfile.running_pid()
        if pid is not None:
            self._ctl("shutdown", timeout=60)
            stop_group(pid, timeout=30)
            stopped = True
        beam = self.beam_pidfile.running_pid()
        if beam is not None:
            stop_group(beam, timeout=10)
        self.pidfile.clear()
        self.beam_pidfile.clear()
        self._stop_epmd()
        return stopped

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "HOME": str(Path.home()),
                "ERL_EPMD_ADDRESS": "127.0.0.1",
                "RABBITMQ_NODENAME": self.nodename,
                "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
                "RABBITMQ_NODE_PORT": str(self.amqp_port),
                "RABBITMQ_DIST_PORT": str(self.amqp_port + 20000),
                "RABBITMQ_MNESIA_BASE": str(self.home / "mnesia"),
                "RABBITMQ_LOG_BASE": str(self.home / "log"),
                "RABBITMQ_CONFIG_FILE": str(self.home / "rabbitmq.conf"),
                "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.home / "enabled_plugins"),
                "RABBITMQ_CONF_ENV_FILE": str(self.home / "rabbitmq-env.conf"),
                "RABBITMQ_PID_FILE": str(self.beam_pidfile.path),
            }
        )
        return env

    def _write_config(self) -> None:
        for folder in ("mnesia", "log"):
            (self.home / folder).mkdir(parents=True, exist_ok=True)
        (self.home / "rabbitmq.conf").write_text(
            f"listeners.tcp.default = 127.0.0.1:{self.amqp_port}\n"
            "management.tcp.ip = 127.0.0.1\n"
            f"management.tcp.port = {self.admin_port}\n"
            "loopback_users.guest = true\n"
        )
        (self.home / "enabled_plugins").write_text("[rabbitmq_management].\n")
        (self.home / "rabbitmq-env.conf").write_text("")

    def _start_epmd(self) -> None:
        # epmd is shared by every Erlang node on the host; start it only if absent,
        # and remember that we did so `down` stops it again.
        if subprocess.run(["epmd", "-names"], capture_output=True).returncode == 0:
            return
        pid = launch(
            ["epmd", "-address", "127.0.0.1"],
            log_path=self.home / "epmd.log",
            cwd=self.home,
        )
        self.epmd_pidfile.write(pid)

    def _stop_epmd(self) -> None:
        pid = self.epmd_pidfile.running_pid()
        if pid is not None:
            names = subprocess.run(["epmd", "-names"], capture_output=True, text=True)
            if "name " not in names.stdout:
                stop_group(pid, timeout=5)
        if pid is None or not pid_alive(pid):
            self.epmd_pidfile.clear()

    def _ctl(self, *args: str, timeout: float) -> None:
        subprocess.run(
            [str(RABBIT_BIN / "rabbitmqctl"), "-n", self.nodename, *args],
            env=self._environment(),
            capture_output=True,
            timeout=timeout,
            check=False,
        )

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.pidfile.running_pid() is None:
                raise DevstackError(
                    f"RabbitMQ exited during start-up; see {self.log_path} and "
                    f"{self.home / 'log'}"
                )
            if self.healthy():
                return
            time.sleep(0.5)
        raise DevstackError(
            f"RabbitMQ not healthy after {START_TIMEOUT:.0f}s; see {self.log_path}"
        )


def rabbitmq_installed() -> bool:
    return (
        shutil.which("epmd") is not None and (RABBIT_BIN / "rabbitmq-server").exists()
    )
