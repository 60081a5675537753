// HTML validity check of a built branchpress site with the Nu Html Checker.
//
//   node tests/browser/vnu.mjs OUTPUT_DIR
//
// Runs `java -jar node_modules/vnu-jar/build/dist/vnu.jar --errors-only` on
// one HTML file of each page kind (the same pages axe.mjs opens) and on the
// site's stylesheets, and exits 1 when the checker reports an error. The
// search page is also checked as the browser shows it with a query's
// results (its script draws the filters and results): for that the site
// must be built for http://127.0.0.1:PORT, as for axe.mjs; otherwise only
// its file is checked.

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { launch, openSearchWithResults, pagesOfEachKind, serve, siteDir } from "./lib.mjs";

const USAGE = "node tests/browser/vnu.mjs OUTPUT_DIR";
const dir = siteDir(process.argv[2], USAGE);
const jar = createRequire(import.meta.url).resolve("vnu-jar/build/dist/vnu.jar");
const java = process.env.JAVA || "java";

const pages = pagesOfEachKind(dir);
const css = readdirSync(dir)
  .filter((f) => f.endsWith(".css"))
  .map((f) => join(dir, f));
const files = [...new Set(pages.map((p) => p.file))];
const drawn = await drawnSearchPage();
if (drawn) files.push(drawn.file);
for (const p of pages) console.log(`checking ${p.kind.padEnd(16)} ${relative(dir, p.file)}`);
for (const f of css) console.log(`checking ${"stylesheet".padEnd(16)} ${relative(dir, f)}`);

const run = spawnSync(java, ["-jar", jar, "--errors-only", "--also-check-css", ...files, ...css], {
  encoding: "utf8",
  maxBuffer: 64 * 1024 * 1024,
});
if (run.error) {
  console.error(`error: could not run ${java}: ${run.error.message}\n  help: install a Java runtime (apt-get install default-jre-headless)`);
  process.exit(2);
}
if (drawn) rmSync(drawn.folder, { recursive: true, force: true });
const report = (run.stderr + run.stdout).trim().replaceAll(`file:${dir}/`, "").replaceAll(`${dir}/`, "");
if (run.status !== 0 || report) {
  console.error(`\nThe Nu Html Checker reported:\n\n${report}\n`);
  console.error(`vnu: ${files.length + css.length} files checked, errors found`);
  process.exit(1);
}
console.log(`vnu: ${files.length} pages and ${css.length} stylesheets checked, no error`);

/**
 * The search page as Chromium shows it after a query (filters, results and
 * highlights drawn by its script), saved to a temporary file; null when the
 * site has no search page or was not built for 127.0.0.1.
 */
async function drawnSearchPage() {
  const search = pages.find((p) => p.kind === "search");
  if (!search) return null;
  const home = readFileSync(join(dir, "index.html"), "utf8");
  const base = home.match(/<link[^>]+rel="canonical"[^>]+href="(http:\/\/127\.0\.0\.1:(\d+))\/?"/);
  if (!base) {
    console.log("not checking the search page with results: the site was not built for http://127.0.0.1:PORT");
    return null;
  }
  const server = await serve(dir, Number(base[2]));
  const { context, close } = await launch();
  try {
    const page = await context.newPage();
    await openSearchWithResults(page, `${base[1]}${search.path}`);
    const html = `<!DOCTYPE html>\n${await page.evaluate(() => document.documentElement.outerHTML)}`;
    const folder = mkdtempSync(join(tmpdir(), "branchpress-vnu-"));
    const file = join(folder, "search-with-results.html");
    writeFileSync(file, html);
    console.log(`checking ${"search, drawn".padEnd(16)} ${search.path} with results`);
    return { folder, file };
  } finally {
    await close();
    server.close();
  }
}
