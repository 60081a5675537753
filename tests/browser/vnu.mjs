// HTML validity check of a built branchpress site with the Nu Html Checker.
//
//   node tests/browser/vnu.mjs OUTPUT_DIR
//
// Runs `java -jar node_modules/vnu-jar/build/dist/vnu.jar --errors-only` on
// one HTML file of each page kind (the same pages axe.mjs opens) and on the
// site's stylesheets, and exits 1 when the checker reports an error. Any
// base URL will do: nothing is served or fetched.

import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { pagesOfEachKind, siteDir } from "./lib.mjs";

const USAGE = "node tests/browser/vnu.mjs OUTPUT_DIR";
const dir = siteDir(process.argv[2], USAGE);
const jar = createRequire(import.meta.url).resolve("vnu-jar/build/dist/vnu.jar");
const java = process.env.JAVA || "java";

const pages = pagesOfEachKind(dir);
const css = readdirSync(dir)
  .filter((f) => f.endsWith(".css"))
  .map((f) => join(dir, f));
const files = [...new Set(pages.map((p) => p.file))];
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
const report = (run.stderr + run.stdout).trim().replaceAll(`file:${dir}/`, "").replaceAll(`${dir}/`, "");
if (run.status !== 0 || report) {
  console.error(`\nThe Nu Html Checker reported:\n\n${report}\n`);
  console.error(`vnu: ${files.length + css.length} files checked, errors found`);
  process.exit(1);
}
console.log(`vnu: ${files.length} pages and ${css.length} stylesheets checked, no error`);
