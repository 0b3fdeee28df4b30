"""Runs a command with its stderr on a pseudo-terminal (stdout a pipe) and prints, as JSON, the exit
status, stdout, and every byte the terminal received: for testing status lines that only a terminal gets."""
import json
import os
import pty
import subprocess
import sys

primary, secondary = pty.openpty()
process = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=secondary)
os.close(secondary)
terminal = b""
while True:
    try:
        chunk = os.read(primary, 65536)
    except OSError:  # EIO: the command and everything holding the terminal ended
        break
    if not chunk:
        break
    terminal += chunk
stdout = process.stdout.read()
status = process.wait()
print(json.dumps({"status": status, "stdout": stdout.decode(), "terminal": terminal.decode()}))
