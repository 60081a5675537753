#!/usr/bin/env python3
"""Build-speed benchmark: branchpress against Hugo on the shared synthetic site.

    python3 benches/build_speed.py [--sizes 1000 10000] [--runs 5]

Generates the site with ../shared/bench/gen_site.py (branchpress and hugo
flavours, the same content) under /dev/shm, then alternates full builds
(branchpress, hugo, branchpress, hugo, ...) and prints the median wall time,
the median of the per-pair ratios and the peak memory (max RSS) of each.
Hugo is Debian's `hugo` (apt install hugo); without it only branchpress runs.
Build branchpress first: cargo build --release.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "..", "shared", "bench", "gen_site.py")
BIN = os.path.join(ROOT, "target", "release", "branchpress")
WORK = "/dev/shm/branchpress-bench" if os.path.isdir("/dev/shm") else "/tmp/branchpress-bench"


def timed(cmd, cwd=None):
    """Runs cmd; returns its wall time in seconds. Fails loudly."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, err = proc.communicate()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), err.decode(errors="replace")))
    return seconds


def peak_mib(cmd, cwd=None):
    """Peak RSS of one run, through GNU time."""
    out = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, cwd=cwd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, check=True).stderr.decode().strip().splitlines()[-1]
    return int(out) / 1024


def generate(n, flavour):
    path = os.path.join(WORK, "%s-%d" % (flavour, n))
    if not os.path.isdir(path):
        subprocess.run([sys.executable, GEN, str(n), path, "--flavour", flavour],
                       check=True, stdout=subprocess.DEVNULL)
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    if not os.path.exists(BIN):
        sys.exit("build first: cargo build --release")
    hugo = shutil.which("hugo")
    os.makedirs(WORK, exist_ok=True)
    for n in args.sizes:
        bp_site = generate(n, "branchpress")
        bp_cmd = [BIN, "build", bp_site, "--output-dir", os.path.join(WORK, "out-bp-%d" % n)]
        cmds = {"branchpress": bp_cmd}
        if hugo:
            hugo_site = generate(n, "hugo")
            cmds["hugo"] = [hugo, "--quiet", "-s", hugo_site, "-d", os.path.join(WORK, "out-hugo-%d" % n)]
        for cmd in cmds.values():  # warm the page cache once
            timed(cmd)
        times = {name: [] for name in cmds}
        for _ in range(args.runs):
            for name, cmd in cmds.items():
                times[name].append(timed(cmd))
        peaks = {name: peak_mib(cmd) for name, cmd in cmds.items()}
        print("%d pages, %d runs each, alternating:" % (n, args.runs))
        for name in cmds:
            t = times[name]
            print("  %-12s median %.3f s  (min %.3f, max %.3f)  peak %.0f MiB"
                  % (name, statistics.median(t), min(t), max(t), peaks[name]))
        if "hugo" in times:
            ratios = [b / h for b, h in zip(times["branchpress"], times["hugo"])]
            print("  ratio branchpress/hugo: median of pairs %.2f, of medians %.2f"
                  % (statistics.median(ratios),
                     statistics.median(times["branchpress"]) / statistics.median(times["hugo"])))


if __name__ == "__main__":
    main()
