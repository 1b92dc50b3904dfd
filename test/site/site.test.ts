// The executed notebooks and the static site that the integration globalSetup (test/infra/global-setup.ts)
// produced in TEST_BUILD (build/test/ unless NSAD_TEST_BUILD says otherwise).
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_BUILD, requireWorkbookSuccess } from "../infra/workbook-build";
import { decodePng, countNonWhite } from "../display/png";
import { launch, watchedPage } from "./browser";
import { isSolution, type NotebookCell, solutionsShown } from "./solutions";
import { PAGE_BUDGET, pageWeight } from "../../scripts/export-site.mjs";

const NB_DIR = path.join(TEST_BUILD, "notebooks");
const SITE = path.join(TEST_BUILD, "site");
const SITE_INSTRUCTOR = path.join(TEST_BUILD, "site-instructor");
const SHOTS = path.join(TEST_BUILD, "screenshots");
const PHONE_SHOTS = path.join(TEST_BUILD, "screenshots", "phone");
const VEGALITE = "application/vnd.vegalite.v5+json";

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  name?: string;
  text?: string | string[];
}
interface Cell extends NotebookCell {
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
/** The notebook pages of a site, in file-name order. */
const sitePages = (site: string) =>
  fs
    .readdirSync(site)
    .filter((f) => f.endsWith(".html") && f !== "index.html")
    .sort();
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

