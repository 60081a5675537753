#!/usr/bin/env python3
"""Hugo content, as it is, built by branchpress and by Hugo (issue 12).

    python3 benches/peer_content_speed.py [--size 1000] [--runs 5]

Generates the shared synthetic site in its Hugo flavour (../shared/bench/
gen_site.py), then gives every page the Hugo front matter keys a real Hugo
site uses (linkTitle, keywords, params, lastmod, menus) and every tenth page
two shortcodes Hugo ships and the commons theme has too ({{< youtube >}} and
{{< figure >}}). Hugo builds that folder; branchpress builds the same
`content/` in a site made by `branchpress init`. Prints the median wall time
of each (builds alternate) and the warnings branchpress reported.
Build branchpress first: cargo build --release. Hugo is Debian's `hugo`.
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
# ../shared beside the checkout, or beside the folder of worktrees.
GEN = next((g for g in (os.path.join(ROOT, *[".."] * up, "shared", "bench", "gen_site.py") for up in (1, 2))
            if os.path.exists(g)), os.path.join(ROOT, "..", "shared", "bench", "gen_site.py"))
BIN = os.path.join(ROOT, "target", "release", "branchpress")
WORK = "/dev/shm/branchpress-peer-bench" if os.path.isdir("/dev/shm") else "/tmp/branchpress-peer-bench"

EXTRA_KEYS = 'linkTitle: "Short %d"\nkeywords: [community, branch]\nparams:\n  rank: %d\nlastmod: 2026-05-01\nmenus: [main]\n'
SHORTCODES = '\n\n{{< youtube dQw4w9WgXcQ >}}\n\n{{< figure src="/images/hall.png" alt="The hall" caption="The hall" >}}\n'


def add_hugo_keys(content):
    """Adds Hugo keys to every page and shortcodes to every tenth one."""
    n = 0
    for folder, _, files in os.walk(content):
        for name in sorted(files):
            if not name.endswith(".md") or name == "_index.md":
                continue
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            head, sep, body = text.partition("\n---\n")
            text = head + "\n" + EXTRA_KEYS % (n, n) + "---\n" + body
            if n % 10 == 0:
                text += SHORTCODES
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            n += 1
    return n


def timed(cmd, cwd):
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit("%s failed:\n%s" % (" ".join(cmd), proc.stderr[-3000:]))
    return elapsed, proc.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    if not os.path.exists(BIN):
        sys.exit("build branchpress first: cargo build --release")
    shutil.rmtree(WORK, ignore_errors=True)
    hugo_site = os.path.join(WORK, "hugo")
    subprocess.run([sys.executable, GEN, str(args.size), hugo_site, "--flavour", "hugo"], check=True,
                   stdout=subprocess.DEVNULL)
    pages = add_hugo_keys(os.path.join(hugo_site, "content"))
    os.makedirs(os.path.join(hugo_site, "static", "images"), exist_ok=True)
    open(os.path.join(hugo_site, "static", "images", "hall.png"), "wb").close()

    bp_site = os.path.join(WORK, "branchpress")
    subprocess.run([BIN, "init", bp_site], check=True, capture_output=True)
    shutil.rmtree(os.path.join(bp_site, "content"))
    shutil.copytree(os.path.join(hugo_site, "content"), os.path.join(bp_site, "content"))
    shutil.copytree(os.path.join(hugo_site, "static"), os.path.join(bp_site, "static"), dirs_exist_ok=True)

    times = {"branchpress": [], "hugo": []}
    warnings = ""
    for _ in range(args.runs):
        t, err = timed([BIN, "build", "-o", os.path.join(WORK, "bp-out")], bp_site)
        times["branchpress"].append(t)
        warnings = err
        t, _ = timed(["hugo", "--quiet", "-d", os.path.join(WORK, "hugo-out")], hugo_site)
        times["hugo"].append(t)
    print("%d pages with Hugo keys, %d with two shortcodes, %d runs each" % (pages, (pages + 9) // 10, args.runs))
    for name, ts in times.items():
        print("  %-12s median %.3f s  (min %.3f, max %.3f)" % (name, statistics.median(ts), min(ts), max(ts)))
    found = sorted(set(re.findall(r"warning: [^\n]*", warnings)))
    print("branchpress warnings (%d):" % len(found))
    for w in found:
        print("  " + w)


if __name__ == "__main__":
    main()
