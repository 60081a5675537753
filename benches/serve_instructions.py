#!/usr/bin/env python3
"""Preview benchmark in instructions, not seconds: the work of N page edits.

    python3 benches/serve_instructions.py [--pages 10000] [--edits 5] [--binary PATH]

Wall-clock figures on a shared two-core machine move by tens of percent
with whatever else runs; callgrind's instruction count does not (the same
binary and input give the same count, loaded or idle). This runs
`branchpress serve` on the shared synthetic site under
`valgrind --tool=callgrind` with collection off, makes one warm-up edit,
then counts only the rebuilds of --edits page edits, and prints the
instructions per edit. Compare two builds (an older commit's with
--binary) to tell whether a change made the preview do more work; the
file it writes can be read with callgrind_annotate to see where.
It counts work on every thread, not the time to the reload: pair it with
benches/serve_speed.py. Build first: cargo build --release (or, to see
function names in callgrind_annotate, cargo build --profile profiling and
--binary target/profiling/branchpress).
"""
import argparse
import os
import re
import subprocess
import time

from serve_site import BIN, WORK, ServerLines, bench_site


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--edits", type=int, default=5)
    ap.add_argument("--port", type=int, default=1412)
    ap.add_argument("--binary", default=BIN, help="the branchpress executable to measure")
    ap.add_argument("--out", default=os.path.join(WORK, "callgrind.out"), help="callgrind's output file")
    args = ap.parse_args()
    site = bench_site(args.pages)
    proc = subprocess.Popen(["valgrind", "--tool=callgrind", "--instr-atstart=no",
                             "--callgrind-out-file=" + args.out,
                             args.binary, "serve", site, "--port", str(args.port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    server = ServerLines(proc)

    def wait_for(prefix):
        return server.wait_for(prefix, timeout=1800)[1]

    def control(switch):
        subprocess.run(["callgrind_control", "-i", switch, str(proc.pid)], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)

    news = os.path.join(site, "content", "news")
    page = os.path.join(news, sorted(os.listdir(news))[5])
    original = open(page).read()
    try:
        wait_for("Built")
        with open(page, "w") as f:
            f.write(original + "\nWarm-up edit.\n")
        wait_for("Rebuilt")
        time.sleep(1)
        control("on")
        for i in range(args.edits):
            with open(page, "w") as f:
                f.write(original + "\nEdit number %d.\n" % i)
            wait_for("Rebuilt")
            time.sleep(1)  # the background drop of the last state is counted too
        control("off")
    finally:
        with open(page, "w") as f:
            f.write(original)
        time.sleep(1)
        proc.terminate()
        proc.wait()
    total = subprocess.run(["callgrind_annotate", args.out], check=True, capture_output=True, text=True).stdout
    count = int(re.search(r"([\d,]+) \(100\.0%\)\s+PROGRAM TOTALS", total).group(1).replace(",", ""))
    print("%d pages: %d page edits, %.1f million instructions per edit (%s)"
          % (args.pages, args.edits, count / args.edits / 1e6, args.binary))


if __name__ == "__main__":
    main()
