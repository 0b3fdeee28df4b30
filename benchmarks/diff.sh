#!/usr/bin/env bash
# Comparison benchmark: `mqtt-dumper diff` on 100,000 differing topics and on a capture of two 50 MB JSON
# payloads compared with itself (time and peak RSS). Writes its table into BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/release/mqtt-dumper}
exec python3 benchmarks/diff_bench.py "$BIN" "${TOPICS:-100000}" "${PAYLOAD_MB:-50}"
