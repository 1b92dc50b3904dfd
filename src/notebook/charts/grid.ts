/**
 * Functions of two variables on a grid: sampling, heatmaps, contour lines (marching squares).
 * @module
 */
import type { VegaLiteSpec } from "../render";
import { finite, finiteArray, integer, interval } from "../../validate";
import { assemble, axisTitle, size, type ChartOptions } from "./common";
import { contourRecords, drawnCells, type PathRecord, pathRecord } from "./grid-cells";

/** Values of f(x, y) on a rectangular grid: `z[j][i] = f(x[i], y[j])` (one row per y). */
export interface Grid {
  x: number[];
  y: number[];
  z: number[][];
}

/** A function of two variables, or values already on a grid. */
export type GridSource = Grid | ((x: number, y: number) => number);

/** Where and how finely to sample a function of two variables. */
export interface SamplingOptions {
  /** Interval of x, default [-1, 1]. */
  x?: [number, number];
  /** Interval of y, default [-1, 1]. */
  y?: [number, number];
  /** Samples per axis (or [nx, ny]), default 61. */
  n?: number | [number, number];
}

/**
 * Samples `f` on an evenly spaced grid over `x` × `y` (both ends included).
 *
 * @example
 * ```ts
 * import { sampleGrid } from "nonsmooth-ad/notebook";
 * import { assertEqual } from "nonsmooth-ad";
 * const g = sampleGrid((x, y) => Math.abs(x) + Math.abs(y), { x: [-1, 1], y: [-1, 1], n: 3 });
 * assertEqual(g.x, [-1, 0, 1]);
 * assertEqual(g.z, [[2, 1, 2], [1, 0, 1], [2, 1, 2]]); // z[j][i] = f(x[i], y[j])
 * ```
 */
export function sampleGrid(f: (x: number, y: number) => number, options: SamplingOptions = {}): Grid {
  const fn = "sampleGrid";
  if (typeof f !== "function") throw new TypeError(`${fn}: f must be a function (x, y) => number`);
  const [x0, x1] = interval(fn, "options.x", options.x ?? [-1, 1]);
  const [y0, y1] = interval(fn, "options.y", options.y ?? [-1, 1]);
  const n = options.n ?? 61;
  const [nx, ny] = Array.isArray(n) ? n : [n, n];
  integer(fn, "options.n (x)", nx, 2);
  integer(fn, "options.n (y)", ny, 2);
  const x = Array.from({ length: nx }, (_, i) => x0 + ((x1 - x0) * i) / (nx - 1));
  const y = Array.from({ length: ny }, (_, j) => y0 + ((y1 - y0) * j) / (ny - 1));
  const z = y.map((yj, j) => x.map((xi, i) => finite(fn, `f(${xi}, ${yj}) (z[${j}][${i}])`, f(xi, yj))));
  return { x, y, z };
}

/** Checks a grid (or samples a function) and returns it. @internal */
export function toGrid(source: GridSource, options: SamplingOptions, fn: string): Grid {
  if (typeof source === "function") return sampleGrid(source, options);
  if (source == null || typeof source !== "object")
    throw new TypeError(`${fn}: expected a function (x, y) => number or a grid {x, y, z}`);
  const x = finiteArray(fn, "grid.x", source.x);
  const y = finiteArray(fn, "grid.y", source.y);
  if (x.length < 2 || y.length < 2) throw new RangeError(`${fn}: grid.x and grid.y need at least 2 values each`);
  for (const [a, name] of [
    [x, "grid.x"],
    [y, "grid.y"],
  ] as const) {
    for (let i = 1; i < a.length; i++)
      if (!(a[i] > a[i - 1]))
        throw new RangeError(`${fn}: ${name} must increase, but ${name}[${i}] = ${a[i]} <= ${a[i - 1]}`);
  }
  if (!Array.isArray(source.z) || source.z.length !== y.length) {
    throw new RangeError(
      `${fn}: grid.z must have one row per y value (${y.length}), got ${Array.isArray(source.z) ? source.z.length : typeof source.z}`,
    );
  }
  const z = source.z.map((row, j) => {
    const r = finiteArray(fn, `grid.z[${j}]`, row);
    if (r.length !== x.length)
      throw new RangeError(`${fn}: grid.z[${j}] has length ${r.length} but grid.x has length ${x.length}`);
    return r;
  });
  return { x, y, z };
}

