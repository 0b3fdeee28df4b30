"""Publishes every line of a file as one message at QoS 1 or 2 and waits until the broker acknowledged them all.

    python3 qos_publisher.py HOST PORT TOPIC QOS LINES_FILE

`mosquitto_pub -l -q 1` gives up on 200,000 lines against a default mosquitto 2.0.11 (the broker drops it
"due to out of memory" after a few thousand, and mosquitto_pub still exits 0), so the capture benchmark
publishes QoS 1 and 2 with paho-mqtt instead. MQTT v5, so that the broker can refuse a message in its
acknowledgement, and at most 20 messages are in flight, the broker's default Receive Maximum: mosquitto 2.0.11
acknowledges QoS 2 messages beyond it as if accepted but never delivers them (of a window of 100, only the first
20 of every 100 reached subscribers). paho is also fastest with a small window (~14,000 messages/s at 20 or 100,
~8,000 at 1,000). Prints one line of JSON: messages, seconds from the first publish to the last acknowledgement, rate.
Exits 1 unless every message was acknowledged without an error reason code.
"""
import json, sys, threading, time

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

host, port, topic, qos, path = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
payloads = open(path, "rb").read().splitlines()
n = len(payloads)
# Messages handed to paho but not yet acknowledged, at most this many: packet ids must stay unique.
BACKLOG = 30_000
# Messages in flight: mosquitto's default Receive Maximum (paho cannot follow the CONNACK's value, so it is checked).
WINDOW = 20

state = threading.Condition()
acked = refused = disconnects = 0
connack = {}


def on_connect(client, userdata, flags, reason, props):
    with state:
        connack["reason"] = str(reason)
        connack["receive_maximum"] = getattr(props, "ReceiveMaximum", 65535)
        state.notify_all()


def on_publish(client, userdata, mid, reason, props):
    global acked, refused
    with state:
        acked += 1
        if reason.is_failure:
            refused += 1
        if acked % 1000 == 0 or acked == n:
            state.notify_all()


def on_disconnect(client, userdata, flags, reason, props):
    global disconnects
    with state:
        disconnects += 1
        state.notify_all()


client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
client.on_connect, client.on_publish, client.on_disconnect = on_connect, on_publish, on_disconnect
client.max_inflight_messages_set(WINDOW)
client.max_queued_messages_set(0)
client.connect(host, port)
client.loop_start()
with state:
    if not state.wait_for(lambda: connack, 10) or connack["reason"] != "Success":
        sys.exit(f"qos_publisher: no connection to {host}:{port} ({connack.get('reason', 'no CONNACK')})")
if connack["receive_maximum"] < WINDOW:
    sys.exit(f"qos_publisher: the broker takes only {connack['receive_maximum']} messages in flight, fewer than {WINDOW}")

start = time.time()
for i, payload in enumerate(payloads):
    if i - acked >= BACKLOG:
        with state:
            state.wait_for(lambda: i - acked < BACKLOG // 2 or disconnects, 60)
    client.publish(topic, payload, qos)
with state:
    state.wait_for(lambda: acked == n or disconnects, 300)
    seconds = time.time() - start
    result = dict(messages=n, acknowledged=acked, refused=refused, disconnects=disconnects)
client.disconnect()
client.loop_stop()
print(json.dumps(dict(**result,
                      receive_maximum=connack["receive_maximum"], seconds=round(seconds, 3), rate=round(n / seconds))))
sys.exit(0 if result["acknowledged"] == n and result["refused"] == 0 and result["disconnects"] == 0 else 1)
