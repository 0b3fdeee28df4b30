"""Scale of `mqtt-dumper diff`: many differing topics, and two large JSON payloads compared with themselves."""
import atexit, shutil
import base64, gzip, json, os, random, subprocess, sys, tempfile, time
from bench_common import write_section, machine, watch_rss, wait_usage

BIN, TOPICS, PAYLOAD_MB = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
work = tempfile.mkdtemp(prefix="mqtt-dumper-bench-")
atexit.register(shutil.rmtree, work, True)  # the inputs are large
HEADER = json.dumps({"mqtt_dumper_capture": 1, "created": "2025-11-25T11:07:36.000000Z", "tool": "bench",
                     "broker": "localhost:1883", "protocol": "mqttv5", "subscriptions": []})


def write_capture(name, messages):
    """A gzip capture of (topic, payload) messages, text or bytes (then `payload_b64`); returns its path and its
    payload bytes."""
    path = os.path.join(work, name)
    size = 0
    with gzip.open(path, "wt", compresslevel=1) as f:
        f.write(HEADER + "\n")
        for i, (topic, payload) in enumerate(messages):
            record = {"ts": 1764068856 + i / 1e6, "topic": topic, "qos": 0, "retain": False}
            if isinstance(payload, bytes):
                size += len(payload)
                record["payload_b64"] = base64.b64encode(payload).decode()
            else:
                size += len(payload.encode())
                record["payload"] = payload
            f.write(json.dumps(record, separators=(",", ":")) + "\n")
    return path, size


# Every topic differs, a quarter each way: a changed JSON value, a missing message, an extra one, and a
# changed text message after an equal one.
expected, actual = [], []
for i in range(TOPICS):
    topic = f"sensors/{i}/state"
    k = i % 4
    if k == 0:
        expected.append((topic, json.dumps({"seq": i, "v": i * 0.5})))
        actual.append((topic, json.dumps({"v": i * 0.5, "seq": i + 1})))
    elif k == 1:
        expected.append((topic, f"gone {i}"))
    elif k == 2:
        actual.append((topic, f"new {i}"))
    else:
        expected += [(topic, "same"), (topic, f"text {i}")]
        actual += [(topic, "same"), (topic, f"txt {i}")]
topics_e, _ = write_capture("topics-expected.jsonl.gz", expected)
topics_a, _ = write_capture("topics-actual.jsonl.gz", actual)

# Two different JSON payloads of PAYLOAD_MB MB each: arrays of small objects.
rng = random.Random(1)
big = []
for n in range(2):
    items, size = [], 0
    while size < PAYLOAD_MB * 1_000_000:
        s = json.dumps({"id": len(items), "name": f"item{len(items)}", "value": round(rng.random() * 1000, 3),
                        "tags": ["a", "b"][: n + 1]})
        items.append(s)
        size += len(s) + 2
    big.append((f"big/{n + 1}", "[" + ", ".join(items) + "]"))
big_path, big_bytes = write_capture("big.jsonl.gz", big)
# The same sizes with every payload different (one more item each): nothing can be shared between the sides.
other_path, _ = write_capture("big-other.jsonl.gz", [(t, p[:-1] + ', {"id": -1}]') for t, p in big])
# Two random binary payloads of PAYLOAD_MB MB (base64 in the capture: the longest lines per payload byte).
binary_path, binary_bytes = write_capture("binary.jsonl.gz", [(f"bin/{n}", rng.randbytes(PAYLOAD_MB * 1_000_000))
                                                              for n in range(2)])
del big, expected, actual


def run(argv, expect_status):
    """Best of three by wall time: (wall seconds, peak RSS MiB of that run)."""
    best = None
    for _ in range(3):
        start = time.perf_counter()
        proc = watch_rss(subprocess.Popen(argv, stdout=subprocess.DEVNULL))
        usage = wait_usage(proc, 600)
        wall = time.perf_counter() - start
        assert usage["status"] == expect_status and not usage["stopped"], (argv, usage)
        if best is None or wall < best[0]:
            best = (wall, usage["rss"])
    return best


topics_wall, topics_rss = run([BIN, "diff", topics_e, topics_a], 1)
big_wall, big_rss = run([BIN, "diff", big_path, big_path], 0)
other_wall, other_rss = run([BIN, "diff", big_path, other_path], 1)
print_wall, print_rss = run([BIN, "print", big_path, "--color", "never"], 0)
binary_wall, binary_rss = run([BIN, "diff", binary_path, binary_path], 0)
big_mb = big_bytes / 1e6
met = big_rss * 1.048576 <= 2 * big_mb and other_rss * 1.048576 <= 2 * big_mb
body = f"""## Comparison scale: `benchmarks/diff.sh`

`mqtt-dumper diff A B`, best of three runs each by wall time, report to `/dev/null`, on {machine()}.
"Before" is from issue 10 (the report searched every difference for each topic, and each compared JSON payload
was kept as a value tree), then from the previous version of this table (equal large payloads of the two sides
shared one copy, but every payload was kept); peak RSS is the whole process, reading both captures included.

| input | before | after: wall s | after: peak RSS MiB |
|---|---|---:|---:|
| {TOPICS:,} topics, every one differing (missing, extra, changed) | 135 s | {topics_wall:.2f} | {topics_rss:.0f} |
| a capture of two {PAYLOAD_MB} MB JSON payloads ({big_mb:.0f} MB) compared with itself | 1.39 GB, then 253 MiB | {big_wall:.2f} | {big_rss:.0f} |
| the same capture against one whose two payloads each differ (nothing shared) | 301 MiB | {other_wall:.2f} | {other_rss:.0f} |
| for reference: the same capture only read, by `mqtt-dumper print` | 127 MiB | {print_wall:.2f} | {print_rss:.0f} |
| two {PAYLOAD_MB} MB random binary payloads (base64 lines) compared with themselves | 293 MiB | {binary_wall:.2f} | {binary_rss:.0f} |

Targets: {TOPICS:,} differing topics in under 2 s — measured **{topics_wall:.2f} s**; memory ≤ 2× the larger
input's payload bytes ({2 * big_mb:.0f} MB) — measured **{big_rss * 1.048576:.0f} MB** compared with itself and
**{other_rss * 1.048576:.0f} MB** against the other ({'met' if met else 'not met'}), and **{binary_rss * 1.048576:.0f} MB**
for binary payloads ({'met' if binary_rss * 1.048576 <= 2 * binary_bytes / 1e6 else 'not met'}: a base64 line is 4/3 of its payload). A payload above 8 MiB, which
is compared byte for byte anyway, is kept as its size, its SHA-256 and its first 1 KiB (what a report shows of
it), so `diff` holds no large payload: its peak is that of reading the largest line — the 57 MB line and the
payload decoded from it, as `print` peaks at {print_rss:.0f} MiB — plus {max(big_rss, other_rss) - print_rss:.0f} MiB.
Hashing the four payloads costs some of the time (SHA-256 in Swift, about 300 MB/s). Identical bytes are
recognised without parsing; a JSON payload is parsed into a value tree (about 14× its size) only where its
topic holds more than one distinct payload, and only up to 8 MiB (as values, the last row took 1.4 GiB and 31 s).
"""
print(body)
write_section("diff", body)
