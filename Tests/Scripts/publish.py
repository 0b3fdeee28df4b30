#!/usr/bin/env python3
"""Publishes numbered messages (payload "1", "2", … "COUNT") with paho-mqtt, an independent client.

Paced on an absolute schedule (--rate per second, 0 = as fast as possible). Keeps going through broker
restarts: paho reconnects by itself, and with --persistent (clean_session False, MQTT 3.1.1) the broker
keeps the session, so QoS 1/2 messages not yet acknowledged are sent again.

At the end (every QoS 1/2 message acknowledged, or --wait seconds after the last one was handed over)
it writes:
  --log FILE     one line per number: "<n> <unix time when handed to paho>"
  --acked FILE   the numbers the broker acknowledged (PUBACK/PUBCOMP; for QoS 0: written to the socket)
and prints a JSON summary on stdout. Exit 0 unless it could not connect at all.
"""
import argparse
import json
import struct
import sys
import threading
import time

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties


class Client(mqtt.Client):
    """paho ignores the reason code of a PUBREC (and sends PUBREL, so the PUBCOMP looks like success):
    note refusals there (mosquitto 2.0.11 refuses with 0x97 quota exceeded around restarts)."""

    pubrec_refusals = {}

    def _handle_pubrec(self):
        packet = self._in_packet["packet"]
        if self._protocol == mqtt.MQTTv5 and len(packet) > 2 and packet[2] >= 0x80:
            (mid,) = struct.unpack("!H", packet[:2])
            self.pubrec_refusals[mid] = f"PUBREC reason 0x{packet[2]:02x}"
        return super()._handle_pubrec()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--topic", default="stress/n")
    ap.add_argument("--qos", type=int, default=1)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--rate", type=float, default=0.0, help="messages per second; 0 = as fast as possible")
    ap.add_argument("--client-id", default="")
    ap.add_argument("--protocol", choices=["5", "311"], default="5")
    ap.add_argument("--persistent", action="store_true", help="keep the session across reconnects")
    ap.add_argument("--inflight", type=int, default=20, help="more than the broker's max_inflight_messages (20) lets mosquitto 2.0.11 lose QoS 2 messages it acknowledged")
    ap.add_argument("--wait", type=float, default=10.0, help="seconds to wait for the last acknowledgements")
    ap.add_argument("--log")
    ap.add_argument("--acked")
    ap.add_argument("--ready", help="created once connected, just before the first message")
    args = ap.parse_args()

    connected = threading.Event()
    state = {"connects": 0, "disconnects": 0}

    def on_connect(client, userdata, flags, reason_code, properties):
        if not reason_code.is_failure:
            state["connects"] += 1
            connected.set()

    def on_disconnect(client, userdata, flags, reason_code, properties):
        state["disconnects"] += 1

    # MQTT v5 acknowledgements carry a reason code; a failure (quota exceeded, not authorized, …) means
    # the broker did not take the message, although the handshake completed. MQTT 3.1.1 cannot tell.
    refused = {}

    def on_publish(client, userdata, mid, reason_code, properties):
        if reason_code.is_failure:
            refused[mid] = str(reason_code)
        elif mid in Client.pubrec_refusals:
            refused[mid] = Client.pubrec_refusals.pop(mid)

    v5 = args.protocol == "5"
    client = Client(
        mqtt.CallbackAPIVersion.VERSION2,
        client_id=args.client_id,
        clean_session=None if v5 else not args.persistent,
        protocol=mqtt.MQTTv5 if v5 else mqtt.MQTTv311,
    )
    client.on_connect = on_connect
    client.on_disconnect = on_disconnect
    client.on_publish = on_publish
    client.max_inflight_messages_set(args.inflight)
    client.max_queued_messages_set(0)
    client.reconnect_delay_set(min_delay=0.05, max_delay=0.5)
    if v5:
        properties = None
        if args.persistent:
            properties = Properties(PacketTypes.CONNECT)
            properties.SessionExpiryInterval = 3600
        client.connect(args.host, args.port, keepalive=30, clean_start=not args.persistent, properties=properties)
    else:
        client.connect(args.host, args.port, keepalive=30)
    client.loop_start()
    if not connected.wait(10):
        print(json.dumps({"error": "not connected"}))
        client.loop_stop()
        return 2

    def acknowledged(info):
        # is_published() raises for messages handed over while disconnected (rc NO_CONN), although paho
        # keeps QoS 1/2 ones and sends them after reconnecting; the flag is what tells.
        return bool(getattr(info, "_published", False))

    if args.ready:
        open(args.ready, "w").close()
    sent = []  # (n, time handed over, MQTTMessageInfo)
    start = time.time()
    for n in range(1, args.count + 1):
        if args.rate > 0:
            due = start + (n - 1) / args.rate
            delay = due - time.time()
            if delay > 0:
                time.sleep(delay)
        t = time.time()
        info = client.publish(args.topic, str(n), qos=args.qos)
        sent.append((n, t, info))
    published_at = time.time()

    deadline = published_at + args.wait
    while time.time() < deadline and not all(acknowledged(i) for _, _, i in sent):
        time.sleep(0.02)
    acked = [n for n, _, i in sent if acknowledged(i) and i.mid not in refused]

    if args.log:
        with open(args.log, "w") as f:
            f.writelines(f"{n} {t:.6f}\n" for n, t, _ in sent)
    if args.acked:
        with open(args.acked, "w") as f:
            f.writelines(f"{n}\n" for n in acked)
    client.disconnect()
    client.loop_stop()
    print(json.dumps({
        "published": len(sent), "acked": len(acked), "refused": len(refused),
        "refusals": sorted(set(refused.values())), "unacked": len(sent) - len(acked) - len(refused),
        "connects": state["connects"], "disconnects": state["disconnects"],
        "publish_seconds": round(published_at - start, 3), "total_seconds": round(time.time() - start, 3),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
