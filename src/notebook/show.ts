/**
 * Sending a chart as one output: vega-lite JSON + PNG + text summary.
 * @module
 */
import { DisplayBundle, VEGALITE_MIME } from "./bundle";
import { sendDisplayData } from "./kernel";
import { renderPng, type RenderOptions, type VegaLiteSpec } from "./render";

/** Options of {@link show}. */
export interface ShowOptions extends RenderOptions {
  /** The `text/plain` summary; default: the spec's `description` (the chart builders write one) or its title. */
  summary?: string;
}

function summaryOf(spec: VegaLiteSpec): string {
  const t = spec.title as unknown;
  const text = t && typeof t === "object" ? (t as { text?: unknown }).text : t;
  const title = typeof text === "string" ? text : Array.isArray(text) ? text.join(" ") : undefined;
  const desc = typeof spec.description === "string" ? spec.description : undefined;
  if (title && desc) return `${title}: ${desc}`;
  return title ?? desc ?? "vega-lite chart";
}

/**
 * Displays a vega-lite chart as ONE output carrying `application/vnd.vegalite.v5+json` (the spec, rendered
 * interactively by JupyterLab), `image/png` (rendered in Node; shown by nbconvert, GitHub, classic Notebook,
 * untrusted views) and `text/plain` (a summary). Outside a kernel nothing is sent; the bundle is returned
 * either way.
 *
 * @example
 * ```ts
 * import { scatterPlot, show } from "nonsmooth-ad/notebook";
 * import { assertEqual } from "nonsmooth-ad";
 * const out = await show(scatterPlot([{ a: 1, b: 2 }, { a: 2, b: 3 }], { x: "a", y: "b" }));
 * assertEqual(out.mimeTypes, ["application/vnd.vegalite.v5+json", "image/png", "text/plain"]);
 * assertEqual(out.sent, false); // outside a kernel the bundle is only returned
 * ```
 */
export async function show(spec: VegaLiteSpec, options: ShowOptions = {}): Promise<DisplayBundle> {
  const { png, width, height } = await renderPng(spec, options);
  const scale = options.scale ?? 1;
  const summary = `${options.summary ?? summaryOf(spec)} [chart ${Math.round(width / scale)}x${Math.round(height / scale)} px]`;
  const data = { [VEGALITE_MIME]: spec, "image/png": png.toString("base64"), "text/plain": summary };
  const metadata = { "image/png": { width: Math.round(width / scale), height: Math.round(height / scale) } };
  const sent = sendDisplayData({ data, metadata });
  return new DisplayBundle(data, metadata, sent);
}
