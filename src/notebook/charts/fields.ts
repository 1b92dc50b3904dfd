/**
 * Vector fields (arrows) and set-valued fields (a segment or polygon at each point, e.g. a Clarke subdifferential).
 * @module
 */
import type { VegaLiteSpec } from "../render";
import { finite, recordArray } from "../../validate";
import { assemble, axisTitle, size, type ChartOptions } from "./common";

/** One arrow of a vector field: the vector (u, v) drawn at (x, y). */
export interface VectorRecord {
  x: number;
  y: number;
  u: number;
  v: number;
}

/** Options of {@link vectorField}. */
export interface VectorFieldOptions extends ChartOptions {
  /**
   * Data units per unit of vector length. Default: the longest arrow is 1/12 of the wider side of the data's
   * extent (or, for evenly spaced points, about one grid step).
   */
  scale?: number;
  /** Draw every arrow with the same length (direction only); colour still shows the norm. */
  normalize?: boolean;
}

function extent(a: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of a) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

function padded([lo, hi]: [number, number]): [number, number] {
  const pad = hi > lo ? (hi - lo) * 0.06 : Math.max(Math.abs(lo) * 0.1, 1);
  return [lo - pad, hi + pad];
}

function minStep(a: number[]): number {
  const s = [...new Set(a)].sort((p, q) => p - q);
  let m = Infinity;
  for (let i = 1; i < s.length; i++) m = Math.min(m, s[i] - s[i - 1]);
  return m;
}

/**
 * A vector field: an arrow for each record {x, y, u, v}, coloured by the vector's norm. Zero vectors are drawn as
 * dots.
 *
 * @example
 * ```ts
 * import { vectorField, show } from "nonsmooth-ad/notebook";
 * import type { VectorRecord } from "nonsmooth-ad/notebook";
 * import { assert } from "nonsmooth-ad";
 * const records: VectorRecord[] = [];
 * for (let x = -1; x <= 1; x += 0.5) for (let y = -1; y <= 1; y += 0.5) records.push({ x, y, u: -Math.sign(x), v: -2 * Math.sign(y) });
 * const out = await show(vectorField(records, { title: "-grad of |x| + 2|y|" }));
 * assert(out.text.startsWith("-grad of |x| + 2|y|: Vector field: 25 arrows, norms in [0.00, 2.24]"), out.text);
 * ```
 */
