// The executed notebooks and the static site that the integration globalSetup (test/infra/global-setup.ts)
// produced in TEST_BUILD (build/test/ unless NSAD_TEST_BUILD says otherwise).
import fs from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_BUILD, requireWorkbookSuccess } from "../infra/workbook-build";
import { decodePng, countNonWhite } from "../display/png";
import { launch, watchedPage } from "./browser";

const NB_DIR = path.join(TEST_BUILD, "notebooks");
const SITE = path.join(TEST_BUILD, "site");
const SHOTS = path.join(TEST_BUILD, "screenshots");
const VEGALITE = "application/vnd.vegalite.v5+json";

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  name?: string;
  text?: string | string[];
}
interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
}
const text = (s: unknown) => (Array.isArray(s) ? s.join("") : String(s ?? ""));
const executed = () =>
  fs
    .readdirSync(NB_DIR)
    .filter((f) => f.endsWith(".ipynb"))
    .sort();
const cellsOf = (f: string): Cell[] => JSON.parse(fs.readFileSync(path.join(NB_DIR, f), "utf8")).cells;
const displays = (f: string) =>
  cellsOf(f).flatMap((c) =>
    (c.outputs ?? []).filter((o) => o.output_type === "display_data" || o.output_type === "execute_result"),
  );
const isPlotly = (o: Output) => text(o.data?.["text/html"]).includes("Plotly.newPlot");

beforeAll(() => {
  requireWorkbookSuccess();
});

describe("executed notebooks", () => {
  it("the chart gallery was executed and shows every kind of output", () => {
    const outs = displays("10-chart-gallery.ipynb");
    expect(outs.filter((o) => o.data?.[VEGALITE]).length).toBeGreaterThanOrEqual(9);
    expect(outs.filter(isPlotly).length).toBe(1);
    expect(outs.filter((o) => text(o.data?.["text/html"]).includes('class="nsad-table"')).length).toBe(1);
  });

  it("every chart output carries the vega-lite JSON, a decodable non-blank PNG and text", () => {
    let charts = 0;
    for (const f of executed()) {
      for (const o of displays(f).filter((d) => d.data?.[VEGALITE])) {
        charts++;
        const spec = o.data![VEGALITE] as Record<string, unknown>;
        expect(typeof spec, `${f}: vega-lite output must be a JSON object, not a string`).toBe("object");
        expect(String(spec.$schema)).toContain("vega-lite/v5");
        const png = decodePng(Buffer.from(text(o.data!["image/png"]), "base64"));
        expect(png.width).toBeGreaterThan(50);
        expect(countNonWhite(png)).toBeGreaterThan(0.02 * png.width * png.height);
        expect(text(o.data!["text/plain"]).length).toBeGreaterThan(0);
      }
    }
    expect(charts).toBeGreaterThan(0);
  });

  it("every plotly figure has its static fallback image, and plotly.js is inlined once per notebook", () => {
    for (const f of executed()) {
      const figs = displays(f).filter(isPlotly);
      for (const o of figs) {
        const html = text(o.data!["text/html"]);
        const m = html.match(/<img src="data:image\/png;base64,([A-Za-z0-9+/=]+)"/);
        expect(m, `${f}: plotly figure without fallback <img>`).not.toBeNull();
        expect(countNonWhite(decodePng(Buffer.from(m![1], "base64")))).toBeGreaterThan(1000);
        expect(html).not.toMatch(/<script[^>]*\bsrc=/);
      }
      const inlined = figs.filter((o) => text(o.data!["text/html"]).length > 3_000_000).length;
      expect(inlined, f).toBe(figs.length > 0 ? 1 : 0);
    }
  });
});

