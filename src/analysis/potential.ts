/**
 * Potentials of conservative fields (talk, Part II, formulas (1)-(3)): f(x) = f(x0) + ∫_0^1 ⟨D(γ(t)), γ'(t)⟩ dt
 * for any absolutely continuous γ from x0 to x, with the max or the min of ⟨v, γ'⟩ over D(γ(t)) (for a
 * conservative field both give f). On a grid for plots, and a check that the integral does not depend on the path.
 *
 * @module
 */
import { Rng } from "../rng";
import { checkPoint } from "./geometry";
import { gridAxes } from "./fields";
import type { GridSpec, SetValuedField } from "./fields";
import { paths } from "./loops";
import type { Curve } from "./loops";
import { pairingIntegrand } from "./circulation";
import type { LineIntegralOptions } from "./circulation";
import { integrate } from "./quadrature";
import type { QuadratureResult } from "./quadrature";

/** Options of {@link potential}. */
export interface PotentialOptions extends LineIntegralOptions {
  /** The base point. Default: the path's start, or the origin for a straight path. */
  readonly x0?: readonly number[];
  /** f(x0). Default 0. */
  readonly f0?: number;
  /** "straight" (the segment from x0 to x, default) or a curve from x0 to x. */
  readonly path?: "straight" | Curve;
}

function endpointsMatch(c: Curve, a: readonly number[], b: readonly number[]): boolean {
  const p = c.point(0);
  const q = c.point(1);
  const scale = Math.max(1, ...a.map(Math.abs), ...b.map(Math.abs));
  return (
    p.every((v, i) => Math.abs(v - a[i]) <= 1e-12 * scale) && q.every((v, i) => Math.abs(v - b[i]) <= 1e-12 * scale)
  );
}

/**
 * Reconstructs a potential of a conservative field at x: f0 + ∫ ⟨v(t), γ'(t)⟩ dt along a path from x0 to x, with
 * v(t) the element of D(γ(t)) maximizing (default) or minimizing ⟨v, γ'(t)⟩, or another selection.
 *
 * @example
 * ```ts
 * import { potential, adField, abs, at, add, relu, assertClose } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * const f = (v: Value) => add(abs(at(v, 0)), relu(at(v, 1)));
 * const r = potential(adField(f), [-2, 3], { x0: [0, 0] });
 * assertClose(r.value, 5, 1e-12); // |-2| + relu(3)
 * ```
 */
export function potential(
  field: SetValuedField,
  x: readonly number[],
  options: PotentialOptions = {},
): QuadratureResult {
  const fn = "potential";
  const end = checkPoint(fn, x as number[]);
  const { x0, f0 = 0, path = "straight", ...rest } = options;
  let curve: Curve;
  let start: number[];
  if (path === "straight") {
    start = x0 === undefined ? end.map(() => 0) : checkPoint(fn, x0 as number[], "base point x0");
    if (start.length !== end.length)
      throw new Error(`${fn}: dimension mismatch: x0 has ${start.length} coordinate(s), x has ${end.length}`);
    curve = paths.segment(start, end);
  } else {
    if (!path || typeof path.point !== "function")
      throw new Error(`${fn}: path must be "straight" or a curve (see paths.segment, paths.polyline, paths.custom)`);
    curve = path;
    start = x0 === undefined ? curve.point(0) : checkPoint(fn, x0 as number[], "base point x0");
    if (curve.dimension !== end.length)
      throw new Error(`${fn}: dimension mismatch: the path lives in R^${curve.dimension}, x in R^${end.length}`);
    if (!endpointsMatch(curve, start, end)) {
      throw new Error(
        `${fn}: the path runs from [${curve.point(0).join(", ")}] to [${curve.point(1).join(", ")}], not from x0 = [${start.join(", ")}] to x = [${end.join(", ")}]`,
      );
    }
  }
  if (!Number.isFinite(f0)) throw new Error(`${fn}: f0 must be finite, got ${f0}`);
  const r = integrate(fn, pairingIntegrand(fn, field, curve, { selection: "max", ...rest }), curve.breaks, rest);
  return { ...r, value: f0 + r.value };
}

