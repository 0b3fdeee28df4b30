#!/usr/bin/env bash
# Simulation benchmark: 1,000 and 10,000 printers publishing in real time to a private mosquitto for
# SIM_SECONDS (default 60) each, counted by a separate mosquitto_sub. Writes its table into BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/release/mqtt-dumper}
exec python3 benchmarks/simulate_bench.py "$BIN" "${SIM_SECONDS:-60}"
