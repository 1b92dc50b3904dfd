// Drives the lab site in Debian's Chromium: open a notebook in JupyterLab's UI, run all cells with JupyterLab's own
// command, wait for the kernel, and read back each code cell (nbformat outputs, and whether its charts are drawn).
import type { Page } from "playwright-core";

export interface CellReport {
  index: number;
  executionCount: number | null;
  source: string;
  outputTypes: string[];
  errors: { ename: string; evalue: string }[];
  /** vega-lite and plotly outputs, and whether each has an SVG or canvas of non-trivial size in the page */
  charts: { mime: string; drawn: boolean; width: number; height: number }[];
}

export interface RunReport {
  kernel: string | undefined;
  cells: CellReport[];
  runMs: number;
  timedOut: boolean;
}

/** Opens `notebook` (already loaded page at the lab with ?path=...), runs all cells, returns the cells. */
export async function runAllCells(page: Page, timeoutMs: number): Promise<RunReport> {
  await page.waitForFunction(
    () => document.body.dataset.labRestored === "true" || !!document.body.dataset.labError,
    null,
    { timeout: 120_000 },
  );
  const labError = await page.evaluate(() => document.body.dataset.labError);
  if (labError) throw new Error(`the lab did not start: ${labError}`);
  await page.waitForSelector(".jp-Notebook .jp-Cell", { timeout: 60_000 });
  return page.evaluate(async (timeout: number) => {
    type Json = Record<string, unknown>;
    const app = (window as unknown as { jupyterapp: Json }).jupyterapp as {
      shell: { currentWidget: Json };
      commands: { execute(id: string, args?: Json): Promise<unknown> };
    };
    const panel = app.shell.currentWidget as unknown as {
      context: { ready: Promise<void> };
      sessionContext: {
        ready: Promise<void>;
        session?: { kernel?: { name: string; status: string; info: Promise<unknown> } };
      };
      content: {
        widgets: { node: HTMLElement; model: Json }[];
        model: { cells: { length: number; get(i: number): Json } };
      };
    };
    await panel.context.ready;
    await panel.sessionContext.ready;
    const kernel = panel.sessionContext.session?.kernel;
    if (kernel) await kernel.info;
    const t0 = performance.now();
    await app.commands.execute("notebook:run-all-cells");
    const cells = panel.content.model.cells;
    const pending = () => {
      let n = 0;
      for (let i = 0; i < cells.length; i++) {
        const c = cells.get(i) as { type: string; executionState?: string };
        if (c.type === "code" && c.executionState === "running") n++;
      }
      return n;
    };
    let timedOut = true;
    while (performance.now() - t0 < timeout) {
      await new Promise((r) => setTimeout(r, 250));
      if (kernel?.status === "idle" && pending() === 0) {
        timedOut = false;
        break;
      }
    }
    const runMs = performance.now() - t0;
    const CHART = [
      "application/vnd.vegalite.v5+json",
      "application/vnd.vegalite.v4+json",
      "application/vnd.vega.v5+json",
    ];
    const size = (root: Element) => {
      let best = { w: 0, h: 0 };
      root.querySelectorAll("svg, canvas").forEach((el) => {
        const r = el.getBoundingClientRect();
        if (r.width * r.height > best.w * best.h) best = { w: r.width, h: r.height };
      });
      return best;
    };
    // vega renders asynchronously: wait (a bounded time) until every chart has its SVG/canvas
    const collect = () => {
      const out: Json[] = [];
      for (let i = 0; i < cells.length; i++) {
        const model = cells.get(i) as {
          type: string;
          executionCount?: number | null;
          sharedModel: { getSource(): string };
          outputs?: { toJSON(): Json[] };
        };
        if (model.type !== "code") continue;
        const outputs = model.outputs!.toJSON();
        const node = panel.content.widgets[i].node;
        const areas = Array.from(node.querySelectorAll(".jp-OutputArea-child"));
        const charts: Json[] = [];
        outputs.forEach((o, j) => {
          const data = (o.data ?? {}) as Json;
          const html = typeof data["text/html"] === "string" ? (data["text/html"] as string) : "";
          const mime = CHART.find((m) => m in data) ?? (html.includes("Plotly") ? "plotly (text/html)" : undefined);
          if (!mime) return;
          const s = areas[j] ? size(areas[j]) : { w: 0, h: 0 };
          charts.push({ mime, drawn: s.w >= 50 && s.h >= 50, width: Math.round(s.w), height: Math.round(s.h) });
        });
        out.push({
          index: i,
          executionCount: model.executionCount ?? null,
          source: model.sharedModel.getSource(),
          outputTypes: outputs.map((o) => String(o.output_type)),
          errors: outputs
            .filter((o) => o.output_type === "error")
            .map((o) => ({ ename: String(o.ename), evalue: String(o.evalue) })),
          charts,
        });
      }
      return out;
    };
    let report = collect();
    const t1 = performance.now();
    while (
      report.some((c) => (c.charts as { drawn: boolean }[]).some((ch) => !ch.drawn)) &&
      performance.now() - t1 < 30_000
    ) {
      // bring every chart into view once: some renderers wait to be visible
      document.querySelectorAll(".jp-OutputArea-child").forEach((el) => el.scrollIntoView());
      await new Promise((r) => setTimeout(r, 500));
      report = collect();
    }
    return { kernel: kernel?.name, cells: report, runMs, timedOut } as unknown as RunReport;
  }, timeoutMs);
}
