#!/usr/bin/env bash
# Formatter benchmark: the same 200,000 JSON lines pretty-printed by `jq .` and by `mqtt-dumper json`
# (and a capture of them by `mqtt-dumper print`), in the same run. Writes its table into BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/release/mqtt-dumper}
exec python3 benchmarks/format_bench.py "$BIN" "${MESSAGES:-200000}"
