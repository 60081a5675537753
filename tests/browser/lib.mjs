// Shared by axe.mjs, vnu.mjs and screenshots.mjs: which pages to check, a
// tiny static server for a built site, and headless Chromium from Debian.
//
// Nothing here downloads anything: the browser is the system's Chromium
// (/usr/bin/chromium, or $CHROMIUM), started with a fresh profile folder.

import { createServer } from "node:http";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve, sep } from "node:path";
import { chromium } from "playwright-core";

/** Chromium flags: headless, no sandbox (CI runs as root), no background traffic. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".xml": "application/xml",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".pdf": "application/pdf",
};

/** Prints the message and the usage line, then exits with status 2. */
export function usage(message, line) {
  console.error(`error: ${message}\nusage: ${line}`);
  process.exit(2);
}

/** The built site folder from argv, checked. */
export function siteDir(arg, line) {
  if (!arg) usage("no output folder given", line);
  const dir = resolve(arg);
  if (!existsSync(join(dir, "index.html"))) {
    usage(`${dir} has no index.html: build the site first`, line);
  }
  return dir;
}

/**
 * The port the site was built for, from the canonical link of its home page.
 *
 * branchpress writes absolute URLs, so a site built for
 * https://riverside.example.org would load its stylesheet from there. For a
 * local check it must be built with --base-url http://127.0.0.1:PORT.
 */
export function sitePort(dir) {
  const html = readFileSync(join(dir, "index.html"), "utf8");
  const m =
    html.match(/<link[^>]+rel="canonical"[^>]+href="([^"]+)"/) ||
    html.match(/<meta[^>]+property="og:url"[^>]+content="([^"]+)"/);
  const base = m ? new URL(m[1].replaceAll("&amp;", "&")) : null;
  if (!base || base.hostname !== "127.0.0.1" || !base.port) {
    console.error(
      `error: ${dir} was built for ${base ? base.origin : "an unknown address"}, so its pages would load files from there.\n` +
        "  help: build it for a local check, e.g.\n" +
        `    branchpress build example-site --output-dir ${dir} --base-url http://127.0.0.1:8111`,
    );
    process.exit(2);
  }
  return Number(base.port);
}

/**
 * Serves `dir` on 127.0.0.1:`port`: clean URLs, 404.html for anything
 * missing. With `prefix` (`/mirror`), only under that path, as a host
 * serving the site from a sub-folder would.
 */
export function serve(dir, port, prefix = "") {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, "http://127.0.0.1").pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (prefix) {
      if (path !== prefix && !path.startsWith(`${prefix}/`)) {
        res.writeHead(404, { "Content-Type": "text/plain" }).end("not under the prefix");
        return;
      }
      path = path.slice(prefix.length) || "/";
    }
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) {
      if (!path.endsWith("/")) {
        res.writeHead(301, { Location: prefix + path + "/" }).end();
        return;
      }
      file = join(file, "index.html");
    }
    let status = 200;
    if (!existsSync(file) || !statSync(file).isFile()) {
      status = 404;
      file = join(root, "404.html");
      if (!existsSync(file)) {
        res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
        return;
      }
    }
    res.writeHead(status, { "Content-Type": TYPES[extname(file).toLowerCase()] || "application/octet-stream" });
    res.end(readFileSync(file));
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => ok(server));
  });
}

/** The query typed on the search page before it is checked: results, filters and highlights on the page. */
export const SEARCH_QUERY = "food";

/**
 * Opens the search page at `url` with SEARCH_QUERY and waits until its
 * script has drawn the filters and the results.
 */
export async function openSearchWithResults(page, url) {
  await page.goto(`${url}?q=${SEARCH_QUERY}`, { waitUntil: "load" });
  await page.waitForSelector("#search-filters:not([hidden])", { timeout: 20000 });
  await page.waitForSelector("#search-results > li", { timeout: 20000 });
}

/** Starts Chromium with a fresh profile; `close()` also removes the profile. */
export async function launch(options = {}) {
  const profile = mkdtempSync(join(tmpdir(), "branchpress-chromium-"));
  const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
  if (!existsSync(executablePath)) {
    console.error(`error: no Chromium at ${executablePath}\n  help: apt-get install chromium, or set CHROMIUM=/path/to/chromium`);
    process.exit(2);
  }
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    ...options,
  });
  const close = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, close };
}

function isRedirect(file) {
  return /http-equiv="refresh"/i.test(readFileSync(file, "utf8").slice(0, 2048));
}

