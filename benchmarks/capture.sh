#!/usr/bin/env bash
# Capture benchmark: 200,000 JSON messages of ~110 bytes published as fast as mosquitto_pub -l can to a
# private mosquitto with its default queue limits; in the same run `mqtt-dumper capture` and
# `mosquitto_sub -v -t '#' | gzip` each record them. Writes the table into BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/release/mqtt-dumper}
exec python3 benchmarks/capture_bench.py "$BIN" "${MESSAGES:-200000}"
