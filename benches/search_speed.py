#!/usr/bin/env python3
"""Search benchmark: what the search index costs a build, and what a query costs a reader.

    python3 benches/search_speed.py [--pages 10000] [--runs 3] [--words compost lamps]
                                    [--sources 1000] [--entries 50]

1. Build time. Generates the reference site (../shared/bench/gen_site.py,
   branchpress flavour) and alternates full builds with `[search] enabled =
   false` and with the default (enabled): medians, and the share indexing
   adds (the goal is at most 30%). The index's size on disk (pagefind/).
2. Transfer. The same site with the commons theme (so it has the search
   page) is built for 127.0.0.1 and a one-word query is typed in headless
   Chromium (tests/browser/search.mjs): every file the browser fetched for
   the search page and the query is counted, as served (no HTTP compression)
   and gzipped (as most hosts send text). Compared with a whole-index
   download: one JSON file of every page's title and text (read back from
   the index), which is what elasticlunr- and Fuse-style indexes ship.
3. A hub following --sources local branches of --entries entries each:
   build time with `[search] include_network = false` and with the default;
   the difference is the time to index the network (goal: under 2 s).

Needs a release build (cargo build --release) and, for 2, Node with
tests/browser's packages (npm ci) and Debian's Chromium.
"""
import argparse
import glob
import gzip
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# ../shared beside the checkout (a worktree one folder deeper finds it too).
GEN = next((g for g in (os.path.join(ROOT, "..", "shared", "bench", "gen_site.py"),
                        os.path.join(ROOT, "..", "..", "shared", "bench", "gen_site.py")) if os.path.exists(g)),
           os.path.join(ROOT, "..", "shared", "bench", "gen_site.py"))
BIN = os.path.join(ROOT, "target", "release", "branchpress")
WORK = "/dev/shm/branchpress-search-bench" if os.path.isdir("/dev/shm") else "/tmp/branchpress-search-bench"


def timed(cmd):
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), proc.stderr.decode(errors="replace")))
    return time.perf_counter() - start


def set_search(site, table):
    """Rewrites the [search] table at the end of site/config.toml."""
    path = os.path.join(site, "config.toml")
    with open(path) as f:
        text = f.read().split("\n[search]\n")[0].rstrip("\n")
    with open(path, "w") as f:
        f.write(text + "\n" + ("\n[search]\n" + table + "\n" if table else ""))


def folder_bytes(path):
    return sum(os.path.getsize(f) for f in glob.glob(os.path.join(path, "**"), recursive=True) if os.path.isfile(f))


def alternate(site, out, variants, runs):
    """Alternates builds of `site` under each (label, [search] table); returns medians."""
    times = {label: [] for label, _ in variants}
    for _ in range(runs):
        for label, table in variants:
            set_search(site, table)
            times[label].append(timed([BIN, "build", site, "--output-dir", out]))
    set_search(site, "")
    return {label: statistics.median(t) for label, t in times.items()}


def build_time(args):
    site = os.path.join(WORK, "site")
    subprocess.run([sys.executable, GEN, "--flavour", "branchpress", str(args.pages), site, "--force"],
                   check=True, stdout=subprocess.DEVNULL)
    out = os.path.join(WORK, "site-out")
    medians = alternate(site, out, [("without search", "enabled = false"), ("with search", "")], args.runs)
    off, on = medians["without search"], medians["with search"]
    print("%d pages, full build, median of %d:" % (args.pages, args.runs))
    print("  without search  %6.2f s" % off)
    print("  with search     %6.2f s   (+%.0f%%; goal: at most +30%%)" % (on, 100 * (on - off) / off))
    index = os.path.join(out, "pagefind")
    files = [f for f in glob.glob(os.path.join(index, "**"), recursive=True) if os.path.isfile(f)]
    print("  index on disk   %6.1f MB in %d files (pagefind/)" % (folder_bytes(index) / 1e6, len(files)))
    return site


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def whole_index_json(out):
    """Every page's title and text, as one JSON file: an elasticlunr/Fuse-style download."""
    docs = []
    for frag in glob.glob(os.path.join(out, "pagefind", "fragment", "*.pf_fragment")):
        with open(frag, "rb") as f:
            data = json.loads(gzip.decompress(f.read())[len(b"pagefind_dcd"):])
        for page in data if isinstance(data, list) else [data]:
            docs.append({"url": page["url"], "title": page["meta"].get("title", ""), "text": page["content"]})
    text = json.dumps(docs).encode()
    return len(docs), len(text), len(gzip.compress(text))


