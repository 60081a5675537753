#!/usr/bin/env python3
"""Languages benchmark: a site in three languages against the same site in one.

    python3 benches/languages_speed.py [--pages 10000] [--runs 3] [--search] [--bin PATH]

Generates the reference site (../shared/bench/gen_site.py, branchpress
flavour, --pages pages), then a copy in three languages: every page and
section file `x.md` gets a Welsh `x.cy.md` and an Arabic `x.ar.md` twin with
the same text (Zola's layout; the twins are published under /cy/ and /ar/,
linked as translations), and config.toml gets `[languages.cy]` and
`[languages.ar]`. Both are built alternately (one, three, one, three ...),
cold each time (output and build cache removed); prints the medians, the
ratio (issue 17's goal: the three-language site within 3.3x the one-language
site) and the peak memory of one build of each. The search index is off
unless --search, since Pagefind's time grows faster than the page count and
would hide the rest (see docs/performance.md). Build first: cargo build --release.
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
WORK = "/dev/shm/branchpress-languages-bench" if os.path.isdir("/dev/shm") else "/tmp/branchpress-languages-bench"
LANGUAGES = {"cy": "Canghennau", "ar": "الفروع"}


def one_language_site(pages, search):
    path = os.path.join(WORK, "one-%d%s" % (pages, "-search" if search else ""))
    if not os.path.isdir(path):
        subprocess.run([sys.executable, GEN, str(pages), path, "--flavour", "branchpress"],
                       check=True, stdout=subprocess.DEVNULL)
        if not search:
            with open(os.path.join(path, "config.toml"), "a") as f:
                f.write("\n[search]\nenabled = false\n")
    return path


def three_language_site(one, pages, search):
    path = os.path.join(WORK, "three-%d%s" % (pages, "-search" if search else ""))
    if os.path.isdir(path):
        return path
    shutil.copytree(one, path)
    for folder, _, files in os.walk(os.path.join(path, "content")):
        for name in files:
            if not name.endswith(".md"):
                continue
            stem = name[:-3]
            for code in LANGUAGES:
                shutil.copyfile(os.path.join(folder, name), os.path.join(folder, "%s.%s.md" % (stem, code)))
    with open(os.path.join(path, "config.toml"), "a") as f:
        for code, title in LANGUAGES.items():
            f.write('\n[languages.%s]\ntitle = "%s"\n' % (code, title))
    return path


def build(binary, site):
    out = os.path.join(WORK, "out")
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(os.path.join(site, ".branchpress"), ignore_errors=True)
    start = time.perf_counter()
    proc = subprocess.run([binary, "build", site, "--output-dir", out], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit("build of %s failed:\n%s" % (site, proc.stderr.decode(errors="replace")))
    return seconds


def peak_mib(binary, site):
    out = os.path.join(WORK, "out")
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(os.path.join(site, ".branchpress"), ignore_errors=True)
    err = subprocess.run(["/usr/bin/time", "-f", "%M", binary, "build", site, "--output-dir", out],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True).stderr
    return int(err.decode().strip().splitlines()[-1]) / 1024


def count_pages(out):
    return sum(1 for _, _, files in os.walk(out) for f in files if f == "index.html")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--search", action="store_true", help="keep the search index on")
    parser.add_argument("--bin", default=BIN)
    args = parser.parse_args()
    if not os.path.exists(args.bin):
        sys.exit("no %s: run cargo build --release first" % args.bin)
    os.makedirs(WORK, exist_ok=True)
    one = one_language_site(args.pages, args.search)
    three = three_language_site(one, args.pages, args.search)
    times = {"one": [], "three": []}
    for _ in range(args.runs):
        times["one"].append(build(args.bin, one))
        times["three"].append(build(args.bin, three))
    pages_three = count_pages(os.path.join(WORK, "out"))
    peak = {"one": peak_mib(args.bin, one), "three": peak_mib(args.bin, three)}
    one_median, three_median = statistics.median(times["one"]), statistics.median(times["three"])
    print("%d pages a language, search %s, %d runs each, alternating:" %
          (args.pages, "on" if args.search else "off", args.runs))
    print("  one language      median %6.2f s  (runs %s)  peak %5.0f MiB" %
          (one_median, " ".join("%.2f" % t for t in times["one"]), peak["one"]))
    print("  three languages   median %6.2f s  (runs %s)  peak %5.0f MiB  (%d pages written)" %
          (three_median, " ".join("%.2f" % t for t in times["three"]), peak["three"], pages_three))
    print("  ratio %.2fx (goal: at most 3.3x)" % (three_median / one_median))


if __name__ == "__main__":
    main()
