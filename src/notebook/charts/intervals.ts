/**
 * A 1-D set-valued field as a chart: curves (say f'), horizontal steps (a piecewise-constant derivative), vertical
 * intervals at points (the sets D(t), Clarke intervals; nested groups stay visible) and marked points (selected
 * values, critical points), each group with its own colour in the legend.
 * @module
 */
import type { VegaLiteSpec } from "../render";
import { finite, finiteArray, sameLength } from "../../validate";
import { assemble, axisTitle, type ChartOptions } from "./common";

/** The layers of an {@link intervalPlot}: every entry has a name (its legend entry). */
export interface IntervalPlotData {
  /** Curves t -> y, drawn as lines (solid; give a second curve `dashed: true` to keep both visible). */
  curves?: { name: string; x: ArrayLike<number>; y: ArrayLike<number>; dashed?: boolean }[];
  /** Horizontal segments from (x, y) to (x2, y): a piecewise-constant derivative, drawn under everything else. */
  steps?: { name: string; x: ArrayLike<number>; x2: ArrayLike<number>; y: ArrayLike<number> }[];
  /**
   * Vertical intervals [lo, hi] at abscissas x (a set value D(t) ⊂ R). Each group is drawn narrower than the one
   * before it, so an interval inside another (the Clarke interval inside the hull of a conservative field) shows.
   */
  intervals?: { name: string; x: ArrayLike<number>; lo: ArrayLike<number>; hi: ArrayLike<number> }[];
  /** Marked points. */
  points?: { name: string; x: ArrayLike<number>; y: ArrayLike<number> }[];
}

/** Options of {@link intervalPlot}. */
export interface IntervalPlotOptions extends ChartOptions {
  /** Draw the horizontal line y = 0. Default true. */
  zeroLine?: boolean;
  /** Colours in the order of the names (curves, then intervals, then points). Default a fixed palette. */
  colors?: string[];
}

const PALETTE = ["#7f7f7f", "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf"];

function padded(lo: number, hi: number): [number, number] {
  const pad = hi > lo ? (hi - lo) * 0.05 : Math.max(Math.abs(lo) * 0.1, 1);
  return [lo - pad, hi + pad];
}

/**
 * Curves, vertical intervals and marked points on one pair of axes, for 1-D set-valued fields (for instance a
 * conservative field of f on R: f' as a curve, the sets D(t) at kinks as intervals, the values AD returns as
 * points). Both axes are padded around all the data, so no interval or point sits on the frame.
 *
 * @example
 * ```ts
 * import { intervalPlot, show } from "nonsmooth-ad/notebook";
 * import { assert } from "nonsmooth-ad";
 * // relu2(t) = relu(-t) + t: derivative 0 then 1; at 0 the hull of all AD choices [0, 1] holds the Clarke set [0, 1]
 * const spec = intervalPlot({
 *   steps: [{ name: "relu2' off 0", x: [-1, 0], x2: [0, 1], y: [0, 1] }],
 *   intervals: [
 *     { name: "conv D(0), all choices", x: [0], lo: [0], hi: [1] },
 *     { name: "Clarke set at 0", x: [0], lo: [0], hi: [1] },
 *   ],
 *   points: [{ name: "AD, relu'(0) = 0", x: [0], y: [1] }],
 * }, { title: "d/dt relu2", xTitle: "t", yTitle: "derivative" });
 * const out = await show(spec);
 * assert(out.text.includes("Clarke set at 0") && out.png !== undefined, "one bundle with the legend entries and a PNG");
 * ```
 */
