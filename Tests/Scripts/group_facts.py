#!/usr/bin/env python3
"""What each capture of a recorder group holds, read with zcat and json only (not mqtt-dumper's reader).

For each FILE prints one JSON object per line:
  file, group, instance (from the header), numbers (the numeric payloads, in file order),
  snapshots: one list per retained_snapshot ... retained_snapshot_end block, of [topic, payload, retain, ts],
  snapshot_ts_equal: whether every block's messages carry its opening event's ts,
  retained_outside: [topic, payload] of messages with retain true outside a block,
  unterminated: a block without its end event.
A file whose recorder was killed has no gzip trailer: zcat's complaint is ignored, complete lines are read.
"""
import json
import subprocess
import sys


def facts(path):
    data = subprocess.run(["zcat", path], capture_output=True).stdout
    out = {"file": path, "group": None, "instance": None, "numbers": [], "snapshots": [],
           "snapshot_ts_equal": True, "retained_outside": [], "unterminated": False}
    block = None
    block_ts = None
    for raw in data.split(b"\n")[:-1]:
        record = json.loads(raw)
        if "mqtt_dumper_capture" in record:
            out["group"] = record.get("group")
            out["instance"] = record.get("instance")
        elif record.get("event") == "retained_snapshot":
            block, block_ts = [], record["ts"]
        elif record.get("event") == "retained_snapshot_end":
            out["snapshots"].append(block)
            block = None
        elif "topic" in record:
            payload = record.get("payload")
            if block is not None:
                block.append([record["topic"], payload, record["retain"], record["ts"]])
                if record["ts"] != block_ts:
                    out["snapshot_ts_equal"] = False
            elif isinstance(payload, str) and payload.isdigit():
                out["numbers"].append(int(payload))
            elif record["retain"]:
                out["retained_outside"].append([record["topic"], payload])
    out["unterminated"] = block is not None
    return out


for path in sys.argv[1:]:
    print(json.dumps(facts(path)))
