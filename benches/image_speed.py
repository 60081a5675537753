#!/usr/bin/env python3
"""Photo benchmark (issue 16): branchpress against Hugo on 200 phone photos.

    python3 benches/image_speed.py [--photos 200] [--runs 3] [--format jpeg|webp]

Makes one phone-sized picture (4032x3024, gradients and grain, so it
compresses like a photo) as a PNG with the standard library, has
branchpress itself encode it as a JPEG (quality 92, about what a phone
writes), then writes `--photos` copies, each with its own EXIF segment (an
orientation, cycling 1, 6, 3, 8, and a GPS position): distinct files, so
neither generator can share work between them. Both sites put four photos on
each page:

- branchpress: Markdown images, published at the default widths (480, 960,
  1600, never enlarged) as JPEG (or with --format webp, lossy WebP, the
  default for photos) at quality 80, upright, without metadata;
- Hugo: page bundles whose template calls `.Resize` for the same widths,
  format and quality, with the same Lanczos filter (Hugo also turns photos
  upright by their EXIF).

Alternates first builds (each generator's cache emptied: .branchpress/cache
and resources/_gen) and then warm builds (cache kept), branchpress, hugo,
branchpress, ..., and prints the medians, the branchpress warm build's own
image time (`--timings`), and the bytes per page: the originals, what a
phone loads (the 960w candidates: about 390 CSS px at 2-3x), and every
published variant. Build first: cargo build --release.
"""
import argparse
import os
import re
import shutil
import statistics
import struct
import subprocess
import sys
import time
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "branchpress")
WORK = "/dev/shm/branchpress-image-bench" if os.path.isdir("/dev/shm") else "/tmp/branchpress-image-bench"
WIDTH, HEIGHT = 4032, 3024
WIDTHS = [480, 960, 1600]
PER_PAGE = 4


def run(cmd, cwd=None):
    """Runs cmd; returns (seconds, stderr). Fails loudly."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), proc.stderr.decode(errors="replace")))
    return seconds, proc.stderr.decode(errors="replace")


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def photo_png(path):
    """A 4032x3024 RGB PNG: soft gradients, a few shapes and grain."""
    grain = bytes((i * 2654435761 >> 13) % 23 for i in range(WIDTH * 3 + 997))
    rows = []
    for y in range(HEIGHT):
        g = grain[(y * 131) % 997:(y * 131) % 997 + WIDTH * 3]
        sky = 90 + 120 * y // HEIGHT
        row = bytearray(1 + WIDTH * 3)
        for x in range(0, WIDTH):
            band = ((x // 300 + y // 250) % 3) * 25
            r, gg, b = (sky + band) % 256, (60 + x * 150 // WIDTH + band) % 256, (200 - sky // 2) % 256
            i = 1 + 3 * x
            row[i], row[i + 1], row[i + 2] = (r + g[3 * x]) % 256, (gg + g[3 * x + 1]) % 256, (b + g[3 * x + 2]) % 256
        rows.append(bytes(row))
    ihdr = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)
    data = zlib.compress(b"".join(rows), 1)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", data) + png_chunk(b"IEND", b""))


def base_jpeg():
    """The picture as a phone-like JPEG, encoded by branchpress's resize_image."""
    out = os.path.join(WORK, "base.jpg")
    if os.path.exists(out):
        return open(out, "rb").read()
    site = os.path.join(WORK, "encode")
    shutil.rmtree(site, ignore_errors=True)
    os.makedirs(os.path.join(site, "static"))
    os.makedirs(os.path.join(site, "templates"))
    os.makedirs(os.path.join(site, "content"))
    photo_png(os.path.join(site, "static", "photo.png"))
    with open(os.path.join(site, "config.toml"), "w") as f:
        f.write('title = "x"\nbase_url = "https://x.org"\ntaxonomies = []\n')
    with open(os.path.join(site, "content", "_index.md"), "w") as f:
        f.write("+++\ntitle = \"x\"\n+++\n")
    with open(os.path.join(site, "templates", "index.html"), "w") as f:
        call = 'resize_image(path="photo.png", width=W, height=H, op="scale", format="jpg", quality=92)'
        f.write("{% set r = " + call.replace("W", str(WIDTH)).replace("H", str(HEIGHT)) + " %}{{ r.static_path }}")
    for name in ("section.html", "page.html"):
        with open(os.path.join(site, "templates", name), "w") as f:
            f.write("x")
    run([BIN, "build", site])
    key = open(os.path.join(site, "public", "index.html")).read().strip()
    shutil.copy(os.path.join(site, "public", key), out)
    return open(out, "rb").read()


