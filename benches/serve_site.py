"""What the preview benchmarks share: the synthetic site, and the server's
terminal lines read as they come (serve_speed.py, serve_instructions.py)."""
import os
import queue
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "..", "shared", "bench", "gen_site.py")
BIN = os.path.join(ROOT, "target", "release", "branchpress")
WORK = "/dev/shm/branchpress-bench" if os.path.isdir("/dev/shm") else "/tmp/branchpress-bench"


def bench_site(pages):
    """The shared generator's site of `pages` pages (branchpress flavour), made once."""
    site = os.path.join(WORK, "serve-%d" % pages)
    if not os.path.isdir(site):
        subprocess.run([sys.executable, GEN, str(pages), site, "--flavour", "branchpress"],
                       check=True, stdout=subprocess.DEVNULL)
    return site


class ServerLines:
    """The lines a running `branchpress serve` prints on stderr."""

    def __init__(self, proc):
        self.lines = queue.Queue()
        threading.Thread(target=lambda: [self.lines.put(l) for l in proc.stderr], daemon=True).start()

    def wait_for(self, prefix, timeout=60):
        """The time and text of the next line starting with `prefix`; exits when none comes."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=deadline - time.monotonic())
            except queue.Empty:
                break
            if line.startswith(prefix):
                return time.monotonic(), line.strip()
        sys.exit("no %r from the server" % prefix)
