#!/usr/bin/env bash
# The demo: a private mosquitto on a free loopback port, `mqtt-dumper capture` recording it while
# a few dozen messages (text, JSON, binary, retained, with MQTT v5 properties) are published,
# then `mqtt-dumper info` of the capture. Everything it starts, it stops.
set -euo pipefail
BIN=${1:-.build/release/mqtt-dumper}
OUT_DIR=demo-output
CAPTURE=$OUT_DIR/demo.jsonl.gz
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

pub() { mosquitto_pub -h 127.0.0.1 -p "$PORT" "$@"; }
# A retained message that is there before the capture starts.
pub -t octoPrint/mqtt -m connected -r -q 1

mkdir -p "$OUT_DIR"
echo "== $BIN capture -p $PORT -t 'octoPrint/#' -t 'demo/#' -o $CAPTURE --force"
"$BIN" capture -h 127.0.0.1 -p "$PORT" -t 'octoPrint/#' -t 'demo/#' -o "$CAPTURE" --force &
CAPTURE_PID=$!
for _ in $(seq 200); do
  { zcat "$CAPTURE" 2>/dev/null || true; } | grep -q '"event":"connected"' && break
  sleep 0.05
done
sleep 0.3

echo "== publishing text, JSON, binary and retained messages"
ts=$(date +%s)
pub -t octoPrint/event/PrintStarted -m "{\"name\": \"NodeMCU_Case.gcode\", \"path\": \"NodeMCU_Case.gcode\", \"origin\": \"local\", \"size\": 2823042, \"owner\": \"maker\", \"user\": \"maker\", \"_event\": \"PrintStarted\", \"_timestamp\": $ts}"
for i in $(seq 1 30); do
  t=$(awk "BEGIN { printf \"%.2f\", 21.3 + $i * 6.3 }")
  pub -t octoPrint/temperature/tool0 -m "{\"actual\": $t, \"target\": 210.0, \"_timestamp\": $ts}" -r
done
for z in 0.2 0.4 0.6; do pub -t octoPrint/event/ZChange -m "{\"new\": $z, \"old\": null, \"_event\": \"ZChange\", \"_timestamp\": $ts}" -r; done
pub -t octoPrint/progress/printing -m "{\"location\": \"local\", \"path\": \"NodeMCU_Case.gcode\", \"progress\": 57, \"_timestamp\": $ts}" -r
head -c 64 /dev/urandom > "$WORK/binary"
pub -t demo/camera/snapshot -f "$WORK/binary" -q 2
pub -t demo/plain -m "just text, not JSON" -q 1
pub -t demo/empty -n
pub -V 5 -t demo/v5 -m '{"ok": true}' -D publish content-type application/json -D publish user-property source demo
sleep 0.5

kill -INT "$CAPTURE_PID"
wait "$CAPTURE_PID" || true
CAPTURE_PID=""

echo
echo "== first records: zcat $CAPTURE | head -4"
zcat "$CAPTURE" | head -4
echo
echo "== $BIN info $CAPTURE"
"$BIN" info "$CAPTURE"

echo
echo "== $BIN print $CAPTURE -t 'demo/#'   (binary as hex, JSON pretty-printed)"
"$BIN" print "$CAPTURE" -t 'demo/#'
echo "== $BIN samples $CAPTURE   (a document of every topic; first lines)"
"$BIN" samples "$CAPTURE" --title "What the demo printer published" | head -40