def transfer(args, site):
    themed = os.path.join(WORK, "themed")
    shutil.rmtree(themed, ignore_errors=True)
    shutil.copytree(site, themed, ignore=shutil.ignore_patterns("templates"))
    with open(os.path.join(themed, "config.toml"), "a") as f:
        f.write('\ntheme = "commons"\n')
    with open(os.path.join(themed, "config.toml")) as f:
        text = f.read()
    # `theme` must come before the first table.
    lines = [l for l in text.splitlines() if l.strip() != 'theme = "commons"']
    first_table = next(i for i, l in enumerate(lines) if l.startswith("["))
    lines.insert(first_table, 'theme = "commons"')
    with open(os.path.join(themed, "config.toml"), "w") as f:
        f.write("\n".join(lines) + "\n")
    out = os.path.join(WORK, "themed-out")
    port = free_port()
    timed([BIN, "build", themed, "--output-dir", out, "--base-url", "http://127.0.0.1:%d" % port])
    docs, raw, packed = whole_index_json(out)
    print("\none-word query on the %d-page site in headless Chromium (search page + script + index pieces):" % args.pages)
    for word in args.words:
        steps = json.dumps([{"query": word}])
        proc = subprocess.run(["node", os.path.join(ROOT, "tests", "browser", "search.mjs"), out, steps],
                              cwd=ROOT, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit("search.mjs failed:\n" + proc.stdout + proc.stderr)
        step = json.loads(proc.stdout)["steps"][0]
        zipped = 0
        for url in step["files"]:
            local = url.split("?")[0].lstrip("/")
            path = os.path.join(out, local, "index.html") if local.endswith("/") or not local else os.path.join(out, local)
            with open(path, "rb") as f:
                body = f.read()
            zipped += len(body) if local.endswith((".pagefind", ".pf_meta", ".pf_index", ".pf_filter", ".pf_fragment")) \
                else len(gzip.compress(body))
        pieces = [f for f in step["files"] if "/pagefind/" in f]
        print("  %-10s %s -> %6.1f KB fetched as served, %6.1f KB gzipped; %d files (%d of the index); goal < 150 KB"
              % (word, step["status"], step["bytes"] / 1024, zipped / 1024, len(step["files"]), len(pieces)))
    print("  whole-index JSON of every page's title and text (%d pages): %.1f MB, %.1f MB gzipped"
          % (docs, raw / 1e6, packed / 1e6))


def feed(i, entries):
    items = "".join(
        "<entry><title>Guide %d of branch %d</title><id>https://b%d.example.org/guides/%d/</id>"
        '<link rel="alternate" href="https://b%d.example.org/guides/%d/"/><category term="guides"/>'
        "<category term=\"tag%d\"/><published>2026-%02d-%02dT10:00:00Z</published>"
        "<updated>2026-%02d-%02dT10:00:00Z</updated><summary>How branch %d runs its project %d: "
        "rota, money, food safety and the word zq%dx%d.</summary></entry>"
        % (e, i, i, e, i, e, e % 7, 1 + e % 12, 1 + (i + e) % 28, 1 + e % 12, 1 + (i + e) % 28, i, e, i, e)
        for e in range(entries))
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            "<title>Branch %d</title><id>https://b%d.example.org/</id>"
            '<link rel="alternate" href="https://b%d.example.org/"/><updated>2026-12-01T10:00:00Z</updated>'
            "<author><name>Branch %d</name></author>%s</feed>" % (i, i, i, i, items))


def hub(args):
    path = os.path.join(WORK, "hub")
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(os.path.join(path, "content"))
    os.makedirs(os.path.join(path, "peers"))
    with open(os.path.join(path, "content", "_index.md"), "w") as f:
        f.write('+++\ntitle = "Hub"\n+++\n')
    cfg = ['title = "Hub"', 'base_url = "https://hub.example.org"', 'theme = "commons"', "",
           "[federation]", 'refresh = "100d"', ""]
    for i in range(args.sources):
        with open(os.path.join(path, "peers", "b%d.xml" % i), "w") as f:
            f.write(feed(i, args.entries))
        cfg += ["[[federation.sources]]", 'name = "Branch %d"' % i, 'path = "peers/b%d.xml"' % i,
                "limit = %d" % args.entries, ""]
    with open(os.path.join(path, "config.toml"), "w") as f:
        f.write("\n".join(cfg))
    out = os.path.join(WORK, "hub-out")
    timed([BIN, "build", path, "--output-dir", out])  # warms the federation cache
    medians = alternate(path, out, [("network not indexed", "include_network = false"),
                                    ("network indexed", "")], args.runs)
    off, on = medians["network not indexed"], medians["network indexed"]
    docs, _, _ = whole_index_json(out)
    print("\nhub following %d branches x %d entries, full build, median of %d:" % (args.sources, args.entries, args.runs))
    print("  network not indexed  %6.2f s" % off)
    print("  network indexed      %6.2f s   (indexing the network: %.2f s; goal < 2 s; %d records in the index)"
          % (on, on - off, docs))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--words", nargs="+", default=["compost", "lamps"])
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--skip", nargs="*", default=[], choices=["build", "transfer", "hub"])
    args = parser.parse_args()
    if not os.path.exists(BIN):
        sys.exit("build first: cargo build --release")
    os.makedirs(WORK, exist_ok=True)
    site = os.path.join(WORK, "site")
    if "build" not in args.skip:
        site = build_time(args)
    elif not os.path.isdir(site):
        subprocess.run([sys.executable, GEN, "--flavour", "branchpress", str(args.pages), site, "--force"],
                       check=True, stdout=subprocess.DEVNULL)
    if "transfer" not in args.skip:
        transfer(args, site)
    if "hub" not in args.skip:
        hub(args)


if __name__ == "__main__":
    main()
