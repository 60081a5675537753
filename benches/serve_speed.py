#!/usr/bin/env python3
"""Preview benchmark: time from saving a page to the reload message.

    python3 benches/serve_speed.py [--pages 10000] [--edits 20] [--memory-edits 200] [--binary PATH]

Generates the shared synthetic site (../shared/bench/gen_site.py, branchpress
flavour) under /dev/shm, starts `branchpress serve` on it, then saves one page
at a time and measures from the write to the moment the server reports the
rebuild (it sends the reload message to the browser just before printing).
Prints the median and spread, the same for a template used by every page,
and the resident memory after the first and the last of --memory-edits edits.
Build first: cargo build --release. `--binary` measures another build (an
older commit's, to compare two side by side: alternate the runs).
"""
import argparse
import os
import statistics
import subprocess
import time

from serve_site import BIN, ServerLines, bench_site


def rss_mib(pid, field="VmRSS"):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--memory-edits", type=int, default=200)
    ap.add_argument("--port", type=int, default=1411)
    ap.add_argument("--binary", default=BIN, help="the branchpress executable to measure")
    args = ap.parse_args()
    site = bench_site(args.pages)
    proc = subprocess.Popen([args.binary, "serve", site, "--port", str(args.port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wait_for = ServerLines(proc).wait_for

    try:
        wait_for("Built")
        page = os.path.join(site, "content", "news", sorted(os.listdir(os.path.join(site, "content", "news")))[5])
        original = open(page).read()

        def save(path, text):
            start = time.monotonic()
            with open(path, "w") as f:
                f.write(text)
            end, line = wait_for("Rebuilt")
            return end - start, line

        times = []
        for i in range(args.edits):
            took, line = save(page, original + "\nEdit number %d.\n" % i)
            times.append(took)
            time.sleep(0.2)
        print("%d pages: save page -> reload message, %d edits: median %.0f ms (min %.0f, max %.0f)"
              % (args.pages, args.edits, statistics.median(times) * 1000, min(times) * 1000, max(times) * 1000))
        print("  last server line: %s" % line)

        template = os.path.join(site, "templates", "page.html")
        tpl = open(template).read()
        ttimes = []
        for i in range(3):
            took, _ = save(template, tpl + "\n{# edit %d #}\n" % i)
            ttimes.append(took)
            time.sleep(0.2)
        with open(template, "w") as f:
            f.write(tpl)
        wait_for("Rebuilt")
        print("  save page.html (used by every page): median %.0f ms" % (statistics.median(ttimes) * 1000))

        first = None
        for i in range(args.memory_edits):
            save(page, original + "\nMemory edit %d.\n" % i)
            if i == 0:
                first = rss_mib(proc.pid)
            time.sleep(0.05)
        time.sleep(1)  # let the background drop of the last state finish
        print("  resident memory after edit 1: %.0f MiB, after edit %d: %.0f MiB (peak %.0f MiB)"
              % (first, args.memory_edits, rss_mib(proc.pid), rss_mib(proc.pid, "VmHWM")))
        with open(page, "w") as f:
            f.write(original)
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
