/**
 * Artificial critical points (talk, Part II): points where 0 ∈ D(x) for a conservative field D of f but
 * 0 ∉ ∂^c f(x). The judge is the Clarke subdifferential: exact in 1-D (the interval between one-sided derivatives),
 * estimated above (sampled gradients, plus the lexicographic derivative, a sure Clarke element).
 *
 * Candidates: the point itself, or a grid over an interval or a box, plus the points on the grid's lines where a
 * switching quantity of the program (relu's input, maximum's difference, ...) is exactly zero (found by bisection
 * between grid points), plus, on an interval, the points where D itself changes sign between grid points (found
 * by bisection on the sign of D: the zeros of a continuous piece, which no grid hits), plus, in a box, kinks on
 * the lines through the kinks found, plus user-supplied candidates. Limitations: in 2-D a crossing of two slanted
 * kink sets that no such line passes through, and a zero of D off the kink set (a smooth critical point), are
 * only found if they are grid points or candidates. Away from exact kink hits AD returns the true gradient, so
 * its zeros there are Clarke critical: artificial critical points of AD fields sit at kink hits.
 *
 * @module
 */
import { checkPoint, dot } from "./geometry";
import { minNormElement } from "./minnorm";
import { checkFieldValue } from "./fields";
import type { SetValuedField } from "./fields";
import { clarkeInterval, clarkeSubdifferential } from "./clarke";
import type { ClarkeOptions } from "./clarke";
import { lexicographicGradient } from "./lexicographic";
import { kinksOnLine } from "./kinks";
import type { Program } from "./record";

/** Where to look: a point (a number in 1-D), an interval, or a box of the plane. */
export type SearchRegion =
  | number
  | readonly number[]
  | { readonly interval: readonly [number, number]; readonly points?: number }
  | {
      readonly box: readonly [readonly [number, number], readonly [number, number]];
      readonly points?: number | readonly [number, number];
    };

/** Options of {@link findArtificialCriticalPoints}. */
export interface ArtificialOptions {
  /** Extra points to test. */
  readonly candidates?: readonly (readonly number[])[];
  /** 0 ∈ conv D(x) when its distance to the hull is at most this. Default 1e-12. */
  readonly tolerance?: number;
  /** 0 ∉ ∂^c f(x) when its distance to the (estimated) Clarke set exceeds this. Default 1e-6. */
  readonly clarkeTolerance?: number;
  /** Options of the Clarke estimate (n >= 2, or when the exact 1-D interval is not available). */
  readonly clarke?: ClarkeOptions;
  /** For 1-D regions: call f with a scalar. Default true in 1-D. */
  readonly scalarInput?: boolean;
}

/** A D-critical point and the verdict of the Clarke judge. */
export interface CriticalPoint {
  readonly x: number[];
  /** The distance from 0 to conv D(x) (<= tolerance). */
  readonly fieldDistance: number;
  /**
   * The distance from 0 to ∂^c f(x): exact in 1-D; above, the distance to the hull of the estimate's generators,
   * an inner approximation of ∂^c f(x) (sampled gradients can miss part of the set), so it may overstate the
   * distance: a verdict "artificial" above 1-D is then a strong hint, not a proof.
   */
  readonly clarkeDistance: number;
  /** Generators of the Clarke set used as judge. */
  readonly clarkeGenerators: number[][];
  /** True when the Clarke set is exact (1-D interval or a smooth point). */
  readonly exact: boolean;
}

/** The result of {@link findArtificialCriticalPoints}. */
export interface ArtificialReport {
  /** D-critical but not Clarke critical. */
  readonly artificial: CriticalPoint[];
  /** D-critical and Clarke critical. */
  readonly genuine: CriticalPoint[];
  /** How many candidate points were tested. */
  readonly candidates: number;
}

function axis(lo: number, hi: number, n: number): number[] {
  if (n === 1) return [lo];
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? hi : lo + ((hi - lo) * i) / (n - 1)));
}

function interval(fn: string, r: readonly [number, number] | undefined, what: string): [number, number] {
  if (!Array.isArray(r) || r.length !== 2 || !r.every(Number.isFinite) || !(r[0] <= r[1])) {
    throw new Error(`${fn}: ${what} must be [lo, hi] with finite lo <= hi, got ${JSON.stringify(r)}`);
  }
  return [r[0], r[1]];
}

