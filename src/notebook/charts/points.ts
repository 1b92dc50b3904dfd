/**
 * Scatter plots, histograms and bar charts of records.
 * @module
 */
import type { VegaLiteSpec } from "../render";
import { allPositive, finiteArray, integer, numericField, recordArray } from "../../validate";
import { assemble, axisTitle, type ChartOptions, type FacetOptions, fieldRef } from "./common";

/** Options of {@link scatterPlot}. */
export interface ScatterOptions extends ChartOptions, FacetOptions {
  /** Column of the x values (numbers). */
  x: string;
  /** Column of the y values (numbers). */
  y: string;
  /** Column that colours the points (a category, or numbers for a colour ramp). */
  color?: string;
  /** Column that sizes the points (numbers). */
  size?: string;
  /** Logarithmic x axis. */
  logX?: boolean;
  /** Logarithmic y axis. */
  logY?: boolean;
}

function fieldType(records: Record<string, unknown>[], field: string): "quantitative" | "nominal" {
  return records.every((r) => typeof r[field] === "number") ? "quantitative" : "nominal";
}

/**
 * A scatter plot of records: one point per record at (`x`, `y`), optionally coloured, sized and faceted by columns.
 *
 * @example
 * ```ts
 * import { scatterPlot, show } from "nonsmooth-ad/notebook";
 * import { assert } from "nonsmooth-ad";
 * const records = [{ lr: 0.1, loss: 0.5, opt: "sgd" }, { lr: 0.01, loss: 0.2, opt: "sgd" }, { lr: 0.1, loss: 0.3, opt: "inna" }];
 * const out = await show(scatterPlot(records, { x: "lr", y: "loss", color: "opt", logX: true }));
 * assert(out.text.startsWith("Scatter plot: 3 points, loss against lr"), out.text);
 * ```
 */
export function scatterPlot(records: Record<string, unknown>[], options: ScatterOptions): VegaLiteSpec {
  const fn = "scatterPlot";
  const rows = recordArray(fn, "records", records);
  if (!options || typeof options.x !== "string" || typeof options.y !== "string") {
    throw new TypeError(`${fn}: options.x and options.y must name the columns to plot`);
  }
  const xs = numericField(fn, "records", rows, options.x);
  const ys = numericField(fn, "records", rows, options.y);
  if (options.logX) allPositive(fn, (i) => `records[${i}].${options.x}`, xs, "a log x axis");
  if (options.logY) allPositive(fn, (i) => `records[${i}].${options.y}`, ys, "a log y axis");
  if (options.size) numericField(fn, "records", rows, options.size);
  const encoding: Record<string, unknown> = {
    x: {
      field: fieldRef(options.x),
      type: "quantitative",
      scale: options.logX ? { type: "log" } : { zero: false },
      ...axisTitle(options.xTitle, options.x),
    },
    y: {
      field: fieldRef(options.y),
      type: "quantitative",
      scale: options.logY ? { type: "log" } : { zero: false },
      ...axisTitle(options.yTitle, options.y),
    },
  };
  if (options.color)
    encoding.color = { field: fieldRef(options.color), type: fieldType(rows, options.color), title: options.color };
  if (options.size) encoding.size = { field: fieldRef(options.size), type: "quantitative", title: options.size };
  const view = { mark: { type: "point", filled: true, opacity: 0.75 }, encoding };
  return assemble(view, rows, options, `Scatter plot: ${rows.length} points, ${options.y} against ${options.x}`, fn);
}

/** Options of {@link histogram}. */
export interface HistogramOptions extends ChartOptions, FacetOptions {
  /** When the data are records: the column to bin. */
  field?: string;
  /** Maximum number of bins (vega-lite picks nice bin edges). Default 30. */
  bins?: number;
  /** Column whose values colour (stack) the bars. */
  color?: string;
}

/**
 * A histogram of numbers, or of one numeric column of records.
 *
 * @example
 * ```ts
 * import { histogram, show } from "nonsmooth-ad/notebook";
 * import { assert } from "nonsmooth-ad";
 * const out = await show(histogram([0.1, 0.2, 0.2, 0.5, 0.9, 0.95], { bins: 5, xTitle: "value" }));
 * assert(out.text.startsWith("Histogram: 6 values of value, up to 5 bins"), out.text);
 * ```
 */
