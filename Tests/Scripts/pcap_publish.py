#!/usr/bin/env python3
"""Publishes a known set of messages for the packet-capture tests, with paho-mqtt (an independent client):
QoS 0/1/2, retained, binary and large payloads, every MQTT 5 PUBLISH property, topic aliases, and one MQTT
3.1.1 client. A v5 subscriber on `<prefix>/#` receives them. Prints JSON on stdout:
  {"sent": [...], "received": [...]}  each {"topic", "payload" (hex), "qos", "retain", "properties"}
in the order sent / received; "sent" names the topic a topic alias stood for.
"""
import argparse
import json
import sys
import threading
import time

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties


def props_dict(props):
    out = {}
    if props is None:
        return out
    for name, key in [("ContentType", "contentType"), ("PayloadFormatIndicator", "payloadFormatIndicator"),
                      ("MessageExpiryInterval", "messageExpiryInterval"), ("ResponseTopic", "responseTopic")]:
        if hasattr(props, name):
            out[key] = getattr(props, name)
    if hasattr(props, "CorrelationData"):
        out["correlationData"] = bytes(props.CorrelationData).hex()
    if hasattr(props, "UserProperty"):
        out["userProperties"] = [[k, v] for k, v in props.UserProperty]
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--prefix", default="pcap")
    args = ap.parse_args()
    p = args.prefix

    received = []
    done = threading.Event()
    subscribed = threading.Event()

    def on_message(client, userdata, msg):
        received.append({"topic": msg.topic, "payload": msg.payload.hex(), "qos": msg.qos, "retain": bool(msg.retain),
                         "properties": props_dict(getattr(msg, "properties", None))})

    sub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="pcap-sub", protocol=mqtt.MQTTv5)
    sub.on_message = on_message
    sub.on_subscribe = lambda *a: subscribed.set()
    sub.connect("127.0.0.1", args.port)
    sub.loop_start()
    sub.subscribe(p + "/#", qos=2)
    if not subscribed.wait(10):
        print("subscriber did not get its SUBACK", file=sys.stderr)
        return 1

    pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="pcap-pub", protocol=mqtt.MQTTv5)
    pub.connect("127.0.0.1", args.port)
    pub.loop_start()
    sent = []

    def publish(client, topic, payload, qos=0, retain=False, props=None, record_topic=None, **extra):
        info = client.publish(topic, payload, qos=qos, retain=retain, properties=props)
        info.wait_for_publish(10)
        sent.append({"topic": record_topic or topic, "payload": payload.hex(), "qos": qos, "retain": retain,
                     "properties": {k: v for k, v in props_dict(props).items()}})

    def properties(**values):
        props = Properties(PacketTypes.PUBLISH)
        for k, v in values.items():
            setattr(props, k, v)
        return props

    publish(pub, p + "/q0", b"zero")
    publish(pub, p + "/q1", b"one", qos=1,
            props=properties(ContentType="text/plain", UserProperty=[("k", "v1"), ("k", "v2"), ("other", "x")]))
    publish(pub, p + "/q2/binary", bytes(range(256)), qos=2)
    publish(pub, p + "/retained", b"kept", qos=1, retain=True)
    publish(pub, p + "/props", b'{"a":1}', qos=1,
            props=properties(PayloadFormatIndicator=1, MessageExpiryInterval=3600, ResponseTopic=p + "/reply",
                             CorrelationData=b"\x00\x01corr", ContentType="application/json"))
    alias = p + "/alias/a/rather/long/topic/name"
    publish(pub, alias, b"alias set", qos=1, props=properties(TopicAlias=1))
    publish(pub, "", b"alias used", qos=1, props=properties(TopicAlias=1), record_topic=alias)
    publish(pub, "", b"alias used again", qos=0, props=properties(TopicAlias=1), record_topic=alias)
    publish(pub, p + "/large", bytes(i % 251 for i in range(100_000)), qos=1)
    pub.disconnect()
    pub.loop_stop()

    old = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="pcap-311", protocol=mqtt.MQTTv311)
    old.connect("127.0.0.1", args.port)
    old.loop_start()
    publish(old, p + "/v311", b"old", qos=2)
    publish(old, p + "/retained", b"", qos=1, retain=True)  # clears the retained message
    old.disconnect()
    old.loop_stop()

    deadline = time.time() + 10
    while len(received) < len(sent) and time.time() < deadline:
        time.sleep(0.02)
    sub.disconnect()
    sub.loop_stop()
    json.dump({"sent": sent, "received": received}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
