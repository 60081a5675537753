#!/usr/bin/env python3
"""Build-speed benchmark: branchpress against Hugo (and Zola) on the shared synthetic site.

    python3 benches/build_speed.py [--sizes 1000 10000 50000 100000] [--runs 5]
        [--bin target/release/branchpress] [--no-search] [--no-hugo] [--zola PATH]
        [--warm] [--stages-only] [--work DIR]

Generates the site with ../shared/bench/gen_site.py (branchpress, hugo and
zola flavours, the same content) under /dev/shm, then alternates full builds
(branchpress, hugo, [zola,] branchpress, hugo, ...) and prints the median
wall time, the median of the per-pair ratios and the peak memory (max RSS)
of each. After that, one `branchpress build --timings` gives the time of
each stage, in ms and in ms per page, so sizes can be compared per page.

- Every branchpress build here is cold: the highlight cache
  (.branchpress/cache/highlight/) is removed before each one.
- `--warm` also measures a warm build, as CI with a kept cache runs it: one
  page changed, the highlight cache kept, alternating with cold builds.
- `--no-search` builds a copy of the site with `[search] enabled = false`
  (the Pagefind index; see docs/performance.md for why it is measured apart).
- `--stages-only` skips the timed runs (one build per size: the stages and
  the peak memory), for the 50,000- and 100,000-page sizes.

Hugo is Debian's `hugo` (apt install hugo); without it, or with `--no-hugo`,
only branchpress runs. Zola is not packaged for Debian: pass its binary with
`--zola`. Build branchpress first: cargo build --release.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "..", "shared", "bench", "gen_site.py")
BIN = os.path.join(ROOT, "target", "release", "branchpress")
WORK = "/dev/shm/branchpress-bench" if os.path.isdir("/dev/shm") else "/tmp/branchpress-bench"
STAGES = ["load", "markdown", "templates and HTML", "static files", "search index"]


def run(cmd, cwd=None):
    """Runs cmd; returns (wall seconds, stdout+stderr). Fails loudly."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), err.decode(errors="replace")))
    return seconds, out.decode(errors="replace") + err.decode(errors="replace")


def peak_mib(cmd, cwd=None):
    """Peak RSS of one run, through GNU time."""
    out = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, cwd=cwd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, check=True).stderr.decode().strip().splitlines()[-1]
    return int(out) / 1024


def generate(n, flavour, no_search=False):
    path = os.path.join(WORK, "%s-%d" % (flavour, n))
    if no_search and os.path.isdir(path + "-nosearch"):
        return path + "-nosearch"
    if not os.path.isdir(path):
        subprocess.run([sys.executable, GEN, str(n), path, "--flavour", flavour],
                       check=True, stdout=subprocess.DEVNULL)
    if no_search:
        plain = path + "-nosearch"
        if not os.path.isdir(plain):
            shutil.copytree(path, plain)
            with open(os.path.join(plain, "config.toml"), "a") as f:
                f.write("\n[search]\nenabled = false\n")
        path = plain
    return path


def forget_highlights(site):
    shutil.rmtree(os.path.join(site, ".branchpress", "cache", "highlight"), ignore_errors=True)


def stage_times(text):
    """The --timings line as {stage: ms}, plus highlighting CPU ms."""
    found = {}
    for stage in STAGES + ["highlighting"]:
        m = re.search(r"%s (\d+) ms" % re.escape(stage), text)
        if m:
            found[stage] = int(m.group(1))
    return found


def print_stages(n, stages, wall):
    print("  stages of one cold build (ms, ms per page):")
    for stage in STAGES:
        if stage in stages:
            print("    %-20s %7d ms  %.4f ms/page" % (stage, stages[stage], stages[stage] / n))
    if "highlighting" in stages:
        print("    %-20s %7d ms  (CPU summed over threads, part of markdown)" % ("highlighting", stages["highlighting"]))
    print("    %-20s %7.0f ms  %.4f ms/page" % ("wall", wall * 1000, wall * 1000 / n))


def change_one_page(site, n):
    """Appends a line to one page: a warm build's 'one page changed'."""
    content = os.path.join(site, "content", "news")
    page = sorted(f for f in os.listdir(content) if f != "_index.md")[0]
    with open(os.path.join(content, page), "a") as f:
        f.write("\nEdited at %f.\n" % time.time())


