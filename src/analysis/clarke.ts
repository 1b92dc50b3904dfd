/**
 * Clarke subdifferentials of locally Lipschitz programs f: R^n -> R (talk, Part II, "Ingredient 1"):
 * ∂^c f(x) = conv { lim ∇f(x_k) : x_k -> x, f differentiable at x_k }.
 *
 * Two ways in. The estimate samples gradients at random points of a small ball around x where the program hit no
 * kink (so it is differentiable there) and takes their convex hull: an interval in 1-D, an ordered polygon in 2-D,
 * generators above. In 1-D, for piecewise-smooth programs, the Clarke set is exactly the interval between the two
 * one-sided derivatives, which the lexicographic forward mode gives exactly: `clarkeInterval`.
 *
 * @module
 */
import { valueAndGrad } from "../engine/transforms";
import type { KinkReport } from "../engine/kink-report";
import type { KinkPolicy } from "../policy";
import { Rng } from "../rng";
import { checkPoint, extremePoints, hull1D, norm2 } from "./geometry";
import { minNormElement } from "./minnorm";
import { options as checkOptions } from "../validate";
import { directionalDerivative, lexicographicGradient } from "./lexicographic";
import type { Program } from "./record";

/** The value, gradient (policy's choice at kinks) and kink report of f at x; a scalar input when `scalarInput`. */
export function gradientAt(
  fn: string,
  f: Program,
  x: readonly number[],
  scalarInput: boolean,
  policy?: KinkPolicy,
): { value: number; grad: number[]; kinks: KinkReport } {
  if (scalarInput) {
    const r = valueAndGrad(f, x[0], policy ? { policy } : undefined);
    return { value: r.value, grad: [r.grad], kinks: r.kinks };
  }
  const r = valueAndGrad(f, [...x], policy ? { policy } : undefined);
  if (r.grad.length !== x.length)
    throw new Error(
      `${fn}: dimension mismatch: the gradient has ${r.grad.length} entries for a point with ${x.length}`,
    );
  return { value: r.value, grad: r.grad, kinks: r.kinks };
}

/** Throws when the kink report says the program is not locally Lipschitz at the point (sqrt at 0, sign at 0). */
export function checkLipschitzReport(fn: string, kinks: KinkReport, x: readonly number[]): void {
  const bad = kinks.entries.filter((e) => e.notLipschitz);
  if (bad.length > 0) {
    throw new Error(
      `${fn}: f is not locally Lipschitz at [${x.join(", ")}]: ${bad.map((e) => `${e.op}: ${e.notLipschitz}`).join("; ")}; the Clarke subdifferential is only defined for locally Lipschitz functions`,
    );
  }
}

/** Options of {@link clarkeSubdifferential}. */
export interface ClarkeOptions {
  /** Radius of the ball the gradients are sampled in. Default 1e-6 · max(1, |x|_∞). */
  readonly radius?: number;
  /** How many gradients to sample. Default 50 in 1-D, 200 in 2-D, 100 · n above. */
  readonly samples?: number;
  /** Seed of the sampling. Default 0. */
  readonly seed?: number;
  /** The kink policy of the evaluation at x itself (reported as `adValue`; the samples hit no kink). Default pytorch. */
  readonly policy?: KinkPolicy;
  /** A sampled gradient with a larger norm (or a non-finite one) means f is not locally Lipschitz there: error. Default 1e8. */
  readonly maxGradient?: number;
  /** 0 is taken to be in the set when its distance to the hull is at most this. Default 1e-9. */
  readonly tolerance?: number;
  /**
   * When the program hits no kink at x it is C^1 near x and ∂^c f(x) = {∇f(x)} exactly: return that without
   * sampling. Default true; false forces the sampled estimate (a Goldstein-type set of the ball).
   */
  readonly exactWhenSmooth?: boolean;
  /** For n = 1: call f with a scalar rather than a 1-element array. Default: true when x is a number. */
  readonly scalarInput?: boolean;
}