export function vectorField(records: VectorRecord[], options: VectorFieldOptions = {}): VegaLiteSpec {
  const fn = "vectorField";
  const rows = recordArray(fn, "records", records);
  if (rows.length === 0) throw new RangeError(`${fn}: no vectors to draw`);
  const pts = rows.map((r, i) => ({
    x: finite(fn, `records[${i}].x`, r.x),
    y: finite(fn, `records[${i}].y`, r.y),
    u: finite(fn, `records[${i}].u`, r.u),
    v: finite(fn, `records[${i}].v`, r.v),
  }));
  const norms = pts.map((p) => Math.hypot(p.u, p.v));
  const maxNorm = Math.max(...norms);
  const ex = extent(pts.map((p) => p.x));
  const ey = extent(pts.map((p) => p.y));
  let scale: number;
  if (options.scale !== undefined) {
    scale = finite(fn, "options.scale", options.scale);
  } else {
    const side = Math.max(ex[1] - ex[0], ey[1] - ey[0]) || 1;
    const step = Math.min(minStep(pts.map((p) => p.x)), minStep(pts.map((p) => p.y)));
    const target = Number.isFinite(step) && step > 0 ? Math.min(step * 0.9, side / 6) : side / 12;
    scale = options.normalize ? target : maxNorm > 0 ? target / maxNorm : 1;
  }
  const tips = pts.map((p, i) => {
    const k = options.normalize ? (norms[i] > 0 ? scale / norms[i] : 0) : scale;
    return { x2: p.x + k * p.u, y2: p.y + k * p.v };
  });
  const dx = padded(extent([...pts.map((p) => p.x), ...tips.map((t) => t.x2)]));
  const dy = padded(extent([...pts.map((p) => p.y), ...tips.map((t) => t.y2)]));
  // arrow heads are rotated in screen space: approximate the plot area by the image minus axes and legend
  const { width, height } = size(options, fn);
  const sx = Math.max(width - 110, 10) / (dx[1] - dx[0]);
  const sy = Math.max(height - 50, 10) / (dy[1] - dy[0]);
  const values = pts.map((p, i) => ({
    ...p,
    ...tips[i],
    norm: norms[i],
    // vega's angle: degrees clockwise from "up"
    angle: (Math.atan2(p.u * sx, p.v * sy) * 180) / Math.PI,
    zero: norms[i] === 0,
  }));
  const x = {
    field: "x",
    type: "quantitative",
    scale: { domain: dx, nice: false, zero: false },
    ...axisTitle(options.xTitle, "x"),
  };
  const y = {
    field: "y",
    type: "quantitative",
    scale: { domain: dy, nice: false, zero: false },
    ...axisTitle(options.yTitle, "y"),
  };
  const color = {
    field: "norm",
    type: "quantitative",
    title: "norm",
    scale: { scheme: { name: "plasma", extent: [0, 0.85] }, zero: true },
  };
  const layer = [
    {
      transform: [{ filter: "!datum.zero" }],
      mark: { type: "rule", strokeWidth: 1.5 },
      encoding: { x, y, x2: { field: "x2" }, y2: { field: "y2" }, color },
    },
    {
      transform: [{ filter: "!datum.zero" }],
      mark: { type: "point", shape: "triangle-up", filled: true, size: 45, opacity: 1 },
      encoding: {
        x: { ...x, field: "x2" },
        y: { ...y, field: "y2" },
        angle: { field: "angle", type: "quantitative", scale: null },
        color,
      },
    },
    {
      transform: [{ filter: "datum.zero" }],
      mark: { type: "point", filled: true, size: 12, color: "#444" },
      encoding: { x, y },
    },
  ];
  const desc = `Vector field: ${pts.length} arrows, norms in [${Math.min(...norms).toPrecision(3)}, ${maxNorm.toPrecision(3)}]`;
  return assemble({ layer }, values, options, desc, fn);
}

/** A set at a point: the set's vertices, relative to (x, y) (one vertex: a point; two: a segment; more: a polygon). */
export interface SetRecord {
  x: number;
  y: number;
  vertices: ArrayLike<number>[];
}

/** Options of {@link setValuedField}. */
export interface SetValuedFieldOptions extends ChartOptions {
  /** Data units per unit of the sets' coordinates. Default: the largest set spans about 0.8 grid step. */
  scale?: number;
  /** Also mark the base points (x, y). Default true. */
  showPoints?: boolean;
}

/**
 * A set-valued field (e.g. Clarke subdifferentials or conservative fields): at each point (x, y) the set with the
 * given vertices (relative to the point, scaled) is drawn as a dot, a segment or a filled polygon.
 *
 * @example
 * ```ts
 * import { setValuedField, show } from "nonsmooth-ad/notebook";
 * import { assert } from "nonsmooth-ad";
 * // subdifferential of |x| + |y|: a square at the origin, segments on the axes, points elsewhere
 * const records = [
 *   { x: 0, y: 0, vertices: [[-1, -1], [1, -1], [1, 1], [-1, 1]] },
 *   { x: 1, y: 0, vertices: [[1, -1], [1, 1]] },
 *   { x: 0, y: 1, vertices: [[-1, 1], [1, 1]] },
 *   { x: 1, y: 1, vertices: [[1, 1]] },
 * ];
 * const out = await show(setValuedField(records, { title: "Clarke subdifferential of |x| + |y|" }));
 * assert(out.text.includes("Set-valued field: 4 sets (1 points, 2 segments, 1 polygons)"), out.text);
 * ```
 */