function subdirsWithIndex(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, "index.html")))
    .map((d) => d.name)
    .sort();
}

/**
 * One page of each kind, as `{ kind, path, file }` (`path` is the URL path,
 * `file` the HTML file that answers it). Kinds missing from a site are
 * left out; network pages are included when the site has them.
 */
export function pagesOfEachKind(dir) {
  const pages = [];
  const add = (kind, path, file = join(dir, path, "index.html")) => {
    if (existsSync(file) && !isRedirect(file)) pages.push({ kind, path, file });
  };
  add("home", "/");
  const reserved = new Set(["tags", "categories", "network", "page", "events"]);
  const sections = subdirsWithIndex(dir).filter((d) => !reserved.has(d));
  const section = sections.includes("news") ? "news" : sections[0];
  if (section) {
    add("section list", `/${section}/`);
    // The article with the most content: it shows the most kinds of markup.
    const articles = subdirsWithIndex(join(dir, section))
      .filter((a) => a !== "page")
      .map((a) => ({ a, file: join(dir, section, a, "index.html") }))
      .filter(({ file }) => !isRedirect(file))
      .sort((x, y) => statSync(y.file).size - statSync(x.file).size || (x.a < y.a ? -1 : 1));
    if (articles[0]) add("article", `/${section}/${articles[0].a}/`);
    // A page in a right-to-left language, when the section has one: the
    // mirrored layout is checked like any other page.
    const rtl = articles.find(({ file }) => /<html [^>]*dir="rtl"/.test(readFileSync(file, "utf8")));
    if (rtl) add("right-to-left article", `/${section}/${rtl.a}/`);
  }
  // A site in several languages (Zola's /cy/): the other language's home
  // page and a translated article, each with its language switcher.
  const languageTag = /^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;
  const switcher = (file) => existsSync(file) && readFileSync(file, "utf8").includes('class="language-switcher"');
  const other = subdirsWithIndex(dir).find((d) => languageTag.test(d) && switcher(join(dir, d, "index.html")));
  if (other) {
    add(`home (${other})`, `/${other}/`);
    for (const s of subdirsWithIndex(join(dir, other)).filter((d) => !reserved.has(d))) {
      const translated = subdirsWithIndex(join(dir, other, s))
        .filter((a) => a !== "page")
        .find((a) => switcher(join(dir, other, s, a, "index.html")));
      if (translated) {
        add(`translated article (${other})`, `/${other}/${s}/${translated}/`);
        break;
      }
    }
  }
  if (existsSync(join(dir, "tags", "index.html"))) {
    add("taxonomy list", "/tags/");
    const term = subdirsWithIndex(join(dir, "tags"))[0];
    if (term) add("taxonomy term", `/tags/${term}/`);
  }
  add("404", "/this-address-does-not-exist/", join(dir, "404.html"));
  // The search page is checked with results on it (see SEARCH_QUERY).
  add("search", "/search/");
  if (existsSync(join(dir, "events", "index.html"))) {
    add("events list", "/events/");
    const events = subdirsWithIndex(join(dir, "events"))
      .filter((e) => e !== "page")
      .map((e) => ({ e, html: readFileSync(join(dir, "events", e, "index.html"), "utf8") }));
    // A repeating event (most details) and a cancelled one (struck out).
    const repeating = events.find(({ html }) => html.includes("Repeats"));
    const cancelled = events.find(({ html }) => html.includes("event-cancelled"));
    if (repeating) add("event", `/events/${repeating.e}/`);
    if (cancelled) add("cancelled event", `/events/${cancelled.e}/`);
  }
  if (existsSync(join(dir, "network", "index.html"))) {
    add("network", "/network/");
    add("network kind", "/network/guides/");
    const tag = subdirsWithIndex(join(dir, "network", "tags"))[0];
    if (tag) add("network tag", `/network/tags/${tag}/`);
    // A page per language when the network writes in several (entries in
    // another language than the page carry their own lang).
    const languages = join(dir, "network", "languages");
    const language = existsSync(languages) ? subdirsWithIndex(languages)[0] : undefined;
    if (language) add("network language", `/network/languages/${language}/`);
    const reservedNet = new Set(["tags", "languages", "branches", "news", "guides", "practice", "page", "events"]);
    const branch = subdirsWithIndex(join(dir, "network")).find((d) => !reservedNet.has(d));
    if (branch) add("network branch", `/network/${branch}/`);
    add("network branches", "/network/branches/");
    add("network tags", "/network/tags/");
    add("network events", "/network/events/");
  }
  return pages;
}