/** An estimate of the Clarke subdifferential at a point, ready to plot. */
export interface ClarkeSubdifferential {
  readonly x: number[];
  readonly dimension: number;
  /** The gradients the hull is built from (the sampled ones, or ∇f(x) alone when exact). */
  readonly gradients: number[][];
  /** Generators of the hull: the interval ends in 1-D, the polygon's vertices in 2-D, the distinct gradients above. */
  readonly generators: number[][];
  /** 1-D: [lower, upper]. */
  readonly interval?: [number, number];
  /** 2-D: the hull's vertices counter-clockwise (one vertex: a point; two: a segment). */
  readonly polygon?: number[][];
  /** The hull's element of minimum norm (exact for the hull, by Wolfe's algorithm). */
  readonly minNormElement: number[];
  /** The distance from 0 to the hull: a measure of Clarke criticality. */
  readonly distance: number;
  /** distance <= tolerance. */
  readonly critical: boolean;
  /** True when no kink was hit at x: the set is {∇f(x)} exactly. */
  readonly exact: boolean;
  /** The AD gradient at x under the policy (a conservative-field value, possibly outside the Clarke set). */
  readonly adValue: number[];
  /** Sampled points that hit a kink and were rejected (no lexicographic rule for the program). */
  readonly discarded: number;
  /** Sampled points that hit a kink (a kink set with interior) and contributed their lexicographic derivative. */
  readonly kinkSamples: number;
}

function defaultSamples(n: number): number {
  return n === 1 ? 50 : n === 2 ? 200 : 100 * n;
}

/**
 * Estimates the Clarke subdifferential of f at x from gradients at random nearby points where f is
 * differentiable (no kink hit; a sample that hits a kink contributes its lexicographic derivative), as their
 * convex hull; its minimum-norm element and distance to 0 measure Clarke
 * criticality. `x` a number: f receives a scalar. Errors when f is not locally Lipschitz (sqrt at 0, huge or
 * infinite gradients).
 *
 * @example
 * ```ts
 * import { clarkeSubdifferential, abs, maximum, at, assertClose, assert } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * const c = clarkeSubdifferential(abs, 0);
 * assertClose(c.interval!, [-1, 1], 0);
 * assert(c.critical, "0 is Clarke critical for |x|");
 * const m = clarkeSubdifferential((v: Value) => maximum(at(v, 0), at(v, 1)), [1, 1]);
 * assertClose(m.polygon!.flat(), [0, 1, 1, 0], 0); // the segment between (0, 1) and (1, 0)
 * assertClose(m.distance, Math.SQRT1_2, 1e-15);
 * ```
 */