export function setValuedField(records: SetRecord[], options: SetValuedFieldOptions = {}): VegaLiteSpec {
  const fn = "setValuedField";
  const rows = recordArray(fn, "records", records);
  if (rows.length === 0) throw new RangeError(`${fn}: no sets to draw`);
  const sets = rows.map((r, i) => {
    const x = finite(fn, `records[${i}].x`, r.x);
    const y = finite(fn, `records[${i}].y`, r.y);
    const vs = r.vertices;
    if (!Array.isArray(vs) || vs.length === 0)
      throw new TypeError(`${fn}: records[${i}].vertices must be a non-empty array of [u, v]`);
    const vertices = vs.map((p: unknown, k: number) => {
      if (p == null || typeof (p as ArrayLike<number>).length !== "number" || (p as ArrayLike<number>).length !== 2) {
        throw new TypeError(`${fn}: records[${i}].vertices[${k}] must be [u, v]`);
      }
      const q = p as ArrayLike<number>;
      return [finite(fn, `records[${i}].vertices[${k}][0]`, q[0]), finite(fn, `records[${i}].vertices[${k}][1]`, q[1])];
    });
    return { x, y, vertices };
  });
  let scale: number;
  if (options.scale !== undefined) scale = finite(fn, "options.scale", options.scale);
  else {
    const span = Math.max(...sets.flatMap((s) => s.vertices.map(([u, v]) => Math.max(Math.abs(u), Math.abs(v))))) || 1;
    const step = Math.min(minStep(sets.map((s) => s.x)), minStep(sets.map((s) => s.y)));
    const ex = extent(sets.map((s) => s.x));
    const ey = extent(sets.map((s) => s.y));
    const side = Math.max(ex[1] - ex[0], ey[1] - ey[0]) || 1;
    const target = Number.isFinite(step) && step > 0 ? Math.min(step, side) * 0.4 : side / 12;
    scale = target / span;
  }
  const values: Record<string, unknown>[] = [];
  sets.forEach((s, id) => {
    const kind = s.vertices.length === 1 ? "point" : s.vertices.length === 2 ? "segment" : "polygon";
    values.push({ layer: "base", id, x: s.x, y: s.y, kind });
    const ring = kind === "polygon" ? [...s.vertices, s.vertices[0]] : s.vertices;
    ring.forEach(([u, v], k) => values.push({ layer: kind, id, k, x: s.x + scale * u, y: s.y + scale * v }));
  });
  const allX = values.map((r) => r.x as number);
  const allY = values.map((r) => r.y as number);
  const x = {
    field: "x",
    type: "quantitative",
    scale: { domain: padded(extent(allX)), nice: false, zero: false },
    ...axisTitle(options.xTitle, "x"),
  };
  const y = {
    field: "y",
    type: "quantitative",
    scale: { domain: padded(extent(allY)), nice: false, zero: false },
    ...axisTitle(options.yTitle, "y"),
  };
  const order = { field: "k", type: "quantitative" };
  const layer: Record<string, unknown>[] = [
    {
      transform: [{ filter: "datum.layer === 'polygon'" }],
      mark: {
        type: "line",
        interpolate: "linear-closed",
        fill: "#1f77b4",
        fillOpacity: 0.3,
        stroke: "#1f77b4",
        strokeWidth: 1.5,
      },
      encoding: { x, y, order, detail: { field: "id", type: "nominal" } },
    },
    {
      transform: [{ filter: "datum.layer === 'segment'" }],
      mark: { type: "line", stroke: "#d62728", strokeWidth: 2.5 },
      encoding: { x, y, order, detail: { field: "id", type: "nominal" } },
    },
    {
      transform: [{ filter: "datum.layer === 'point'" }],
      mark: { type: "point", filled: true, size: 40, color: "#2ca02c" },
      encoding: { x, y },
    },
  ];
  if (options.showPoints !== false) {
    layer.push({
      transform: [{ filter: "datum.layer === 'base'" }],
      mark: { type: "point", shape: "cross", size: 30, color: "#333", opacity: 0.6 },
      encoding: { x, y },
    });
  }
  const counts = { point: 0, segment: 0, polygon: 0 } as Record<string, number>;
  for (const s of sets) counts[s.vertices.length === 1 ? "point" : s.vertices.length === 2 ? "segment" : "polygon"]++;
  const desc = `Set-valued field: ${sets.length} sets (${counts.point} points, ${counts.segment} segments, ${counts.polygon} polygons), scale ${scale.toPrecision(3)}`;
  return assemble({ layer }, values, options, desc, fn);
}
