// Accessibility and privacy check of a built branchpress site.
//
//   node tests/browser/axe.mjs OUTPUT_DIR
//
// OUTPUT_DIR must be built for http://127.0.0.1:PORT (branchpress build ...
// --base-url http://127.0.0.1:8111): this script serves it there, opens one
// page of each kind (home, section list, article, taxonomy list and term, 404,
// and the network pages when the site has them) in headless Chromium, in the
// light and the dark colour scheme, and runs axe-core (WCAG 2.0/2.1/2.2 A and
// AA, plus axe's best practices) on each. It also checks what axe does not:
// exactly one <h1>, a skip link whose target exists, a visible focus outline,
// no <script> at all (the sites work with JavaScript off) except the search
// page's own module script, and no request to any host other than
// 127.0.0.1. The search page is checked with a query's results on it.
// Exits 1 with a readable list of problems.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { launch, openSearchWithResults, pagesOfEachKind, serve, siteDir, sitePort } from "./lib.mjs";

const USAGE = "node tests/browser/axe.mjs OUTPUT_DIR";
const dir = siteDir(process.argv[2], USAGE);
const port = sitePort(dir);
const origin = `http://127.0.0.1:${port}`;
const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

const problems = [];
const foreign = new Set();

const server = await serve(dir, port);
const { context, close } = await launch();
context.on("request", (req) => {
  const url = new URL(req.url());
  if (["data:", "blob:", "about:"].includes(url.protocol)) return;
  if (url.hostname !== "127.0.0.1") foreign.add(`${req.url()} (from ${req.frame()?.url() || "?"})`);
});

const pages = pagesOfEachKind(dir);
try {
  for (const { kind, path, file } of pages) {
    const html = readFileSync(file, "utf8");
    // JSON-LD (schema.org data on event pages) is data, never run.
    let withoutData = html.replace(/<script type="application\/ld\+json">[^<]*<\/script>/g, "");
    // The search page runs the site's own search script, and nothing else.
    if (kind === "search") withoutData = withoutData.replace(/<script type="module" src="[^"]*\/search\.js(\?h=\w+)?"><\/script>/, "");
    if (/<script[\s>]/i.test(withoutData)) problems.push(`${kind} ${path}: has a <script> element; pages must work with JavaScript off`);
    for (const scheme of ["light", "dark"]) {
      const page = await context.newPage();
      await page.emulateMedia({ colorScheme: scheme });
      const response = await page.goto(origin + path, { waitUntil: "load" });
      if (kind === "search") await openSearchWithResults(page, origin + path);
      const expected = kind === "404" ? 404 : 200;
      if (!response || response.status() !== expected) {
        problems.push(`${kind} ${path}: answered ${response?.status()} instead of ${expected}`);
      }
      if (scheme === "light") problems.push(...(await structure(page)).map((p) => `${kind} ${path}: ${p}`));
      if (scheme === "light" && kind === "right-to-left article") {
        problems.push(...(await mirrored(page)).map((p) => `${kind} ${path}: ${p}`));
      }
      await page.addScriptTag({ path: axePath });
      const result = await page.evaluate(
        (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }),
        AXE_TAGS,
      );
      for (const v of result.violations) {
        const nodes = v.nodes
          .slice(0, 5)
          .map((n) => `      - ${n.target.join(" ")}\n        ${n.failureSummary.replaceAll("\n", "\n        ")}`)
          .join("\n");
        const more = v.nodes.length > 5 ? `\n      ... and ${v.nodes.length - 5} more` : "";
        problems.push(`${kind} ${path} (${scheme}): [${v.impact}] ${v.id}: ${v.help}\n${nodes}${more}`);
      }
      await page.close();
    }
    console.log(`checked ${kind.padEnd(16)} ${path}`);
  }
} finally {
  await close();
  server.close();
}

for (const url of [...foreign].sort()) problems.push(`request to another host: ${url}`);

if (problems.length) {
  console.error(`\n${problems.length} problem(s):\n`);
  for (const p of problems) console.error(`- ${p}\n`);
  console.error(`axe: ${pages.length} pages checked, ${problems.length} failed`);
  process.exit(1);
}
console.log(`axe: ${pages.length} pages checked in light and dark, no violation, no request to another host`);

/** Checks axe leaves out: one h1, a working skip link, a visible focus ring. */
// A right-to-left page is laid out mirrored: `dir="rtl"` on <html>, text
// running right to left, and a list of the text indented on the right (the theme uses
// logical CSS properties, so nothing is pinned to the left).
async function mirrored(page) {
  const found = [];
  const layout = await page.evaluate(() => {
    const list = document.querySelector("main .content ul, main .content ol");
    const style = list && getComputedStyle(list);
    return {
      dir: document.documentElement.getAttribute("dir"),
      lang: document.documentElement.getAttribute("lang"),
      direction: getComputedStyle(document.querySelector("main")).direction,
      list: style && { left: parseFloat(style.paddingLeft), right: parseFloat(style.paddingRight) },
    };
  });
  if (layout.dir !== "rtl") found.push(`<html dir="${layout.dir}"> instead of rtl`);
  if (!layout.lang) found.push("<html> has no lang");
  if (layout.direction !== "rtl") found.push(`<main> runs ${layout.direction}, not rtl`);
  if (!layout.list) found.push("has no list to check the mirroring on");
  else if (!(layout.list.right > 0 && layout.list.left === 0)) {
    found.push(`a list is indented left ${layout.list.left}px and right ${layout.list.right}px: not mirrored`);
  }
  return found;
}

async function structure(page) {
  const found = [];
  const h1 = await page.locator("h1").count();
  if (h1 !== 1) found.push(`has ${h1} <h1> elements instead of exactly one`);
  if ((await page.locator("main").count()) !== 1) found.push("has no single <main> landmark");
  await page.keyboard.press("Tab");
  const focus = await page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const href = el.getAttribute("href") || "";
    return {
      href,
      target: href.startsWith("#") && !!document.getElementById(href.slice(1)),
      text: el.textContent.trim(),
      outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
      visible: el.getBoundingClientRect().top >= 0 && el.getBoundingClientRect().height > 0,
    };
  });
  if (!focus) found.push("Tab focuses nothing");
  else {
    if (!focus.target) found.push(`the first Tab stop (${focus.text || focus.href}) is not a skip link to an element of the page`);
    if (!focus.outline) found.push("the focused element has no visible outline (2px or more)");
    if (!focus.visible) found.push("the focused skip link stays off screen");
  }
  return found;
}