export function intervalPlot(data: IntervalPlotData, options: IntervalPlotOptions = {}): VegaLiteSpec {
  const fn = "intervalPlot";
  if (data == null || typeof data !== "object")
    throw new TypeError(`${fn}: data must be {curves?, steps?, intervals?, points?}`);
  const values: Record<string, unknown>[] = [];
  const names: string[] = [];
  const dashed = new Set<string>();
  const addName = (name: unknown, where: string) => {
    if (typeof name !== "string" || name === "") throw new TypeError(`${fn}: ${where}.name must be a non-empty string`);
    if (names.includes(name))
      throw new RangeError(`${fn}: the name "${name}" is used twice (each layer needs its own legend entry)`);
    names.push(name);
    return name;
  };
  (data.curves ?? []).forEach((c, k) => {
    const name = addName(c?.name, `curves[${k}]`);
    const x = finiteArray(fn, `curves[${k}].x`, c.x);
    const y = finiteArray(fn, `curves[${k}].y`, c.y);
    sameLength(fn, `curves[${k}].x`, x.length, `curves[${k}].y`, y.length);
    if (c.dashed) dashed.add(name);
    x.forEach((xi, i) => values.push({ layer: "curve", what: name, i, x: xi, y: y[i] }));
  });
  (data.steps ?? []).forEach((c, k) => {
    const name = addName(c?.name, `steps[${k}]`);
    const x = finiteArray(fn, `steps[${k}].x`, c.x);
    const x2 = finiteArray(fn, `steps[${k}].x2`, c.x2);
    const y = finiteArray(fn, `steps[${k}].y`, c.y);
    sameLength(fn, `steps[${k}].x`, x.length, `steps[${k}].x2`, x2.length);
    sameLength(fn, `steps[${k}].x`, x.length, `steps[${k}].y`, y.length);
    x.forEach((xi, i) => values.push({ layer: "step", what: name, x: xi, x2: x2[i], y: y[i] }));
  });
  const intervalGroups: string[] = [];
  (data.intervals ?? []).forEach((c, k) => {
    const name = addName(c?.name, `intervals[${k}]`);
    intervalGroups.push(name);
    const x = finiteArray(fn, `intervals[${k}].x`, c.x);
    const lo = finiteArray(fn, `intervals[${k}].lo`, c.lo);
    const hi = finiteArray(fn, `intervals[${k}].hi`, c.hi);
    sameLength(fn, `intervals[${k}].x`, x.length, `intervals[${k}].lo`, lo.length);
    sameLength(fn, `intervals[${k}].x`, x.length, `intervals[${k}].hi`, hi.length);
    x.forEach((xi, i) => {
      if (!(lo[i] <= hi[i])) throw new RangeError(`${fn}: intervals[${k}] at x = ${xi}: lo = ${lo[i]} > hi = ${hi[i]}`);
      values.push({ layer: "interval", what: name, x: xi, y: lo[i], y2: hi[i] });
    });
  });
  (data.points ?? []).forEach((c, k) => {
    const name = addName(c?.name, `points[${k}]`);
    const x = finiteArray(fn, `points[${k}].x`, c.x);
    const y = finiteArray(fn, `points[${k}].y`, c.y);
    sameLength(fn, `points[${k}].x`, x.length, `points[${k}].y`, y.length);
    x.forEach((xi, i) =>
      values.push({ layer: "point", what: name, x: xi, y: finite(fn, `points[${k}].y[${i}]`, y[i]) }),
    );
  });
  if (values.length === 0) throw new RangeError(`${fn}: nothing to draw`);
  const colors = options.colors ?? PALETTE;
  if (colors.length < names.length)
    throw new RangeError(`${fn}: ${names.length} names but only ${colors.length} colours`);
  const xs = values.flatMap((v) => (v.x2 === undefined ? [v.x as number] : [v.x as number, v.x2 as number]));
  const ys = values.flatMap((v) => (v.y2 === undefined ? [v.y as number] : [v.y as number, v.y2 as number]));
  if (options.zeroLine ?? true) ys.push(0);
  const x = {
    field: "x",
    type: "quantitative",
    scale: { domain: padded(Math.min(...xs), Math.max(...xs)), nice: false, zero: false },
    ...axisTitle(options.xTitle, "x"),
  };
  const y = {
    field: "y",
    type: "quantitative",
    scale: { domain: padded(Math.min(...ys), Math.max(...ys)), nice: false, zero: false },
    ...axisTitle(options.yTitle, "y"),
  };
  const color = {
    field: "what",
    type: "nominal",
    title: null,
    legend: { labelLimit: 320 },
    scale: { domain: names, range: colors.slice(0, names.length) },
  };
  const layer: Record<string, unknown>[] = [];
  if (options.zeroLine ?? true) layer.push({ mark: { type: "rule", color: "#bbb" }, encoding: { y: { datum: 0 } } });
  layer.push({
    transform: [{ filter: "datum.layer === 'curve'" }],
    mark: { type: "line", strokeWidth: 1.5 },
    encoding: {
      x,
      y,
      color,
      order: { field: "i", type: "quantitative" },
      strokeDash: {
        field: "what",
        type: "nominal",
        title: null,
        scale: { domain: names, range: names.map((n) => (dashed.has(n) ? [6, 4] : [1, 0])) },
      },
    },
  });
  layer.push({
    transform: [{ filter: "datum.layer === 'step'" }],
    mark: { type: "rule", strokeWidth: 2 },
    encoding: { x, x2: { field: "x2" }, y, color },
  });
  intervalGroups.forEach((name, k) => {
    layer.push({
      transform: [{ filter: `datum.layer === 'interval' && datum.what === ${JSON.stringify(name)}` }],
      mark: { type: "rule", strokeWidth: Math.max(3, 10 - 4 * k), strokeCap: "round", opacity: k === 0 ? 0.7 : 1 },
      encoding: { x, y, y2: { field: "y2" }, color },
    });
  });
  layer.push({
    transform: [{ filter: "datum.layer === 'point'" }],
    mark: { type: "point", filled: true, size: 55, opacity: 1 },
    encoding: { x, y, color },
  });
  const desc = `Interval plot: ${names.join(", ")}`;
  return assemble({ layer }, values, options, desc, fn);
}
