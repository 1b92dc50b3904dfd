/**
 * Line plots (several series, log axes) and 1-D function plots with marked points.
 * @module
 */
import type { VegaLiteSpec } from "../render";
import { allPositive, finite, finiteArray, integer, interval, sameLength } from "../../validate";
import { assemble, axisTitle, type ChartOptions, type FacetOptions } from "./common";

/** One series of a line plot: `y` values, against `x` (default 0, 1, 2, ...). */
export interface Series {
  /** Name shown in the legend (and the value of the `series` column for faceting). */
  name: string;
  /** The y values. */
  y: ArrayLike<number>;
  /** The x values, as many as `y`; default the indices 0..n-1. */
  x?: ArrayLike<number>;
}

/** Options of {@link linePlot}. */
export interface LinePlotOptions extends ChartOptions, FacetOptions {
  /** Logarithmic x axis (every x must be > 0). */
  logX?: boolean;
  /** Logarithmic y axis (every y must be > 0). */
  logY?: boolean;
  /** Also draw a dot at every data point. */
  points?: boolean;
}

/**
 * A line chart of one or more series; lines join the points in the given order (so paths that turn back work).
 * Facet with `{facet: "series"}` for one panel per series.
 *
 * @example
 * ```ts
 * import { linePlot, show } from "nonsmooth-ad/notebook";
 * import { assert, assertEqual } from "nonsmooth-ad";
 * const k = [1, 2, 3, 4, 5, 6, 7, 8];
 * const spec = linePlot([
 *   { name: "1/k", x: k, y: k.map((i) => 1 / i) },
 *   { name: "1/k^2", x: k, y: k.map((i) => 1 / (i * i)) },
 * ], { logX: true, logY: true, title: "Step sizes", xTitle: "k" });
 * assertEqual(spec.description, "Line plot: 2 series (1/k, 1/k^2), 16 points, log x, log y");
 * const out = await show(spec);
 * assertEqual(out.mimeTypes, ["application/vnd.vegalite.v5+json", "image/png", "text/plain"]);
 * assert(out.png !== undefined && out.png.length > 0, "a PNG for viewers without vega-lite");
 * ```
 */
export function linePlot(series: Series | Series[], options: LinePlotOptions = {}): VegaLiteSpec {
  const fn = "linePlot";
  const list = Array.isArray(series) ? series : [series];
  if (list.length === 0) throw new RangeError(`${fn}: at least one series is needed`);
  const values: Record<string, unknown>[] = [];
  let total = 0;
  list.forEach((s, k) => {
    if (s == null || typeof s !== "object") throw new TypeError(`${fn}: series[${k}] must be {name, y, x?}`);
    if (typeof s.name !== "string") throw new TypeError(`${fn}: series[${k}].name must be a string`);
    const y = finiteArray(fn, `series[${k}].y`, s.y);
    const x = s.x === undefined ? y.map((_, i) => i) : finiteArray(fn, `series[${k}].x`, s.x);
    sameLength(fn, `series[${k}].x`, x.length, `series[${k}].y`, y.length);
    if (options.logX) allPositive(fn, `series[${k}].x`, x, "a log x axis");
    if (options.logY) allPositive(fn, `series[${k}].y`, y, "a log y axis");
    for (let i = 0; i < y.length; i++) values.push({ series: s.name, i, x: x[i], y: y[i] });
    total += y.length;
  });
  const encoding: Record<string, unknown> = {
    x: {
      field: "x",
      type: "quantitative",
      scale: options.logX ? { type: "log" } : { zero: false },
      ...axisTitle(options.xTitle, "x"),
    },
    y: {
      field: "y",
      type: "quantitative",
      scale: options.logY ? { type: "log" } : { zero: false },
      ...axisTitle(options.yTitle, "y"),
    },
    order: { field: "i", type: "quantitative" },
  };
  if (list.length > 1 || options.facet) encoding.color = { field: "series", type: "nominal", title: null };
  const view = { mark: { type: "line", point: options.points === true, clip: true }, encoding };
  const names = list.map((s) => s.name).join(", ");
  const desc = `Line plot: ${list.length} series (${names}), ${total} points${options.logX ? ", log x" : ""}${options.logY ? ", log y" : ""}`;
  return assemble(view, values, options, desc, fn);
}

/** A marked point on a {@link functionPlot}: e.g. the derivative value AD returns at a kink. */
export interface MarkedPoint {
  x: number;
  y: number;
  /** Text written next to the point. */
  label?: string;
}