/**
 * 1-D: where the field changes sign strictly between consecutive grid points, bisect on the sign of D down to
 * adjacent floats, and return the floats of the final bracket (zeros of a continuous piece of D, such as the
 * zeros of cos for sin, which no grid hits; a sign change across a jump gives the jump's point, also a candidate).
 * Only points where D holds 0 (within the tolerance) survive the test that follows.
 */
function fieldZerosOnGrid(fn: string, field: SetValuedField, grid: readonly number[], tol: number): number[] {
  // the grid's signs ignore values within the tolerance (such points are candidates themselves); the bisection
  // uses exact signs, so that it ends on adjacent floats around the sign change, not at the first |D| <= tol
  const signWithin = (u: number, eps: number) => {
    const g = checkFieldValue(fn, field([u]), 1, [u]).generators.map((q) => q[0]);
    return Math.min(...g) > eps ? 1 : Math.max(...g) < -eps ? -1 : 0;
  };
  const sign = (u: number) => signWithin(u, tol);
  const out: number[] = [];
  let prev = sign(grid[0]);
  for (let k = 1; k < grid.length; k++) {
    const cur = sign(grid[k]);
    if (prev * cur < 0) {
      let lo = grid[k - 1];
      let hi = grid[k];
      for (let it = 0; it < 1100; it++) {
        const m = lo + (hi - lo) / 2;
        if (!(m > lo && m < hi)) break;
        const s = signWithin(m, 0);
        if (s === 0) {
          lo = hi = m;
          break;
        }
        if (s === prev) lo = m;
        else hi = m;
      }
      out.push(lo, hi);
    }
    prev = cur;
  }
  return out;
}

/** The candidate points of a region (a point; a grid plus kink points on its lines). */
function candidatesOf(
  fn: string,
  f: Program,
  region: SearchRegion,
  scalar: boolean | undefined,
  field?: SetValuedField,
  tol = 1e-12,
): { points: number[][]; scalar: boolean } {
  if (typeof region === "number") return { points: [checkPoint(fn, [region])], scalar: scalar ?? true };
  if (Array.isArray(region)) {
    const p = checkPoint(fn, region as number[]);
    return { points: [p], scalar: scalar ?? p.length === 1 };
  }
  if (region && typeof region === "object" && "interval" in region) {
    const [a, b] = interval(fn, region.interval, "region.interval");
    const grid = axis(a, b, region.points ?? 201);
    const sc = scalar ?? true;
    const kinks = kinksOnLine(fn, f, (u) => [u], grid, sc);
    const zeros = field ? fieldZerosOnGrid(fn, field, grid, tol) : [];
    return { points: [...grid, ...kinks, ...zeros].map((u) => [u]), scalar: sc };
  }
  if (region && typeof region === "object" && "box" in region) {
    const [bx, by] = [interval(fn, region.box?.[0], "region.box[0]"), interval(fn, region.box?.[1], "region.box[1]")];
    const n = region.points ?? 41;
    const [nx, ny] = typeof n === "number" ? [n, n] : n;
    const xs = axis(bx[0], bx[1], nx);
    const ys = axis(by[0], by[1], ny);
    const pts: number[][] = [];
    for (const y of ys) for (const x of xs) pts.push([x, y]);
    // kinks on the grid's horizontal and vertical lines, then on the lines through the kinks found (so that
    // crossings of kink sets such as x = 0 and y = 0 are reached even when no grid line passes through them)
    const kx = new Set<number>();
    const ky = new Set<number>();
    for (const y of ys) for (const u of kinksOnLine(fn, f, (u) => [u, y], xs, false)) pts.push([u, y]), kx.add(u);
    for (const x of xs) for (const u of kinksOnLine(fn, f, (u) => [x, u], ys, false)) pts.push([x, u]), ky.add(u);
    for (const x of kx)
      if (!xs.includes(x)) for (const u of kinksOnLine(fn, f, (u) => [x, u], ys, false)) pts.push([x, u]);
    for (const y of ky)
      if (!ys.includes(y)) for (const u of kinksOnLine(fn, f, (u) => [u, y], xs, false)) pts.push([u, y]);
    return { points: pts, scalar: false };
  }
  throw new Error(`${fn}: region must be a point, { interval: [a, b] } or { box: [[x0, x1], [y0, y1]] }`);
}

