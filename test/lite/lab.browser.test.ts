// The workbook in JupyterLab in the browser: the lab site (scripts/build-lite.mjs) served over http, every notebook
// opened in JupyterLab's UI in Debian's Chromium and run with "Run All Cells" on the TypeScript kernel; no cell may
// end with an error output, every code cell must have run, every chart must be drawn. A fixture notebook with a
// failing assertion must show that error. Times are printed (information, not asserted).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { launch } from "../site/browser";
import { runAllCells } from "./lab";

const ROOT = path.resolve(__dirname, "..", "..");
// NSAD_LITE_NOTEBOOKS=00-getting-started.ipynb,01-... runs only those (local checks); CI runs them all
const ONLY = (process.env.NSAD_LITE_NOTEBOOKS ?? "").split(",").filter(Boolean);
const NOTEBOOKS = fs
  .readdirSync(path.join(ROOT, "notebooks"))
  .filter((f) => f.endsWith(".ipynb") && (ONLY.length === 0 || ONLY.includes(f)))
  .sort();
const FIXTURE = "lite-failing-assertion.ipynb";
// the negative control of "every chart is drawn": one drawable chart, one vega-lite output that cannot be drawn
const UNDRAWABLE = "lite-undrawable-chart.ipynb";
const PER_NOTEBOOK_MS = Number(process.env.NSAD_LITE_NOTEBOOK_TIMEOUT_MS ?? 600_000);

let server: Server;
let base: string;
let browser: Browser;
let contentsDir: string;