function edges(a: number[]): number[] {
  const e = [a[0] - (a[1] - a[0]) / 2];
  for (let i = 1; i < a.length; i++) e.push((a[i - 1] + a[i]) / 2);
  e.push(a[a.length - 1] + (a[a.length - 1] - a[a.length - 2]) / 2);
  return e;
}

function range(g: Grid): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of g.z)
    for (const v of row) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  return [lo, hi];
}

/** One piece of a contour line: from (x, y) to (x2, y2), at `level`. */
export interface ContourSegment {
  level: number;
  x: number;
  y: number;
  x2: number;
  y2: number;
}

/** `count` levels evenly spaced strictly inside the range of the grid's values. */
function defaultLevels(g: Grid, count: number): number[] {
  const [lo, hi] = range(g);
  if (lo === hi) return [lo];
  return Array.from({ length: count }, (_, k) => lo + ((hi - lo) * (k + 1)) / (count + 1));
}

/**
 * Contour lines of a grid by marching squares: the segments where z, interpolated linearly along the cell
 * edges, crosses each level (a value equal to the level counts as above it; saddles are resolved by
 * the cell's mean).
 *
 * @example
 * ```ts
 * import { contourLines, sampleGrid } from "nonsmooth-ad/notebook";
 * import { assert, assertClose } from "nonsmooth-ad";
 * const segs = contourLines(sampleGrid((x, y) => Math.max(Math.abs(x), Math.abs(y)), { n: 21 }), [0.5]);
 * assert(segs.length > 0 && segs.every((s) => s.level === 0.5), "segments of the level 0.5");
 * // the level set {max(|x|, |y|) = 0.5} is the square of half-side 0.5: every end point lies on it
 * for (const s of segs) for (const [x, y] of [[s.x, s.y], [s.x2, s.y2]]) assertClose(Math.max(Math.abs(x), Math.abs(y)), 0.5, 1e-12);
 * ```
 */
export function contourLines(grid: Grid, levels: number[]): ContourSegment[] {
  const fn = "contourLines";
  const g = toGrid(grid, {}, fn);
  const ls = finiteArray(fn, "levels", levels);
  const out: ContourSegment[] = [];
  const { x, y, z } = g;
  for (const L of ls) {
    for (let j = 0; j + 1 < y.length; j++) {
      for (let i = 0; i + 1 < x.length; i++) {
        // corners counter-clockwise from bottom-left: 00, 10, 11, 01
        const c = [z[j][i], z[j][i + 1], z[j + 1][i + 1], z[j + 1][i]];
        const px = [x[i], x[i + 1], x[i + 1], x[i]];
        const py = [y[j], y[j], y[j + 1], y[j + 1]];
        const above = c.map((v) => v >= L);
        const pts: [number, number][] = [];
        for (let e = 0; e < 4; e++) {
          const a = e;
          const b = (e + 1) % 4; // edges: bottom, right, top, left
          if (above[a] !== above[b]) {
            const t = (L - c[a]) / (c[b] - c[a]);
            pts.push([px[a] + t * (px[b] - px[a]), py[a] + t * (py[b] - py[a])]);
          }
        }
        const seg = (p: [number, number], q: [number, number]) =>
          out.push({ level: L, x: p[0], y: p[1], x2: q[0], y2: q[1] });
        if (pts.length === 2) seg(pts[0], pts[1]);
        else if (pts.length === 4) {
          const centerAbove = (c[0] + c[1] + c[2] + c[3]) / 4 >= L;
          if (centerAbove === above[0]) {
            seg(pts[0], pts[1]);
            seg(pts[2], pts[3]);
          } else {
            seg(pts[3], pts[0]);
            seg(pts[1], pts[2]);
          }
        }
      }
    }
  }
  return out;
}

