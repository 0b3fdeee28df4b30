#!/usr/bin/env bash
# Merge benchmark: `mqtt-dumper merge` of three MESSAGES-message captures (default 1,000,000 each) against zcat
# of all three in the same run. Writes its table into BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/release/mqtt-dumper}
exec python3 benchmarks/merge_bench.py "$BIN" "${MESSAGES:-1000000}"
