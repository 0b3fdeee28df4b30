#!/usr/bin/env bash
# Regenerates the shipped captures in captures/ deterministically (fixed seeds and clocks).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/debug/mqtt-dumper}
python3 scripts/make_document_capture.py
sim() { "$BIN" simulate print-job --seed 1 --start 2025-11-25T10:00:00Z --duration 20m --force --quiet "$@"; }
sim --outcome done --output captures/print-done.jsonl.gz
sim --outcome cancelled --output captures/print-cancelled.jsonl.gz
sim --outcome paused-resumed --output captures/print-paused-resumed.jsonl.gz
sim --plugin 2017 --file NodeMCU_Case.gcode --tool-temp 210 --bed-temp 50 --output captures/print-2017.jsonl.gz
for f in captures/*.jsonl.gz; do echo "$f: $("$BIN" info "$f" | grep -m1 "^  messages" | sed "s/^ *messages *//")"; done
