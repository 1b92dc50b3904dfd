// A live front-end check: Debian's classic Jupyter Notebook (6.4) with the project's kernel, driven by headless
// Chromium: run every cell of the chart gallery through the page and look for a text result, a chart image and
// a table in the page.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { REPO_ROOT, TEST_BUILD } from "../infra/workbook-build";
import { launch, watchedPage } from "./browser";

const JUPYTER_NOTEBOOK = process.env.NSAD_JUPYTER_NOTEBOOK ?? "/usr/bin/jupyter-notebook";
const GALLERY = "10-chart-gallery.ipynb";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

describe("live: classic Jupyter Notebook runs the chart gallery in the browser", () => {
  let server: ChildProcess | undefined;
  let serverLog = "";
  let browser: Browser | undefined;
  let base = "";
  let token = "";
  let ownPrefix: string | undefined;
  // the notebook is copied under build/ (inside the repository, so the kernel resolves nonsmooth-ad from
  // node_modules), never run in notebooks/ itself: the server's autosave would write outputs there
  const workDir = path.join(TEST_BUILD, "live");

  beforeAll(async () => {
    let prefix = "";
    try {
      prefix = inject("nsadKernelPrefix");
    } catch {
      prefix = "";
    }
    if (!prefix || !fs.existsSync(path.join(prefix, "share", "jupyter", "kernels", "nonsmooth-ad", "kernel.json"))) {
      ownPrefix = fs.mkdtempSync(path.join(os.tmpdir(), "nsad-live-kernel-"));
      const { installKernel } = await import(path.join(REPO_ROOT, "kernel", "install.mjs"));
      installKernel({ prefix: ownPrefix });
      prefix = ownPrefix;
    }
    fs.rmSync(workDir, { recursive: true, force: true });
    fs.mkdirSync(workDir, { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, "notebooks", GALLERY), path.join(workDir, GALLERY));

    const port = await freePort();
    token = randomBytes(16).toString("hex");
    base = `http://127.0.0.1:${port}`;
    const runtime = fs.mkdtempSync(path.join(os.tmpdir(), "nsad-live-runtime-"));
    server = spawn(
      JUPYTER_NOTEBOOK,
      [
        "--no-browser",
        "--ip=127.0.0.1",
        `--port=${port}`,
        "--port-retries=0",
        `--NotebookApp.token=${token}`,
        `--notebook-dir=${workDir}`,
        // CI containers often run as root, which the server refuses without this flag
        ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
      ],
      {
        cwd: workDir,
        env: {
          ...process.env,
          JUPYTER_PATH: path.join(prefix, "share", "jupyter"),
          JUPYTER_RUNTIME_DIR: runtime,
          JUPYTER_CONFIG_DIR: runtime,
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    server.stdout!.on("data", (d) => (serverLog += d));
    server.stderr!.on("data", (d) => (serverLog += d));
    await waitFor(`jupyter-notebook on ${base}`, 60_000, async () => {
      if (server!.exitCode !== null) throw new Error(`jupyter-notebook exited (${server!.exitCode}):\n${serverLog}`);
      try {
        return (await fetch(`${base}/api/status?token=${token}`)).ok;
      } catch {
        return false;
      }
    });
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (server && server.exitCode === null) {
      try {
        await fetch(`${base}/api/shutdown?token=${token}`, { method: "POST" });
      } catch {
        /* fall through to the signal */
      }
      const exited = new Promise<void>((r) => server!.once("exit", () => r()));
      const timer = setTimeout(() => server!.exitCode === null && server!.kill("SIGTERM"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    if (ownPrefix) fs.rmSync(ownPrefix, { recursive: true, force: true });
  }, 60_000);

  it("Run All shows a text result, a chart image and a table, with no error output", async () => {
    const origin = new URL(base).origin;
    const w = await watchedPage(
      browser!,
      (u) => u.startsWith(origin) || u.startsWith("data:") || u.startsWith("blob:") || u.startsWith("ws:"),
    );
    const { page } = w;
    await page.goto(`${base}/notebooks/${GALLERY}?token=${token}`, { waitUntil: "load" });
    await page.waitForFunction(
      () => {
        const J = (window as any).Jupyter;
        return !!(
          J &&
          J.notebook &&
          J.notebook.kernel &&
          J.notebook.kernel.is_connected &&
          J.notebook.kernel.is_connected()
        );
      },
      null,
      { timeout: 60_000 },
    );
    await page.evaluate(() => {
      const nb = (window as any).Jupyter.notebook;
      nb.set_autosave_interval(0);
      nb.execute_all_cells();
    });
    await page.waitForFunction(
      () => {
        const cells = (window as any).Jupyter.notebook.get_cells().filter((c: any) => c.cell_type === "code");
        return cells.every((c: any) => typeof c.input_prompt_number === "number");
      },
      null,
      { timeout: 180_000, polling: 500 },
    );
    await page.waitForTimeout(1000);
    const found = await page.evaluate(() => {
      const texts = [...document.querySelectorAll(".output_subarea.output_stream, .output_subarea.output_text")].map(
        (e) => (e as HTMLElement).innerText,
      );
      const imgs = [
        ...document.querySelectorAll(".output_subarea.output_png img, .output_subarea img"),
      ] as HTMLImageElement[];
      return {
        texts,
        stderr: [...document.querySelectorAll(".output_stderr")].map((e) => (e as HTMLElement).innerText),
        chartImages: imgs.filter((i) => i.naturalWidth >= 200 && i.naturalHeight >= 100).length,
        tables: document.querySelectorAll(".output_html table.nsad-table").length,
        tableText: (document.querySelector(".output_html table.nsad-table") as HTMLElement | null)?.innerText ?? "",
      };
    });
    fs.mkdirSync(path.join(TEST_BUILD, "screenshots"), { recursive: true });
    await page.screenshot({ path: path.join(TEST_BUILD, "screenshots", "live-classic-notebook.png"), fullPage: true });
    await w.context.close();
    expect(found.stderr, "no cell wrote to stderr (tslab's errors go there)").toEqual([]);
    expect(found.texts.join("\n")).toContain("f(1, 0.25) = 1.3");
    expect(found.chartImages).toBeGreaterThanOrEqual(9);
    expect(found.tables).toBe(1);
    expect(found.tableText).toContain("sign(0) := 1 & max split");
    expect(found.tableText).toContain("<default>");
  }, 300_000);
});
