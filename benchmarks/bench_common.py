"""Shared pieces of the benchmarks: a private mosquitto, process accounting, BENCHMARKS.md sections."""
import os, re, socket, subprocess, tempfile, time


class Broker:
    """mosquitto on a free loopback port, config in a temp dir, stopped by PID."""

    def __init__(self, extra=""):
        self.dir = tempfile.mkdtemp(prefix="mqtt-dumper-bench-")
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        conf = os.path.join(self.dir, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write(f"listener {self.port} 127.0.0.1\nallow_anonymous true\n{extra}")
        self.proc = subprocess.Popen(["mosquitto", "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("mosquitto did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def wait_rusage(proc, timeout):
    """Waits for a Popen child and returns (exit status, CPU seconds, peak RSS in MiB)."""
    deadline = time.time() + timeout
    while True:
        pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return proc.returncode, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024
        if time.time() > deadline:
            proc.kill()
        time.sleep(0.01)


def write_section(name, body):
    """Replaces the section between <!-- name --> markers in BENCHMARKS.md (or appends it)."""
    path = os.path.join(os.path.dirname(__file__), "..", "BENCHMARKS.md")
    text = open(path).read() if os.path.exists(path) else "# Benchmarks\n\nMeasured by the scripts in `benchmarks/`; re-run them to refresh these tables.\n"
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    block = f"{start}\n{body.rstrip()}\n{end}"
    if start in text:
        text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    with open(path, "w") as f:
        f.write(text)


def machine():
    cpu = "?"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return f"{os.cpu_count()} cores ({cpu}), mosquitto {subprocess.run(['mosquitto', '-h'], capture_output=True, text=True).stdout.split()[2]}"
