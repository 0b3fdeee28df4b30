"""Analysis throughput: `mqtt-dumper stats` (one function per measured command) over a 1,000,000-message
capture of a printer farm, against `zcat FILE | wc -l`, the floor, in the same run."""
import atexit, shutil
import gzip, json, os, random, subprocess, sys, tempfile, time
from bench_common import write_section, machine, watch_rss, wait_usage

BIN, N = sys.argv[1], int(sys.argv[2])
work = tempfile.mkdtemp(prefix="mqtt-dumper-bench-")
atexit.register(shutil.rmtree, work, True)  # the capture is large
# CAPTURE=path keeps the generated capture there (and reuses it when it exists), for profiling.
capture = os.environ.get("CAPTURE") or os.path.join(work, "farm.jsonl.gz")


def generate(path):
    """20 printers publishing as OctoPrint's MQTT plugin does: temperatures most of the time, progress, and
    now and then an event; a message every 2 ms on average, 140 topics."""
    rng = random.Random(11)
    with gzip.open(path + ".part", "wt", compresslevel=6) as f:
        f.write(json.dumps({"mqtt_dumper_capture": 1, "created": "2025-11-25T10:00:00.000000Z", "tool": "bench",
                            "broker": "localhost:1883", "protocol": "mqttv311",
                            "subscriptions": [{"filter": "#", "qos": 2}]}) + "\n")
        ts = 1764064800.0
        for i in range(N):
            ts += rng.expovariate(500)
            printer = f"farm/printer{rng.randrange(20):02d}/octoPrint"
            r = rng.random()
            if r < 0.8:
                heater = "tool0" if r < 0.5 else "bed"
                topic = f"{printer}/temperature/{heater}"
                payload = json.dumps({"_timestamp": int(ts), "actual": round(rng.uniform(20, 215), 2),
                                      "target": 210.0 if heater == "tool0" else 60.0})
            elif r < 0.97:
                topic = f"{printer}/progress/printing"
                payload = json.dumps({"location": "local", "path": "benchy.gcode", "progress": i * 100 // N,
                                      "_timestamp": int(ts)})
            else:
                event = rng.choice(["ZChange", "PrinterStateChanged", "CaptureStart", "CaptureDone"])
                topic = f"{printer}/event/{event}"
                payload = json.dumps({"_event": event, "_timestamp": int(ts), "new": round(rng.uniform(0, 50), 2)})
            # ts with exactly six decimals, as the recorder writes it.
            retain = "true" if r < 0.97 else "false"
            f.write(f'{{"ts":{ts:.6f},"topic":{json.dumps(topic)},"qos":0,"retain":{retain},'
                    f'"payload":{json.dumps(payload)}}}\n')
    os.rename(path + ".part", path)


if not os.path.exists(capture):
    generate(capture)
file_mb = os.path.getsize(capture) / 1e6


def measure(argv, shell=False):
    """Best of five (others may share the CPU): (wall seconds, CPU seconds, peak RSS MiB)."""
    best = None
    for _ in range(5):
        start = time.perf_counter()
        proc = watch_rss(subprocess.Popen(argv, shell=shell, stdout=subprocess.DEVNULL))
        usage = wait_usage(proc, 600)
        wall = time.perf_counter() - start
        if usage["status"] != 0:
            sys.exit(f"{argv} exited with {usage['status']}")
        if best is None or wall < best[0]:
            best = (wall, usage["cpu"], usage["rss"])
    return best


# One function per measured command: (name in the table, (wall, CPU, RSS)). Add rows for new commands here.
def zcat():
    # The shell's rusage includes the zcat and wc it waited for.
    return "`zcat FILE \\| wc -l` (the floor)", measure(f"zcat {capture} | wc -l", shell=True)


def stats():
    return "`mqtt-dumper stats FILE`", measure([BIN, "stats", capture])


def stats_tree_json():
    return "`mqtt-dumper stats FILE --tree --format json`", measure([BIN, "stats", capture, "--tree", "--format",
                                                                       "json"])


ROWS = [zcat, stats, stats_tree_json]

# Check first that stats counts what zcat counts.
lines = int(subprocess.run(f"zcat {capture} | wc -l", shell=True, capture_output=True, check=True, text=True).stdout)
doc = json.loads(subprocess.run([BIN, "stats", capture, "--format", "json"], capture_output=True, check=True).stdout)
counted = doc["totals"]["messages"] == lines - 1 == N

load = ", ".join(open("/proc/loadavg").read().split()[:3])
results = [row() for row in ROWS]
floor = results[0][1][0]
floor_cpu = results[0][1][1]
table = ["| command | wall s | CPU s | peak RSS MiB | wall vs zcat | CPU vs zcat |", "|---|---:|---:|---:|---:|---:|"]
for name, (wall, cpu, rss) in results:
    table.append(f"| {name} | {wall:.2f} | {cpu:.2f} | {rss:.0f} | {wall / floor:.2f}× | {cpu / floor_cpu:.2f}× |")
stats_ratio = results[1][1][0] / floor
stats_cpu_ratio = results[1][1][1] / floor_cpu
body = f"""## Analysis: `benchmarks/analysis.sh`

A capture of {N:,} messages on {doc['topic_count']} topics (20 printers' temperatures, progress and events;
{file_mb:.1f} MB gzip, {doc['totals']['payload_bytes'] / 1e6:.0f} MB of payloads), output to `/dev/null`,
best of five runs each, on {machine()}. `stats` counted every message `zcat` found: {'yes' if counted else 'NO'}.
Peak RSS is sampled every 10 ms (the zcat row measures the shell). Load average at the start:
{load}, on {os.cpu_count()} cores: wall times stretch when other work shares the CPU, CPU times less so.

{chr(10).join(table)}

Target: `stats` within 2× of `zcat FILE | wc -l` — measured **{stats_ratio:.2f}×** in wall time,
**{stats_cpu_ratio:.2f}×** in CPU time.
"""
print(body)
write_section("analysis", body)