beforeAll(async () => {
  // the site's contents: the workbook's notebooks plus the fixture (only in this test build)
  contentsDir = fs.mkdtempSync(path.join(os.tmpdir(), "nsad-lite-contents-"));
  for (const f of NOTEBOOKS) fs.copyFileSync(path.join(ROOT, "notebooks", f), path.join(contentsDir, f));
  for (const f of [FIXTURE, UNDRAWABLE])
    fs.copyFileSync(path.join(ROOT, "test", "fixtures", f), path.join(contentsDir, f));
  const { buildLite } = (await import("../../scripts/build-lite.mjs")) as {
    buildLite(o: object): Promise<{ size: number; totalMs: number }>;
  };
  const { serve } = (await import("../../scripts/serve-lab.mjs")) as { serve(o: object): Promise<Server> };
  const out = path.join(ROOT, "build", "test-lite", "lab");
  const built = await buildLite({ out, notebooks: contentsDir, minify: true });
  console.log(`lab site built in ${(built.totalMs / 1000).toFixed(1)} s, ${(built.size / 1e6).toFixed(1)} MB`);
  server = await serve({ dir: path.dirname(out), port: 0 });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/lab/`;
  browser = await launch();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
  if (contentsDir) fs.rmSync(contentsDir, { recursive: true, force: true });
});

async function openAndRun(name: string) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  // the lab needs nothing outside the local server
  await context.route("**/*", (route) =>
    route
      .request()
      .url()
      .startsWith(base.replace(/lab\/$/, "")) || route.request().url().startsWith("data:")
      ? route.continue()
      : route.abort("blockedbyclient"),
  );
  const t0 = Date.now();
  await page.goto(`${base}?path=${encodeURIComponent(name)}`);
  try {
    const report = await runAllCells(page, PER_NOTEBOOK_MS);
    return { ...report, pageErrors, totalMs: Date.now() - t0 };
  } finally {
    await context.close();
  }
}

describe("the workbook in JupyterLab in the browser", () => {
  for (const name of NOTEBOOKS) {
    it(
      `${name}: Run All Cells ends without an error, every code cell ran, every chart is drawn`,
      async () => {
        const r = await openAndRun(name);
        const charts = r.cells.flatMap((c) => c.charts);
        console.log(
          `${name}: ran in ${(r.runMs / 1000).toFixed(1)} s (page to end ${(r.totalMs / 1000).toFixed(1)} s), ${r.cells.length} code cells, ${charts.length} charts`,
        );
        expect(r.kernel).toBe("nonsmooth-ad");
        expect(r.timedOut).toBe(false);
        expect(r.cells.flatMap((c) => c.errors.map((e) => `cell ${c.index}: ${e.ename}: ${e.evalue}`))).toEqual([]);
        expect(r.cells.filter((c) => c.source.trim() !== "" && c.executionCount === null).map((c) => c.index)).toEqual(
          [],
        );
        // the assertion cells ran (no error above, an execution count here)
        const assertionCells = r.cells.filter((c) => /\bassert(Equal|Close)?\(/.test(c.source));
        expect(assertionCells.every((c) => c.executionCount !== null)).toBe(true);
        expect(charts.filter((c) => !c.drawn)).toEqual([]);
        expect(r.pageErrors).toEqual([]);
      },
      PER_NOTEBOOK_MS + 180_000,
    );
  }

  it("the kernel runs in a worker: the page stays responsive while a cell computes, and a restart starts afresh", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${base}?path=${encodeURIComponent(FIXTURE)}`);
      await page.waitForFunction(() => document.body.dataset.labRestored === "true", null, { timeout: 120_000 });
      const r = await page.evaluate(async () => {
        type Kernel = {
          info: Promise<unknown>;
          restart(): Promise<void>;
          requestExecute(c: { code: string }): {
            onIOPub: (m: { header: { msg_type: string }; content: { data?: Record<string, string> } }) => void;
            done: Promise<{ content: { status: string } }>;
          };
        };
        const panel = (
          window as unknown as {
            jupyterapp: {
              shell: { currentWidget: { sessionContext: { ready: Promise<void>; session: { kernel: Kernel } } } };
            };
          }
        ).jupyterapp.shell.currentWidget;
        await panel.sessionContext.ready;
        const kernel = () => panel.sessionContext.session.kernel;
        await kernel().info;
        const run = async (code: string) => {
          const f = kernel().requestExecute({ code });
          let text = "";
          f.onIOPub = (m) => {
            if (m.header.msg_type === "execute_result") text = m.content.data?.["text/plain"] ?? "";
          };
          return { status: (await f.done).content.status, text };
        };
        const before = await run("const kept = 41;\nkept + 1");
        let ticks = 0;
        const timer = setInterval(() => ticks++, 50);
        const busy = await run("let s = 0;\nconst t0 = Date.now();\nwhile (Date.now() - t0 < 1500) s++;\ns > 0");
        clearInterval(timer);
        await kernel().restart();
        await kernel().info;
        const after = await run("typeof kept");
        return { before, busy, ticks, after };
      });
      expect(r.before).toEqual({ status: "ok", text: "42" });
      expect(r.busy).toEqual({ status: "ok", text: "true" });
      // 1.5 s of computing in the kernel: the page's 50 ms timer kept firing (a kernel in the page would block it)
      expect(r.ticks).toBeGreaterThan(10);
      expect(r.after).toEqual({ status: "ok", text: "'undefined'" });
    } finally {
      await context.close();
    }
  }, 300_000);

  it("a failing assertion shows its message as an error output, and the cells after it do not run", async () => {
    const r = await openAndRun(FIXTURE);
    expect(r.timedOut).toBe(false);
    const [first, failing, after] = r.cells;
    expect(first.executionCount).not.toBeNull();
    expect(failing.errors).toHaveLength(1);
    expect(failing.errors[0].evalue).toContain("deliberate assertion failure 42");
    expect(after.executionCount).toBeNull();
  }, 300_000);

  it("the chart check can fail: a vega-lite output that cannot be drawn is reported as not drawn", async () => {
    const r = await openAndRun(UNDRAWABLE);
    expect(r.timedOut).toBe(false);
    const [valid, broken] = r.cells;
    expect(valid.errors).toEqual([]);
    expect(valid.charts.map((c) => c.drawn)).toEqual([true]);
    expect(broken.errors).toEqual([]);
    expect(broken.charts.map((c) => [c.mime, c.drawn])).toEqual([["application/vnd.vegalite.v5+json", false]]);
  }, 300_000);
});
