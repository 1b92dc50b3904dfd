/**
 * The data of a heatmap, reduced to what the chart draws: at most one cell per pixel, coordinates held once per
 * column and row (not once per cell), numbers rounded far below a pixel or a colour step, field names written
 * once (parallel arrays, flattened by vega-lite; a cell's column and row follow from its place in the array). A
 * 61x61 heatmap with 8 contour levels shrinks from about 640 KB of JSON (five full-precision numbers and a label
 * per cell) to about 70 KB, which matters wherever the chart's JSON is stored: the executed notebook and every
 * page of the site.
 * @module
 */
import type { ContourSegment, Grid } from "./grid";

/**
 * `v` rounded to a multiple of `step`, written with no more digits than the step resolves (so that JSON prints
 * 0.3, not 0.30000000000000004). A step that is not positive leaves `v` unchanged. @internal
 */
export function quantize(v: number, step: number): number {
  if (!(step > 0) || !Number.isFinite(v)) return v;
  const q = Math.round(v / step) * step;
  const digits = Math.min(17, Math.max(1, Math.ceil(Math.log10(Math.abs(q) / step + 1)) + 1));
  return Number(q.toPrecision(digits));
}

/**
 * The rounding step for values spread over `span`: the power of ten at or below a ten-thousandth of it, far
 * below what a colour scale or a pixel shows, and a round number (values print as short decimals). 0 when the
 * span is 0 (nothing to round to). @internal
 */
export function stepFor(span: number): number {
  const s = Math.abs(span) * 1e-4;
  // from its decimal text: 10 ** -4 is 0.00009999999999999999 in floating point
  return s > 0 && Number.isFinite(s) ? Number(`1e${Math.floor(Math.log10(s))}`) : 0;
}

/** Every `stride`-th index of 0..n-1, the last one always included. */
function strided(n: number, stride: number): number[] {
  const idx: number[] = [];
  for (let i = 0; i < n; i += stride) idx.push(i);
  if (idx[idx.length - 1] !== n - 1) idx.push(n - 1);
  return idx;
}

/** Cell edges around the sample points: midpoints between neighbours, half a step beyond the ends. */
function edgesOf(a: number[]): number[] {
  const e = [a[0] - (a[1] - a[0]) / 2];
  for (let i = 1; i < a.length; i++) e.push((a[i - 1] + a[i]) / 2);
  e.push(a[a.length - 1] + (a[a.length - 1] - a[a.length - 2]) / 2);
  return e;
}

/** The record and vega-lite transforms of a heatmap's cells. @internal */
export interface DrawnCells {
  /**
   * One record for all the drawn cells: their values row after row (q[j * nx + i] at column i, row j), each as a
   * whole number q of rounding steps above the lowest value, which the `flatten` transform turns into one row per
   * cell: no field name or index is written per cell.
   */
  record: { layer: "cell"; q: number[] };
  /**
   * Transforms: flatten the record, number the cells in order (k), then give each its column and row (i, j),
   * value z, rectangle (x, x2, y, y2) and centre (cx, cy).
   */
  transform: Record<string, unknown>[];
  /** Cells per axis actually drawn (fewer than the grid's samples when the grid is finer than a pixel). */
  nx: number;
  ny: number;
}

/**
 * The cells of a heatmap of `g` drawn in a chart of `width` x `height` pixels. A grid finer than the chart
 * (more samples than pixels along an axis) is thinned to every k-th sample, which is all a pixel can show.
 * @internal
 */
