/**
 * Rendering vega-lite specs in Node without a browser: vega-lite → vega → `View.toSVG()` → resvg → PNG.
 *
 * @module
 */
import { CHART_FONT, chartFontFiles, installTextMetrics } from "./fonts";
import { requirePeer } from "./lazy";

/** A vega-lite (v5) specification: a plain JSON object (see https://vega.github.io/vega-lite/docs/). */
export interface VegaLiteSpec {
  $schema?: string;
  [key: string]: unknown;
}

/**
 * The `$schema` of every spec the chart builders return.
 *
 * @example
 * ```ts
 * import { VEGALITE_SCHEMA, barChart } from "nonsmooth-ad/notebook";
 * import { assertEqual } from "nonsmooth-ad";
 * assertEqual(barChart({ a: 1 }).$schema, VEGALITE_SCHEMA);
 * ```
 */
export const VEGALITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** Options for {@link renderPng}. */
export interface RenderOptions {
  /** Pixel density: the PNG has `scale` times the spec's size in each direction. Default 1. */
  scale?: number;
  /** Background colour of the PNG. Default white. */
  background?: string;
}

/** A rendered PNG and its size in pixels. */
export interface RenderedPng {
  png: Buffer;
  width: number;
  height: number;
}

function withFont(spec: VegaLiteSpec): VegaLiteSpec {
  const config = (spec.config as Record<string, unknown> | undefined) ?? {};
  return { ...spec, config: { font: CHART_FONT, ...config } };
}

/**
 * Renders a vega-lite spec to an SVG string (vega's SVG renderer, text measured with DejaVu Sans' metrics).
 *
 * @example
 * ```ts
 * import { renderSvg } from "nonsmooth-ad/notebook";
 * import { assert } from "nonsmooth-ad";
 * const svg = await renderSvg({ mark: "point", data: { values: [{ a: 1, b: 2 }] },
 *   encoding: { x: { field: "a", type: "quantitative" }, y: { field: "b", type: "quantitative" } } });
 * assert(svg.startsWith("<svg") && svg.includes("</svg>"), "an SVG document");
 * ```
 */
export async function renderSvg(spec: VegaLiteSpec, options: RenderOptions = {}): Promise<string> {
  if (spec === null || typeof spec !== "object")
    throw new TypeError(`renderSvg: spec must be a vega-lite object, got ${String(spec)}`);
  const vega = requirePeer("vega", "Chart rendering");
  const vl = requirePeer("vega-lite", "Chart rendering");
  installTextMetrics(vega);
  const vgSpec = vl.compile(withFont(spec)).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: "none", logLevel: vega.Error });
  try {
    if (options.background !== undefined) view.background(options.background);
    return await view.toSVG(options.scale ?? 1);
  } finally {
    view.finalize();
  }
}

/**
 * Converts an SVG string to PNG with resvg, using the chart font (DejaVu Sans) for text.
 *
 * @example
 * ```ts
 * import { svgToPng } from "nonsmooth-ad/notebook";
 * import { assertEqual } from "nonsmooth-ad";
 * const { png, width, height } = svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><text x="2" y="15">Hi</text></svg>');
 * assertEqual([width, height], [40, 20]);
 * assertEqual(png.subarray(1, 4).toString("latin1"), "PNG"); // the PNG signature
 * ```
 */
export function svgToPng(svg: string, options: { background?: string } = {}): RenderedPng {
  const { Resvg } = requirePeer("@resvg/resvg-js", "PNG rendering");
  const fontFiles = chartFontFiles();
  const resvg = new Resvg(svg, {
    background: options.background ?? "white",
    font: {
      fontFiles,
      loadSystemFonts: fontFiles.length === 0,
      defaultFontFamily: CHART_FONT,
      sansSerifFamily: CHART_FONT,
    },
  });
  const image = resvg.render();
  return { png: Buffer.from(image.asPng()), width: image.width, height: image.height };
}

/**
 * Renders a vega-lite spec to PNG in Node (no browser): vega's SVG, rasterized by resvg with DejaVu Sans.
 *
 * @example
 * ```ts
 * import { renderPng, linePlot } from "nonsmooth-ad/notebook";
 * import { assert, assertEqual } from "nonsmooth-ad";
 * const { png, width, height } = await renderPng(linePlot({ name: "y", y: [1, 3, 2] }, { width: 300, height: 200 }));
 * assertEqual([width, height], [300, 200]);
 * assert(png.length > 0, "PNG bytes");
 * ```
 */
export async function renderPng(spec: VegaLiteSpec, options: RenderOptions = {}): Promise<RenderedPng> {
  const scale = options.scale ?? 1;
  if (!(scale > 0 && scale <= 8)) throw new RangeError(`renderPng: options.scale must be in (0, 8], got ${scale}`);
  const svg = await renderSvg(spec, { scale });
  return svgToPng(svg, { background: options.background });
}
