#!/usr/bin/env python3
"""An MQTT 5 publisher (paho-mqtt) whose connection begins before the packet capture does, for the
packet-capture tests: connects, sets topic alias 1 with a first message, creates --ready, waits for --go,
then publishes through the alias (its topic is only in the packet before the capture) and two messages
with topics. Prints nothing; exit 0 when every message was acknowledged.
"""
import argparse
import os
import sys
import time

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--ready", required=True)
    ap.add_argument("--go", required=True)
    args = ap.parse_args()

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="pcap-mid", protocol=mqtt.MQTTv5)
    client.connect("127.0.0.1", args.port)
    client.loop_start()

    def publish(topic, payload, qos, **values):
        props = Properties(PacketTypes.PUBLISH)
        for k, v in values.items():
            setattr(props, k, v)
        client.publish(topic, payload, qos=qos, properties=props).wait_for_publish(10)

    publish("mid/alias/topic", b"before", 1, TopicAlias=1)
    open(args.ready, "w").close()
    deadline = time.time() + 20
    while not os.path.exists(args.go):
        if time.time() > deadline:
            return 1
        time.sleep(0.02)
    publish("", b"through the alias", 1, TopicAlias=1)
    publish("mid/after/1", b"one", 1, UserProperty=[("k", "v")])
    publish("mid/after/2", b"two", 0)
    client.disconnect()
    client.loop_stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
