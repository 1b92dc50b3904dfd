/**
 * A chart of sets and elements in the plane of a gradient (∂/∂x, ∂/∂y): a Clarke set drawn as its polygon (or
 * segment, or point) and the elements several methods return, as marked points.
 * @module
 */
import type { VegaLiteSpec } from "../render";
import { finite } from "../../validate";
import { assemble, axisTitle, type ChartOptions } from "./common";

/** A convex set of the plane by its vertices in order (one: a point; two: a segment; more: a polygon). */
export interface PlanarSet {
  name: string;
  vertices: number[][];
}

/** A marked element of the plane. */
export interface PlanarPoint {
  name: string;
  x: number;
  y: number;
}

/** Options of {@link elementsPlot}. */
export interface ElementsPlotOptions extends ChartOptions {
  /** Margin added around the data on each side, as a fraction of the larger extent. Default 0.12. */
  margin?: number;
}

const SHAPES = [
  "circle",
  "square",
  "diamond",
  "triangle-up",
  "cross",
  "triangle-down",
  "triangle-right",
  "triangle-left",
];

/**
 * Sets and points in the plane. The axes' domains enclose every vertex and point with a margin, so no marked point
 * is clipped at an edge. Points listed first are drawn larger and each name has its
 * own shape, so elements that coincide stay visible as concentric marks.
 *
 * @example
 * ```ts
 * import { elementsPlot, show } from "nonsmooth-ad/notebook";
 * const spec = elementsPlot([{ name: "Clarke set", vertices: [[1, 0], [0, 1]] }], [
 *   { name: "AD", x: 2, y: 1 }, { name: "lexicographic", x: 1, y: 0 },
 * ], { xTitle: "∂f/∂x", yTitle: "∂f/∂y" });
 * const out = await show(spec);
 * console.log(out.text);
 * ```
 */
export function elementsPlot(
  sets: PlanarSet[],
  points: PlanarPoint[],
  options: ElementsPlotOptions = {},
): VegaLiteSpec {
  const fn = "elementsPlot";
  if (!Array.isArray(sets) || !Array.isArray(points))
    throw new TypeError(`${fn}: expected an array of sets and an array of points`);
  if (sets.length + points.length === 0) throw new RangeError(`${fn}: nothing to draw: give at least one set or point`);
  const values: Record<string, unknown>[] = [];
  const xs: number[] = [];
  const ys: number[] = [];
  sets.forEach((s, k) => {
    if (!s || typeof s.name !== "string" || !Array.isArray(s.vertices) || s.vertices.length === 0) {
      throw new TypeError(`${fn}: sets[${k}] must be {name, vertices} with at least one vertex`);
    }
    // a closed path: the first vertex again at the end (a point or a segment closes onto itself harmlessly)
    const path = s.vertices.length > 2 ? [...s.vertices, s.vertices[0]] : s.vertices;
    path.forEach((v, i) => {
      if (!Array.isArray(v) || v.length !== 2) throw new TypeError(`${fn}: sets[${k}].vertices[${i}] must be [x, y]`);
      finite(fn, `sets[${k}].vertices[${i}][0]`, v[0]);
      finite(fn, `sets[${k}].vertices[${i}][1]`, v[1]);
      xs.push(v[0]);
      ys.push(v[1]);
      values.push({ layer: "set", set: s.name, i, x: v[0], y: v[1] });
    });
  });
  points.forEach((p, k) => {
    if (!p || typeof p.name !== "string") throw new TypeError(`${fn}: points[${k}] must be {name, x, y}`);
    finite(fn, `points[${k}].x`, p.x);
    finite(fn, `points[${k}].y`, p.y);
    xs.push(p.x);
    ys.push(p.y);
    values.push({ layer: "point", element: p.name, x: p.x, y: p.y, size: Math.max(40, 260 - 45 * k) });
  });
  const margin = options.margin ?? 0.12;
  if (!(margin >= 0 && margin <= 2)) throw new RangeError(`${fn}: options.margin must be in [0, 2], got ${margin}`);
  const span = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys), 1e-9);
  const pad = Math.max(margin * span, 0.05);
  const dom = (v: number[]): number[] => [Math.min(...v) - pad, Math.max(...v) + pad];
  const x = {
    field: "x",
    type: "quantitative",
    scale: { domain: dom(xs), nice: false, zero: false },
    ...axisTitle(options.xTitle, "x"),
  };
  const y = {
    field: "y",
    type: "quantitative",
    scale: { domain: dom(ys), nice: false, zero: false },
    ...axisTitle(options.yTitle, "y"),
  };
  const names = points.map((p) => p.name);
  const layer: Record<string, unknown>[] = [];
  if (sets.length > 0) {
    layer.push({
      transform: [{ filter: "datum.layer === 'set'" }],
      mark: { type: "line", strokeWidth: 3, opacity: 0.45, point: { size: 30, opacity: 0.6 } },
      encoding: {
        x,
        y,
        order: { field: "i", type: "quantitative" },
        detail: { field: "set" },
        strokeDash: { field: "set", type: "nominal", title: null },
      },
    });
  }
  if (points.length > 0) {
    layer.push({
      transform: [{ filter: "datum.layer === 'point'" }],
      mark: { type: "point", filled: true, opacity: 0.9 },
      encoding: {
        x,
        y,
        color: { field: "element", type: "nominal", title: null, scale: { domain: names } },
        shape: {
          field: "element",
          type: "nominal",
          title: null,
          scale: { domain: names, range: names.map((_, i) => SHAPES[i % SHAPES.length]) },
        },
        size: { field: "size", type: "quantitative", legend: null, scale: null },
      },
    });
  }
  const desc = `Elements plot: ${sets.length} set(s) (${sets.map((s) => s.name).join(", ")}), ${points.length} point(s) (${names.join(", ")})`;
  return assemble({ layer }, values, options, desc, fn);
}