export function histogram(
  data: ArrayLike<number> | Record<string, unknown>[],
  options: HistogramOptions = {},
): VegaLiteSpec {
  const fn = "histogram";
  let rows: Record<string, unknown>[];
  let field: string;
  if (Array.isArray(data) && data.length > 0 && typeof data[0] === "object") {
    rows = recordArray(fn, "records", data);
    if (typeof options.field !== "string")
      throw new TypeError(`${fn}: options.field must name the column to bin when the data are records`);
    field = options.field;
    numericField(fn, "records", rows, field);
  } else {
    field = "value";
    rows = finiteArray(fn, "values", data).map((value) => ({ value }));
  }
  if (rows.length === 0) throw new RangeError(`${fn}: no values to bin`);
  const bins = integer(fn, "options.bins", options.bins ?? 30);
  const encoding: Record<string, unknown> = {
    x: { field: fieldRef(field), type: "quantitative", bin: { maxbins: bins }, ...axisTitle(options.xTitle, field) },
    y: { aggregate: "count", type: "quantitative", ...axisTitle(options.yTitle, "count") },
  };
  if (options.color) encoding.color = { field: fieldRef(options.color), type: "nominal", title: options.color };
  return assemble(
    { mark: "bar", encoding },
    rows,
    options,
    `Histogram: ${rows.length} values of ${field}, up to ${bins} bins`,
    fn,
  );
}

/** Options of {@link barChart}. */
export interface BarChartOptions extends ChartOptions, FacetOptions {
  /** With records: the column of the categories (bars). Default "label". */
  x?: string;
  /** With records: the column of the bar heights (numbers). Default "value". */
  y?: string;
  /** Column whose values colour the bars; with `grouped`, bars of one category sit side by side. */
  color?: string;
  /** Side-by-side bars per `color` value instead of stacked. */
  grouped?: boolean;
  /** Logarithmic value axis. */
  logY?: boolean;
}

/**
 * A bar chart: records (category column `x`, value column `y`), or an object mapping labels to values.
 * Categories keep the order in which they first appear.
 *
 * @example
 * ```ts
 * import { barChart, show } from "nonsmooth-ad/notebook";
 * import { assert } from "nonsmooth-ad";
 * const out = await show(barChart({ pytorch: 0, jax: 1, tensorflow: 0, tfjs: -1 }, { title: "abs'(0)" }));
 * assert(out.text.startsWith("abs'(0): Bar chart: 4 bars of value by label"), out.text);
 * ```
 */
export function barChart(
  data: Record<string, unknown>[] | Record<string, number>,
  options: BarChartOptions = {},
): VegaLiteSpec {
  const fn = "barChart";
  let rows: Record<string, unknown>[];
  const x = options.x ?? "label";
  const y = options.y ?? "value";
  if (Array.isArray(data)) {
    rows = recordArray(fn, "records", data);
  } else if (data !== null && typeof data === "object") {
    rows = Object.entries(data).map(([label, value]) => ({ [x]: label, [y]: value }));
  } else {
    throw new TypeError(`${fn}: data must be an array of records or an object {label: value}`);
  }
  if (rows.length === 0) throw new RangeError(`${fn}: no bars to draw`);
  const ys = numericField(fn, "records", rows, y);
  if (options.logY) allPositive(fn, (i) => `records[${i}].${y}`, ys, "a log value axis");
  rows.forEach((r, i) => {
    if (r[x] === undefined || r[x] === null) throw new TypeError(`${fn}: records[${i}].${x} (the category) is missing`);
  });
  const order = [...new Set(rows.map((r) => String(r[x])))];
  const encoding: Record<string, unknown> = {
    x: { field: fieldRef(x), type: "nominal", sort: order, axis: { labelAngle: 0 }, ...axisTitle(options.xTitle, x) },
    // on a log axis bars cannot start at 0: no stacking, so each bar runs from the bottom of the plot
    y: {
      field: fieldRef(y),
      type: "quantitative",
      ...(options.logY ? { scale: { type: "log" }, stack: null } : {}),
      ...axisTitle(options.yTitle, y),
    },
  };
  if (options.color) {
    encoding.color = { field: fieldRef(options.color), type: "nominal", title: options.color };
    if (options.grouped) encoding.xOffset = { field: fieldRef(options.color), type: "nominal" };
  }
  return assemble({ mark: "bar", encoding }, rows, options, `Bar chart: ${rows.length} bars of ${y} by ${x}`, fn);
}