export function drawnCells(g: Grid, { width, height }: { width: number; height: number }): DrawnCells {
  const xi = strided(g.x.length, Math.max(1, Math.ceil(g.x.length / width)));
  const yj = strided(g.y.length, Math.max(1, Math.ceil(g.y.length / height)));
  const xs = xi.map((i) => g.x[i]);
  const ys = yj.map((j) => g.y[j]);
  let lo = Infinity;
  let hi = -Infinity;
  for (const j of yj)
    for (const i of xi) {
      lo = Math.min(lo, g.z[j][i]);
      hi = Math.max(hi, g.z[j][i]);
    }
  // each value as a whole number of rounding steps above the lowest: the shortest JSON that keeps them
  const zStep = stepFor(hi - lo) || 1;
  const zLow = quantize(lo, zStep);
  const record: DrawnCells["record"] = { layer: "cell", q: [] };
  for (const j of yj) for (const i of xi) record.q.push(Math.round((g.z[j][i] - zLow) / zStep));
  const nx = xs.length;
  const transform: DrawnCells["transform"] = [
    { flatten: ["q"] },
    // without a sort, a window numbers rows in the order flatten made them: the order of q
    { window: [{ op: "row_number", as: "k" }] },
    { calculate: `(datum.k - 1) % ${nx}`, as: "i" },
    { calculate: `floor((datum.k - 1) / ${nx})`, as: "j" },
    { calculate: `${zLow} + datum.q * ${zStep}`, as: "z" },
  ];
  for (const [axis, pts, index] of [
    ["x", xs, "i"],
    ["y", ys, "j"],
  ] as const) {
    const e = edgesOf(pts);
    const step = stepFor(e[e.length - 1] - e[0]);
    const list = (a: number[]) => `[${a.map((v) => quantize(v, step)).join(",")}][datum.${index}]`;
    // each cell overlaps its right and upper neighbours by a quarter cell (drawn over by them): no
    // anti-aliasing seams between cells
    const far = pts.map((_, k) => e[k + 1] + (e[k + 1] - e[k]) / 4);
    transform.push(
      { calculate: list(e.slice(0, -1)), as: axis },
      { calculate: list(far), as: `${axis}2` },
      { calculate: list(pts), as: `c${axis}` },
    );
  }
  return { record, transform, nx, ny: ys.length };
}

/**
 * Contour segments of `g` (from contourLines) as one record per level: the segments' end points as parallel arrays
 * (x, y, x2, y2), flattened by vega-lite into one row per segment, rounded far below a pixel. @internal
 */
export function contourRecords(
  g: Grid,
  segments: ContourSegment[],
): { layer: "contour"; level: number; x: number[]; y: number[]; x2: number[]; y2: number[] }[] {
  const qx = stepFor(g.x[g.x.length - 1] - g.x[0]);
  const qy = stepFor(g.y[g.y.length - 1] - g.y[0]);
  const byLevel = new Map<
    number,
    { layer: "contour"; level: number; x: number[]; y: number[]; x2: number[]; y2: number[] }
  >();
  for (const s of segments) {
    let r = byLevel.get(s.level);
    if (!r) {
      r = { layer: "contour", level: s.level, x: [], y: [], x2: [], y2: [] };
      byLevel.set(s.level, r);
    }
    r.x.push(quantize(s.x, qx));
    r.y.push(quantize(s.y, qy));
    r.x2.push(quantize(s.x2, qx));
    r.y2.push(quantize(s.y2, qy));
  }
  return [...byLevel.values()];
}

/** A path drawn over a grid chart, as one record: its points' coordinates as parallel arrays, rounded. @internal */
export type PathRecord = {
  layer: "path";
  path: string;
  i: number[];
  x: number[];
  y: number[];
};

/**
 * One record per path (name, point order i, coordinates x and y as parallel arrays), flattened by vega-lite into
 * one row per point; coordinates rounded as the grid's (far below a pixel). @internal
 */
export function pathRecord(g: Grid, name: string, points: [number, number][]): PathRecord {
  const qx = stepFor(g.x[g.x.length - 1] - g.x[0]);
  const qy = stepFor(g.y[g.y.length - 1] - g.y[0]);
  return {
    layer: "path",
    path: name,
    i: points.map((_, k) => k),
    x: points.map((p) => quantize(p[0], qx)),
    y: points.map((p) => quantize(p[1], qy)),
  };
}
