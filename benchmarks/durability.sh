#!/usr/bin/env bash
# Durability benchmark, default capture options: latency from a QoS 1 PUBACK to the line being readable in the
# file (against mosquitto_sub | gzip and mosquitto_sub > file), fdatasync after a burst and a 3 s quiet spell
# (under strace), and what kill -9 loses at 2,000 messages/s. Writes its tables into BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/release/mqtt-dumper}
exec timeout 300 python3 benchmarks/durability.py "$BIN" "${SAMPLES:-50}" "${SYNC_RUNS:-3}" "${KILL_RUNS:-5}"
