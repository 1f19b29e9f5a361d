#!/usr/bin/env bash
# Runs the test suite against a real devstack. Starts the devstack if it is not
# running and stops it again afterwards; a devstack that was already up is left up.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

started=0
if ! $BIN/ogc-hysds devstack status >/dev/null 2>&1; then
  $BIN/ogc-hysds devstack up || exit 1
  started=1
fi

$BIN/pytest "$@"
status=$?
# pytest exits 5 when it collected nothing: a run that tested nothing is a failure.
[ "$status" -eq 5 ] && { echo "no tests were collected"; status=1; }

if [ "$started" -eq 1 ]; then
  $BIN/ogc-hysds devstack down
fi
exit "$status"