describe("static site", () => {
  it("has one page per notebook and an index listing them in order with titles and summaries", () => {
    const index = fs.readFileSync(path.join(SITE, "index.html"), "utf8");
    const pages = executed().map((f) => f.replace(/\.ipynb$/, ".html"));
    let last = -1;
    for (const p of pages) {
      expect(fs.existsSync(path.join(SITE, p)), p).toBe(true);
      const at = index.indexOf(`href="${p}"`);
      expect(at, `index links ${p}`).toBeGreaterThan(last);
      last = at;
    }
    // each notebook is also linked to its runnable version in the lab site, which the workbook builds next to it
    for (const p of pages)
      expect(index, `index links the lab version of ${p}`).toContain(
        `href="lab/?path=${encodeURIComponent(p.replace(/\.html$/, ".ipynb"))}"`,
      );
    expect(fs.existsSync(path.join(SITE, "lab", "index.html"))).toBe(true);
    expect(index).toMatch(
      />Chart gallery<\/a> <a class="nsad-lab" [^>]*>\(run it in your browser\)<\/a><p>A tour of the display helpers/,
    );
    expect(index).toContain('href="api/index.html"');
    expect(fs.existsSync(path.join(SITE, "api", "index.html"))).toBe(true);
  });

  it("pages are self-contained: no require.js, no script or stylesheet from elsewhere", () => {
    for (const p of fs.readdirSync(SITE).filter((f) => f.endsWith(".html"))) {
      const html = fs.readFileSync(path.join(SITE, p), "utf8");
      expect(html, p).not.toMatch(/<script[^>]*\bsrc=["']?(https?:)?\/\//);
      expect(html, p).not.toMatch(/<link[^>]*href=["']?(https?:)?\/\//);
      expect(html, p).not.toMatch(/require\.min\.js|require\.js"/);
    }
  });
});

describe("site pages in headless Chromium, offline", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
    fs.mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  const pages = () => [
    "index.html",
    ...fs
      .readdirSync(SITE)
      .filter((f) => f.endsWith(".html") && f !== "index.html")
      .sort(),
    "api/index.html",
    "api/functions/notebook.show.html",
  ];

  it("every page loads with zero console errors and zero failed or outside requests; charts drawn; math typeset", async () => {
    const report: string[] = [];
    for (const p of pages()) {
      const file = path.join(SITE, p);
      if (!fs.existsSync(file)) {
        report.push(`${p}: missing`);
        continue;
      }
      const w = await watchedPage(browser, (u) => u.startsWith("file://") || u.startsWith("data:"));
      const t0 = Date.now();
      await w.page.goto(`file://${file}`, { waitUntil: "load" });
      // MathJax typesets after load; wait until its startup promise resolves (pages without MathJax: at once)
      await w.page.evaluate(() => {
        const mj = (window as unknown as { MathJax?: { startup?: { promise?: Promise<unknown> } } }).MathJax;
        return mj?.startup?.promise ?? null;
      });
      await w.page.waitForTimeout(500);
      const info = await w.page.evaluate(() => {
        const imgs = [
          ...document.querySelectorAll(".jp-OutputArea-output img, .nsad-plotly img"),
        ] as HTMLImageElement[];
        const plotly = [...document.querySelectorAll(".nsad-plotly")].map((d) => {
          const img = d.querySelector("img") as HTMLImageElement | null;
          const drawn = d.querySelectorAll("canvas, svg").length > 0 || (img !== null && img.naturalWidth > 0);
          return { drawn, interactive: d.querySelectorAll(".js-plotly-plot, .main-svg").length > 0 };
        });
        const md = [...document.querySelectorAll(".jp-MarkdownOutput, .jp-RenderedMarkdown")]
          .map((e) => (e as HTMLElement).innerText)
          .join("\n");
        return {
          images: imgs.map((i) => [i.naturalWidth, i.naturalHeight]),
          plotly,
          mathjax: document.querySelectorAll("mjx-container").length,
          rawMath: (md.match(/\$\$|\\\(|\\\[|\$[^$\s][^$\n]*\$/g) ?? []).slice(0, 3),
          markdownWithDollar: md.length,
        };
      });
      const ms = Date.now() - t0;
      await w.page.screenshot({
        path: path.join(SHOTS, p.replace(/[\\/]/g, "_").replace(/\.html$/, ".png")),
        fullPage: true,
      });
      await w.context.close();
      const size = (fs.statSync(file).size / 1024).toFixed(0);
      console.log(
        `${p}: ${size} KiB, loaded and typeset in ${ms} ms, ${info.images.length} images, ${info.plotly.length} plotly (${info.plotly.filter((x) => x.interactive).length} interactive), ${info.mathjax} equations`,
      );
      const problems = [
        ...w.consoleErrors.map((e) => `console error: ${e}`),
        ...w.failedRequests.map((r) => `failed request: ${r}`),
        ...w.blockedRequests.map((r) => `request outside file://: ${r}`),
        ...info.images.filter(([wd, h]) => !(wd > 0 && h > 0)).map(() => "an image did not load"),
        ...info.plotly.filter((x) => !x.drawn).map(() => "a plotly figure shows nothing"),
        ...info.rawMath.map((m) => `untypeset math: ${m}`),
      ];
      report.push(...problems.map((x) => `${p}: ${x}`));
      if (p === "10-chart-gallery.html") {
        expect(info.images.filter(([wd]) => wd > 0).length).toBeGreaterThanOrEqual(9);
        expect(info.plotly.length).toBe(1);
        expect(info.mathjax).toBeGreaterThanOrEqual(5);
      }
    }
    expect(report).toEqual([]);
  });
});
