#!/usr/bin/env bash
# Capture benchmark: 200,000 JSON messages of ~110 bytes published to a private mosquitto with its default
# limits, at QoS 0 (mosquitto_pub -l), 1 and 2 (benchmarks/qos_publisher.py, paho-mqtt 2); in the same run
# `mqtt-dumper capture -t '#'` and `mosquitto_sub -q N -v -t '#' | gzip` each record them. With strace installed,
# it also counts system calls per message. Each QoS runs ROUNDS times (default 3: one run's CPU ratio is noisy on
# a shared machine). Writes the table into BENCHMARKS.md. Takes 5-7 minutes; ROUNDS=1 about 2.5.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/release/mqtt-dumper}
exec python3 benchmarks/capture_bench.py "$BIN" "${MESSAGES:-200000}"
