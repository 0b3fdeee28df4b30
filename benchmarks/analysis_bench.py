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


def run_once(command):
    """One run of `command` (an argv list, or a shell string): (wall seconds, CPU seconds, peak RSS MiB)."""
    start = time.perf_counter()
    proc = watch_rss(subprocess.Popen(command, shell=isinstance(command, str), stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))
    usage = wait_usage(proc, 600)
    wall = time.perf_counter() - start
    if usage["status"] != 0:
        sys.exit(f"{command} exited with {usage['status']}")
    return wall, usage["cpu"], usage["rss"]


# One function per measured command, giving its name in the table and the command (an argv list, or a shell
# string). Add rows for new commands here; the first row is the floor the others are compared with.
def zcat():
    # The shell's rusage includes the zcat and wc it waited for.
    return "`zcat FILE \\| wc -l` (the floor)", f"zcat {capture} | wc -l"


def stats():
    return "`mqtt-dumper stats FILE`", [BIN, "stats", capture]


def stats_tree_json():
    return "`mqtt-dumper stats FILE --tree --format json`", [BIN, "stats", capture, "--tree", "--format", "json"]


def schema():
    return "`mqtt-dumper schema FILE`", [BIN, "schema", capture]


def schema_asyncapi():
    return "`mqtt-dumper schema FILE --format asyncapi`", [BIN, "schema", capture, "--format", "asyncapi"]


report_html = os.path.join(work, "report.html")


def report():
    # The HTML report of the whole capture (charts, timeline, tree, schemas), replaced at each run.
    return "`mqtt-dumper report FILE -o report.html`", [BIN, "report", capture, "-o", report_html, "--force"]


ROWS = [zcat, stats, stats_tree_json, schema, schema_asyncapi, report]
SCHEMA_ROW = ROWS.index(schema)


def measure_all(rows, rounds=5):
    """The best of `rounds` runs of each row, the rows taking turns in each round, so that a burst of other work
    on the machine does not fall on one command's runs only: [(name, (wall, CPU, RSS))]."""
    commands = [row() for row in rows]
    best = [None] * len(commands)
    for _ in range(rounds):
        for i, (_, command) in enumerate(commands):
            result = run_once(command)
            if best[i] is None or result[0] < best[i][0]:
                best[i] = result
    return [(name, b) for (name, _), b in zip(commands, best)]


# Check first that stats counts what zcat counts.
lines = int(subprocess.run(f"zcat {capture} | wc -l", shell=True, capture_output=True, check=True, text=True).stdout)
doc = json.loads(subprocess.run([BIN, "stats", capture, "--format", "json"], capture_output=True, check=True).stdout)
counted = doc["totals"]["messages"] == lines - 1 == N
inferred = json.loads(subprocess.run([BIN, "schema", capture], capture_output=True, check=True).stdout)
described = inferred["description"].startswith(f"Inferred by mqtt-dumper from {N:,} messages on ")

# Constant memory: stats' peak RSS on the first tenth of the messages, to compare with the whole capture's.
tenth = os.path.join(work, "tenth.jsonl.gz")
subprocess.run(f"zcat {capture} | head -n {N // 10 + 1} | gzip -1 > {tenth}", shell=True, check=True)
tenth_rss = min(run_once([BIN, "stats", tenth])[2] for _ in range(3))

load = ", ".join(open("/proc/loadavg").read().split()[:3])
results = measure_all(ROWS)
floor = results[0][1][0]
floor_cpu = results[0][1][1]
table = ["| command | wall s | CPU s | peak RSS MiB | wall vs zcat | CPU vs zcat |", "|---|---:|---:|---:|---:|---:|"]
for name, (wall, cpu, rss) in results:
    table.append(f"| {name} | {wall:.2f} | {cpu:.2f} | {rss:.0f} | {wall / floor:.2f}× | {cpu / floor_cpu:.2f}× |")
report_row = next(r for name, r in results if "report" in name)
report_kb = os.path.getsize(report_html) / 1000
report_charts = open(report_html, encoding="utf-8").read().count("<svg ")
stats_ratio = results[1][1][0] / floor
stats_cpu_ratio = results[1][1][1] / floor_cpu
schema_ratio = results[SCHEMA_ROW][1][0] / floor
schema_cpu_ratio = results[SCHEMA_ROW][1][1] / floor_cpu
body = f"""## Analysis: `benchmarks/analysis.sh`

A capture of {N:,} messages on {doc['topic_count']} topics (20 printers' temperatures, progress and events;
{file_mb:.1f} MB gzip, {doc['totals']['payload_bytes'] / 1e6:.0f} MB of payloads), output to `/dev/null`, best of five
runs each with the commands taking turns, on {machine()}; load average {load} at the start (wall times
stretch when other work shares the CPU). `stats` counted every message `zcat` found: {'yes' if counted else 'NO'};
`schema` described every one of them ({len(inferred['x-mqtt-channels'])} channels): {'yes' if described else 'NO'}.
Peak RSS is sampled every 10 ms; the zcat row measures the shell, whose rusage includes zcat and wc.

{chr(10).join(table)}

Target: `stats` within 2× of `zcat FILE | wc -l` (decompression is the floor) — measured
**{stats_ratio:.2f}×** in wall time, **{stats_cpu_ratio:.2f}×** in CPU time. Its memory does not grow with the
messages: {tenth_rss:.0f} MiB for the first {N // 10:,} of them, {results[1][1][2]:.0f} MiB for all.

Target: `schema` within 2× of it too — measured **{schema_ratio:.2f}×** in wall time, **{schema_cpu_ratio:.2f}×** in
CPU time (it validates each payload as JSON and reads it into the shape of its topic, without a value tree).

Target: `report` under 10 s and its HTML file under 5 MB — measured **{report_row[0]:.2f} s**
({report_row[1]:.2f} s CPU, {report_row[2]:.0f} MiB peak RSS) and **{report_kb:,.0f} kB**
({report_charts} charts).
"""
print(body)
write_section("analysis", body)
