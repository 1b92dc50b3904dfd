/**
 * The minimum-norm element of the convex hull of finitely many points, by Wolfe's algorithm (P. Wolfe, "Finding
 * the nearest point in a polytope", Math. Programming 11, 1976). It is finite: it walks through affinely
 * independent "corrals" of the points, each step strictly decreasing the norm, and stops at the exact optimum
 * (up to rounding). Its norm is the distance from 0 to the hull: how far a set is from containing 0, the measure
 * of (Clarke or D-) criticality used by the rest of the module.
 *
 * @module
 */
import { checkDims, dot, solve } from "./geometry";
import { integer, nonNegative, options as checkOptions } from "../validate";

/** Options of {@link minNormElement}. */
export interface MinNormOptions {
  /** Relative tolerance of the optimality test ⟨x, x⟩ - min_p ⟨x, p⟩ <= tolerance · max_p |p|². Default 1e-12. */
  readonly tolerance?: number;
  /** Safety bound on the number of major iterations. Default 1000 + 10 · (number of points). */
  readonly maxIterations?: number;
}

/** The minimum-norm element of a hull and how it is written as a convex combination of the points. */
export interface MinNormResult {
  /** The element of the hull closest to 0. */
  readonly point: number[];
  /** Its Euclidean norm: the distance from 0 to the hull. */
  readonly norm: number;
  /** One convex weight per input point (zero off the support); `point` = Σ weights[i] · points[i]. */
  readonly weights: number[];
  /** Indices of the points with a positive weight (an affinely independent set). */
  readonly support: number[];
  /** Major iterations taken. */
  readonly iterations: number;
}

/** Weights (summing to 1) of the point of the affine hull of `S` closest to 0; null if S is affinely dependent. */
function affineMinimizer(S: readonly (readonly number[])[]): number[] | null {
  const k = S.length - 1;
  if (k === 0) return [1];
  const s0 = S[0];
  const D = S.slice(1).map((s) => s.map((v, i) => v - s0[i]));
  const G = D.map((a) => D.map((b) => dot(a, b)));
  const rhs = D.map((a) => -dot(a, s0));
  const beta = solve(G, rhs, 1e-14);
  if (beta === null) return null;
  const sum = beta.reduce((a, b) => a + b, 0);
  return [1 - sum, ...beta];
}

function combine(S: readonly (readonly number[])[], w: readonly number[], n: number): number[] {
  const x = new Array<number>(n).fill(0);
  S.forEach((s, j) => {
    for (let i = 0; i < n; i++) x[i] += w[j] * s[i];
  });
  return x;
}

/** On the line the hull is an interval and its closest point to 0 is exact: 0 clamped into it. */
function minNorm1D(points: readonly (readonly number[])[]): MinNormResult {
  let lo = 0;
  let hi = 0;
  points.forEach((p, i) => {
    if (p[0] < points[lo][0]) lo = i;
    if (p[0] > points[hi][0]) hi = i;
  });
  const a = points[lo][0];
  const b = points[hi][0];
  const weights = new Array<number>(points.length).fill(0);
  if (a >= 0 || b <= 0 || lo === hi) {
    const j = a >= 0 ? lo : hi;
    weights[j] = 1;
    return { point: [points[j][0]], norm: Math.abs(points[j][0]), weights, support: [j], iterations: 1 };
  }
  // 0 = w a + (1 - w) b
  weights[lo] = b / (b - a);
  weights[hi] = -a / (b - a);
  return { point: [0], norm: 0, weights, support: [lo, hi].sort((p, q) => p - q), iterations: 1 };
}

/**
 * The element of minimum Euclidean norm in the convex hull of `points` (Wolfe's algorithm), with its convex
 * weights. Its norm is the distance from 0 to the hull: 0 exactly when the hull contains 0.
 *
 * @example
 * ```ts
 * import { minNormElement, assertClose } from "nonsmooth-ad";
 * // the segment between (1, 0) and (0, 1): closest point (1/2, 1/2), at distance 1/√2
 * const r = minNormElement([[1, 0], [0, 1]]);
 * assertClose(r.point, [0.5, 0.5], 1e-15);
 * assertClose(r.norm, Math.SQRT1_2, 1e-15);
 * // a triangle around 0: distance 0
 * assertClose(minNormElement([[1, 1], [-2, 1], [0, -3]]).norm, 0, 1e-15);
 * ```
 */
