#!/usr/bin/env python3
"""Federation benchmark: a hub following many branches.

    python3 benches/network_speed.py [--sources 1000] [--entries 50] [--fetch-sources 200] [--runs 5] [--bin PATH] [--against PATH]

1. Serves --sources feeds of --entries Atom entries each from a local HTTP
   server (Python's, which answers If-Modified-Since with 304), fetches them
   once into a hub's cache, then times builds from that cache (what a hub's
   build does after `fetch`; issue 18's "1,000 sources x 50 entries from
   cache"): median of --runs builds and peak memory.
2. The same feeds followed as local files (`path` sources), which every
   build reads and parses again.
3. Times `branchpress fetch` of --fetch-sources when every source is unchanged.
Build first: cargo build --release.
"""
import argparse
import functools
import http.server
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "branchpress")
WORK = "/dev/shm/branchpress-bench" if os.path.isdir("/dev/shm") else "/tmp/branchpress-bench"
KINDS = ["news", "guides", "practice"]


def feed(i, entries):
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<feed xmlns="http://www.w3.org/2005/Atom">',
           "<title>Branch %d</title><id>https://b%d.example.org/</id>" % (i, i),
           '<link rel="alternate" href="https://b%d.example.org/"/>' % i,
           "<updated>2026-06-01T10:00:00Z</updated><author><name>Branch %d</name></author>" % i]
    for e in range(entries):
        day = 1 + (i + e) % 28
        out.append(
            "<entry><title>Entry %d of branch %d: a meeting &amp; a guide</title>"
            "<id>https://b%d.example.org/p/%d/</id>"
            '<link rel="alternate" href="https://b%d.example.org/p/%d/"/>'
            "<published>2026-05-%02dT10:00:00Z</published><updated>2026-05-%02dT12:00:00Z</updated>"
            '<category term="%s"/><category term="tag%d"/>'
            '<summary type="html">&lt;p&gt;Summary of entry %d, with &lt;a href="/x"&gt;a link&lt;/a&gt;.&lt;/p&gt;</summary>'
            "</entry>" % (e, i, i, e, i, e, day, day, KINDS[e % 3], e % 20, e))
    out.append("</feed>")
    return "\n".join(out)


def write_hub(path, sources):
    if os.path.isdir(path):
        shutil.rmtree(path)
    os.makedirs(os.path.join(path, "content"))
    with open(os.path.join(path, "content", "_index.md"), "w") as f:
        f.write("+++\ntitle = \"Hub\"\n+++\n")
    cfg = ['title = "Hub"', 'base_url = "https://hub.example.org"', 'theme = "commons"', "", "[federation]"]
    for name, key, value in sources:
        cfg += ["[[federation.sources]]", 'name = "%s"' % name, '%s = "%s"' % (key, value)]
    with open(os.path.join(path, "config.toml"), "w") as f:
        f.write("\n".join(cfg) + "\n")
    os.makedirs(os.path.join(path, "themes"), exist_ok=True)
    shutil.copytree(os.path.join(ROOT, "themes", "commons"), os.path.join(path, "themes", "commons"))


def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def peak_mib(cmd):
    out = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, check=True).stderr.decode().strip().splitlines()[-1]
    return int(out) / 1024


def main():
    global BIN
    ap = argparse.ArgumentParser()
    ap.add_argument("--sources", type=int, default=1000)
    ap.add_argument("--entries", type=int, default=50)
    ap.add_argument("--fetch-sources", type=int, default=200)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--bin", default=BIN, help="the branchpress binary (default: target/release)")
    ap.add_argument("--against", help="another binary: the hub from cache is built by both, alternating")
    args = ap.parse_args()
    BIN = args.bin

    feeds = os.path.join(WORK, "feeds")
    os.makedirs(feeds, exist_ok=True)
    for i in range(max(args.sources, args.fetch_sources)):
        with open(os.path.join(feeds, "b%d.xml" % i), "w") as f:
            f.write(feed(i, args.entries))

    handler = functools.partial(QuietHandler, directory=feeds)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    url = lambda i: "http://127.0.0.1:%d/b%d.xml" % (port, i)

    cached = os.path.join(WORK, "hub-cached")
    write_hub(cached, [("Branch %d" % i, "url", url(i)) for i in range(args.sources)])
    subprocess.run([BIN, "fetch", cached], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    build_bench("hub build from the fetch cache", cached, args)
    if args.against:
        alternate(cached, {"--bin": BIN, "--against": args.against}, args.runs)

    local = os.path.join(WORK, "hub-local")
    write_hub(local, [("Branch %d" % i, "path", os.path.join(feeds, "b%d.xml" % i)) for i in range(args.sources)])
    build_bench("hub build from local feed files", local, args)

    fetch_hub = os.path.join(WORK, "hub-fetch")
    write_hub(fetch_hub, [("Branch %d" % i, "url", url(i)) for i in range(args.fetch_sources)])
    fetch = [BIN, "fetch", fetch_hub]
    first = timed(fetch)
    again = [timed(fetch) for _ in range(args.runs)]
    print("fetch %d sources from 127.0.0.1: first %.3f s; unchanged (304): median %.3f s (min %.3f, max %.3f)"
          % (args.fetch_sources, first, statistics.median(again), min(again), max(again)))
    report = subprocess.run(fetch, check=True, capture_output=True, text=True).stdout
    not_modified = report.count("not modified")
    print("  sources answered 304 on the last run: %d of %d" % (not_modified, args.fetch_sources))
    server.shutdown()


def alternate(hub, binaries, runs):
    """Builds `hub` with each binary in turn, `runs` rounds; prints the medians and their ratio."""
    times = {name: [] for name in binaries}
    for _ in range(runs):
        for name, binary in binaries.items():
            times[name].append(timed([binary, "build", hub, "--output-dir", os.path.join(WORK, "hub-out")]))
    for name, binary in binaries.items():
        print("  alternating, %s %s: median %.3f s (%s)"
              % (name, binary, statistics.median(times[name]), " ".join("%.2f" % t for t in times[name])))
    bin_time, against_time = (statistics.median(times[n]) for n in binaries)
    print("  ratio --bin / --against: %.2f" % (bin_time / against_time))


def build_bench(label, hub, args):
    """Builds `hub` once to warm up, then --runs times; prints the median and the peak memory."""
    cmd = [BIN, "build", hub, "--output-dir", os.path.join(WORK, "hub-out")]
    timed(cmd)
    times = [timed(cmd) for _ in range(args.runs)]
    print("%s, %d sources x %d entries: median %.3f s (min %.3f, max %.3f), peak %.0f MiB"
          % (label, args.sources, args.entries, statistics.median(times), min(times), max(times), peak_mib(cmd)))


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


if __name__ == "__main__":
    main()
