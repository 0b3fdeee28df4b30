#!/usr/bin/env bash
# The demo, on a private mosquitto this script starts on a free loopback port and stops again:
# `mqtt-dumper capture` records while `mqtt-dumper simulate print-job` plays a 20-minute OctoPrint print
# at 120× speed; then `info`, `print` and `samples` show what was recorded, and `report` writes it as HTML.
set -euo pipefail
BIN=${1:-.build/release/mqtt-dumper}
OUT_DIR=demo-output
CAPTURE=$OUT_DIR/print.jsonl.gz
WORK=$(mktemp -d)
BROKER_PID=""
CAPTURE_PID=""
cleanup() {
  [ -n "$CAPTURE_PID" ] && kill "$CAPTURE_PID" 2>/dev/null || true
  [ -n "$BROKER_PID" ] && kill "$BROKER_PID" 2>/dev/null && wait "$BROKER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$WORK/mosquitto.conf" <<CONF
listener $PORT 127.0.0.1
allow_anonymous true
max_queued_messages 0
CONF
mosquitto -c "$WORK/mosquitto.conf" >"$WORK/broker.log" 2>&1 &
BROKER_PID=$!
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.05; done
echo "== private broker: mosquitto on 127.0.0.1:$PORT (pid $BROKER_PID)"

mkdir -p "$OUT_DIR"
echo "== $BIN capture -h 127.0.0.1 -p $PORT -t 'octoPrint/#' -o $CAPTURE --force"
"$BIN" capture -h 127.0.0.1 -p "$PORT" -t 'octoPrint/#' -o "$CAPTURE" --force --quiet &
CAPTURE_PID=$!
for _ in $(seq 200); do
  { zcat "$CAPTURE" 2>/dev/null || true; } | grep -q '"event":"connected"' && break
  sleep 0.05
done
sleep 0.3

echo "== $BIN simulate print-job -h 127.0.0.1 -p $PORT --duration 20m --speed 120   (a 20-minute print in ~12 s)"
"$BIN" simulate print-job -h 127.0.0.1 -p "$PORT" --duration 20m --speed 120 --layers 25
sleep 0.5
kill -INT "$CAPTURE_PID"
wait "$CAPTURE_PID" || true
CAPTURE_PID=""

echo
echo "== $BIN info $CAPTURE"
"$BIN" info "$CAPTURE" --topics 8
echo
echo "== $BIN print $CAPTURE -t 'octoPrint/event/+' --compact --limit 12"
"$BIN" print "$CAPTURE" -t 'octoPrint/event/+' --compact --limit 12 | cut -c1-150
echo
echo "== $BIN samples $CAPTURE --variants 2   (the document of every topic it recorded; first 60 lines)"
"$BIN" samples "$CAPTURE" --variants 2 --title "What the simulated printer published" | head -60
echo
REPORT=$OUT_DIR/report.html
echo "== $BIN report $CAPTURE -o $REPORT --force   (summary, topic tree, timeline, charts, samples: one HTML file)"
"$BIN" report "$CAPTURE" -o "$REPORT" --force
echo "The report is in $REPORT: open file://$(cd "$OUT_DIR" && pwd)/report.html in a browser (it works offline)."