export function minNormElement(points: readonly (readonly number[])[], options: MinNormOptions = {}): MinNormResult {
  const fn = "minNormElement";
  checkOptions(fn, "options", options, ["tolerance", "maxIterations"]);
  if (options.tolerance !== undefined) nonNegative(fn, "tolerance", options.tolerance);
  if (options.maxIterations !== undefined) integer(fn, "maxIterations", options.maxIterations, 1);
  if (!Array.isArray(points) || points.length === 0) throw new Error(`${fn}: expected a non-empty array of points`);
  const n = Array.isArray(points[0]) ? points[0].length : -1;
  if (n < 1) throw new Error(`${fn}: points must be arrays of numbers with at least one coordinate`);
  checkDims(fn, points, n);
  points.forEach((p, i) => {
    if (!p.every(Number.isFinite)) throw new Error(`${fn}: point ${i} has a non-finite coordinate: [${p.join(", ")}]`);
  });
  // Scaled by a power of 2 (exact) so that the largest coordinate is in [1, 2): squared norms and inner products
  // of points near 1e300 overflow and near 1e-200 underflow, and either makes the optimality test and the final
  // norm silently wrong (a norm of 0 would certify a point as critical). The weights do not depend on the scale.
  let big = 0;
  for (const p of points) for (const v of p) big = Math.max(big, Math.abs(v));
  if (big === 0) return unscaled(minNormScaled(points, n, options), 0);
  const e = Math.floor(Math.log2(big));
  const scaled: number[][] = points.map((p: readonly number[]) => p.map((v: number) => times2(v, -e)));
  const r = unscaled(minNormScaled(scaled, n, options), e);
  // the weights must reproduce the point: a last check that nothing was lost on the way
  const fromWeights = new Array<number>(n).fill(0);
  r.support.forEach((j) => scaled[j].forEach((v, i) => (fromWeights[i] += r.weights[j] * v)));
  const gap = Math.sqrt(fromWeights.reduce((s, v, i) => s + (v - times2(r.point[i], -e)) ** 2, 0));
  if (!(gap <= 1e-9))
    throw new Error(
      `${fn}: internal check failed: the weights reproduce the point only to ${times2(gap, e)} (points of magnitude ${big})`,
    );
  return r;
}

/** v · 2^k without overflow or underflow of the factor (2^k alone overflows for |k| > 1023). */
function times2(v: number, k: number): number {
  const a = Math.trunc(k / 2);
  return v * 2 ** a * 2 ** (k - a);
}

/** A result computed on points scaled by 2^-e, brought back to the scale of the points. */
function unscaled(r: MinNormResult, e: number): MinNormResult {
  if (e === 0) return r;
  return { ...r, point: r.point.map((v) => times2(v, e)), norm: times2(r.norm, e) };
}

/** Wolfe's algorithm on points whose largest coordinate is in [1, 2) (or all 0). */
function minNormScaled(points: readonly (readonly number[])[], n: number, options: MinNormOptions): MinNormResult {
  const fn = "minNormElement";
  if (n === 1) return minNorm1D(points);
  const tol = options.tolerance ?? 1e-12;
  const maxIter = options.maxIterations ?? 1000 + 10 * points.length;
  const norms2 = points.map((p) => dot(p, p));
  const scale = Math.max(...norms2);
  const zero = 1e-12; // weights below this are treated as 0 (Wolfe's Z1)

  let j0 = 0;
  for (let j = 1; j < points.length; j++) if (norms2[j] < norms2[j0]) j0 = j;
  let S = [j0];
  let lambda = [1];
  let x = [...points[j0]];
  let iterations = 0;

  while (scale > 0) {
    if (++iterations > maxIter)
      throw new Error(`${fn}: no convergence after ${maxIter} iterations (${points.length} points in R^${n})`);
    // the point most opposed to x: if it does not improve on x, x is optimal (first-order condition)
    let jm = 0;
    let best = Infinity;
    for (let j = 0; j < points.length; j++) {
      const v = dot(x, points[j]);
      if (v < best) {
        best = v;
        jm = j;
      }
    }
    if (dot(x, x) - best <= tol * scale || S.includes(jm)) break;
    S = [...S, jm];
    lambda = [...lambda, 0];
    // minor cycle: move towards the affine minimizer of the corral, dropping points whose weight reaches 0
    for (;;) {
      const alpha = affineMinimizer(S.map((j) => points[j]));
      if (alpha === null) {
        // numerically dependent corral: drop the newest point and stop (x is already optimal to rounding)
        S = S.slice(0, -1);
        lambda = lambda.slice(0, -1);
        break;
      }
      if (alpha.every((a) => a > zero)) {
        lambda = alpha;
        break;
      }
      let theta = 1;
      for (let i = 0; i < S.length; i++) {
        if (alpha[i] <= zero) {
          const d = lambda[i] - alpha[i];
          theta = Math.min(theta, d > 0 ? lambda[i] / d : 0);
        }
      }
      lambda = lambda.map((l, i) => theta * alpha[i] + (1 - theta) * l);
      const keep = lambda.map((l) => l > zero);
      if (keep.every((k) => k)) {
        // rounding kept every weight positive: drop the smallest, as the exact step would
        let im = 0;
        for (let i = 1; i < lambda.length; i++) if (lambda[i] < lambda[im]) im = i;
        keep[im] = false;
      }
      S = S.filter((_, i) => keep[i]);
      lambda = lambda.filter((_, i) => keep[i]);
      const total = lambda.reduce((a, b) => a + b, 0);
      lambda = lambda.map((l) => l / total);
    }
    x = combine(
      S.map((j) => points[j]),
      lambda,
      n,
    );
  }
  const weights = new Array<number>(points.length).fill(0);
  S.forEach((j, i) => (weights[j] += lambda[i]));
  // a residue at the level of rounding (relative to the points) is 0: the hull contains 0
  if (scale === 0 || dot(x, x) <= (8 * Number.EPSILON) ** 2 * S.length * scale) x = new Array<number>(n).fill(0);
  return { point: x, norm: Math.sqrt(dot(x, x)), weights, support: [...S].sort((a, b) => a - b), iterations };
}
