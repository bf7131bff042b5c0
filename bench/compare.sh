#!/usr/bin/env bash
# Runs the same benchmark scenarios against two Parse-compatible servers and prints them side
# by side with the throughput ratio (first / second). The load generator is pinned to CPU
# ${BENCH_CPU:-0}; start both servers pinned to another core (see bench/README.md).
#   usage: bench/compare.sh URL_A URL_B [more `python -m bench` options]
#   e.g.   bench/compare.sh http://127.0.0.1:1337/1 http://localhost:1338/1 \
#            --label ours --compare-label parse-server --rest-key rest --json compare.json
set -euo pipefail
if [ $# -lt 2 ]; then
  sed -n "2,7p" "$0" >&2
  exit 2
fi
cd "$(dirname "$0")/.."
a=$1 b=$2
shift 2
py=${PYTHON:-.venv/bin/python}
[ -x "$py" ] || py=python3
exec "$py" -m bench --cpu "${BENCH_CPU:-0}" --url "$a" --compare "$b" "$@"