/** A potential on a grid: z[j][i] at (x[i], y[j]), the layout of the notebook's heatmap and contour charts. */
export interface PotentialGrid {
  x: number[];
  y: number[];
  z: number[][];
  /** The largest error estimate over the grid. */
  errorEstimate: number;
  evaluations: number;
}

/**
 * The potential of a planar field on a grid (straight paths from x0 to each point), ready to plot.
 *
 * @example
 * ```ts
 * import { potentialGrid, adField, abs, at, add, assertClose } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * const f = (v: Value) => add(abs(at(v, 0)), abs(at(v, 1)));
 * const g = potentialGrid(adField(f), { x: [-1, 1], y: [-1, 1], n: 3 }, { x0: [0, 0] });
 * assertClose(g.z.flat(), [2, 1, 2, 1, 0, 1, 2, 1, 2], 1e-12);
 * ```
 */
export function potentialGrid(
  field: SetValuedField,
  grid: GridSpec,
  options: Omit<PotentialOptions, "path"> = {},
): PotentialGrid {
  const { xs, ys } = gridAxes("potentialGrid", grid);
  let errorEstimate = 0;
  let evaluations = 0;
  const z = ys.map((y) =>
    xs.map((x) => {
      const r = potential(field, [x, y], { ...options, x0: options.x0 ?? [0, 0] });
      errorEstimate = Math.max(errorEstimate, r.errorEstimate);
      evaluations += r.evaluations;
      return r.value;
    }),
  );
  return { x: xs, y: ys, z, errorEstimate, evaluations };
}

/** The result of {@link pathIndependenceCheck}. */
export interface PathIndependence {
  /** The line integral from x0 to x1 along each path (the straight one first). */
  readonly values: number[];
  /** max - min of the values. */
  readonly spread: number;
  /** The largest error estimate of the integrals. */
  readonly errorEstimate: number;
  /** spread <= 2 errorEstimate + tolerance: consistent with a conservative field. */
  readonly independent: boolean;
}

/**
 * Integrates a field from x0 to x1 along the straight path and along random polylines (seeded), and compares: a
 * conservative field gives the same value on every path (up to the quadrature's error).
 *
 * @example
 * ```ts
 * import { pathIndependenceCheck, adField, fieldFromFormula, abs, at, add, relu, sub, assert } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * const f = (v: Value) => add(abs(at(v, 0)), relu(sub(at(v, 1), at(v, 0))));
 * assert(pathIndependenceCheck(adField(f), [-1, -1], [1, 2]).independent, "AD fields are conservative");
 * assert(!pathIndependenceCheck(fieldFromFormula(([x, y]) => [-y, x]), [-1, -1], [1, 2]).independent, "rotation is not");
 * ```
 */
export function pathIndependenceCheck(
  field: SetValuedField,
  x0: readonly number[],
  x1: readonly number[],
  options: LineIntegralOptions & {
    readonly paths?: number;
    readonly pathSeed?: number;
    readonly pathTolerance?: number;
  } = {},
): PathIndependence {
  const fn = "pathIndependenceCheck";
  const a = checkPoint(fn, x0 as number[], "start x0");
  const b = checkPoint(fn, x1 as number[], "end x1");
  if (a.length !== b.length)
    throw new Error(`${fn}: dimension mismatch: x0 has ${a.length} coordinate(s), x1 has ${b.length}`);
  const { paths: count = 4, pathSeed = 0, pathTolerance = 1e-9, ...rest } = options;
  const rng = new Rng(pathSeed);
  const spread = Math.max(1, Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0)));
  const curves: Curve[] = [paths.segment(a, b)];
  for (let k = 1; k < count; k++) {
    const via = Array.from({ length: 1 + rng.int(3) }, () =>
      a.map((v, i) => (v + b[i]) / 2 + spread * rng.uniform(-1, 1)),
    );
    curves.push(paths.polyline([a, ...via, b]));
  }
  let errorEstimate = 0;
  const values = curves.map((c) => {
    const r = potential(field, b, { ...rest, x0: a, path: c });
    errorEstimate = Math.max(errorEstimate, r.errorEstimate);
    return r.value;
  });
  const s = Math.max(...values) - Math.min(...values);
  return { values, spread: s, errorEstimate, independent: s <= 2 * errorEstimate + pathTolerance };
}
