#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `make conformance`: run the OGC CITE executable test suites for OGC API -
# Features (ets-ogcapi-features10 1.9) and Processes (ets-ogcapi-processes10 1.3)
# from the command line against the served, seeded devstack.
#
# The suites' all-in-one jars come from Maven Central. On the project's own
# machines Central does not serve them (see docs/conformance.md), so this script
# stops there with that reason; wherever they can be fetched it runs them and
# fails when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=.venv/bin
work=.cache/ets
port=${PORT:-5090}
url="http://127.0.0.1:${port}"
mkdir -p "$work"

fetch() {  # groupId:artifactId:version
  local artifact=$1 name
  name=$(echo "$artifact" | cut -d: -f2)-$(echo "$artifact" | cut -d: -f3)-aio.jar
  if [ ! -f "$work/$name" ]; then
    if ! mvn -B -q dependency:copy -Dartifact="$artifact:jar:aio" \
        -DoutputDirectory="$work" >"$work/fetch.log" 2>&1; then
      echo "cannot fetch $artifact (aio jar) from Maven Central; see $work/fetch.log" >&2
      echo "and docs/conformance.md" >&2
      exit 2
    fi
  fi
  echo "$work/$name"
}

features_jar=$(fetch org.opengis.cite:ets-ogcapi-features10:1.9)
processes_jar=$(fetch org.opengis.cite:ets-ogcapi-processes10:1.3)

"$bin/ogc-hysds" devstack up
"$bin/ogc-hysds" devstack seed --products 300
OGC_HYSDS_SERVER__URL="$url" "$bin/ogc-hysds" serve --port "$port" \
  >"$work/server.log" 2>&1 &
server=$!
"$bin/ogc-hysds" devstack simulate >"$work/simulator.log" 2>&1 &
simulator=$!
trap 'kill $server $simulator 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -sf "$url/health" >/dev/null && break
  sleep 1
done

run_suite() {  # name jar properties...
  local name=$1 jar=$2 props="$work/$1.xml"
  shift 2
  {
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo '<!DOCTYPE properties SYSTEM "http://java.sun.com/dtd/properties.dtd">'
    echo '<properties version="1.0">'
    echo "  <entry key=\"iut\">$url/</entry>"
    for entry in "$@"; do
      echo "  <entry key=\"${entry%%=*}\">${entry#*=}</entry>"
    done
    echo '</properties>'
  } >"$props"
  rm -rf "$work/out-$name"
  java -jar "$jar" -o "$work/out-$name" "$props"
  "$bin/python" - "$work/out-$name" "$name" <<'PY'
import pathlib, sys, xml.etree.ElementTree as ET
out, name = pathlib.Path(sys.argv[1]), sys.argv[2]
results = next(out.rglob("testng-results.xml"))
root = ET.parse(results).getroot()
counts = {k: int(root.get(k, 0)) for k in ("passed", "failed", "skipped", "total")}
print(f"{name}: {counts}")
sys.exit(1 if counts["failed"] else 0)
PY
}

status=0
run_suite features "$features_jar" "noofcollections=-1" || status=1
run_suite processes "$processes_jar" "echoprocessid=echo" "testallprocesses=false" \
  || status=1
exit $status
