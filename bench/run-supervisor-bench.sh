#!/usr/bin/env bash
# Supervisor benchmark: our daemon against the floor (bare spawns) and Debian's supervisord, same workload, one run.
# Prints one JSON line; docs/performance.md ("Supervisor") records the figures and the targets.
#   bench/run-supervisor-bench.sh [--services N] [--rounds R] [--no-supervisord]
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v supervisord >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    apt-get install -y -q supervisor >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q supervisor >/dev/null; }
    # the package's own service is not wanted: the benchmark starts its own supervisord
    service supervisor stop >/dev/null 2>&1 || true
  else
    echo "supervisord not installed and no apt-get: the supervisord figures will be missing" >&2
  fi
fi
if ! command -v perl >/dev/null 2>&1; then
  echo "perl is needed for the readiness benchmark's TCP listeners" >&2
  exit 2
fi
if [ ! -f bench/target/bench.jar ] || [ -n "$(find engine/src bench/src -newer bench/target/bench.jar \( -name '*.java' -o -name '*.c' -o -name '*.pl' \) | head -n 1)" ]; then
  ./mvnw -B -q -pl bench -am package -DskipTests
fi
args=("$@")
if [ ${#args[@]} -eq 0 ]; then
  args=(--services 100)
fi
exec java -jar bench/target/bench.jar supervisor "${args[@]}"
