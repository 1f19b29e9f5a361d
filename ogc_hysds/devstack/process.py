# SPDX-License-Identifier: Apache-2.0
"""Background processes the devstack starts, tracked by recorded pid.

`devstack down` must stop exactly what `devstack up` started and nothing else, so
every service is launched in its own session (process group) and its group id is
written to a pid file. Stopping signals that group only.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

log = logging.getLogger(__name__)


class DevstackError(Exception):
    """A devstack service could not start or stop; says why and where to look."""


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    # A dead child not yet reaped still answers kill(0); its state says the truth.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] == "Z"


class PidFile:
    """A pid recorded on disk by the devstack for one of its services."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> int | None:
        try:
            return int(self.path.read_text().strip())
        except (OSError, ValueError):
            return None

    def write(self, pid: int) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(f"{pid}\n")

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)

    def running_pid(self) -> int | None:
        """The recorded pid if that process is still alive, else None."""
        pid = self.read()
        return pid if pid is not None and pid_alive(pid) else None


def launch(
    command: Sequence[str],
    *,
    log_path: Path,
    cwd: Path,
    env: Mapping[str, str] | None = None,
) -> int:
    """Start a command detached in a new session; return its pid (= group id)."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as output:
        child = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return child.pid


def stop_group(pid: int, *, timeout: float = 30.0) -> None:
    """SIGTERM the process group led by `pid`, then SIGKILL it after `timeout`."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        if wait_gone(pid, timeout):
            return
        log.warning("process group %s ignored %s", pid, sig.name)


def wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _reap(pid)
        if not pid_alive(pid):
            return True
        time.sleep(0.2)
    return False


def _reap(pid: int) -> None:
    # When the launching process is still our parent, collect the exit status.
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
