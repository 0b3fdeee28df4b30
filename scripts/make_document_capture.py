#!/usr/bin/env python3
"""Writes captures/octoprint-2017-document.jsonl.gz: the samples of the 2017 "OctoPrint MQTT Events"
document as the OctoPrint MQTT plugin (0.5, Python's json.dumps) sent them, in an order a real print
produces: connect (Operational), print start, temperatures, progress, layer change, timelapse frame,
print done, back to Operational, movie rendering.

Paths are the full paths the plugin sent; the document shows them shortened (`samples --redact-paths`).
"""
import gzip, json, os

BASE = "octoprint/"
UPLOADS = "/home/pi/.octoprint/uploads/"
TIMELAPSE = "/home/pi/.octoprint/timelapse/"
start = 1504051080.0  # 2017-08-29 18:58:00 -0600

# (seconds after start, topic below the base, payload dict in the document's key order, qos, retain)
messages = [
    (0.0, "event/PrinterStateChanged", {"state_string": "Operational", "_event": "PrinterStateChanged", "state_id": "OPERATIONAL"}, 0, False),
    (12.4, "event/PrintStarted", {"origin": "local", "_event": "PrintStarted", "name": "NodeMCU_Case_-_35_gap.gcode",
                                   "file": UPLOADS + "NodeMCU_Case_-_35_gap.gcode", "path": "NodeMCU_Case_-_35_gap.gcode",
                                   "filename": "NodeMCU_Case_-_35_gap.gcode", "size": 2858607}, 0, False),
    (12.5, "event/PrinterStateChanged", {"state_string": "Printing", "_event": "PrinterStateChanged", "state_id": "PRINTING"}, 0, False),
    (14.0, "temperature/tool0", {"actual": 211.88, "target": 210.0}, 0, True),
    (14.0, "temperature/bed", {"actual": 50.0, "target": 50.0}, 0, True),
    (2990.3, "progress/printing", {"progress": 57, "location": "local", "path": "NodeMCU_Case.gcode"}, 0, True),
    (3001.7, "event/ZChange", {"new": 9.0, "_event": "ZChange", "old": 8.8}, 0, False),
    (3001.8, "event/CaptureStart", {"_event": "CaptureStart", "file": TIMELAPSE + "tmp/NodeMCU_Case_20170829185831-767.jpg"}, 0, False),
    (3002.3, "event/CaptureDone", {"_event": "CaptureDone", "file": TIMELAPSE + "tmp/NodeMCU_Case_20170829185831-767.jpg"}, 0, False),
    (5264.6, "event/PrintDone", {"origin": "local", "_event": "PrintDone", "name": "NodeMCU_Case.gcode",
                                  "file": UPLOADS + "NodeMCU_Case.gcode", "time": 5252.172917127609,
                                  "path": "NodeMCU_Case.gcode", "filename": "NodeMCU_Case.gcode", "size": 2823042}, 0, False),
    (5264.7, "event/PrinterStateChanged", {"state_string": "Operational", "_event": "PrinterStateChanged", "state_id": "OPERATIONAL"}, 0, False),
    (5265.0, "event/MovieRendering", {"movie": TIMELAPSE + "NodeMCU_Case_20170829185831.mpg", "_event": "MovieRendering",
                                       "movie_prefix": "NodeMCU_Case_20170829185831", "gcode": "NodeMCU_Case.gcode",
                                       "movie_basename": "NodeMCU_Case_20170829185831.mpg"}, 0, False),
    (5311.9, "event/MovieDone", {"movie": TIMELAPSE + "NodeMCU_Case_20170829185831.mpg", "_event": "MovieDone",
                                  "movie_prefix": "NodeMCU_Case_20170829185831", "gcode": "NodeMCU_Case.gcode",
                                  "movie_basename": "NodeMCU_Case_20170829185831.mpg"}, 0, False),
]

out = os.path.join(os.path.dirname(__file__), "..", "captures", "octoprint-2017-document.jsonl.gz")
header = {"mqtt_dumper_capture": 1, "created": "2017-08-30T00:58:00.000000Z", "tool": "scripts/make_document_capture.py",
          "broker": "octopi.local:1883", "protocol": "mqttv311", "subscriptions": [{"filter": "octoprint/#", "qos": 2}]}
lines = [json.dumps(header, separators=(",", ":"))]
for offset, topic, payload, qos, retain in messages:
    record = {"ts": 0, "topic": BASE + topic, "qos": qos, "retain": retain, "payload": json.dumps(payload)}
    line = json.dumps(record, separators=(",", ":"))
    lines.append(line.replace('"ts":0', '"ts":%.6f' % (start + offset), 1))
with open(out, "wb") as f:
    with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0) as gz:
        gz.write(("\n".join(lines) + "\n").encode())
print("wrote", os.path.normpath(out))
