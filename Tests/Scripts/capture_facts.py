#!/usr/bin/env python3
"""Counts what capture files hold, independently of mqtt-dumper's own reader.

Each FILE is decompressed with `zcat` (a file whose recorder was killed has no gzip trailer: zcat prints
what it could and complains; that is tolerated and reported). Complete lines (ending in a newline) are
parsed as JSON; a last line without its newline is reported as `partial`, not parsed.

Messages are expected to carry numbered payloads ("1", "2", …). Prints one JSON object:
  messages, events {kind: count}, headers, bad_lines, partial, zcat_failed, last_message_ts,
  numbers: distinct, min, max, duplicates (count of extra copies) and duplicate_examples,
           missing (from 1..--expect, or 1..max) and missing_examples, foreign (non-numeric payloads),
  acked_missing / acked_missing_examples: numbers in --acked FILE that are not in the capture,
  ts_backwards / ts_backwards_examples: records whose ts is below the previous record's (per file).
"""
import argparse
import collections
import json
import subprocess
import sys


def examples(values, limit=10):
    return sorted(values)[:limit]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+")
    ap.add_argument("--expect", type=int, help="the numbers should be exactly 1..EXPECT")
    ap.add_argument("--acked", help="a file of numbers (one a line) that must all be in the capture")
    args = ap.parse_args()

    counts = collections.Counter()
    events = collections.Counter()
    topics = collections.Counter()
    facts = {"messages": 0, "headers": 0, "bad_lines": 0, "partial": 0, "zcat_failed": 0, "zcat_errors": [],
             "ts_backwards": 0, "ts_backwards_examples": [], "foreign": 0, "lines": 0, "last_message_ts": 0.0}
    for path in args.files:
        proc = subprocess.run(["zcat", path], capture_output=True)
        if proc.returncode != 0:
            facts["zcat_failed"] += 1
            facts["zcat_errors"].append(proc.stderr.decode(errors="replace").strip())
        data = proc.stdout
        lines = data.split(b"\n")
        if lines and lines[-1] != b"":
            facts["partial"] += 1
        previous_ts = None
        previous_raw = b""
        for number, raw in enumerate(lines[:-1], start=1):
            facts["lines"] += 1
            try:
                record = json.loads(raw)
            except ValueError:
                facts["bad_lines"] += 1
                continue
            if "mqtt_dumper_capture" in record:
                facts["headers"] += 1
                continue
            ts = record.get("ts")
            if isinstance(ts, (int, float)):
                if previous_ts is not None and ts < previous_ts:
                    facts["ts_backwards"] += 1
                    if len(facts["ts_backwards_examples"]) < 5:
                        facts["ts_backwards_examples"].append(
                            f"{path}:{number}: {raw[:100].decode(errors='replace')} after "
                            f"{previous_raw[:100].decode(errors='replace')}")
                previous_ts = ts
                previous_raw = raw
            if "event" in record:
                events[record["event"]] += 1
            elif "topic" in record:
                facts["messages"] += 1
                topics[record["topic"]] += 1
                if isinstance(ts, (int, float)):
                    facts["last_message_ts"] = max(facts["last_message_ts"], ts)
                payload = record.get("payload")
                if isinstance(payload, str) and payload.isdigit():
                    counts[int(payload)] += 1
                else:
                    facts["foreign"] += 1
            else:
                facts["bad_lines"] += 1

    highest = max(counts) if counts else 0
    expected = range(1, (args.expect if args.expect is not None else highest) + 1)
    missing = [n for n in expected if n not in counts]
    duplicates = {n: c for n, c in counts.items() if c > 1}
    outside = [n for n in counts if n not in expected]
    facts["events"] = dict(events)
    facts["topics"] = dict(topics)
    facts["numbers"] = {
        "distinct": len(counts), "min": min(counts) if counts else 0, "max": highest,
        "duplicates": sum(c - 1 for c in duplicates.values()), "duplicate_examples": examples(duplicates),
        "missing": len(missing), "missing_examples": missing[:10],
        "outside": len(outside), "outside_examples": examples(outside),
    }
    if args.acked:
        with open(args.acked) as f:
            acked = [int(line) for line in f if line.strip()]
        lost = [n for n in acked if n not in counts]
        facts["acked"] = len(acked)
        facts["acked_missing"] = len(lost)
        facts["acked_missing_examples"] = lost[:10]
    json.dump(facts, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