def main():
    global WORK
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--bin", default=BIN)
    ap.add_argument("--zola", help="a Zola binary to compare with")
    ap.add_argument("--no-hugo", action="store_true")
    ap.add_argument("--no-search", action="store_true", help="build with [search] enabled = false")
    ap.add_argument("--warm", action="store_true", help="also time warm builds (one page changed)")
    ap.add_argument("--stages-only", action="store_true", help="one build per size: stages and peak memory")
    ap.add_argument("--work", help="where sites are generated (default %s)" % WORK)
    args = ap.parse_args()
    if args.work:
        WORK = args.work
    if not os.path.exists(args.bin):
        sys.exit("build first: cargo build --release")
    hugo = None if args.no_hugo else shutil.which("hugo")
    os.makedirs(WORK, exist_ok=True)
    for n in args.sizes:
        bp_site = generate(n, "branchpress", args.no_search)
        out = os.path.join(WORK, "out-bp-%d" % n)
        bp_cmd = [args.bin, "build", bp_site, "--output-dir", out]
        cmds = {"branchpress": bp_cmd}
        if hugo and not args.stages_only:
            hugo_site = generate(n, "hugo")
            cmds["hugo"] = [hugo, "--quiet", "-s", hugo_site, "-d", os.path.join(WORK, "out-hugo-%d" % n)]
        if args.zola and not args.stages_only:
            zola_site = generate(n, "zola")
            cmds["zola"] = [args.zola, "--root", zola_site, "build", "--force", "-o", os.path.join(WORK, "out-zola-%d" % n)]
        print("%d pages%s:" % (n, " (search off)" if args.no_search else ""))
        if not args.stages_only:
            for cmd in cmds.values():  # warm the page cache once
                forget_highlights(bp_site)
                run(cmd)
            times = {name: [] for name in cmds}
            for _ in range(args.runs):
                for name, cmd in cmds.items():
                    forget_highlights(bp_site)
                    times[name].append(run(cmd)[0])
        forget_highlights(bp_site)
        peaks = {name: peak_mib(cmd) for name, cmd in cmds.items()}
        forget_highlights(bp_site)
        wall, text = run(bp_cmd + ["--timings"])
        if args.stages_only:
            print("  branchpress %.3f s, peak %.0f MiB" % (wall, peaks["branchpress"]))
        else:
            print("  %d runs each, alternating:" % args.runs)
            for name in cmds:
                t = times[name]
                print("  %-12s median %.3f s  (min %.3f, max %.3f)  peak %.0f MiB  %.4f ms/page"
                      % (name, statistics.median(t), min(t), max(t), peaks[name], statistics.median(t) * 1000 / n))
            for peer in ("hugo", "zola"):
                if peer in times:
                    ratios = [b / h for b, h in zip(times["branchpress"], times[peer])]
                    print("  ratio branchpress/%s: median of pairs %.3f, of medians %.3f"
                          % (peer, statistics.median(ratios),
                             statistics.median(times["branchpress"]) / statistics.median(times[peer])))
        print_stages(n, stage_times(text), wall)
        if args.warm:
            warm_runs(args, n, bp_site, bp_cmd)


def warm_runs(args, n, site, cmd):
    """Cold (cache removed) and warm (cache kept, one page changed) builds, alternating."""
    cold, warm, warm_text = [], [], ""
    for _ in range(args.runs):
        forget_highlights(site)
        change_one_page(site, n)
        cold.append(run(cmd)[0])
        change_one_page(site, n)
        seconds, warm_text = run(cmd + ["--timings"])
        warm.append(seconds)
    ratios = [w / c for w, c in zip(warm, cold)]
    print("  cold %.3f s, warm (one page changed, cache kept) %.3f s: warm/cold median of pairs %.3f"
          % (statistics.median(cold), statistics.median(warm), statistics.median(ratios)))
    print("  last warm build:" + warm_text.split("\n", 1)[-1].rstrip().replace("\n", "\n  "))


if __name__ == "__main__":
    main()
