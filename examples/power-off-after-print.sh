#!/usr/bin/env bash
# A small MQTT consumer: the automation of the 2017 document — turn the printer's power off some time
# after OctoPrint reports PrintDone — with mosquitto_sub/mosquitto_pub as its MQTT client.
#
#   MQTT_HOST, MQTT_PORT       the broker (localhost:1883)
#   OCTOPRINT_BASE             the plugin's base topic (octoPrint)
#   POWER_OFF_DELAY            seconds to wait after PrintDone (240, as in the document)
#   POWER_TOPIC, POWER_PAYLOAD where to say it (home/printer/power = off)
#   POWER_TIMES                how many times to say it (1) — the tests use 2 to play a buggy consumer
set -euo pipefail
HOST=${MQTT_HOST:-localhost}
PORT=${MQTT_PORT:-1883}
BASE=${OCTOPRINT_BASE:-octoPrint}
DELAY=${POWER_OFF_DELAY:-240}
TOPIC=${POWER_TOPIC:-home/printer/power}
PAYLOAD=${POWER_PAYLOAD:-off}
TIMES=${POWER_TIMES:-1}
while true; do
  mosquitto_sub -h "$HOST" -p "$PORT" -t "$BASE/event/PrintDone" -C 1 >/dev/null
  sleep "$DELAY"
  for _ in $(seq "$TIMES"); do
    mosquitto_pub -h "$HOST" -p "$PORT" -t "$TOPIC" -m "$PAYLOAD" -q 1
  done
done
