#!/usr/bin/env python3
"""The PUBLISH packets of a packet capture as tshark (Wireshark's dissector: an independent decoder) reads
them, for the packet-capture tests. Prints a JSON list, in packet order:
  {"ts": "<unix seconds>.<6 digits>", "fromBroker": bool, "topic", "qos", "retain", "payload" (hex)}
Usage: tshark_publishes.py FILE BROKER_PORT
"""
import json
import subprocess
import sys


def main() -> int:
    path, port = sys.argv[1], sys.argv[2]
    out = subprocess.run(
        ["tshark", "-r", path, "-d", f"tcp.port=={port},mqtt", "-Y", "mqtt.msgtype == 3", "-T", "json",
         "-e", "frame.time_epoch", "-e", "tcp.srcport", "-e", "mqtt.msgtype", "-e", "mqtt.topic", "-e", "mqtt.qos",
         "-e", "mqtt.retain", "-e", "mqtt.msg"],
        check=True, capture_output=True, text=True).stdout
    result = []
    for frame in json.loads(out):
        layers = frame["_source"]["layers"]
        seconds, fraction = layers["frame.time_epoch"][0].split(".")
        ts = f"{seconds}.{(fraction + '000000')[:6]}"
        from_broker = layers["tcp.srcport"][0] == port
        topics = layers.get("mqtt.topic", [])
        messages = layers.get("mqtt.msg", [])
        if len(messages) != len(topics):
            # tshark leaves out (or writes <MISSING> for) an empty payload: unambiguous with one PUBLISH a frame.
            assert len(topics) == 1 and not messages, layers
            messages = [""]
        for i, topic in enumerate(topics):
            result.append({"ts": ts, "fromBroker": from_broker, "topic": topic, "qos": int(layers["mqtt.qos"][i]),
                           "retain": layers["mqtt.retain"][i] in ("1", "True", "true"),
                           "payload": "" if messages[i] == "<MISSING>" else messages[i].replace(":", "")})
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
