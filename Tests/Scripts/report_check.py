#!/usr/bin/env python3
"""Checks an HTML report of mqtt-dumper against its capture, independently of mqtt-dumper's own code.

  report_check.py points REPORT.html CAPTURE.jsonl.gz TOPIC FIELD SERIES-LABEL
      The chart line whose data-series is SERIES-LABEL must draw TOPIC's FIELD as the capture holds it
      (read here with gzip and json): every vertex of the polyline, turned back into a time and a value
      with the scales the <svg> carries (data-t0/t1, data-v0/v1, data-plot), is a message of the capture;
      and every message lies within its pixel column's drawn range (the column keeps min and max, so the
      largest and smallest values, spikes, are drawn). Prints "ok N vertices M messages".
  report_check.py png FILE.png
      The PNG is a real screenshot, not blank: decodes it (zlib) and counts distinct pixel colours.
  report_check.py static REPORT.html
      The file is self-contained: no script, no external URL, no <link>, no @import, no url(...).
  report_check.py summary REPORT.html CAPTURE.jsonl.gz [OTHER.html]
      The report has one summary table, of CAPTURE: its messages (and topics), sessions and time span are
      those counted here with gzip and json, it says the file is complete; with OTHER.html, whose single
      table must have the very same rows (the same file read another way). Prints "ok HEADING".
"""
import bisect
import gzip
import json
import re
import struct
import sys
import time
import zlib


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def capture_points(path, topic, field):
    points = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if record.get("topic") != topic or "payload" not in record:
                continue
            try:
                payload = json.loads(record["payload"])
            except ValueError:
                continue
            value = payload
            for part in field.split(".") if field else []:
                value = value.get(part) if isinstance(value, dict) else None
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                points.append((float(record["ts"]), float(value)))
    return points


def chart_line(html, label):
    for svg in re.findall(r"<svg [^>]*>.*?</svg>", html, re.S):
        head = re.match(r"<svg ([^>]*)>", svg).group(1)
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', head))
        for m in re.finditer(r"<polyline ([^>]*)/>", svg):
            line = dict(re.findall(r'([\w-]+)="([^"]*)"', m.group(1)))
            if line.get("data-series") == label:
                vertices = [tuple(map(float, p.split(","))) for p in line["points"].split()]
                return attrs, vertices
    fail(f"no chart line {label!r}")


def points(html_path, capture, topic, field, label):
    html = open(html_path, encoding="utf-8").read()
    attrs, vertices = chart_line(html, label)
    t0, t1 = float(attrs["data-t0"]), float(attrs["data-t1"])
    v0, v1 = float(attrs["data-v0"]), float(attrs["data-v1"])
    left, top, width, height = map(float, attrs["data-plot"].split())
    messages = capture_points(capture, topic, field)
    if len(messages) < 2:
        fail("the capture has fewer than 2 values")
    x_of = lambda t: left + (t - t0) / (t1 - t0) * width
    y_of = lambda v: top + height - (v - v0) / (v1 - v0) * height
    drawn = [(x_of(t), y_of(v)) for t, v in messages]
    # Every vertex is a message (coordinates are rounded to 0.1 px).
    by_x = sorted(drawn)
    keys = [x for x, _ in by_x]
    for vx, vy in vertices:
        lo, hi = bisect.bisect_left(keys, vx - 0.06), bisect.bisect_right(keys, vx + 0.06)
        if not any(abs(vy - y) <= 0.06 for _, y in by_x[lo:hi]):
            fail(f"vertex {vx},{vy} is no message of {topic} {field}")
    # Every message lies within the range drawn in its pixel column (columns are at most 1 px wide).
    xs = sorted(vertices)
    vkeys = [x for x, _ in xs]
    for (x, y), (t, v) in zip(drawn, messages):
        lo, hi = bisect.bisect_left(vkeys, x - 1.05), bisect.bisect_right(vkeys, x + 1.05)
        near = [vy for _, vy in xs[lo:hi]]
        if not near or not (min(near) - 0.06 <= y <= max(near) + 0.06):
            fail(f"message {t} {v} (x {x:.1f}, y {y:.1f}) lies outside what is drawn around it: {near}")
    top_value = max(v for _, v in messages)
    low_value = min(v for _, v in messages)
    for value in (top_value, low_value):
        if not any(abs(vy - y_of(value)) <= 0.06 for _, vy in vertices):
            fail(f"the extreme value {value} is not drawn")
    print(f"ok {len(vertices)} vertices {len(messages)} messages")


