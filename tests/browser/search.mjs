// Drives the search page of a built branchpress site in headless Chromium
// and prints what a reader sees, as JSON, for the Rust tests (and the
// search bench) to check.
//
//   node tests/browser/search.mjs OUTPUT_DIR STEPS_JSON [--prefix /mirror] [--origin http://127.0.0.1:PORT] [--no-js]
//
// The site is served on 127.0.0.1 at the port it was built for (or the
// port of --origin, for a site built with relative addresses), under
// --prefix when given. STEPS_JSON is a list of steps, each any of
// `{"query": "word"}` (typed into the search box, key by key),
// `{"filters": {"section": "Guides"}}` (chosen in the filter lists; "" for any)
// and `{"sort": "date"}`; after each step the script waits for the results
// and records them. Output:
//   {"filters": {name: [option labels]}, "steps": [{"status", "results":
//    [{"href", "title", "meta", "excerpt"}], "bytes", "files"}], "foreign": [urls]}
// With --no-js, JavaScript is off and the output has `noscript`: {text,
// links, filtersShown} of the search page instead of steps;
// where `bytes` is what the browser fetched from loading the page to the
// end of that step (every file, headers not counted).

import { launch, serve, siteDir, sitePort } from "./lib.mjs";

const USAGE = "node tests/browser/search.mjs OUTPUT_DIR STEPS_JSON [--prefix /mirror] [--origin URL] [--no-js]";
const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  if (at < 0) return undefined;
  const [, value] = args.splice(at, 2);
  return value;
};
const prefix = option("--prefix") || "";
const noScript = args.includes("--no-js");
if (noScript) args.splice(args.indexOf("--no-js"), 1);
const givenOrigin = option("--origin");
const dir = siteDir(args[0], USAGE);
let steps;
try {
  steps = JSON.parse(args[1] || "");
} catch {
  console.error(`error: STEPS_JSON is not JSON\nusage: ${USAGE}`);
  process.exit(2);
}
const port = givenOrigin ? Number(new URL(givenOrigin).port) : sitePort(dir);
const origin = `http://127.0.0.1:${port}`;

const server = await serve(dir, port, prefix);
const { context, close } = await launch(noScript ? { javaScriptEnabled: false } : {});
const foreign = new Set();
const fetched = new Map();
context.on("request", (req) => {
  const url = new URL(req.url());
  if (["data:", "blob:", "about:"].includes(url.protocol)) return;
  if (url.hostname !== "127.0.0.1") foreign.add(req.url());
});
context.on("requestfinished", async (req) => {
  const response = await req.response();
  if (!response) return;
  const body = await response.body().catch(() => Buffer.alloc(0));
  fetched.set(req.url(), body.length);
});

const out = { filters: {}, steps: [], foreign: [] };
try {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${origin}${prefix}/search/`, { waitUntil: "load" });
  if (noScript) {
    // What a reader without JavaScript sees: the <noscript> message and its links.
    out.noscript = await page.evaluate(() => ({
      text: [...document.querySelectorAll("main p")].map((p) => p.innerText).join("\n"),
      links: [...document.querySelectorAll("main a")].map((a) => a.href),
      filtersShown: !document.getElementById("search-filters").hidden,
    }));
    steps = [];
  } else {
    await page.waitForSelector("#search-filters:not([hidden])", { timeout: 20000 });
    out.filters = await page.evaluate(() => {
      const found = {};
      for (const select of document.querySelectorAll("#search-filters select[data-filter]")) {
        found[select.dataset.filter] = [...select.options].slice(1).map((o) => o.value);
      }
      return found;
    });
  }
  for (const step of steps) {
    const before = await page.locator("#search-status").textContent();
    if (step.query !== undefined) {
      await page.fill("#search-query", "");
      await page.locator("#search-query").pressSequentially(step.query, { delay: 30 });
    }
    for (const [key, value] of Object.entries(step.filters || {})) {
      await page.selectOption(`#search-filter-${key}`, value);
    }
    if (step.sort !== undefined) await page.selectOption("#search-sort", step.sort);
    // The status changes when the new results are drawn; then the list settles.
    await page
      .waitForFunction((b) => document.getElementById("search-status").textContent !== b, before, { timeout: 5000 })
      .catch(() => {});
    await page.waitForTimeout(600);
    await page.waitForLoadState("networkidle");
    const seen = await page.evaluate(() => ({
      status: document.getElementById("search-status").textContent,
      results: [...document.querySelectorAll("#search-results > li")].map((li) => ({
        href: li.querySelector("h2 a").href,
        title: li.querySelector("h2 a").textContent,
        meta: li.querySelector(".meta")?.textContent || "",
        date: li.querySelector(".meta time")?.dateTime || "",
        excerpt: li.querySelector(".search-excerpt")?.innerHTML || "",
      })),
      address: location.href,
    }));
    const bytes = [...fetched.values()].reduce((a, b) => a + b, 0);
    out.steps.push({ ...seen, bytes, files: [...fetched.keys()].map((u) => u.replace(origin, "")) });
  }
  if (errors.length) out.errors = errors;
} finally {
  await close();
  server.close();
}
out.foreign = [...foreign].sort();
console.log(JSON.stringify(out, null, 1));
