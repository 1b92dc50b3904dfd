/**
 * Interactive 3-D surfaces with plotly.js (inlined, never from a CDN), with a static PNG fallback.
 *
 * The output is one `text/html` bundle: a `<div>` holding an `<img>` (PNG data URI: a heatmap with contours and
 * the paths, rendered in Node), then, the first time in a kernel session, plotly.js itself, then a small script
 * that replaces the image by the plotly figure when plotly.js is loaded and WebGL is available. Untrusted and
 * static viewers (JupyterLab on a notebook it did not run, GitHub) strip the scripts and keep the image.
 *
 * @module
 */
import * as fs from "node:fs";
import { randomBytes } from "node:crypto";
import { DisplayBundle } from "./bundle";
import { heatmap, toGrid, type GridSource, type SamplingOptions } from "./charts/grid";
import { sendDisplayData } from "./kernel";
import { resolvePeerFile } from "./lazy";
import { escapeHtml, scriptJson } from "./html";
import { renderPng } from "./render";
import { finite, finiteArray } from "../validate";

/** A path on a surface (e.g. an optimizer trajectory): [x, y] points (z = f(x, y) is computed) or [x, y, z]. */
export interface SurfacePath {
  name: string;
  points: ArrayLike<number>[];
}

/** Options of {@link surfacePlot}. */
export interface SurfaceOptions extends SamplingOptions {
  title?: string;
  /** Width in pixels (figure and fallback image), default 640. */
  width?: number;
  /** Height in pixels, default 480. */
  height?: number;
  xTitle?: string;
  yTitle?: string;
  zTitle?: string;
  /** Paths drawn on the surface. For [x, y] points of a gridded (not function) source, z is interpolated. */
  paths?: SurfacePath[];
  /** A plotly colour scale name, default "Viridis". */
  colorscale?: string;
  /**
   * Whether to inline plotly.js into this output: "auto" (default) inlines it in the first figure of the kernel
   * session only; "always"; "never" (when an earlier output of the notebook already has it).
   */
  inlinePlotly?: "auto" | "always" | "never";
}

let plotlyInlined = false;

/**
 * Forgets that plotly.js was inlined, so the next {@link surfacePlot} inlines it again (e.g. after clearing the
 * outputs of the notebook while the kernel keeps running).
 *
 * @example
 * ```ts
 * import { resetPlotlyInlining, surfacePlot } from "nonsmooth-ad/notebook";
 * import { assert } from "nonsmooth-ad";
 * const f = (x: number, y: number) => Math.abs(x) + y * y;
 * const inlined = (html: unknown) => String(html).includes("plotly.js (MIT), inlined once per kernel session");
 * await surfacePlot(f, { n: 5 }); // inlines plotly.js unless an earlier figure of this session did
 * assert(!inlined((await surfacePlot(f, { n: 5 })).data["text/html"]), "not twice");
 * resetPlotlyInlining();
 * assert(inlined((await surfacePlot(f, { n: 5 })).data["text/html"]), "again after the reset");
 * ```
 */
export function resetPlotlyInlining(): void {
  plotlyInlined = false;
}

let plotlySource: string | undefined;
function plotlyScript(): string {
  if (plotlySource === undefined) {
    const file = resolvePeerFile("plotly.js-dist-min/plotly.min.js", "plotly.js-dist-min", "surfacePlot");
    // "</script" cannot occur in the minified bundle outside strings; escape it anyway so the element cannot end early
    plotlySource = fs.readFileSync(file, "utf8").replace(/<\/script/gi, "<\\/script");
  }
  return plotlySource;
}

function bilinear(g: { x: number[]; y: number[]; z: number[][] }, x: number, y: number): number {
  const find = (a: number[], v: number) =>
    Math.min(
      Math.max(
        a.findIndex((_, i) => i + 1 < a.length && v <= a[i + 1]),
        0,
      ),
      a.length - 2,
    );
  const i = find(g.x, x);
  const j = find(g.y, y);
  const tx = Math.min(Math.max((x - g.x[i]) / (g.x[i + 1] - g.x[i]), 0), 1);
  const ty = Math.min(Math.max((y - g.y[j]) / (g.y[j + 1] - g.y[j]), 0), 1);
  const z = g.z;
  return (1 - ty) * ((1 - tx) * z[j][i] + tx * z[j][i + 1]) + ty * ((1 - tx) * z[j + 1][i] + tx * z[j + 1][i + 1]);
}

/**
 * An interactive 3-D surface of f(x, y) (a function, sampled, or a grid) with optional paths on it, displayed
 * as HTML with plotly.js inlined at most once per kernel session, and a static PNG fallback inside the HTML.
 * Returns the bundle (sent to the kernel when one is running).
 *
 * @example
 * ```ts
 * import { surfacePlot } from "nonsmooth-ad/notebook";
 * import { assert } from "nonsmooth-ad";
 * const f = (x: number, y: number) => Math.abs(x) + 0.5 * y * y;
 * const out = await surfacePlot(f, { x: [-2, 2], y: [-2, 2], n: 31, paths: [{ name: "descent", points: [[1.5, 1.5], [0.8, 0.6], [0.1, 0.1]] }] });
 * assert(out.text.startsWith("3-D surface: 31x31 grid, 1 paths"), out.text);
 * assert(String(out.data["text/html"]).includes('<img src="data:image/png;base64,'), "a static PNG inside the HTML");
 * ```
 */
