import { chromium } from "playwright-core";
import { serve } from "/work/wt/lite/scripts/serve-lab.mjs";
const nb = process.argv[2] ?? "00-getting-started.ipynb";
const server = await serve({ dir: "/work/wt/lite/build/site", port: 0 });
const port = server.address().port;
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
let shown=0; page.on("console", async (m) => { if (m.text().includes("Maximum") && shown++ < 1) { for (const a of m.args()) console.log("STACK", await a.evaluate((e) => (e && e.stack) || String(e)).catch(()=>"?")); } if (m.type() === "error" || m.type() === "warning") console.log("console." + m.type(), m.text().slice(0, 3000), JSON.stringify(m.location())); });
page.on("response", (r) => { if (r.status() >= 400 || /themes/.test(r.url())) console.log("HTTP", r.status(), r.url()); });
page.on("pageerror", (e) => console.log("pageerror", e.message.slice(0, 500)));
const t0 = Date.now();
await page.goto(`http://127.0.0.1:${port}/lab/?path=${nb}`);
await page.waitForFunction(() => document.body.dataset.labRestored === "true" || document.body.dataset.labError, null, { timeout: 60000 });
console.log("restored in", Date.now() - t0, "ms", await page.evaluate(() => document.body.dataset.labError ?? "ok"));
await page.waitForSelector(".jp-Notebook", { timeout: 30000 }).catch(async (e) => { await page.screenshot({ path: "/tmp/lite-shot.png" }); throw e; });
const t1 = Date.now();
const res = await page.evaluate(async () => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  await panel.context.ready;
  await panel.sessionContext.ready;
  const kernel = panel.sessionContext.session?.kernel;
  await app.commands.execute("notebook:run-all-cells");
  // wait until idle
  const t = Date.now();
  while (Date.now() - t < 600000) {
    await new Promise((r) => setTimeout(r, 500));
    const cells = panel.content.model.cells;
    let pending = 0;
    for (let i = 0; i < cells.length; i++) { const c = cells.get(i); if (c.type === "code" && c.executionState === "running") pending++; }
    if (kernel.status === "idle" && pending === 0) break;
  }
  const out = [];
  const cells = panel.content.model.cells;
  for (let i = 0; i < cells.length; i++) {
    const c = cells.get(i);
    if (c.type !== "code") continue;
    const outs = c.outputs.toJSON();
    out.push({ i, count: c.executionCount, types: outs.map((o) => o.output_type + (o.data ? ":" + Object.keys(o.data).join("+") : "") + (o.ename ? ":" + o.ename + ":" + o.evalue : "") + (o.name === "stderr" ? ":" + o.text : "")) });
  }
  return { kernel: kernel?.name, out };
});
console.log("ran in", Date.now() - t1, "ms; kernel", res.kernel);
for (const o of res.out) console.log(o.i, o.count, JSON.stringify(o.types).slice(0, 400));
await page.waitForTimeout(1500);
await page.screenshot({ path: "/tmp/lite-shot.png" });
await browser.close(); server.close();
