/**
 * Sets of the real line at points of the real line: at each x, intervals of several kinds drawn as vertical bars
 * (nested ones stay visible: the earlier kinds are drawn wider), dots for single values, and optional horizontal
 * steps underneath (a piecewise-constant derivative, say). The 1-D counterpart of setValuedField, for pictures
 * such as "the Clarke interval inside the hull of a conservative field, with the values AD returns".
 * @module
 */
import type { VegaLiteSpec } from "../render";
import { finite, recordArray } from "../validate";
import { assemble, axisTitle, type ChartOptions } from "./common";

/** One interval [lo, hi] at x, of a kind (the legend entry). */
export interface IntervalRecord {
  x: number;
  lo: number;
  hi: number;
  kind: string;
}

/** One dot at (x, y), of a kind. */
export interface IntervalDot {
  x: number;
  y: number;
  kind: string;
}

/** One horizontal step from (x, y) to (x2, y). */
export interface IntervalStep {
  x: number;
  x2: number;
  y: number;
}

/** Options of {@link intervalPlot}. */
export interface IntervalPlotOptions extends ChartOptions {
  /** Dots drawn on top (single values). */
  dots?: IntervalDot[];
  /** Grey horizontal steps drawn underneath. */
  steps?: IntervalStep[];
  /** Name of the steps in the description. Default "steps". */
  stepsName?: string;
}

const PALETTE = ["#9ecae1", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];

/**
 * Intervals at points of the line: the kinds of `intervals` are drawn in order of first appearance, each narrower
 * than the one before (so an interval inside another shows inside it); a degenerate interval is a short bar
 * (rounded ends). Dots (single values) and steps are optional. The axes cover everything drawn with a margin, so
 * no mark sits on the chart's edge.
 *
 * @example
 * ```ts
 * import { intervalPlot, show } from "nonsmooth-ad/notebook";
 * // relu2 = relu(-t) + t at 0: the hull of all choices [0, 1], the Clarke interval [0, 1], AD's value 1
 * const spec = intervalPlot(
 *   [{ x: 0, lo: 0, hi: 1, kind: "conv D" }, { x: 0, lo: 0, hi: 1, kind: "Clarke" }],
 *   { dots: [{ x: 0, y: 1, kind: "AD (pytorch)" }], steps: [{ x: -1, x2: 0, y: 0 }, { x: 0, x2: 1, y: 1 }], xTitle: "t", yTitle: "derivative" },
 * );
 * const out = await show(spec);
 * console.log(out.text);
 * ```
 */
export function intervalPlot(intervals: IntervalRecord[], options: IntervalPlotOptions = {}): VegaLiteSpec {
  const fn = "intervalPlot";
  const rows = recordArray(intervals, fn, "intervals");
  const bars = rows.map((r, i) => {
    const lo = finite(r.lo, `intervals[${i}].lo`, fn);
    const hi = finite(r.hi, `intervals[${i}].hi`, fn);
    if (!(lo <= hi)) throw new RangeError(`${fn}: intervals[${i}] has lo = ${lo} > hi = ${hi}`);
    if (typeof r.kind !== "string") throw new TypeError(`${fn}: intervals[${i}].kind must be a string`);
    return { layer: "bar", x: finite(r.x, `intervals[${i}].x`, fn), y: lo, y2: hi, kind: r.kind };
  });
  const dots = recordArray(options.dots ?? [], fn, "options.dots").map((r, i) => {
    if (typeof r.kind !== "string") throw new TypeError(`${fn}: options.dots[${i}].kind must be a string`);
    return { layer: "dot", x: finite(r.x, `options.dots[${i}].x`, fn), y: finite(r.y, `options.dots[${i}].y`, fn), kind: r.kind };
  });
  const steps = recordArray(options.steps ?? [], fn, "options.steps").map((r, i) => ({
    layer: "step",
    x: finite(r.x, `options.steps[${i}].x`, fn),
    x2: finite(r.x2, `options.steps[${i}].x2`, fn),
    y: finite(r.y, `options.steps[${i}].y`, fn),
  }));
  if (bars.length + dots.length === 0) throw new RangeError(`${fn}: nothing to draw (no intervals and no dots)`);
  const barKinds = [...new Set(bars.map((b) => b.kind))];
  const dotKinds = [...new Set(dots.map((d) => d.kind))].filter((k) => !barKinds.includes(k));
  const kinds = [...barKinds, ...dotKinds];
  const xs = [...bars.map((b) => b.x), ...dots.map((d) => d.x), ...steps.flatMap((s) => [s.x, s.x2])];
  const ys = [...bars.flatMap((b) => [b.y, b.y2]), ...dots.map((d) => d.y), ...steps.map((s) => s.y)];
  const pad = ([lo, hi]: [number, number]): [number, number] => {
    const p = hi > lo ? (hi - lo) * 0.08 : 1;
    return [lo - p, hi + p];
  };
  const x = { field: "x", type: "quantitative", scale: { domain: pad([Math.min(...xs), Math.max(...xs)]), nice: false, zero: false }, ...axisTitle(options.xTitle, "x") };
  const y = { field: "y", type: "quantitative", scale: { domain: pad([Math.min(...ys), Math.max(...ys)]), nice: false, zero: false }, ...axisTitle(options.yTitle, "y") };
  const color = { field: "kind", type: "nominal", title: null, scale: { domain: kinds, range: kinds.map((_, i) => PALETTE[i % PALETTE.length]) } };
  const layer: Record<string, unknown>[] = [];
  if (steps.length > 0) layer.push({ transform: [{ filter: "datum.layer === 'step'" }], mark: { type: "rule", color: "#888", strokeWidth: 1.5 }, encoding: { x, x2: { field: "x2" }, y } });
  barKinds.forEach((k, i) => {
    const width = Math.max(3, 14 - 8 * i);
    layer.push({
      transform: [{ filter: `datum.layer === 'bar' && datum.kind === ${JSON.stringify(k)}` }],
      mark: { type: "rule", strokeWidth: width, strokeCap: "round" },
      encoding: { x, y, y2: { field: "y2" }, color },
    });
  });
  if (dots.length > 0) layer.push({ transform: [{ filter: "datum.layer === 'dot'" }], mark: { type: "point", filled: true, size: 45, opacity: 1 }, encoding: { x, y, color } });
  const desc = `Interval plot: ${bars.length} intervals (${barKinds.join(", ")}), ${dots.length} dots${steps.length > 0 ? `, ${steps.length} ${options.stepsName ?? "steps"}` : ""}`;
  return assemble({ layer }, [...steps, ...bars, ...dots], options, desc, fn);
}
