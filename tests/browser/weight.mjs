// What a phone downloads to show a page of a built branchpress site.
//
//   node tests/browser/weight.mjs OUTPUT_DIR PATH MAX_KB
//
// OUTPUT_DIR must be built for http://127.0.0.1:PORT (as for axe.mjs). Opens
// PATH in headless Chromium as a phone would (390x844 CSS pixels, 2 device
// pixels each) and adds up every file it fetched: first for the first view
// (what shows before the reader scrolls; lazy images below it are not
// fetched), then after scrolling to the end (every photo the page shows).
// Prints both, file by file, and exits 1 when the first view is over MAX_KB
// kilobytes, or when a photo of the page was fetched in any format other than
// WebP (Chromium reads WebP, so it must get the small modern copy).

import { launch, serve, siteDir, sitePort } from "./lib.mjs";

const USAGE = "node tests/browser/weight.mjs OUTPUT_DIR PATH MAX_KB";
const dir = siteDir(process.argv[2], USAGE);
const path = process.argv[3];
const maxKb = Number(process.argv[4]);
if (!path || !path.startsWith("/") || !(maxKb > 0)) {
  console.error(`usage: ${USAGE}`);
  process.exit(2);
}
const port = sitePort(dir);
const server = await serve(dir, port);
const { context, close } = await launch({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });

const fetched = new Map();
const pending = [];
context.on("response", (response) => {
  pending.push(
    response
      .body()
      .then((body) => fetched.set(response.url(), { bytes: body.length, type: response.headers()["content-type"] || "" }))
      .catch(() => {}),
  );
});

const total = () => [...fetched.values()].reduce((sum, f) => sum + f.bytes, 0);
const list = () =>
  [...fetched.entries()].map(([url, f]) => `    ${String(f.bytes).padStart(8)}  ${new URL(url).pathname}`).join("\n");

const problems = [];
try {
  const page = await context.newPage();
  const response = await page.goto(`http://127.0.0.1:${port}${path}`, { waitUntil: "networkidle" });
  if (!response || response.status() !== 200) problems.push(`${path} answered ${response?.status()}`);
  await Promise.all(pending);
  const firstView = total();
  console.log(`${path}, first view on a phone: ${(firstView / 1024).toFixed(1)} KB in ${fetched.size} files\n${list()}`);
  if (firstView > maxKb * 1024) problems.push(`the first view is ${(firstView / 1024).toFixed(1)} KB, over ${maxKb} KB`);

  await page.evaluate(async () => {
    for (let y = 0; y < document.body.scrollHeight; y += 400) {
      window.scrollTo(0, y);
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  await page.waitForLoadState("networkidle");
  await Promise.all(pending);
  console.log(`${path}, scrolled to the end: ${(total() / 1024).toFixed(1)} KB in ${fetched.size} files\n${list()}`);
  const photos = await page.$$eval("picture img", (imgs) => imgs.map((i) => i.currentSrc));
  if (photos.length === 0) problems.push(`${path} shows no <picture>`);
  for (const src of photos) {
    if (!src.endsWith(".webp")) problems.push(`a photo was fetched as ${src}, not as WebP`);
  }
} finally {
  await close();
  server.close();
}
if (problems.length) {
  console.error(problems.map((p) => `error: ${p}`).join("\n"));
  process.exit(1);
}