/** A named function for {@link functionPlot}. */
export interface NamedFunction {
  name: string;
  f: (x: number) => number;
}

/** Options of {@link functionPlot}. */
export interface FunctionPlotOptions extends ChartOptions {
  /** Number of evenly spaced samples over the domain (the marked points' x are added). Default 401. */
  samples?: number;
  /** Points to mark (drawn as filled dots, with their labels). */
  points?: MarkedPoint[];
}

/**
 * Plots one or more functions of one variable over `[min, max]`, with optional marked points. The x of every
 * marked point is sampled exactly, so a kink there is drawn sharp.
 *
 * @example
 * ```ts
 * import { functionPlot, show } from "nonsmooth-ad/notebook";
 * import { assert } from "nonsmooth-ad";
 * const spec = functionPlot([{ name: "|x|", f: Math.abs }, { name: "relu", f: (x) => Math.max(x, 0) }], [-2, 2], {
 *   points: [{ x: 0, y: 0, label: "kink" }],
 * });
 * const out = await show(spec);
 * assert(out.text.startsWith("Function plot: |x|, relu on [-2, 2], 401 samples, 1 marked points"), out.text);
 * ```
 */
export function functionPlot(
  fns: ((x: number) => number) | NamedFunction | NamedFunction[],
  domain: [number, number],
  options: FunctionPlotOptions = {},
): VegaLiteSpec {
  const fn = "functionPlot";
  const [lo, hi] = interval(fn, "domain", domain);
  const list: NamedFunction[] = typeof fns === "function" ? [{ name: "f", f: fns }] : Array.isArray(fns) ? fns : [fns];
  if (list.length === 0) throw new RangeError(`${fn}: at least one function is needed`);
  const n = integer(fn, "options.samples", options.samples ?? 401, 2);
  const points = (options.points ?? []).map((p, i) => ({
    x: finite(fn, `options.points[${i}].x`, p?.x),
    y: finite(fn, `options.points[${i}].y`, p?.y),
    label: p.label ?? "",
  }));
  const xsSet = new Set<number>();
  for (let i = 0; i < n; i++) xsSet.add(lo + ((hi - lo) * i) / (n - 1));
  for (const p of points) if (p.x >= lo && p.x <= hi) xsSet.add(p.x);
  const xs = [...xsSet].sort((a, b) => a - b);
  const values: Record<string, unknown>[] = [];
  list.forEach((g, k) => {
    if (g == null || typeof g.f !== "function")
      throw new TypeError(`${fn}: function ${k} must be a function or {name, f}`);
    xs.forEach((x, i) => {
      const y = g.f(x);
      finite(fn, `${g.name}(${x}) (function ${k}, sample ${i})`, y);
      values.push({ layer: "curve", series: g.name, i, x, y });
    });
  });
  points.forEach((p, i) => values.push({ layer: "point", i, x: p.x, y: p.y, label: p.label }));
  const x = {
    field: "x",
    type: "quantitative",
    scale: { zero: false, domain: [lo, hi], nice: false },
    ...axisTitle(options.xTitle, "x"),
  };
  const y = { field: "y", type: "quantitative", scale: { zero: false }, ...axisTitle(options.yTitle, "y") };
  const layer: Record<string, unknown>[] = [
    {
      transform: [{ filter: "datum.layer === 'curve'" }],
      mark: { type: "line", clip: true },
      encoding: {
        x,
        y,
        order: { field: "i", type: "quantitative" },
        ...(list.length > 1 ? { color: { field: "series", type: "nominal", title: null } } : {}),
      },
    },
  ];
  if (points.length > 0) {
    layer.push({
      transform: [{ filter: "datum.layer === 'point'" }],
      mark: { type: "point", filled: true, size: 70, color: "#d62728", clip: true },
      encoding: { x, y },
    });
    layer.push({
      transform: [{ filter: "datum.layer === 'point'" }],
      mark: { type: "text", align: "left", dx: 7, dy: -9, fontSize: 12, color: "#d62728" },
      encoding: { x, y, text: { field: "label", type: "nominal" } },
    });
  }
  const desc = `Function plot: ${list.map((g) => g.name).join(", ")} on [${lo}, ${hi}], ${xs.length} samples, ${points.length} marked points`;
  return assemble({ layer }, values, options, desc, fn);
}