/** A path drawn over a heatmap or contour plot (e.g. an optimizer's iterates). */
export interface Path2D {
  name: string;
  /** The points, in order: [x, y] pairs. */
  points: ArrayLike<number>[];
}

/** Options of {@link heatmap}. */
export interface HeatmapOptions extends ChartOptions, SamplingOptions {
  /** Title of the colour legend. Default "f". */
  colorTitle?: string;
  /** A vega colour scheme name, default "viridis". */
  scheme?: string;
  /** Also draw contour lines: a number of levels, or the levels. */
  contours?: number | number[];
  /** Paths drawn on top (e.g. optimizer trajectories). */
  paths?: Path2D[];
}

function pathRecords(g: Grid, paths: Path2D[] | undefined, fn: string): PathRecord[] {
  return (paths ?? []).map((p, k) => {
    if (p == null || !Array.isArray(p.points))
      throw new TypeError(`${fn}: options.paths[${k}] must be {name, points: [[x, y], ...]}`);
    const pts = p.points.map((pt, i): [number, number] => {
      const xy = finiteArray(fn, `options.paths[${k}].points[${i}]`, pt);
      if (xy.length < 2) throw new RangeError(`${fn}: options.paths[${k}].points[${i}] must be [x, y]`);
      return [xy[0], xy[1]];
    });
    return pathRecord(g, p.name ?? `path ${k}`, pts);
  });
}

function gridLayers(g: Grid, options: HeatmapOptions, fill: boolean, levels: number[] | undefined, fn: string) {
  const values: Record<string, unknown>[] = [];
  const layer: Record<string, unknown>[] = [];
  const xe = edges(g.x);
  const ye = edges(g.y);
  const xScale = { domain: [xe[0], xe[xe.length - 1]], nice: false, zero: false };
  const yScale = { domain: [ye[0], ye[ye.length - 1]], nice: false, zero: false };
  const xEnc = { field: "x", type: "quantitative", scale: xScale, ...axisTitle(options.xTitle, "x") };
  const yEnc = { field: "y", type: "quantitative", scale: yScale, ...axisTitle(options.yTitle, "y") };
  if (fill) {
    const cells = drawnCells(g, size(options, fn));
    values.push(cells.record);
    layer.push({
      transform: [{ filter: "datum.layer === 'cell'" }, ...cells.transform],
      mark: { type: "rect", strokeWidth: 0, clip: true },
      encoding: {
        x: xEnc,
        x2: { field: "x2" },
        y: yEnc,
        y2: { field: "y2" },
        color: {
          field: "z",
          type: "quantitative",
          scale: { scheme: options.scheme ?? "viridis" },
          title: options.colorTitle ?? "f",
        },
        tooltip: [
          { field: "cx", type: "quantitative", title: options.xTitle ?? "x", format: ".4~g" },
          { field: "cy", type: "quantitative", title: options.yTitle ?? "y", format: ".4~g" },
          { field: "z", type: "quantitative", title: options.colorTitle ?? "f", format: ".4~g" },
        ],
      },
    });
  }
  if (levels && levels.length > 0) {
    values.push(...contourRecords(g, contourLines(g, levels)));
    layer.push({
      transform: [{ filter: "datum.layer === 'contour'" }, { flatten: ["x", "y", "x2", "y2"] }],
      mark: { type: "rule", strokeWidth: 1.2, ...(fill ? { color: "white", opacity: 0.8 } : {}) },
      encoding: {
        x: xEnc,
        y: yEnc,
        x2: { field: "x2" },
        y2: { field: "y2" },
        ...(fill
          ? {}
          : {
              color: {
                field: "level",
                type: "quantitative",
                scale: { scheme: options.scheme ?? "viridis" },
                title: options.colorTitle ?? "level",
              },
            }),
      },
    });
  }
  const paths = pathRecords(g, options.paths, fn).filter((p) => p.i.length > 0);
  if (paths.length > 0) {
    values.push(...paths);
    const enc = {
      x: xEnc,
      y: yEnc,
      order: { field: "i", type: "quantitative" },
      color: { field: "path", type: "nominal", title: "path", scale: { scheme: "set1" } },
    };
    layer.push({
      transform: [{ filter: "datum.layer === 'path'" }, { flatten: ["i", "x", "y"] }],
      mark: { type: "line", point: { filled: true, size: 20 }, clip: true, strokeWidth: 2 },
      encoding: enc,
    });
  }
  // independent colour scales keep the legends of z (or the levels) and of the paths apart
  return { values, layer, resolve: { scale: { color: "independent" } } };
}

