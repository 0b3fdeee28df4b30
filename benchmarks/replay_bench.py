"""Replay: throughput against mosquitto_pub -l, and timing accuracy."""
import atexit, shutil
import gzip, json, os, random, signal, statistics, subprocess, sys, tempfile, time
from bench_common import Broker, wait_rusage, write_section, machine

BIN, N, TIMING_SECONDS = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
work = tempfile.mkdtemp(prefix="mqtt-dumper-bench-")
atexit.register(shutil.rmtree, work, True)  # the inputs and outputs are large
rng = random.Random(11)
HEADER = json.dumps({"mqtt_dumper_capture": 1, "created": "2025-11-25T11:07:36.000000Z", "tool": "bench",
                     "broker": "localhost:1883", "protocol": "mqttv5", "subscriptions": []}) + "\n"


def write_capture(path, payloads, interval):
    with gzip.open(path, "wt", compresslevel=1) as cap:
        cap.write(HEADER)
        for i, p in enumerate(payloads):
            cap.write(json.dumps({"ts": round(1764068856 + i * interval, 6), "topic": "bench/printer/tool0", "qos": 0,
                                  "retain": False, "payload": p}, separators=(",", ":")) + "\n")


# --- Throughput -------------------------------------------------------------------------------------
lines = [json.dumps({"actual": round(200 + rng.random() * 15, 2), "target": 210.0, "seq": i,
                     "_timestamp": 1764068856 + i // 50, "heater": "tool0", "state": "Printing"}) for i in range(N)]
lines_path = os.path.join(work, "lines.txt")
with open(lines_path, "w") as f:
    f.write("\n".join(lines) + "\n")
capture_path = os.path.join(work, "burst.jsonl.gz")
write_capture(capture_path, lines, 0.00001)


def throughput(argv, stdin_path=None):
    broker = Broker("max_queued_messages 0\n")
    # Subscribers write to files: a pipe nobody reads yet would fill up and stall them.
    received_path = os.path.join(work, "received.txt")
    sub = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(broker.port), "-t", "bench/#", "-C", str(N),
                            "-W", "120"], stdout=open(received_path, "w"), stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    start = time.perf_counter()
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    pub = subprocess.Popen([a.replace("PORT", str(broker.port)) for a in argv], stdin=stdin, stdout=subprocess.DEVNULL)
    _, cpu, _ = wait_rusage(pub, 120)
    published = time.perf_counter() - start
    sub.wait()
    delivered = time.perf_counter() - start
    received = sum(1 for _ in open(received_path))
    broker.stop()
    return dict(rate=N / published, cpu=cpu, received=received, delivered=delivered)


pub = throughput(["mosquitto_pub", "-h", "127.0.0.1", "-p", "PORT", "-t", "bench/printer/tool0", "-l"], lines_path)
ours = throughput([BIN, "replay", capture_path, "-h", "127.0.0.1", "-p", "PORT", "--max-rate", "--quiet"])
table = ["| publisher | messages/s (publisher done) | CPU s | received by mosquitto_sub | until all received s |",
         "|---|---:|---:|---:|---:|"]
for name, r in [("`mosquitto_pub -l` (lines on stdin, one topic)", pub),
                ("`mqtt-dumper replay --max-rate` (capture: topic, QoS, retain kept)", ours)]:
    table.append(f"| {name} | {r['rate']:,.0f} | {r['cpu']:.2f} | {r['received']:,} of {N:,} | {r['delivered']:.2f} |")
throughput_body = f"""### Throughput

{N:,} JSON messages of ~{sum(map(len, lines)) // N} bytes to a private mosquitto (queue limit off), a
`mosquitto_sub -C {N}` counting what arrives; same run, {machine()}.

{chr(10).join(table)}

`--max-rate` throughput is **{ours['rate'] / pub['rate']:.2f}×** mosquitto_pub's (target ≥ 1×).
"""
print(throughput_body)

# --- Timing accuracy --------------------------------------------------------------------------------
interval = 0.02  # 50 messages a second
count = round(TIMING_SECONDS / interval)
timed_path = os.path.join(work, "timed.jsonl.gz")
write_capture(timed_path, [json.dumps({"seq": i}) for i in range(count)], interval)
broker = Broker("max_queued_messages 0\n")
arrivals_path = os.path.join(work, "arrivals.txt")
sub = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(broker.port), "-t", "bench/#", "-F", "%U %p",
                        "-C", str(count), "-W", str(TIMING_SECONDS + 60)], stdout=open(arrivals_path, "w"))
time.sleep(0.5)
rep = subprocess.Popen([BIN, "replay", timed_path, "-h", "127.0.0.1", "-p", str(broker.port), "--quiet"])
_, rep_cpu, _ = wait_rusage(rep, TIMING_SECONDS + 60)
sub.wait()
arrivals = []
for line in open(arrivals_path):
    stamp, payload = line.split(" ", 1)
    arrivals.append((json.loads(payload)["seq"], float(stamp)))
broker.stop()
# Error of message k: its arrival minus (first arrival + k * interval): the schedule, seen by a subscriber.
t0 = arrivals[0][1]
errors = sorted(abs((t - t0) - seq * interval) * 1000 for seq, t in arrivals)
p50 = errors[len(errors) // 2]
p99 = errors[int(len(errors) * 0.99)]
first_minute = [abs((t - t0) - seq * interval) * 1000 for seq, t in arrivals if seq * interval < 60]
last_minute = [abs((t - t0) - seq * interval) * 1000 for seq, t in arrivals if seq * interval >= TIMING_SECONDS - 60]
timing_body = f"""### Timing at `--speed 1`

{count:,} messages, one every {interval * 1000:.0f} ms for {TIMING_SECONDS // 60} minutes, replayed at `--speed 1`; a separate
`mosquitto_sub -F '%U %p'` timestamps each arrival (ns), and the error of message k is its arrival minus
(first arrival + k × {interval * 1000:.0f} ms). {len(arrivals):,} of {count:,} arrived.

| | p50 ms | p99 ms | max ms | mean error, first minute ms | mean error, last minute ms | replay CPU s |
|---|---:|---:|---:|---:|---:|---:|
| `mqtt-dumper replay` | {p50:.3f} | {p99:.3f} | {errors[-1]:.3f} | {statistics.mean(first_minute):.3f} | {statistics.mean(last_minute or [0]):.3f} | {rep_cpu:.2f} |

Target: p99 ≤ 2 ms and no drift (the last minute no later than the first) — measured p99 **{p99:.2f} ms**.
"""
print(timing_body)

write_section("replay", "## Replay: `benchmarks/replay.sh`\n\n" + throughput_body + "\n" + timing_body)
