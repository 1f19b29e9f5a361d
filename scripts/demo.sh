#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `make demo`, after the devstack is up and seeded: run the HySDS simulator in the
# background, so executed jobs go queued -> running -> successful, and serve the
# API in the foreground. The simulator stops when the server does (Ctrl-C).
# Usage: scripts/demo.sh HOST PORT   (run from the repository root)
set -euo pipefail

host=${1:-127.0.0.1}
port=${2:-5000}
bin=.venv/bin
log=.devstack/simulator.log
mkdir -p .devstack

export OGC_HYSDS_SERVER__URL="http://${host}:${port}"

"$bin/ogc-hysds" devstack simulate >"$log" 2>&1 &
simulator=$!
stop_simulator() {
    kill "$simulator" 2>/dev/null && wait "$simulator" 2>/dev/null || true
}
trap stop_simulator EXIT
echo "HySDS simulator running (pid $simulator, log $log)"

"$bin/ogc-hysds" serve --host "$host" --port "$port"
