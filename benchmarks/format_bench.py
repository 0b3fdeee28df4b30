"""Pretty-printing throughput: mqtt-dumper's formatter against jq on the same JSON lines."""
import atexit, shutil
import gzip, json, os, random, subprocess, sys, tempfile, time
from bench_common import write_section, machine

BIN, N = sys.argv[1], int(sys.argv[2])
work = tempfile.mkdtemp(prefix="mqtt-dumper-bench-")
atexit.register(shutil.rmtree, work, True)  # the inputs and outputs are large
rng = random.Random(7)
lines_path = os.path.join(work, "lines.jsonl")
capture_path = os.path.join(work, "capture.jsonl.gz")
with open(lines_path, "w") as f, gzip.open(capture_path, "wt", compresslevel=6) as cap:
    cap.write(json.dumps({"mqtt_dumper_capture": 1, "created": "2025-11-25T11:07:36.000000Z", "tool": "bench",
                          "broker": "localhost:1883", "protocol": "mqttv5", "subscriptions": []}) + "\n")
    for i in range(N):
        line = json.dumps({"actual": round(200 + rng.random() * 15, 2), "target": 210.0, "seq": i,
                           "_timestamp": 1764068856 + i // 50, "heater": "tool0", "state": "Printing"})
        f.write(line + "\n")
        cap.write(json.dumps({"ts": 1764068856 + i / 100, "topic": "octoPrint/temperature/tool0", "qos": 0,
                              "retain": True, "payload": line}, separators=(",", ":")) + "\n")
size = os.path.getsize(lines_path)


def measure(argv, shell=False):
    """Best of three: (wall seconds, CPU seconds of the whole command)."""
    best = None
    for _ in range(3):
        before = os.times()
        start = time.perf_counter()
        subprocess.run(argv, shell=shell, stdout=subprocess.DEVNULL, check=True)
        wall = time.perf_counter() - start
        after = os.times()
        cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
        if best is None or wall < best[0]:
            best = (wall, cpu)
    return best


# Check first that both agree on the output (jq reformats numbers it cannot keep, so compare structure).
ours = subprocess.run([BIN, "json", lines_path], capture_output=True, check=True).stdout
theirs = subprocess.run(["jq", ".", lines_path], capture_output=True, check=True).stdout
same = ours.count(b"\n") == theirs.count(b"\n")

rows = [
    ("`jq . lines.jsonl`", measure(["jq", ".", lines_path])),
    ("`mqtt-dumper json lines.jsonl`", measure([BIN, "json", lines_path])),
    ("`zcat capture \\| jq -r .payload \\| jq .`", measure(f"zcat {capture_path} | jq -r .payload | jq .", shell=True)),
    ("`mqtt-dumper print capture --color never`", measure([BIN, "print", capture_path, "--color", "never"])),
]
jq_wall = rows[0][1][0]
table = ["| command | wall s | CPU s | MB/s of JSON | vs `jq .` |", "|---|---:|---:|---:|---:|"]
for name, (wall, cpu) in rows:
    table.append(f"| {name} | {wall:.2f} | {cpu:.2f} | {size / wall / 1e6:.0f} | {jq_wall / wall:.1f}× |")
body = f"""## Pretty-printing: `benchmarks/format.sh`

{N:,} JSON lines ({size / 1e6:.1f} MB, ~{size // N} bytes each) pretty-printed with 2-space indent, output to
`/dev/null`, best of three runs each, on {machine()}. The capture rows read the same payloads from a gzip
capture; mqtt-dumper also prints a header line per message there. Both formatters produce the same number
of lines: {'yes' if same else 'NO'}. (jq rewrites numbers such as `210.0` as `210`; mqtt-dumper keeps them.)

{chr(10).join(table)}

Target: ≥ 5× jq's throughput for `mqtt-dumper json` — measured **{jq_wall / rows[1][1][0]:.1f}×**.
"""
print(body)
write_section("format", body)