function levelsOf(g: Grid, spec: number | number[] | undefined, fn: string, fallback: number): number[] {
  if (spec === undefined) return defaultLevels(g, fallback);
  if (typeof spec === "number") return defaultLevels(g, integer(fn, "options.contours", spec));
  return finiteArray(fn, "options.contours", spec);
}

/**
 * A heatmap of f(x, y) (a function, sampled on a grid, or a {@link Grid}), optionally with contour lines and
 * paths on top.
 *
 * @example
 * ```ts
 * import { heatmap, show } from "nonsmooth-ad/notebook";
 * import { assert } from "nonsmooth-ad";
 * const out = await show(heatmap((x, y) => Math.abs(x) + 2 * Math.abs(y), { x: [-1, 1], y: [-1, 1], n: 41, contours: 6 }));
 * assert(out.text.startsWith("Heatmap: 41x41 grid, x in [-1, 1], y in [-1, 1], values in [0.000, 3.000]"), out.text);
 * ```
 */
export function heatmap(source: GridSource, options: HeatmapOptions = {}): VegaLiteSpec {
  const fn = "heatmap";
  const g = toGrid(source, options, fn);
  const levels = options.contours === undefined ? undefined : levelsOf(g, options.contours, fn, 8);
  const { values, layer, resolve } = gridLayers(g, options, true, levels, fn);
  const [lo, hi] = range(g);
  const desc = `Heatmap: ${g.x.length}x${g.y.length} grid, x in [${g.x[0]}, ${g.x[g.x.length - 1]}], y in [${g.y[0]}, ${g.y[g.y.length - 1]}], values in [${lo.toPrecision(4)}, ${hi.toPrecision(4)}]`;
  return assemble({ layer, resolve }, values, options, desc, fn);
}

/** Options of {@link contourPlot}. */
export interface ContourOptions extends ChartOptions, SamplingOptions {
  /** A number of levels evenly spaced inside the range of values (default 10), or the levels. */
  levels?: number | number[];
  /** Colour scheme of the levels, default "viridis". */
  scheme?: string;
  /** Title of the colour legend. Default "level". */
  colorTitle?: string;
  /** Paths drawn on top (e.g. optimizer trajectories). */
  paths?: Path2D[];
}

/**
 * Contour lines of f(x, y) (a function, sampled on a grid, or a {@link Grid}), coloured by level.
 *
 * @example
 * ```ts
 * import { contourPlot, show } from "nonsmooth-ad/notebook";
 * import { assert } from "nonsmooth-ad";
 * const f = (x: number, y: number) => Math.max(Math.abs(x), 2 * Math.abs(y)) + 0.3 * x;
 * const out = await show(contourPlot(f, { x: [-2, 2], y: [-2, 2], levels: [0.5, 1, 1.5, 2] }));
 * assert(out.text.startsWith("Contour plot: 4 levels on a 61x61 grid"), out.text);
 * ```
 */
export function contourPlot(source: GridSource, options: ContourOptions = {}): VegaLiteSpec {
  const fn = "contourPlot";
  const g = toGrid(source, options, fn);
  const levels = levelsOf(g, options.levels, fn, 10);
  const { values, layer, resolve } = gridLayers(g, { ...options, contours: undefined }, false, levels, fn);
  const desc = `Contour plot: ${levels.length} levels on a ${g.x.length}x${g.y.length} grid`;
  return assemble({ layer, resolve }, values, options, desc, fn);
}
