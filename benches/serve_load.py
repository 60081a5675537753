#!/usr/bin/env python3
"""Preview server under hostile load: memory, threads and the latency of a normal request.

    python3 benches/serve_load.py [--bin target/release/branchpress] [--half-open 2000]
                                  [--header-mib 400] [--sockets 50]

Starts `branchpress serve` on a small site made by `branchpress init`, on
127.0.0.1 only, then in turn: sends one request whose header grows to
--header-mib MiB (stopping as soon as the server answers or closes); holds
--half-open connections that send nothing or half a request head; opens
--sockets live-reload WebSockets and closes them again. After each step it
prints the server's resident memory (peak and now, from /proc), its thread
and open-file counts, and how long a normal `GET /` takes meanwhile.
Needs an open-file limit above --half-open (ulimit -n).
"""
import argparse
import base64
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def status(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def state(pid):
    return "RSS %6.1f MiB, %4d threads, %4d open files" % (
        status(pid, "VmRSS") / 1024, status(pid, "Threads"), len(os.listdir("/proc/%d/fd" % pid)))


class PeakRss:
    """Samples the server's RSS every 10 ms until stopped; keeps the peak."""

    def __init__(self, pid):
        self.pid, self.peak, self.done = pid, 0, False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.done:
            self.peak = max(self.peak, status(self.pid, "VmRSS"))
            time.sleep(0.01)

    def stop(self):
        self.done = True
        self.thread.join()
        return self.peak / 1024


def get(port, path="/", timeout=30.0):
    """A normal request; returns (status, seconds)."""
    start = time.monotonic()
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n" % (path, port)).encode())
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    code = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    return code, time.monotonic() - start


def latency(port, count=5):
    times = []
    for _ in range(count):
        code, took = get(port)
        assert code == 200, code
        times.append(took)
    times.sort()
    return "GET / median %.1f ms, worst %.1f ms" % (times[len(times) // 2] * 1000, times[-1] * 1000)


def big_header(port, pid, mib):
    peak = PeakRss(pid)
    start = time.monotonic()
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(("GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nX-Big: " % port).encode())
    chunk, sent, answer = b"a" * (1 << 20), 0, b""
    try:
        while sent < mib:
            s.sendall(chunk)
            sent += 1
    except OSError:
        pass
    s.settimeout(30)
    try:
        answer = s.recv(200)
    except OSError:
        pass
    took = time.monotonic() - start
    s.close()
    line = answer.split(b"\r\n")[0].decode(errors="replace") or "(closed)"
    print("header of up to %d MiB: server stopped it after %d MiB in %.2f s, answer %r, peak %s MiB" % (
        mib, sent, took, line, "%.1f" % peak.stop()))


def half_open(port, pid, count):
    peak = PeakRss(pid)
    held = []
    for i in range(count):
        s = socket.create_connection(("127.0.0.1", port))
        if i % 2:
            s.sendall(("GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nX-Slow: " % port).encode())
        held.append(s)
    time.sleep(1)
    print("%d half-open connections: %s; %s; peak RSS %.1f MiB" % (count, state(pid), latency(port), peak.stop()))
    for s in held:
        s.close()


def sockets(port, pid, count):
    before = state(pid)
    held = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        s.sendall(("GET /__branchpress/events HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nOrigin: http://127.0.0.1:%d\r\n"
                   "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                   "Sec-WebSocket-Version: 13\r\n\r\n" % (port, port, key)).encode())
        assert s.recv(4096).startswith(b"HTTP/1.1 101"), "no WebSocket"
        held.append(s)
    time.sleep(1)
    print("%d reload sockets open: %s (before: %s)" % (count, state(pid), before))
    for s in held:
        s.close()
    time.sleep(2)
    print("2 s after their clients closed them: %s" % state(pid))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "branchpress"))
    ap.add_argument("--port", type=int, default=1412)
    ap.add_argument("--half-open", type=int, default=2000)
    ap.add_argument("--header-mib", type=int, default=400)
    ap.add_argument("--sockets", type=int, default=50)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="branchpress-load-")
    site = os.path.join(work, "site")
    subprocess.run([args.bin, "init", site], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    proc = subprocess.Popen([args.bin, "serve", site, "--port", str(args.port)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        port = int(line.split("127.0.0.1:")[1].split("/")[0])
        print("idle: %s; %s" % (state(proc.pid), latency(port)))
        big_header(port, proc.pid, args.header_mib)
        print("after the big header: %s; %s" % (state(proc.pid), latency(port)))
        half_open(port, proc.pid, args.half_open)
        time.sleep(1)
        print("after closing them: %s" % state(proc.pid))
        sockets(port, proc.pid, args.sockets)
    finally:
        proc.kill()
        proc.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
