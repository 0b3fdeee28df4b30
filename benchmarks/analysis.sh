#!/usr/bin/env bash
# Analysis benchmark: `mqtt-dumper stats` (and later `schema`, `report`) over one 1,000,000-message capture,
# against `zcat FILE | wc -l` in the same run: decompression is the floor. Writes its table into BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/release/mqtt-dumper}
exec python3 benchmarks/analysis_bench.py "$BIN" "${MESSAGES:-1000000}"