export function clarkeSubdifferential(
  f: Program,
  x: number | readonly number[],
  options: ClarkeOptions = {},
): ClarkeSubdifferential {
  const fn = "clarkeSubdifferential";
  checkOptions(fn, "options", options, [
    "radius",
    "samples",
    "seed",
    "policy",
    "maxGradient",
    "tolerance",
    "exactWhenSmooth",
    "scalarInput",
  ]);
  const point = typeof x === "number" ? checkPoint(fn, [x]) : checkPoint(fn, x);
  const scalarInput = options.scalarInput ?? typeof x === "number";
  if (scalarInput && point.length !== 1)
    throw new Error(`${fn}: scalarInput needs a 1-D point, got ${point.length} coordinates`);
  const n = point.length;
  const radius = options.radius ?? 1e-6 * Math.max(1, ...point.map(Math.abs));
  const samples = options.samples ?? defaultSamples(n);
  const tol = options.tolerance ?? 1e-9;
  const maxGradient = options.maxGradient ?? 1e8;
  if (!(radius > 0 && Number.isFinite(radius)))
    throw new Error(`${fn}: radius must be a positive finite number, got ${radius}`);
  if (!(Number.isInteger(samples) && samples >= 1))
    throw new Error(`${fn}: samples must be a positive integer, got ${samples}`);

  const center = gradientAt(fn, f, point, scalarInput, options.policy);
  checkLipschitzReport(fn, center.kinks, point);
  const checkGrad = (g: number[], at: readonly number[]): void => {
    const size = norm2(g);
    if (!Number.isFinite(size) || size > maxGradient) {
      throw new Error(
        `${fn}: f does not look locally Lipschitz near [${point.join(", ")}]: gradient [${g.join(", ")}] (norm ${size}) at [${at.join(", ")}] exceeds maxGradient = ${maxGradient}`,
      );
    }
  };
  checkGrad(center.grad, point);

  let gradients: number[][];
  let discarded = 0;
  let kinkSamples = 0;
  const exact = center.kinks.total === 0 && options.exactWhenSmooth !== false;
  if (exact) {
    gradients = [center.grad];
  } else {
    const rng = new Rng(options.seed ?? 0);
    gradients = [];
    const maxAttempts = 20 * samples + 100;
    let attempts = 0;
    while (gradients.length < samples) {
      if (++attempts > maxAttempts) {
        throw new Error(
          `${fn}: ${discarded} of ${attempts - 1} sampled points hit a kink and the program has no lexicographic rule: the ball of radius ${radius} seems to lie in a kink set; try another radius`,
        );
      }
      // uniform in the ball: a Gaussian direction, a radius r u^(1/n)
      const d = point.map(() => rng.normal());
      const len = norm2(d) || 1;
      const r = radius * rng.next() ** (1 / n);
      const y = point.map((v, i) => v + (r * d[i]) / len);
      const s = gradientAt(fn, f, y, scalarInput, options.policy);
      let g = s.grad;
      if (s.kinks.total > 0) {
        // A kink hit at a random point means the point lies in a kink set with interior (max(a, a), relu of an
        // expression that vanishes on an open set): f may well be differentiable there, but the AD value is the
        // policy's. The lexicographic derivative is the gradient wherever f is strictly differentiable (and a
        // Clarke element at y in any case); without a lexicographic rule the point is discarded.
        checkLipschitzReport(fn, s.kinks, y);
        try {
          g = scalarInput ? [lexicographicGradient(f, y[0])] : lexicographicGradient(f, y);
          kinkSamples++;
        } catch {
          discarded++;
          continue;
        }
      }
      checkGrad(g, y);
      gradients.push(g);
    }
  }
  const generators = extremePoints(gradients);
  const mn = minNormElement(generators);
  const result: ClarkeSubdifferential = {
    x: point,
    dimension: n,
    gradients,
    generators,
    minNormElement: mn.point,
    distance: mn.norm,
    critical: mn.norm <= tol,
    exact,
    adValue: center.grad,
    discarded,
    kinkSamples,
  };
  if (n === 1) return { ...result, interval: hull1D(gradients) };
  if (n === 2) return { ...result, polygon: generators };
  return result;
}

/** The exact Clarke interval of a piecewise-smooth function of one variable. */
export interface ClarkeInterval {
  /** f'_-(x) = -f'(x; -1). */
  readonly left: number;
  /** f'_+(x) = f'(x; +1). */
  readonly right: number;
  /** [min, max] of the two one-sided derivatives: ∂^c f(x). */
  readonly interval: [number, number];
  /** The distance from 0 to the interval. */
  readonly distance: number;
  /** 0 ∈ ∂^c f(x). */
  readonly critical: boolean;
}

/**
 * The Clarke subdifferential of a piecewise-smooth function of one variable, exactly: the interval between its
 * left and right derivatives, computed exactly by the lexicographic forward mode (so f must use the ops it
 * supports: smooth ones, abs, relu, max, min, hinge, clip, ...).
 *
 * @example
 * ```ts
 * import { clarkeInterval, relu, neg, add, assertEqual } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * const relu2 = (t: Value) => add(relu(neg(t)), t);
 * assertEqual(clarkeInterval(relu2, 0).interval, [0, 1]);
 * ```
 */
export function clarkeInterval(f: Program, x: number): ClarkeInterval {
  const fn = "clarkeInterval";
  if (typeof x !== "number" || !Number.isFinite(x))
    throw new Error(`${fn}: x must be a finite number (a function of one variable), got ${String(x)}`);
  const right = directionalDerivative(f, x, 1) + 0; // + 0 turns -0 into 0
  const left = -directionalDerivative(f, x, -1) + 0;
  const lo = Math.min(left, right);
  const hi = Math.max(left, right);
  const distance = lo > 0 ? lo : hi < 0 ? -hi : 0;
  return { left, right, interval: [lo, hi], distance, critical: distance === 0 };
}
