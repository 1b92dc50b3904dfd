/**
 * Options and assembly shared by the chart builders.
 * @module
 */
import { VEGALITE_SCHEMA, type VegaLiteSpec } from "../render";

/** Options every chart builder takes. */
export interface ChartOptions {
  /** Title drawn above the chart. */
  title?: string;
  /**
   * Width in pixels of the whole image (axes, legend and title included), default 480. For a faceted chart: the
   * width of one panel.
   */
  width?: number;
  /** Height in pixels of the whole image; for a faceted chart, of one panel. Default 320. */
  height?: number;
  /** Title of the x axis. */
  xTitle?: string;
  /** Title of the y axis. */
  yTitle?: string;
}

/** Options of charts that can be split into panels, one per value of a column. */
export interface FacetOptions {
  /** Name of the column whose values split the chart into panels (small multiples). */
  facet?: string;
  /** Panels per row when faceting; default: all in one row up to 3, then 3 per row. */
  columns?: number;
}

/** @internal */
const DEFAULT_WIDTH = 480;
/** @internal */
const DEFAULT_HEIGHT = 320;

/** @internal */
export function size(options: ChartOptions, fn: string): { width: number; height: number } {
  const width = options.width ?? DEFAULT_WIDTH;
  const height = options.height ?? DEFAULT_HEIGHT;
  for (const [k, v] of [
    ["width", width],
    ["height", height],
  ] as const) {
    if (!(Number.isFinite(v) && v >= 20 && v <= 10000))
      throw new RangeError(`${fn}: options.${k} must be a number of pixels in [20, 10000], got ${v}`);
  }
  return { width, height };
}

/**
 * Assembles a top-level spec from a view (mark+encoding or layer) and the data, applying size, title and facet.
 * @internal
 */
export function assemble(
  view: Record<string, unknown>,
  values: Record<string, unknown>[],
  options: ChartOptions & FacetOptions,
  description: string,
  fn: string,
): VegaLiteSpec {
  const { width, height } = size(options, fn);
  const top: VegaLiteSpec = { $schema: VEGALITE_SCHEMA, description };
  // anchored at the left edge of the whole image and wrapped to its width, so a long title is never clipped
  if (options.title)
    top.title = { text: wrapTitle(options.title, options.facet ? width * 2 : width), anchor: "start", frame: "bounds" };
  top.data = { values };
  if (options.facet) {
    const field = options.facet;
    if (!values.some((r) => r[field] !== undefined))
      throw new RangeError(`${fn}: options.facet names the column "${field}", which no record has`);
    const n = new Set(values.map((r) => String(r[field]))).size;
    top.facet = { field: fieldRef(field), type: "nominal", title: field };
    top.columns = options.columns ?? (n <= 3 ? n : 3);
    top.spec = { width, height, ...view };
  } else {
    top.width = width;
    top.height = height;
    top.autosize = { type: "fit", contains: "padding" };
    Object.assign(top, view);
  }
  return top;
}

/** Splits a title into lines of at most `width` pixels (bold 13 px DejaVu Sans: at most ~8 px a character). @internal */
function wrapTitle(title: string, width: number): string | string[] {
  const maxChars = Math.max(10, Math.floor(width / 8));
  if (title.length <= maxChars) return title;
  const lines: string[] = [];
  let line = "";
  for (const word of title.split(/\s+/)) {
    if (line && `${line} ${word}`.length > maxChars) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * A column name as a vega-lite field reference: dots, brackets, quotes and backslashes mean nested access there,
 * so they are escaped ("relu'(0)" names the column, not a broken path). @internal
 */
export function fieldRef(name: string): string {
  return name.replace(/[.[\]'"\\]/g, (c) => `\\${c}`);
}

/** An axis title entry, omitted when not given. @internal */
export function axisTitle(t: string | undefined, fallback?: string): { title?: string } {
  const title = t ?? fallback;
  return title === undefined ? {} : { title };
}