export async function surfacePlot(source: GridSource, options: SurfaceOptions = {}): Promise<DisplayBundle> {
  const fn = "surfacePlot";
  const g = toGrid(source, options, fn);
  const width = options.width ?? 640;
  const height = options.height ?? 480;
  const paths = (options.paths ?? []).map((p, k) => {
    if (p == null || !Array.isArray(p.points)) throw new TypeError(`${fn}: options.paths[${k}] must be {name, points}`);
    const pts = p.points.map((q, i) => {
      const a = finiteArray(fn, `options.paths[${k}].points[${i}]`, q);
      if (a.length < 2 || a.length > 3)
        throw new RangeError(`${fn}: options.paths[${k}].points[${i}] must be [x, y] or [x, y, z]`);
      const z = a.length === 3 ? a[2] : typeof source === "function" ? source(a[0], a[1]) : bilinear(g, a[0], a[1]);
      return [a[0], a[1], finite(fn, `z of options.paths[${k}].points[${i}]`, z)];
    });
    return { name: p.name ?? `path ${k}`, pts };
  });
  const title = options.title ?? "";
  const fallbackSpec = heatmap(g, {
    title: title ? `${title} (static view)` : "static view of a 3-D surface",
    width,
    height,
    contours: 8,
    xTitle: options.xTitle,
    yTitle: options.yTitle,
    colorTitle: options.zTitle ?? "z",
    paths: paths.map((p) => ({ name: p.name, points: p.pts.map((q) => [q[0], q[1]]) })),
  });
  const fallback = await renderPng(fallbackSpec);
  const figure = {
    data: [
      {
        type: "surface",
        x: g.x,
        y: g.y,
        z: g.z,
        colorscale: options.colorscale ?? "Viridis",
        showscale: true,
        opacity: 0.92,
        name: "f",
      },
      ...paths.map((p) => ({
        type: "scatter3d",
        mode: "lines+markers",
        name: p.name,
        x: p.pts.map((q) => q[0]),
        y: p.pts.map((q) => q[1]),
        z: p.pts.map((q) => q[2]),
        line: { width: 5 },
        marker: { size: 3 },
      })),
    ],
    layout: {
      title: title ? { text: title } : undefined,
      width,
      height,
      margin: { l: 0, r: 0, t: title ? 40 : 10, b: 0 },
      scene: {
        xaxis: { title: { text: options.xTitle ?? "x" } },
        yaxis: { title: { text: options.yTitle ?? "y" } },
        zaxis: { title: { text: options.zTitle ?? "z" } },
      },
      showlegend: paths.length > 0,
      legend: { x: 0, y: 1, xanchor: "left", yanchor: "top" },
    },
  };
  const mode = options.inlinePlotly ?? "auto";
  const inline = mode === "always" || (mode === "auto" && !plotlyInlined);
  const id = `nsad-plotly-${randomBytes(6).toString("hex")}`;
  const summary = `3-D surface${title ? ` "${title}"` : ""}: ${g.x.length}x${g.y.length} grid, ${paths.length} paths (interactive with plotly.js in a trusted notebook; static PNG otherwise)`;
  const img = `<img src="data:image/png;base64,${fallback.png.toString("base64")}" width="${fallback.width}" height="${fallback.height}" alt="${escapeHtml(summary)}" />`;
  const loader =
    `(function(){var el=document.getElementById(${scriptJson(id)});if(!el||!window.Plotly)return;` +
    `var c=document.createElement("canvas");var gl=null;try{gl=c.getContext("webgl")||c.getContext("experimental-webgl");}catch(e){}if(!gl)return;` +
    `var fig=${scriptJson(figure)};var keep=el.innerHTML;el.innerHTML="";` +
    `window.Plotly.newPlot(el,fig.data,fig.layout,{displaylogo:false}).catch(function(){el.innerHTML=keep;});})();`;
  const html =
    `<div id="${id}" class="nsad-plotly" style="width:${width}px;min-height:${height}px">${img}</div>\n` +
    (inline
      ? `<script type="text/javascript">/* plotly.js (MIT), inlined once per kernel session by nonsmooth-ad */\n${plotlyScript()}\n</script>\n`
      : "") +
    `<script type="text/javascript">${loader}</script>`;
  if (inline) plotlyInlined = true;
  const data = { "text/html": html, "text/plain": summary };
  const metadata = {};
  const sent = sendDisplayData({ data, metadata });
  return new DisplayBundle(data, metadata, sent);
}
