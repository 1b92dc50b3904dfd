// load time of the lab: navigation -> JupyterLab restored, and -> kernel ready for a notebook (fresh context = empty cache)
import { chromium } from "playwright-core";
import { serve } from "/work/wt/lite/scripts/serve-lab.mjs";
const server = await serve({ dir: "/work/wt/lite/build/site", port: 0 });
const port = server.address().port;
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"] });
const rows = [];
for (let i = 0; i < 3; i++) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  let bytes = 0;
  page.on("response", async (r) => { const l = Number(r.headers()["content-length"] ?? 0); bytes += l; });
  const t0 = Date.now();
  await page.goto(`http://127.0.0.1:${port}/lab/?path=01-formal-differentiation.ipynb`);
  await page.waitForFunction(() => document.body.dataset.labRestored === "true", null, { timeout: 120000 });
  const restored = Date.now() - t0;
  await page.evaluate(async () => {
    const panel = window.jupyterapp.shell.currentWidget;
    await panel.sessionContext.ready;
    await panel.sessionContext.session.kernel.info;
  });
  const kernel = Date.now() - t0;
  rows.push({ restored, kernel, MB: (bytes / 1e6).toFixed(1) });
  await ctx.close();
}
console.log(JSON.stringify(rows));
await browser.close(); server.close();