/** The Clarke judge at x: exact in 1-D, else the estimate plus the lexicographic derivative. */
function clarkeAt(
  f: Program,
  x: number[],
  scalar: boolean,
  opts: ClarkeOptions | undefined,
): { generators: number[][]; distance: number; exact: boolean } {
  if (scalar && x.length === 1) {
    try {
      const c = clarkeInterval(f, x[0]);
      const [lo, hi] = c.interval;
      return { generators: lo === hi ? [[lo]] : [[lo], [hi]], distance: c.distance, exact: true };
    } catch {
      // no lexicographic rule for some op: fall back to the estimate
    }
  }
  const est = clarkeSubdifferential(f, scalar ? x[0] : x, { ...opts, scalarInput: scalar });
  const gens = [...est.generators];
  if (!est.exact) {
    try {
      gens.push(scalar ? [lexicographicGradient(f, x[0])] : lexicographicGradient(f, x));
    } catch {
      // the estimate alone
    }
  }
  return { generators: gens, distance: minNormElement(gens).norm, exact: est.exact };
}

/**
 * Finds artificial critical points of a field D for f in a region: points where 0 ∈ D(x) but 0 ∉ ∂^c f(x),
 * judged by the Clarke subdifferential (exact in 1-D). Also returns the genuine (Clarke critical) ones found.
 *
 * @example
 * ```ts
 * import { findArtificialCriticalPoints, adField, relu, neg, add, sub, policies, assertEqual } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * const zero = (t: Value) => sub(add(relu(neg(t)), t), relu(t));
 * const f = (t: Value) => sub(t, zero(t)); // the identity, but AD with relu'(0) = 0 says f'(0) = 0
 * const r = findArtificialCriticalPoints(f, adField(f, policies.pytorch), { interval: [-1, 1], points: 21 });
 * assertEqual(r.artificial.map((p) => p.x), [[0]]);
 * assertEqual(r.artificial[0].clarkeDistance, 1); // ∂^c f(0) = {1}
 * ```
 */
export function findArtificialCriticalPoints(
  f: Program,
  field: SetValuedField,
  region: SearchRegion,
  options: ArtificialOptions = {},
): ArtificialReport {
  const fn = "findArtificialCriticalPoints";
  if (typeof f !== "function" || typeof field !== "function")
    throw new Error(`${fn}: expected a program f and a field D`);
  const tol = options.tolerance ?? 1e-12;
  const ctol = options.clarkeTolerance ?? 1e-6;
  const { points, scalar } = candidatesOf(fn, f, region, options.scalarInput, field, tol);
  const all = [...points, ...(options.candidates ?? []).map((c, i) => checkPoint(fn, c as number[], `candidate ${i}`))];
  const seen = new Set<string>();
  const artificial: CriticalPoint[] = [];
  const genuine: CriticalPoint[] = [];
  let count = 0;
  for (const x of all) {
    const key = x.join(",");
    if (seen.has(key)) continue;
    seen.add(key);
    count++;
    if (x.length !== all[0].length)
      throw new Error(
        `${fn}: dimension mismatch: candidate [${x.join(", ")}] has ${x.length} coordinate(s), expected ${all[0].length}`,
      );
    const v = checkFieldValue(fn, field(x), x.length, x);
    const gens = v.generators;
    const fieldDistance = gens.length === 1 ? Math.sqrt(dot(gens[0], gens[0])) : minNormElement(gens).norm;
    if (fieldDistance > tol) continue;
    const c = clarkeAt(f, x, scalar, options.clarke);
    const point: CriticalPoint = {
      x,
      fieldDistance,
      clarkeDistance: c.distance,
      clarkeGenerators: c.generators,
      exact: c.exact,
    };
    (c.distance > ctol ? artificial : genuine).push(point);
  }
  const order = (p: CriticalPoint, q: CriticalPoint) => p.x[0] - q.x[0] || (p.x[1] ?? 0) - (q.x[1] ?? 0);
  return {
    artificial: mergeNearby(artificial).sort(order),
    genuine: mergeNearby(genuine).sort(order),
    candidates: count,
  };
}

/**
 * One point per cluster of candidates closer than 1e-9 (relative to their size): a grid point, a given candidate
 * and the floats a bisection ends on can all describe the same critical point; the one where D is closest to 0 is
 * kept.
 */
function mergeNearby(points: CriticalPoint[]): CriticalPoint[] {
  const kept: CriticalPoint[] = [];
  const byField = [...points].sort((p, q) => p.fieldDistance - q.fieldDistance);
  for (const p of byField) {
    const near = kept.some((q) => {
      const d = Math.sqrt(p.x.reduce((s, v, i) => s + (v - q.x[i]) ** 2, 0));
      const scale = Math.max(1, Math.sqrt(dot(p.x, p.x)));
      return d <= 1e-9 * scale;
    });
    if (!near) kept.push(p);
  }
  return kept;
}
