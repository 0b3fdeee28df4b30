"""mqtt-dumper capture against mosquitto_sub -v | gzip, recording the same burst in the same run, at QoS 0, 1 and 2."""
import atexit, shutil
import gzip, json, os, random, re, shutil, signal, subprocess, sys, tempfile, time
from bench_common import Broker, wait_usage, watch_rss, write_section, machine

BIN, N = sys.argv[1], int(sys.argv[2])
HERE = os.path.dirname(os.path.abspath(__file__))
TOPIC = "bench/printer/tool0"
# Once the publisher is done, a recorder that has not recorded everything is stopped (SIGTERM) when it has used no
# CPU for QUIET seconds (nothing more is coming), or after GRACE seconds; what it did not record counts as lost.
QUIET, GRACE = 3, 30
# Each QoS is measured ROUNDS times, the two recorders alternating which goes first: on a shared machine one run's
# CPU ratio can be off by a third (a busy machine makes recorders wake less often and read bigger batches).
ROUNDS = int(os.environ.get("ROUNDS", "3"))
work = tempfile.mkdtemp(prefix="mqtt-dumper-bench-")
atexit.register(shutil.rmtree, work, True)  # the inputs and outputs are large
rng = random.Random(42)
lines_path = os.path.join(work, "lines.txt")
with open(lines_path, "w") as f:
    for i in range(N):
        # ~110 bytes, like an OctoPrint temperature report.
        f.write(json.dumps({"actual": round(200 + rng.random() * 15, 2), "target": 210.0, "seq": i,
                            "_timestamp": 1764068856 + i // 50, "heater": "tool0", "state": "Printing"}) + "\n")
size = os.path.getsize(lines_path)
print(f"{N} messages, {size / N:.0f} bytes each on average")


def publish(broker, qos, repeat=1, path=lines_path):
    """Publishes every line of `path` once per repeat; returns the publisher's messages per second.
    QoS 0 with `mosquitto_pub -l`; QoS 1 and 2 with benchmarks/qos_publisher.py (paho-mqtt), which waits until the
    broker acknowledged every message and fails otherwise: `mosquitto_pub -l -q 1` stops after a few thousand."""
    with open(path, "rb") as f:
        data = f.read()
    count = data.count(b"\n") * repeat
    start = time.time()
    if qos == 0:
        pub = subprocess.Popen(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(broker.port), "-t", TOPIC, "-l"],
                               stdin=subprocess.PIPE)
        for _ in range(repeat):
            pub.stdin.write(data)
        pub.stdin.close()
        if pub.wait() != 0:
            raise SystemExit(f"mosquitto_pub failed with status {pub.returncode}")
        return count / (time.time() - start)
    assert repeat == 1
    done = subprocess.run([sys.executable, os.path.join(HERE, "qos_publisher.py"), "127.0.0.1", str(broker.port), TOPIC,
                           str(qos), path], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"qos_publisher.py failed at QoS {qos}: {done.stdout.strip()} {done.stderr.strip()}")
    return json.loads(done.stdout)["rate"]


def read_dumper(path, qos):
    """Reads a capture with Python's gzip and json modules only: records, distinct seq numbers, records
    whose QoS is not the publisher's, `disconnected` events and distinct timestamps."""
    seqs, stamps, records, wrong_qos, disconnected = set(), set(), 0, 0, 0
    with gzip.open(path, "rt") as f:
        for line in f:
            record = json.loads(line)
            if "topic" in record:
                records += 1
                stamps.add(record["ts"])
                seqs.add(json.loads(record["payload"])["seq"])
                wrong_qos += record["qos"] != qos
            elif record.get("event") == "disconnected":
                disconnected += 1
    return records, len(seqs), wrong_qos, disconnected, len(stamps)


def read_pipeline(path):
    """`topic payload` lines from mosquitto_sub -v: records and distinct seq numbers."""
    seqs, records = set(), 0
    with gzip.open(path, "rt") as f:
        for line in f:
            records += 1
            seqs.add(json.loads(line.split(" ", 1)[1])["seq"])
    return records, len(seqs)


def cpu_ticks(pid):
    """utime + stime of a live process in clock ticks; None once it has exited."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return None if fields[0] in "ZX" else int(fields[11]) + int(fields[12])


def settle(proc):
    """Waits until `proc` exits or has been idle for QUIET seconds, at most GRACE seconds."""
    end = time.time() + GRACE
    last, since = None, time.time()
    while time.time() < end:
        ticks = cpu_ticks(proc.pid)
        if ticks is None:
            return
        if ticks != last:
            last, since = ticks, time.time()
        elif time.time() - since >= QUIET:
            return
        time.sleep(0.1)


def broker_drops(broker):
    return "Outgoing messages are being dropped" in broker.log()


def run_dumper(n, label, qos=0, repeat=1, extra=()):
    broker = Broker()
    out = tempfile.mktemp(prefix=f"dumper-q{qos}-", suffix=".jsonl.gz", dir=work)
    rec = watch_rss(subprocess.Popen([BIN, "capture", "-h", "127.0.0.1", "-p", str(broker.port), "-t", "#",
                                      "-C", str(n), "-W", "150", "-o", out, "--quiet", *extra]))
    time.sleep(0.7)
    rate = publish(broker, qos, repeat)
    settle(rec)
    u = wait_usage(rec, 0, stop=signal.SIGTERM)
    if u["status"] != 0:
        raise SystemExit(f"mqtt-dumper capture failed with status {u['status']}")
    broker.stop()
    records, distinct, wrong_qos, disconnected, timestamps = read_dumper(out, qos)
    got = records if repeat > 1 else distinct  # a repeated burst has every seq number `repeat` times
    return dict(tool=label, qos=qos, lost=n - got, duplicates=records - got, wrong_qos=wrong_qos,
                disconnected=disconnected, dropped=broker_drops(broker), size=os.path.getsize(out), rate=rate,
                dumper=True, timestamps=timestamps, **u)


def run_pipeline(n, qos):
    broker = Broker()
    out = tempfile.mktemp(prefix=f"sub-q{qos}-", suffix=".txt.gz", dir=work)
    with open(out, "wb") as dest:
        sub = watch_rss(subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(broker.port), "-q", str(qos),
                                          "-v", "-t", "#", "-C", str(n), "-W", "150"], stdout=subprocess.PIPE))
        gz = watch_rss(subprocess.Popen(["gzip"], stdin=sub.stdout, stdout=dest))
        sub.stdout.close()
        time.sleep(0.7)
        rate = publish(broker, qos)
        settle(sub)
        s = wait_usage(sub, 0, stop=signal.SIGTERM)
        g = wait_usage(gz, 30)
    broker.stop()
    records, distinct = read_pipeline(out)
    label = f"`mosquitto_sub{f' -q {qos}' if qos else ''} -v -t '#' \\| gzip`"
    return dict(tool=label, qos=qos, lost=n - distinct, duplicates=records - distinct, wrong_qos=0, disconnected=0,
                dropped=broker_drops(broker), size=os.path.getsize(out), rate=rate, dumper=False,
                user=s["user"] + g["user"], sys=s["sys"] + g["sys"], cpu=s["cpu"] + g["cpu"], rss=s["rss"] + g["rss"],
                wakeups=s["wakeups"], stopped=s["stopped"], sub_cpu=s["cpu"], gzip_cpu=g["cpu"])


def syscall_profile(kind, qos, n=2000):
    """System calls per message recorded by one recorder (mosquitto_sub alone for the pipeline), counted with
    `strace -f` while it records `n` messages at `qos`; None without strace. The broker queues without limit here:
    a traced process is slow, and this counts calls, not losses."""
    if not shutil.which("strace"):
        return None
    path = os.path.join(work, f"lines-{n}.txt")
    with open(lines_path) as src, open(path, "w") as dst:
        for _, line in zip(range(n), src):
            dst.write(line)
    broker = Broker("max_queued_messages 0\n")
    trace = os.path.join(work, f"strace-{kind}-q{qos}.txt")
    out = os.path.join(work, f"traced-{kind}-q{qos}" + (".jsonl.gz" if kind == "dumper" else ".txt"))
    common = ["-h", "127.0.0.1", "-p", str(broker.port), "-t", "#", "-C", str(n), "-W", "30"]
    if kind == "dumper":
        cmd = [BIN, "capture", *common, "-o", out, "--quiet"]
    else:
        cmd = ["mosquitto_sub", *common, "-q", str(qos), "-v"]
    with open(out if kind != "dumper" else os.devnull, "wb") as stdout:
        traced = subprocess.Popen(["strace", "-f", "-o", trace, "-e", "trace=socketpair,connect,read,write,sendto,"
                                   "recvfrom,poll,ppoll,select,pselect6,ioctl", *cmd], stdout=stdout)
        time.sleep(1.5)
        publish(broker, qos, path=path)
        wait_usage(traced, 40)
    broker.stop()
    received = read_dumper(out, qos)[0] if kind == "dumper" else sum(1 for _ in open(out, "rb"))
    if received == 0:
        return None
    counts = dict(socket_read=0, socket_write=0, wake_write=0, wake_write_failed=0, wake_read=0, wait=0, ioctl=0,
                  output_write=0)
    pair, sock = set(), None
    call = re.compile(r"^\d+\s+(\w+)\((\d+)?")
    for line in open(trace):
        m = call.match(line)
        if not m:
            continue
        name, fd = m.group(1), int(m.group(2)) if m.group(2) else None
        if name == "socketpair":
            pair = {int(x) for x in re.findall(r"\[(\d+), (\d+)\]", line)[0]}
        elif name == "connect" and f"htons({broker.port})" in line:
            sock = fd
        elif sock is None:
            continue  # start-up: libraries, configuration
        elif name in ("read", "recvfrom"):
            if fd == sock:
                counts["socket_read"] += 1
            elif fd in pair:
                counts["wake_read"] += 1
        elif name in ("write", "sendto"):
            if fd == sock:
                counts["socket_write"] += 1
            elif fd in pair:
                counts["wake_write"] += 1
                counts["wake_write_failed"] += "EAGAIN" in line
            else:
                counts["output_write"] += 1
        elif name in ("poll", "ppoll", "select", "pselect6"):
            counts["wait"] += 1
        elif name == "ioctl":
            counts["ioctl"] += 1
    return {k: v / received for k, v in counts.items()}


def stall_test(qos=1, n=10_000):
    """Both recorders on one broker, paused (SIGSTOP) while `n` messages are published, then resumed: how many
    each receives shows how much the broker holds for a recorder that falls behind."""
    n = min(n, N)
    path = os.path.join(work, f"lines-{n}.txt")
    with open(lines_path) as src, open(path, "w") as dst:
        for _, line in zip(range(n), src):
            dst.write(line)
    broker = Broker()
    out = os.path.join(work, "stalled.jsonl.gz")
    common = ["-h", "127.0.0.1", "-p", str(broker.port), "-t", "#", "-C", str(n), "-W", "60"]
    rec = subprocess.Popen([BIN, "capture", *common, "-o", out, "--quiet"])
    with open(os.path.join(work, "stalled.txt"), "wb") as dest:
        sub = subprocess.Popen(["mosquitto_sub", *common, "-q", str(qos)], stdout=dest)
        time.sleep(0.7)
        for proc in (rec, sub):
            proc.send_signal(signal.SIGSTOP)
        publish(broker, qos, path=path)
        for proc in (rec, sub):
            proc.send_signal(signal.SIGCONT)
        for proc in (rec, sub):
            settle(proc)
            wait_usage(proc, 0, stop=signal.SIGTERM)
    broker.stop()
    return dict(qos=qos, n=n, dumper=read_dumper(out, qos)[1], sub=sum(1 for _ in open(dest.name, "rb")),
                dropped=broker_drops(broker))


def median_round(rounds):
    """The round whose CPU ratio is the median (the lower middle one for an even count)."""
    ordered = sorted(rounds, key=lambda r: r[1]["cpu"] / r[0]["cpu"])
    return ordered[(len(ordered) - 1) // 2]


# Every QoS ROUNDS times, the recorders alternating which goes first; QoS 0 is published with mosquitto_pub -l,
# QoS 1 and 2 with qos_publisher.py; the recorder keeps its defaults.
rounds = {qos: [] for qos in (0, 1, 2)}
for i in range(ROUNDS):
    for qos in (0, 1, 2):
        if i % 2 == 0:
            p = run_pipeline(N, qos)
            d = run_dumper(N, "`mqtt-dumper capture -t '#'`", qos=qos)
        else:
            d = run_dumper(N, "`mqtt-dumper capture -t '#'`", qos=qos)
            p = run_pipeline(N, qos)
        rounds[qos].append((p, d))
        print(f"round {i + 1} QoS {qos}: pipeline {p['cpu']:.2f} s, lost {p['lost']}; mqtt-dumper {d['cpu']:.2f} s, "
              f"lost {d['lost']}; ratio {d['cpu'] / p['cpu']:.2f}", flush=True)
pairs = {qos: median_round(rounds[qos]) for qos in (0, 1, 2)}
pipe, dump = pairs[0]
fast = run_dumper(N, "`mqtt-dumper capture -t '#' --level 1`", extra=("--level", "1"))
longer = run_dumper(N * 5, f"`mqtt-dumper capture`, {N * 5:,} messages", repeat=5)
profiles = {(kind, qos): syscall_profile(kind, qos) for qos in (0, 1, 2) for kind in ("dumper", "sub")}
stall = stall_test()


def ratios(qos):
    return sorted(d["cpu"] / p["cpu"] for p, d in rounds[qos])


def lost_cell(qos, which):
    return " / ".join(f"{r[which]['lost']:,}" for r in rounds[qos])


table = ["| QoS | recorder | publisher msg/s | messages lost, each round | CPU s (user + sys) | × pipeline CPU "
         "(range) | wake-ups per message | peak RSS MiB | file bytes | keeps time, QoS, retain |",
         "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|"]
for qos in (0, 1, 2):
    p, d = pairs[qos]
    rs = ratios(qos)
    for r, which in ((p, 0), (d, 1)):
        times = "" if which == 0 else f"**{r['cpu'] / p['cpu']:.2f}×** ({rs[0]:.2f}–{rs[-1]:.2f})"
        rss = max(x[which]["rss"] for x in rounds[qos])
        table.append(f"| {qos} | {r['tool']} | {r['rate']:,.0f} | {lost_cell(qos, which)} | {r['cpu']:.2f} "
                     f"({r['user']:.2f} + {r['sys']:.2f}) | {times} | {r['wakeups'] / N:.2f} | {rss:.1f} | "
                     f"{r['size']:,} | {'yes' if r['dumper'] else 'no'} |")
    if qos == 0:
        table.append(f"| 0 | {fast['tool']} (one round) | {fast['rate']:,.0f} | {fast['lost']:,} | {fast['cpu']:.2f} "
                     f"({fast['user']:.2f} + {fast['sys']:.2f}) | {fast['cpu'] / p['cpu']:.2f}× | "
                     f"{fast['wakeups'] / N:.2f} | {fast['rss']:.1f} | {fast['size']:,} | yes |")


def lost_text(runs):
    """What the rounds of one recorder lost, and why, from what was seen."""
    if all(r["lost"] == 0 and r["duplicates"] == 0 for r in runs):
        return "lost none"
    parts = []
    for i, r in enumerate(runs, 1):
        if r["lost"] == 0 and r["duplicates"] == 0:
            continue
        why = []
        if r["duplicates"]:
            why.append(f"recorded {r['duplicates']:,} twice")
        if r["dropped"]:
            why.append("mosquitto logged *Outgoing messages are being dropped* for it")
        if r["disconnected"]:
            why.append(f"its capture holds {r['disconnected']} `disconnected` events")
        parts.append(f"**{r['lost']:,} in round {i}**" + (f" ({'; '.join(why)})" if why else ""))
    return "lost " + ", ".join(parts)


def profile_text(qos):
    """Calls per message recorded, from the traced runs."""
    d, s = profiles[("dumper", qos)], profiles[("sub", qos)]
    if d is None or s is None:
        return "(strace is not installed: calls per message were not counted.)"
    text = (f"Traced with `strace -f` over 2,000 messages at QoS {qos}, per message recorded mqtt-dumper makes "
            f"{d['socket_read']:.1f} `read`s on the socket")
    if qos:
        text += (f", {d['socket_write']:.1f} `write`s of acknowledgements and {d['wake_write']:.1f} one-byte `write`s "
                 f"to libmosquitto's wake-up socket pair, {d['wake_write_failed']:.1f} of them failing with `EAGAIN`")
    text += f"; mosquitto_sub makes {s['socket_read']:.1f} `read`s"
    if qos:
        text += (f", {s['socket_write']:.1f} acknowledgement `write`s, {s['wake_write']:.1f} wake-up `write`s "
                 f"({s['wake_write_failed']:.1f} failing) and {s['wake_read']:.1f} wake-up `read`s")
    return text + f", plus {s['output_write']:.1f} `write`s to the pipe (and gzip reads them)."


bullets = []
for qos in (0, 1, 2):
    p, d = pairs[qos]
    rs = ratios(qos)
    ratio = d["cpu"] / p["cpu"]
    met = sum(x <= 0.7 for x in rs)
    verdict = "met" if ratio <= 0.7 else "**missed**"
    text = (f"- **QoS {qos}**: mqtt-dumper {lost_text([x[1] for x in rounds[qos]])}; the pipeline "
            f"{lost_text([x[0] for x in rounds[qos]])}. mqtt-dumper used **{ratio:.2f}×** the pipeline's CPU in the "
            f"median round (target ≤ 0.7×: {verdict}; met in {met} of {len(rs)} rounds, range {rs[0]:.2f}–{rs[-1]:.2f}×). "
            f"In that round mosquitto_sub used {p['sub_cpu']:.2f} s and gzip {p['gzip_cpu']:.2f} s "
            f"({p['gzip_cpu'] / p['cpu']:.0%} of the pipeline); mqtt-dumper used {d['cpu'] / p['sub_cpu']:.2f}× what "
            f"mosquitto_sub alone did, {d['sys'] / d['cpu']:.0%} of it system time.")
    if p["lost"] > d["lost"] and p["lost"] < N:
        per = (d["cpu"] / (N - d["lost"])) / (p["cpu"] / (N - p["lost"]))
        if f"{per:.2f}" != f"{ratio:.2f}":
            text += f" Per message recorded, {per:.2f}×: a recorder that loses messages also spends less CPU."
    wrong = sum(x[1]["wrong_qos"] for x in rounds[qos])
    if wrong:
        text += f" {wrong:,} of mqtt-dumper's records do not carry QoS {qos}."
    bullets.append(text + " " + profile_text(qos))

# Remaining length of a QoS 1 PUBLISH: topic length and topic, packet id, (v5) properties length, payload.
packet = 2 + len(TOPIC) + 2 + 1 + size // N - 1
length_bytes = 1 if packet < 128 else 2 if packet < 16384 else 3
all_runs = [x for q in (0, 1, 2) for x in rounds[q]]
missed = [q for q in (0, 1, 2) if pairs[q][1]["cpu"] > 0.7 * pairs[q][0]["cpu"]]
missed_text = ""
if missed:
    gz_share = max(pairs[q][0]["gzip_cpu"] / pairs[q][0]["cpu"] for q in missed)
    vs_sub = ", ".join(f"{pairs[q][1]['cpu'] / pairs[q][0]['sub_cpu']:.2f}×" for q in missed)
    near_sub = all(pairs[q][1]["cpu"] <= 1.1 * pairs[q][0]["sub_cpu"] for q in missed)
    missed_text = (f"\n  Where the CPU target is missed (QoS {', '.join(map(str, missed))}), gzip was at most {gz_share:.0%} of "
                   f"the pipeline's CPU, and mqtt-dumper used {vs_sub} what mosquitto_sub alone used")
    if near_sub:
        missed_text += (": receiving through the same libmosquitto, with the same calls per packet, costs both about "
                        "the same, so reaching 0.7× would take a cheaper way of receiving (fewer reads and wake-ups per "
                        "packet), not cheaper recording.")
    else:
        missed_text += ": more than receiving alone costs mosquitto_sub, so mqtt-dumper's own work is worth profiling."
sys_share = min(d["sys"] / d["cpu"] for _, d in all_runs)
wake = {q: sorted(d["wakeups"] / N for _, d in rounds[q]) for q in (0, 1, 2)}
spread = max(ratios(q)[-1] / ratios(q)[0] - 1 for q in (0, 1, 2))
wake_text = "; ".join(f"QoS {q} {w[0]:.2f}–{w[-1]:.2f}" for q, w in wake.items())
cpu_text = f"""- Where the CPU goes: into receiving{", mostly in the kernel" if sys_share > 0.5 else ""} (system time was at
  least {sys_share:.0%} of mqtt-dumper's CPU in every round). libmosquitto, in both recorders, reads a packet with one
  `read` for its type, one per byte of its length ({length_bytes} here: the packets are about {packet} bytes) and one
  for the rest; at QoS 1 and 2 it writes each acknowledgement at once, and writes a byte to its wake-up socket pair
  for every packet it queues, which fails with `EAGAIN` once the pair is full (mqtt-dumper's loop never reads the
  pair, mosquitto_sub's reads one byte per turn). How often a recorder wakes up decides much of the rest: each
  wake-up costs a `poll` and a context switch. With 20 messages in flight the publisher's messages arrive one at a
  time, not in bursts, and at QoS 2 a message is two packets (PUBLISH, PUBREL) with a round trip between them;
  mqtt-dumper woke up this often per message across the rounds (voluntary context switches): {wake_text}. On a
  busy machine a recorder is scheduled later, finds more packets waiting and wakes less often, which is why the
  rounds differ: the highest ratio of a QoS was up to {spread:.0%} above its lowest in this run.{missed_text}"""
stamps = ", ".join(f"{pairs[q][1]['timestamps'] / max(N - pairs[q][1]['lost'], 1):.2f}" for q in (0, 1, 2))
all_zero = all(d["lost"] == 0 for _, d in all_runs)
disconnections = sum(d["disconnected"] for _, d in all_runs)
pipe_lost_qos = any(p["lost"] for q in (1, 2) for p, _ in rounds[q])
stall_text = f"""- Falling behind: with both recorders paused (`SIGSTOP`) on one broker while {stall['n']:,} QoS {stall['qos']} messages
  were published, then resumed, mqtt-dumper received **{stall['dumper']:,}** and mosquitto_sub **{stall['sub']:,}**{
  " (mosquitto logged *Outgoing messages are being dropped*)" if stall['dropped'] else ""}. mosquitto holds 20 messages in
  flight for an MQTT 3.1.1 client plus `max_queued_messages` (1,000) more; mqtt-dumper speaks MQTT v5 and announces a
  Receive Maximum of 65,535, so the broker keeps that many in flight for it before the queue limit applies.{
  " That is why the pipeline, not mqtt-dumper, lost messages at QoS 1 and 2 when the busy machine held it back."
  if pipe_lost_qos and all_zero else ""}"""
all_cpu = not missed
ratio_size = dump["size"] / pipe["size"]
memory_verdict = (": memory does not grow with the length of a capture" if longer["rss"] <= dump["rss"] * 1.1
                  else f": **{longer['rss'] / dump['rss']:.2f}× as much for 5× the messages**")
pipe_rss = max(x[0]["rss"] for x in all_runs)
dump_rss = max(x[1]["rss"] for x in all_runs)
body = f"""## Capture: `benchmarks/capture.sh`

{N:,} JSON messages of ~{size // N} bytes, published to a private mosquitto with its **default** limits
(`max_queued_messages 1000`: a subscriber that falls behind loses messages; `max_inflight_messages 20`), and
recorded by `mqtt-dumper capture -t '#'` (its defaults: MQTT v5, subscribed at QoS 2 so that it records the
publisher's QoS) and by `mosquitto_sub -q N -v -t '#' | gzip` with N the publish QoS (mosquitto_sub's default
protocol, MQTT 3.1.1), each against a fresh broker, in the same session. QoS 0 is published with `mosquitto_pub -l` as
fast as it goes; QoS 1 and 2 with `benchmarks/qos_publisher.py` (paho-mqtt, MQTT v5, 20 messages in flight: the
broker's Receive Maximum), which waits for every acknowledgement, because `mosquitto_pub -l -q 1` gives up after a
few thousand messages. The publisher's rate is its own (first message to last acknowledgement), not what is compared.
Each QoS ran {ROUNDS} rounds, the two recorders taking turns to go first; the table shows the round with the median CPU
ratio (range over all rounds in brackets, losses of every round, the highest peak RSS). Messages lost are counted from
the files with Python's gzip and json modules (distinct `seq` numbers). CPU is user + system time of the recorder's
processes; for the pipeline, RSS is the sum of both processes. Wake-ups are the recorder's voluntary context
switches (mosquitto_sub's in the pipeline). On {machine()}; the machine was not otherwise idle,
so compare CPU time, not wall time.

{chr(10).join(table)}

Targets: no message lost by mqtt-dumper at any QoS — **{'met' if all_zero else 'missed'}**; mqtt-dumper's CPU ≤ 0.7× the
pipeline's at every QoS (median round) — **{'met' if all_cpu else 'missed at QoS ' + ', '.join(map(str, missed))}**.
mqtt-dumper's {len(all_runs)} capture files hold {disconnections} `disconnected` events{"" if disconnections else " (no reconnects)"}.

{chr(10).join(bullets)}
{cpu_text}
- Compression level: with `--level 1` (one round) mqtt-dumper used {fast['cpu'] / pipe['cpu']:.2f}× the median QoS 0
  pipeline's CPU against {dump['cpu'] / pipe['cpu']:.2f}× at the default level 6, for {fast['size'] / pipe['size']:.2f}× the size
  instead of {dump['size'] / pipe['size']:.2f}×.
{stall_text}
- Size: at QoS 0 mqtt-dumper's file is **{ratio_size:.2f}×** the pipeline's (target ≤ 1.2×; at QoS 1
  {pairs[1][1]['size'] / pairs[1][0]['size']:.2f}×, at QoS 2 {pairs[2][1]['size'] / pairs[2][0]['size']:.2f}×), while also
  holding a timestamp (µs format, bursts share one to within 1 ms), QoS and retain for every message. Messages that
  arrive one at a time have timestamps of their own, which compress less well: distinct timestamps per message were
  {stamps} at QoS 0, 1 and 2.
- Memory: mqtt-dumper peaked at {dump_rss:.1f} MiB at most, the pipeline at {pipe_rss:.1f} MiB (mosquitto_sub and gzip
  together); recording {N * 5:,} messages at QoS 0 peaked at {longer['rss']:.1f} MiB against {dump['rss']:.1f} MiB for
  {N:,} ({longer['lost']} lost){memory_verdict}. Peak RSS is sampled from `/proc` (`VmHWM`): the `ru_maxrss` that
  `wait4` reports for a child counts the Python process it was forked from, which made earlier tables overstate
  every recorder's memory (the pipeline's most).
"""
print(body)
write_section("capture", body)
