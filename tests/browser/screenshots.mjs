// Screenshots of a built branchpress site for the README.
//
//   node tests/browser/screenshots.mjs OUTPUT_DIR DEST
//
// OUTPUT_DIR must be built for http://127.0.0.1:PORT (see axe.mjs). Writes
// DEST/{home,article,article-rtl,network}-{phone,desktop}.png: the top of
// each page at 390x844 (a phone) and 1280x900 (a desktop), in the light
// colour scheme. The network page is left out when the site has none, the
// right-to-left article when it has no page in such a language.

import { mkdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { launch, pagesOfEachKind, serve, siteDir, sitePort, usage } from "./lib.mjs";

const USAGE = "node tests/browser/screenshots.mjs OUTPUT_DIR DEST";
const dir = siteDir(process.argv[2], USAGE);
if (!process.argv[3]) usage("no destination folder given", USAGE);
const dest = resolve(process.argv[3]);
mkdirSync(dest, { recursive: true });
const port = sitePort(dir);

const VIEWPORTS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 900 } };
const wanted = { home: "home", article: "article", "right-to-left article": "article-rtl", network: "network" };
const shots = pagesOfEachKind(dir).filter((p) => p.kind in wanted);

const server = await serve(dir, port);
const { context, close } = await launch();
try {
  for (const { kind, path } of shots) {
    for (const [name, viewport] of Object.entries(VIEWPORTS)) {
      const page = await context.newPage();
      await page.setViewportSize(viewport);
      await page.emulateMedia({ colorScheme: "light", reducedMotion: "reduce" });
      await page.goto(`http://127.0.0.1:${port}${path}`, { waitUntil: "load" });
      const file = join(dest, `${wanted[kind]}-${name}.png`);
      await page.screenshot({ path: file, fullPage: false, animations: "disabled", caret: "hide" });
      console.log(`${file} (${Math.round(statSync(file).size / 1024)} KB): ${path} at ${viewport.width}x${viewport.height}`);
      await page.close();
    }
  }
} finally {
  await close();
  server.close();
}
