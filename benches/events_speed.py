#!/usr/bin/env python3
"""Events benchmark: a hub following many branches that each publish a calendar.

    python3 benches/events_speed.py [--sources 1000] [--events 50] [--runs 5] [--bin PATH ...]

Writes --sources local branches, each a small Atom feed (3 entries,
`bN.xml`) and beside it a calendar (`bN.ics`) of --events events (one in five repeating
weekly, the others one-off within the next weeks; times in Europe/London),
then builds a hub following all of them: the same work as a warm cache
(every calendar read, credited, deduplicated, expanded for the 12-week
window, listed on /network/events/ and its filter pages, and written to
/network/events.ics; each calendar is parsed by the first build only, as
the build keeps what it read in .branchpress/cache/calendars/ under a key
of the calendar's bytes). Prints the median of --runs builds and
the peak memory, and the same hub without calendars, so the difference is
the cost of the events. BRANCHPRESS_NOW is fixed so every run expands the
same window. Build first: cargo build --release. With several --bin, the
binaries' runs alternate (A B A B ...), so an older and a newer build are
compared on the same machine load.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "branchpress")
WORK = "/dev/shm/branchpress-events-bench" if os.path.isdir("/dev/shm") else "/tmp/branchpress-events-bench"
NOW = "2026-11-30T12:00:00Z"


def feed(i):
    entries = "".join(
        "<entry><title>Entry %d of branch %d</title><id>https://b%d.example.org/p/%d/</id>"
        '<link rel="alternate" href="https://b%d.example.org/p/%d/"/>'
        "<published>2026-11-0%dT10:00:00Z</published><updated>2026-11-0%dT10:00:00Z</updated></entry>"
        % (e, i, i, e, i, e, e + 1, e + 1) for e in range(3))
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            "<title>Branch %d</title><id>https://b%d.example.org/</id>"
            '<link rel="alternate" href="https://b%d.example.org/"/><updated>2026-11-03T10:00:00Z</updated>'
            "<author><name>Branch %d</name></author>%s</feed>" % (i, i, i, i, entries))


def calendar(i, events):
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN"]
    for e in range(events):
        day = 1 + (i + e) % 28
        month = 12 if e % 2 == 0 else 1
        year = 2026 if month == 12 else 2027
        lines += ["BEGIN:VEVENT", "UID:e%d@b%d.example.org" % (e, i), "DTSTAMP:20261101T000000Z",
                  "SUMMARY:Event %d of branch %d\\, all welcome" % (e, i),
                  "DESCRIPTION:Bring a friend\\nand a cake.",
                  "DTSTART;TZID=Europe/London:%04d%02d%02dT%02d0000" % (year, month, day, 10 + e % 10),
                  "DTEND;TZID=Europe/London:%04d%02d%02dT%02d0000" % (year, month, day, 11 + e % 10),
                  "LOCATION:Hall %d\\, Street %d" % (e, i), "GEO:51.45;-0.97", "STATUS:CONFIRMED",
                  "URL:https://b%d.example.org/events/%d/" % (i, e),
                  "X-BRANCHPRESS-BRANCH;VALUE=TEXT:Branch %d" % i]
        if e % 5 == 0:
            lines.append("RRULE:FREQ=WEEKLY")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def write_hub(path, sources, branches):
    if os.path.isdir(path):
        shutil.rmtree(path)
    os.makedirs(os.path.join(path, "content"))
    with open(os.path.join(path, "content", "_index.md"), "w") as f:
        f.write("+++\ntitle = \"Hub\"\n+++\n")
    cfg = ['title = "Hub"', 'base_url = "https://hub.example.org"', 'theme = "commons"', "",
           "[branch]", 'timezone = "Europe/London"', "", "[federation]"]
    for i in range(sources):
        cfg += ["[[federation.sources]]", 'name = "Branch %d"' % i, 'path = "%s"' % os.path.join(branches, "b%d.xml" % i)]
    with open(os.path.join(path, "config.toml"), "w") as f:
        f.write("\n".join(cfg) + "\n")
    shutil.copytree(os.path.join(ROOT, "themes", "commons"), os.path.join(path, "themes", "commons"))


def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=dict(os.environ, BRANCHPRESS_NOW=NOW))
    return time.perf_counter() - start


def peak_mib(cmd):
    out = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         check=True, env=dict(os.environ, BRANCHPRESS_NOW=NOW)).stderr.decode()
    return int(out.strip().splitlines()[-1]) / 1024


def measure(label, hub, runs, bins):
    cmds = [[b, "build", hub, "--output-dir", hub + "-out"] for b in bins]
    for cmd in cmds:
        timed(cmd)
    times = [[] for _ in cmds]
    for _ in range(runs):
        for i, cmd in enumerate(cmds):
            times[i].append(timed(cmd))
    for cmd, t in zip(cmds, times):
        name = cmd[0] if len(cmds) > 1 else ""
        print("%s%s: median %.3f s (min %.3f, max %.3f), peak %.0f MiB"
              % (label, " [%s]" % name if name else "", statistics.median(t), min(t), max(t), peak_mib(cmd)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sources", type=int, default=1000)
    ap.add_argument("--events", type=int, default=50)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--bin", action="append", help="a branchpress binary (default: target/release); repeat to alternate")
    args = ap.parse_args()
    bins = args.bin or [BIN]
    branches = os.path.join(WORK, "branches")
    for with_calendars in (False, True):
        os.makedirs(branches, exist_ok=True)
        for i in range(args.sources):
            with open(os.path.join(branches, "b%d.xml" % i), "w") as f:
                f.write(feed(i))
            # A local feed file's calendar is the file beside it with `.ics`.
            ics = os.path.join(branches, "b%d.ics" % i)
            if with_calendars:
                with open(ics, "w") as f:
                    f.write(calendar(i, args.events))
            elif os.path.exists(ics):
                os.remove(ics)
        hub = os.path.join(WORK, "hub")
        write_hub(hub, args.sources, branches)
        label = ("hub, %d branches x %d events" % (args.sources, args.events)) if with_calendars \
            else ("hub, %d branches, no calendars" % args.sources)
        measure(label, hub, args.runs, bins)
        if with_calendars:
            out = os.path.join(hub + "-out", "network")
            print("  /network/events.ics: %d events; /network/events/: %d dates listed"
                  % (open(os.path.join(out, "events.ics")).read().count("BEGIN:VEVENT"),
                     open(os.path.join(out, "events", "index.html")).read().count('<li class="h-event')))


if __name__ == "__main__":
    main()