def png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("not a PNG")
    pos, idat, width, height, bit_depth, colour = 8, b"", 0, 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, bit_depth, colour = struct.unpack(">IIBB", chunk[:10])
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    channels = {2: 3, 6: 4, 0: 1, 4: 2}[colour]
    bpp = channels * bit_depth // 8
    stride = width * bpp
    previous = bytearray(stride)
    colours = set()
    i = 0
    for _ in range(height):  # undo the PNG filters, row by row
        f, row = raw[i], bytearray(raw[i + 1 : i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = row[x - bpp] if x >= bpp else 0
            b = previous[x]
            c = previous[x - bpp] if x >= bpp else 0
            if f == 1:
                row[x] = (row[x] + a) & 255
            elif f == 2:
                row[x] = (row[x] + b) & 255
            elif f == 3:
                row[x] = (row[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                row[x] = (row[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        for x in range(0, stride, bpp * 3):
            colours.add(bytes(row[x : x + bpp]))
        previous = row
    if len(colours) < 50:
        fail(f"the screenshot looks blank: {len(colours)} colours in {width}x{height}")
    print(f"ok {width}x{height} {len(colours)} colours")


def static(path):
    html = open(path, encoding="utf-8").read()
    for pattern in [r"<script", r"<link", r"@import", r"url\(", r"(src|href)=\"(?!#)", r"https?://(?!www\.w3\.org/2000/svg)"]:
        m = re.search(pattern, html, re.I)
        if m:
            fail(f"not self-contained: {html[max(0, m.start() - 40) : m.end() + 40]!r}")
    print("ok")


def summary_tables(html):
    """[(heading, {key: value})] of the summary section, tags stripped from the values."""
    section = re.search(r'<section id="summary">(.*?)</section>', html, re.S)
    if not section:
        fail("no summary section")
    tables = []
    for heading, body in re.findall(r'<h3 class="file">(.*?)</h3>\s*<table class="summary">(.*?)</table>', section.group(1), re.S):
        rows = {k: re.sub(r"<[^>]+>", "", v) for k, v in re.findall(r"<tr><th>(.*?)</th><td>(.*?)</td></tr>", body)}
        tables.append((heading, rows))
    return tables


def summary(html_path, capture, other=None):
    tables = summary_tables(open(html_path, encoding="utf-8").read())
    if len(tables) != 1:
        fail(f"{len(tables)} summary tables, expected 1")
    heading, rows = tables[0]
    messages, topics, sessions, times = 0, set(), 0, []
    with gzip.open(capture, "rt", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if "mqtt_dumper_capture" in record:
                sessions += 1
            elif "topic" in record:
                messages += 1
                topics.add(record["topic"])
                times.append(record["ts"])
    expected = f"{messages:,} on {len(topics):,} topic" + ("" if len(topics) == 1 else "s")
    if rows.get("messages") != expected:
        fail(f"messages row {rows.get('messages')!r}, the capture has {expected!r}")
    if sessions > 1 and rows.get("sessions") != f"{sessions} (appended)" or sessions == 1 and "sessions" in rows:
        fail(f"sessions row {rows.get('sessions')!r}, the capture has {sessions}")
    first = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(int(min(times))))
    last = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(int(max(times))))
    if not rows.get("time", "").startswith(first) or f"→ {last}" not in rows.get("time", ""):
        fail(f"time row {rows.get('time')!r}, the capture spans {first} to {last}")
    if rows.get("complete") != "yes":
        fail(f"complete row {rows.get('complete')!r}")
    if other is not None:
        others = summary_tables(open(other, encoding="utf-8").read())
        if len(others) != 1 or others[0][1] != rows:
            fail(f"the other report's summary differs: {others} against {rows}")
    print(f"ok {heading}")


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "points":
        points(*sys.argv[2:7])
    elif mode == "png":
        png(sys.argv[2])
    elif mode == "static":
        static(sys.argv[2])
    elif mode == "summary":
        summary(*sys.argv[2:5])
    else:
        fail("unknown mode " + mode)