def exif(orientation, n):
    """An EXIF APP1 segment with an orientation and a GPS latitude (n varies it)."""
    t = b"II\x2a\x00\x08\x00\x00\x00"
    entry = lambda tag, kind, count, value: struct.pack("<HHII", tag, kind, count, value)
    t += struct.pack("<H", 2) + entry(0x0112, 3, 1, orientation) + entry(0x8825, 4, 1, 38) + struct.pack("<I", 0)
    t += struct.pack("<H", 2) + entry(0x0001, 2, 2, ord("N")) + entry(0x0002, 5, 3, 68) + struct.pack("<I", 0)
    t += struct.pack("<IIIIII", 51, 1, 30, 1, 1000 + n, 100)
    body = b"Exif\x00\x00" + t
    return b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body


def photos(count):
    base = base_jpeg()
    return [base[:2] + exif([1, 6, 3, 8][i % 4], i) + base[2:] for i in range(count)]


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def make_sites(count, fmt):
    bp, hugo = os.path.join(WORK, "branchpress-%d-%s" % (count, fmt)), os.path.join(WORK, "hugo-%d-%s" % (count, fmt))
    done = os.path.join(WORK, "sites-%d-%s.done" % (count, fmt))
    # branchpress's format list (the fallback last) and Hugo's format word.
    bp_formats, hugo_format = {"jpeg": ('["jpeg"]', "jpg"), "webp": ('["webp"]', "webp")}[fmt]
    if os.path.exists(done):
        return bp, hugo
    shutil.rmtree(bp, ignore_errors=True)
    shutil.rmtree(hugo, ignore_errors=True)
    write(os.path.join(bp, "config.toml"),
          'title = "Photos"\nbase_url = "https://photos.example.org"\ntaxonomies = []\n'
          "[images]\nwidths = %s\nformats = %s\nquality = 80\n" % (WIDTHS, bp_formats))
    write(os.path.join(bp, "content", "_index.md"), "+++\ntitle = \"Home\"\n+++\n")
    write(os.path.join(bp, "templates", "index.html"), "<!doctype html><title>home</title>")
    write(os.path.join(bp, "templates", "section.html"), "<!doctype html><title>s</title>")
    write(os.path.join(bp, "templates", "page.html"),
          "<!doctype html><title>{{ page.title }}</title><main>{{ page.content | safe }}</main>")
    write(os.path.join(hugo, "hugo.toml"),
          'baseURL = "https://photos.example.org/"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n'
          '[imaging]\nquality = 80\nresampleFilter = "lanczos"\n')
    write(os.path.join(hugo, "layouts", "_default", "single.html"),
          "<!doctype html><title>{{ .Title }}</title><main>{{ .Content }}"
          '{{ range .Resources.ByType "image" }}'
          '<img srcset="{{ (.Resize "480x F q80").RelPermalink }} 480w, {{ (.Resize "960x F q80").RelPermalink }} 960w, '
          '{{ (.Resize "1600x F q80").RelPermalink }} 1600w" alt="{{ .Name }}">{{ end }}</main>'.replace("F", hugo_format))
    write(os.path.join(hugo, "layouts", "_default", "list.html"), "<!doctype html><title>{{ .Title }}</title>")
    write(os.path.join(hugo, "layouts", "index.html"), "<!doctype html><title>home</title>")
    for i, data in enumerate(photos(count)):
        page = "p%03d" % (i // PER_PAGE)
        name = "photo-%03d.jpg" % i
        for root in (os.path.join(bp, "content", "photos", page), os.path.join(hugo, "content", "photos", page)):
            os.makedirs(root, exist_ok=True)
            with open(os.path.join(root, name), "wb") as f:
                f.write(data)
    for page in sorted(os.listdir(os.path.join(bp, "content", "photos"))):
        names = sorted(os.listdir(os.path.join(bp, "content", "photos", page)))
        body = "\n\n".join("![Photo %s from the picnic](%s)" % (n[6:9], n) for n in names)
        front = "+++\ntitle = \"%s\"\n+++\n" % page
        write(os.path.join(bp, "content", "photos", page, "index.md"), front + body + "\n")
        write(os.path.join(hugo, "content", "photos", page, "index.md"), front + "Photos.\n")
    write(os.path.join(bp, "content", "photos", "_index.md"), "+++\ntitle = \"Photos\"\n+++\n")
    write(os.path.join(hugo, "content", "photos", "_index.md"), "+++\ntitle = \"Photos\"\n+++\n")
    write(done, "")
    return bp, hugo


def branchpress_build(site, cold):
    if cold:
        shutil.rmtree(os.path.join(site, ".branchpress"), ignore_errors=True)
    return run([BIN, "build", site, "--timings"])


def hugo_build(site, cold):
    if cold:
        shutil.rmtree(os.path.join(site, "resources"), ignore_errors=True)
    return run(["hugo", "--quiet", "-s", site, "-d", os.path.join(site, "public")])


def bytes_per_page(site):
    """(originals, the 960w candidates, every variant) in bytes, per page."""
    pages = sorted(os.listdir(os.path.join(site, "content", "photos")))
    pages = [p for p in pages if os.path.isdir(os.path.join(site, "content", "photos", p))]
    originals = phone = variants = 0
    for page in pages:
        folder = os.path.join(site, "content", "photos", page)
        originals += sum(os.path.getsize(os.path.join(folder, n)) for n in os.listdir(folder) if n.endswith(".jpg"))
        html = open(os.path.join(site, "public", "photos", page, "index.html")).read()
        for srcset in re.findall(r'<img[^>]* srcset="([^"]+)"', html):
            for candidate in srcset.split(", "):
                url, width = candidate.rsplit(" ", 1)
                size = os.path.getsize(os.path.join(site, "public", url.split("://", 1)[-1].split("/", 1)[1]))
                variants += size
                phone += size if width == "960w" else 0
    n = len(pages)
    return originals / n, phone / n, variants / n


def main():
    global BIN
    ap = argparse.ArgumentParser()
    ap.add_argument("--photos", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--bin", default=BIN, help="the branchpress binary (default: the release build)")
    ap.add_argument("--format", choices=["jpeg", "webp"], default="jpeg",
                    help="the format both write (webp: lossy WebP at quality 80, branchpress's default for photos)")
    args = ap.parse_args()
    BIN = args.bin
    if not os.path.exists(BIN):
        sys.exit("build first: cargo build --release")
    hugo = shutil.which("hugo")
    if not hugo:
        sys.exit("hugo not found (apt install hugo)")
    os.makedirs(WORK, exist_ok=True)
    bp, hg = make_sites(args.photos, args.format)
    print("%d photos of %dx%d, %d per page, as %s" % (args.photos, WIDTH, HEIGHT, PER_PAGE, args.format))
    for label, cold in (("first build", True), ("warm-cache build", False)):
        times = {"branchpress": [], "hugo": []}
        image_ms = []
        if not cold:
            branchpress_build(bp, False)
            hugo_build(hg, False)
        for _ in range(args.runs):
            seconds, err = branchpress_build(bp, cold)
            times["branchpress"].append(seconds)
            found = re.search(r"images (\d+) ms \((\d+) made", err)
            if found:
                image_ms.append((int(found.group(1)), int(found.group(2))))
            times["hugo"].append(hugo_build(hg, cold)[0])
        b, h = statistics.median(times["branchpress"]), statistics.median(times["hugo"])
        print("%-17s branchpress %7.2f s   hugo %7.2f s   ratio %.2f" % (label, b, h, b / h))
        if image_ms and not cold:
            ms = statistics.median(m for m, _ in image_ms)
            print("%-17s branchpress image stage %d ms, %d images made" % ("", ms, max(n for _, n in image_ms)))
    o, p, v = bytes_per_page(bp)
    print("per page (%d photos): originals %.1f MB; a phone loads %.0f KB (960w); all variants %.0f KB"
          % (PER_PAGE, o / 1e6, p / 1e3, v / 1e3))


if __name__ == "__main__":
    main()
