#!/usr/bin/env bash
# Replay benchmark: --max-rate throughput against mosquitto_pub -l, timing error at --speed 1 over
# TIMING_SECONDS (default 600) measured by a separate mosquitto_sub. Writes its tables into BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/release/mqtt-dumper}
exec python3 benchmarks/replay_bench.py "$BIN" "${MESSAGES:-200000}" "${TIMING_SECONDS:-600}"
