"""Shared pieces of the benchmarks: a private mosquitto, process accounting, BENCHMARKS.md sections."""
import atexit, os, re, shutil, signal, socket, subprocess, tempfile, threading, time


class Broker:
    """mosquitto on a free loopback port, config and log in a temp dir, stopped by PID."""

    def __init__(self, extra=""):
        self.dir = tempfile.mkdtemp(prefix="mqtt-dumper-bench-")
        atexit.register(shutil.rmtree, self.dir, True)  # after the run: the log is read once stopped
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        conf = os.path.join(self.dir, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write(f"listener {self.port} 127.0.0.1\nallow_anonymous true\n{extra}")
        self.log_path = os.path.join(self.dir, "mosquitto.log")
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(["mosquitto", "-c", conf], stdout=log, stderr=subprocess.STDOUT)
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

    def log(self):
        """What mosquitto logged (errors, warnings, notices, connections)."""
        with open(self.log_path, errors="replace") as f:
            return f.read()


def wait_rusage(proc, timeout):
    """Waits for a Popen child and returns (exit status, CPU seconds, peak RSS in MiB)."""
    u = wait_usage(proc, timeout)
    return u["status"], u["cpu"], u["rss"]


def peak_rss_kib(pid):
    """VmHWM of a running process: the peak resident memory of the program it runs now."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def descendants(pid):
    """The processes below `pid` (a shell pipeline's commands), from /proc's children lists."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{parent}/task/{task}/children") as f:
                    children = [int(c) for c in f.read().split()]
            except OSError:
                continue
            found += children
            todo += children
    return found


def watch_rss(proc):
    """Samples a just-started child's peak RSS every 10 ms until it exits, in a thread: a child that finishes
    before `wait_usage` is called has no /proc entry left to read. For a shell command line, the largest of
    the shell and the programs it started (`mqtt-dumper … | wc -l` is mqtt-dumper's, not the shell's)."""
    proc.peak_rss_kib = 0

    def sample():
        while True:
            kib = peak_rss_kib(proc.pid)
            if kib == 0:  # exited (a zombie has no memory) or reaped
                return
            for child in descendants(proc.pid):
                kib = max(kib, peak_rss_kib(child))
            proc.peak_rss_kib = max(proc.peak_rss_kib, kib)
            time.sleep(0.01)

    threading.Thread(target=sample, daemon=True).start()
    return proc


def wait_usage(proc, timeout, stop=signal.SIGKILL):
    """Waits for a Popen child, sending it `stop` after `timeout` seconds (SIGKILL 10 s later if it is still there).
    Returns its exit status, user and system CPU seconds, peak RSS in MiB, voluntary context switches and
    whether it had to be stopped.

    Peak RSS is sampled from /proc every 10 ms (from the start with `watch_rss`), not taken from wait4: the
    kernel's ru_maxrss of a child includes the memory of the Python process it was forked from (a `true` started
    from here "peaks" at 14 MiB)."""
    deadline = time.time() + timeout
    stopped = False
    peak = getattr(proc, "peak_rss_kib", 0)
    while True:
        peak = max(peak, peak_rss_kib(proc.pid))
        pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            peak = max(peak, getattr(proc, "peak_rss_kib", 0))
            return dict(status=proc.returncode, user=ru.ru_utime, sys=ru.ru_stime, cpu=ru.ru_utime + ru.ru_stime,
                        rss=(peak or ru.ru_maxrss) / 1024, wakeups=ru.ru_nvcsw, stopped=stopped)
        if time.time() > deadline:
            proc.send_signal(stop if not stopped else signal.SIGKILL)
            if not stopped:
                stopped = True
                deadline = time.time() + 10
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