  it("pages load scripts and styles only from the site's own assets/ folder, by relative paths", () => {
    for (const site of [SITE, SITE_INSTRUCTOR]) {
      for (const p of fs.readdirSync(site).filter((f) => f.endsWith(".html"))) {
        const html = fs.readFileSync(path.join(site, p), "utf8");
        expect(html, p).not.toMatch(/require\.min\.js|require\.js"/);
        const refs = [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
        for (const r of refs) {
          expect(r, `${p} loads ${r}`).toMatch(/^assets\/[\w./-]+$/);
          expect(fs.existsSync(path.join(site, r)), `${p} loads ${r}`).toBe(true);
        }
      }
      // MathJax, vega and plotly.js are stored once per site, not in the pages
      expect(fs.statSync(path.join(site, "assets", "mathjax", "tex-svg.js")).size).toBeGreaterThan(1_000_000);
      expect(fs.statSync(path.join(site, "assets", "plotly.min.js")).size).toBeGreaterThan(3_000_000);
    }
  });

  it("every notebook page weighs at most 1 MiB beyond its own images (sizes printed)", () => {
    const rows: string[] = [];
    const over: string[] = [];
    for (const site of [SITE, SITE_INSTRUCTOR]) {
      for (const p of sitePages(site)) {
        const w = pageWeight(fs.readFileSync(path.join(site, p), "utf8"));
        rows.push(
          `${path.basename(site)}/${p}: ${(w.bytes / 1024).toFixed(0)} KiB, images ${(w.images / 1024).toFixed(0)} KiB, weight ${(w.weight / 1024).toFixed(0)} KiB`,
        );
        if (w.weight > PAGE_BUDGET) over.push(rows[rows.length - 1]);
      }
    }
    console.log(`page weights (budget ${PAGE_BUDGET / 1024} KiB beyond images):\n  ${rows.join("\n  ")}`);
    expect(over).toEqual([]);
  });
});

describe("student and instructor sites", () => {
  it("the student site shows no solution and the instructor site shows all of them, in pages and labs", () => {
    let solutions = 0;
    for (const f of executed()) {
      const cells = cellsOf(f);
      const page = f.replace(/\.ipynb$/, ".html");
      const count = cells.filter(isSolution).length;
      solutions += count;
      const student = fs.readFileSync(path.join(SITE, page), "utf8");
      const instructor = fs.readFileSync(path.join(SITE_INSTRUCTOR, page), "utf8");
      expect(student, `${page}: a solution cell in the student site`).not.toContain("celltag_solution");
      expect(instructor.match(/celltag_solution/g)?.length ?? 0, `${page}: solution cells in the instructor site`).toBe(
        count,
      );
      for (const s of solutionsShown(cells, student))
        expect(s.found, `${page}: text of solution cell ${s.index + 1} in the student site`).toBe(0);
      for (const s of solutionsShown(cells, instructor)) {
        expect(s.found, `${page}: text of solution cell ${s.index + 1} in the instructor site`).toBe(s.of);
        if (s.of === 0) console.log(`${page}: solution cell ${s.index + 1} has no text of its own; counted by its tag`);
      }
      // the labs serve the notebooks as committed, minus the solutions in the student's
      const lab = (site: string) =>
        (JSON.parse(fs.readFileSync(path.join(site, "lab", "files", f), "utf8")).cells as NotebookCell[]).filter(
          isSolution,
        ).length;
      expect(lab(SITE), `${f} in the student lab`).toBe(0);
      expect(lab(SITE_INSTRUCTOR), `${f} in the instructor lab`).toBe(count);
    }
    console.log(`solution cells: ${solutions} in ${executed().length} notebooks`);
  });
});

describe("site pages in headless Chromium, offline", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
    fs.mkdirSync(SHOTS, { recursive: true });
    fs.mkdirSync(PHONE_SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  const pages = () => ["index.html", ...sitePages(SITE), "api/index.html", "api/functions/notebook.show.html"];
  // requests may go to the site's own folder and data: URIs, nowhere else
  const inSite = (u: string) => u.startsWith(`${pathToFileURL(SITE).href}/`) || u.startsWith("data:");

  it("every page loads with zero console errors and zero requests outside the site; charts drawn live; math typeset", async () => {
    const report: string[] = [];
    for (const p of pages()) {
      const file = path.join(SITE, p);
      if (!fs.existsSync(file)) {
        report.push(`${p}: missing`);
        continue;
      }
      const w = await watchedPage(browser, inSite);
      const t0 = Date.now();
      await w.page.goto(pathToFileURL(file).href, { waitUntil: "load" });
      // MathJax typesets after load, the charts are drawn by site.js: wait for both (pages without them: at once)
      await w.page.evaluate(async () => {
        const win = window as unknown as {
          MathJax?: { startup?: { promise?: Promise<unknown> } };
          nsadCharts?: Promise<number>;
        };
        await (win.MathJax?.startup?.promise ?? null);
        await (win.nsadCharts ?? null);
      });
      await w.page.waitForTimeout(300);
      const info = await w.page.evaluate(() => {
        const imgs = [
          ...document.querySelectorAll(".jp-OutputArea-output img, .nsad-plotly img"),
        ] as HTMLImageElement[];
        const plotly = [...document.querySelectorAll(".nsad-plotly")].map((d) => {
          const img = d.querySelector("img") as HTMLImageElement | null;
          const drawn = d.querySelectorAll("canvas, svg").length > 0 || (img !== null && img.naturalWidth > 0);
          return { drawn, interactive: d.querySelectorAll(".js-plotly-plot, .main-svg").length > 0 };
        });
        const vega = [...document.querySelectorAll(".nsad-vega")].map((d) => ({
          live: d.querySelectorAll(".nsad-vega-live svg.marks, .nsad-vega-live canvas").length > 0,
          pngHidden: (d.querySelector("img.nsad-vega-png") as HTMLImageElement | null)?.hidden ?? false,
        }));
        const md = [...document.querySelectorAll(".jp-MarkdownOutput, .jp-RenderedMarkdown")]
          .map((e) => (e as HTMLElement).innerText)
          .join("\n");
        return {
          images: imgs.filter((i) => !i.hidden).map((i) => [i.naturalWidth, i.naturalHeight]),
          plotly,
          vega,
          mathjax: document.querySelectorAll("mjx-container").length,
          rawMath: (md.match(/\$\$|\\\(|\\\[|\$[^$\s][^$\n]*\$/g) ?? []).slice(0, 3),
        };
      });
      const ms = Date.now() - t0;
      await w.page.screenshot({
        path: path.join(SHOTS, p.replace(/[\\/]/g, "_").replace(/\.html$/, ".png")),
        fullPage: true,
      });
      await w.context.close();
      console.log(
        `${p}: loaded, typeset and drawn in ${ms} ms, ${info.images.length} images, ${info.vega.filter((v) => v.live).length}/${info.vega.length} charts live, ${info.plotly.length} plotly (${info.plotly.filter((x) => x.interactive).length} interactive), ${info.mathjax} equations`,
      );
      const problems = [
        ...w.consoleErrors.map((e) => `console error: ${e}`),
        ...w.failedRequests.map((r) => `failed request: ${r}`),
        ...w.blockedRequests.map((r) => `request outside the site: ${r}`),
        ...info.images.filter(([wd, h]) => !(wd > 0 && h > 0)).map(() => "an image did not load"),
        ...info.plotly.filter((x) => !x.drawn).map(() => "a plotly figure shows nothing"),
        ...info.vega.filter((v) => !v.live).map(() => "a chart was not drawn live"),
        ...info.vega.filter((v) => v.live && !v.pngHidden).map(() => "a live chart still shows its PNG too"),
        ...info.rawMath.map((m) => `untypeset math: ${m}`),
      ];
      report.push(...problems.map((x) => `${p}: ${x}`));
      if (p === "10-chart-gallery.html") {
        expect(info.vega.filter((v) => v.live).length).toBeGreaterThanOrEqual(9);
        expect(info.plotly.length).toBe(1);
        expect(info.mathjax).toBeGreaterThanOrEqual(5);
      }
    }
    expect(report).toEqual([]);
  });

  it("the gallery's live charts are interactive: a tooltip over the heatmap, zoom on the line plot", async () => {
    const w = await watchedPage(browser, inSite);
    const { page } = w;
    await page.goto(pathToFileURL(path.join(SITE, "10-chart-gallery.html")).href, { waitUntil: "load" });
    await page.evaluate(() => (window as unknown as { nsadCharts?: Promise<number> }).nsadCharts ?? null);
    const chart = (kind: string) =>
      page.evaluate((k) => {
        const box = [...document.querySelectorAll<HTMLElement>(".nsad-vega")].find((d) =>
          (d.querySelector("img") as HTMLImageElement | null)?.alt.includes(k),
        );
        if (!box) return null;
        box.scrollIntoView();
        const r = (box.querySelector("svg.marks .mark-rect, svg.marks .mark-line") as Element).getBoundingClientRect();
        const labels = () => [...box.querySelectorAll(".role-axis-label text")].map((t) => t.textContent).join(" ");
        return { x: r.x + r.width / 3, y: r.y + r.height / 3, zoom: box.dataset.zoom, labels: labels() };
      }, kind);
    const heat = await chart("Heatmap:");
    expect(heat).not.toBeNull();
    await page.mouse.move(heat!.x, heat!.y);
    await page.waitForTimeout(300);
    const tip = await page.evaluate(
      () => (document.querySelector("#vg-tooltip-element.visible") as HTMLElement | null)?.innerText ?? "",
    );
    expect(tip, "a tooltip with the cell's x, y and value").toMatch(/x[\s\S]*y[\s\S]*f/);
    const line = await chart("Line plot:");
    expect(line?.zoom).toBe("true");
    await page.mouse.move(line!.x, line!.y);
    await page.mouse.wheel(0, -300);
    await page.waitForTimeout(300);
    expect((await chart("Line plot:"))?.labels, "the axes change when the wheel zooms").not.toBe(line?.labels);
    await w.context.close();
    expect([...w.consoleErrors, ...w.failedRequests, ...w.blockedRequests]).toEqual([]);
  });

  it("with JavaScript disabled, every chart still shows its PNG", async () => {
    const report: string[] = [];
    for (const p of sitePages(SITE)) {
      const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
      await context.route("**/*", (route) =>
        inSite(route.request().url()) ? route.continue() : route.abort("blockedbyclient"),
      );
      const page = await context.newPage();
      await page.goto(pathToFileURL(path.join(SITE, p)).href, { waitUntil: "load" });
      const charts = await page.evaluate(() =>
        [...document.querySelectorAll(".nsad-vega, .nsad-plotly")].map((d) => {
          const img = d.querySelector("img") as HTMLImageElement | null;
          const box = img?.getBoundingClientRect();
          return {
            shown: img !== null && img.naturalWidth > 0 && !img.hidden && (box?.width ?? 0) > 50,
            live: d.querySelectorAll("svg.marks, canvas").length > 0,
          };
        }),
      );
      await context.close();
      report.push(...charts.filter((c) => !c.shown).map(() => `${p}: a chart shows no PNG`));
      report.push(...charts.filter((c) => c.live).map(() => `${p}: a chart was drawn with scripts off?`));
    }
    expect(report).toEqual([]);
  });

  it("on a phone-sized screen every page reflows: no sideways scrolling of the page (screenshots saved)", async () => {
    const report: string[] = [];
    for (const p of ["index.html", ...sitePages(SITE)]) {
      const context = await browser.newContext({
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 1,
        isMobile: true,
        hasTouch: true,
      });
      await context.route("**/*", (route) =>
        inSite(route.request().url()) ? route.continue() : route.abort("blockedbyclient"),
      );
      const page = await context.newPage();
      await page.goto(pathToFileURL(path.join(SITE, p)).href, { waitUntil: "load" });
      await page.evaluate(async () => {
        const win = window as unknown as {
          MathJax?: { startup?: { promise?: Promise<unknown> } };
          nsadCharts?: Promise<number>;
        };
        await (win.MathJax?.startup?.promise ?? null);
        await (win.nsadCharts ?? null);
      });
      await page.waitForTimeout(300);
      const size = await page.evaluate(() => ({
        scroll: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
        client: document.documentElement.clientWidth,
      }));
      await page.screenshot({ path: path.join(PHONE_SHOTS, p.replace(/\.html$/, ".png")), fullPage: true });
      await context.close();
      console.log(`phone ${p}: page ${size.scroll} px wide in a ${size.client} px screen`);
      if (size.scroll > size.client) report.push(`${p}: ${size.scroll} px wide on a ${size.client} px screen`);
    }
    expect(report).toEqual([]);
  });
});
