/**
 * Gradient sampling (Burke, Lewis and Overton, SIAM J. Optim. 2005): at x_k, gradients at x_k and at m points
 * drawn uniformly in the ball B(x_k, eps_k); g_k = the min-norm element of their convex hull (the analysis
 * module's minNormElement), an estimate of the Goldstein eps-subdifferential's closest point to 0. If |g_k| is
 * below the optimality tolerance, eps shrinks; otherwise an Armijo backtracking line search along -g_k/|g_k|.
 *
 * @module
 */
import { valueAndGrad } from "../../engine/transforms";
import type { Tracer, Value } from "../../engine/trace";
import type { KinkPolicy } from "../../policy";
import { Rng, hash32, hashSeed } from "../../rng";
import { minNormElement } from "../../analysis";
import { toVector } from "../vector";
import type { Params } from "../vector";
import {
  integer,
  nonNegative,
  object as checkObject,
  openUnitInterval,
  positive,
  seed as checkSeed,
} from "../../validate";
import type { IterativeMethod, IterState, IterStep } from "./iterative";

/** Options of {@link gradientSampling}. */
export interface GradientSamplingOptions {
  /** f as a function of the flat vector x. */
  readonly f: (x: Tracer) => Value;
  /** Initial sampling radius eps_0. Default 0.1. */
  readonly radius?: number;
  /** Sampled points per step m (BLO take m >= n + 1). Default 2n + 1 for a point of dimension n. */
  readonly samples?: number;
  /** Factor eps shrinks by when |g| <= optimalityTolerance. Default 0.1. */
  readonly radiusReduction?: number;
  /** Default 1e-6. */
  readonly optimalityTolerance?: number;
  /** Armijo constant beta in (0, 1). Default 1e-4. */
  readonly armijo?: number;
  /** Backtracking factor in (0, 1). Default 0.5. */
  readonly backtrack?: number;
  /** Maximum halvings of the step. Default 50. */
  readonly maxBacktracks?: number;
  /** The policy of the gradients (samples hit kinks with probability 0, x_k may). Default pytorch. */
  readonly policy?: KinkPolicy;
  /** Seed of the sampling; the draws of step k depend only on (seed, k). Default 0. */
  readonly seed?: number;
}

/** The state of gradient sampling: the current sampling radius besides the iterate. */
export interface GradientSamplingState extends IterState {
  readonly radius: number;
}

/**
 * Gradient sampling as a pure init/step pair.
 *
 * @example
 * ```ts
 * import { gradientSampling, iterate, abs, at, add, mul, square, assert } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * const f = (x: Value) => add(abs(at(x, 0)), mul(0.5, square(at(x, 1))));
 * const rows = iterate(gradientSampling({ f, seed: 1 }), [1.3, -0.7], 60);
 * assert(rows[59].value < 1e-4, "reaches the kink at the minimizer");
 * ```
 */
export function gradientSampling(options: GradientSamplingOptions): IterativeMethod<GradientSamplingState> {
  const where = "gradientSampling";
  checkObject(where, "options", options);
  const { f, policy } = options;
  if (typeof f !== "function") throw new Error(`${where}: f must be a function of the flat vector x`);
  const radius0 = positive(where, "radius", options.radius ?? 0.1);
  const samples = options.samples === undefined ? undefined : integer(where, "samples", options.samples, 1);
  const reduction = openUnitInterval(where, "radiusReduction", options.radiusReduction ?? 0.1);
  const tol = nonNegative(where, "optimalityTolerance", options.optimalityTolerance ?? 1e-6);
  const beta = openUnitInterval(where, "armijo", options.armijo ?? 1e-4);
  const shrink = openUnitInterval(where, "backtrack", options.backtrack ?? 0.5);
  const maxBacktracks = integer(where, "maxBacktracks", options.maxBacktracks ?? 50, 0);
  const seed = checkSeed("gradientSampling", "seed", options.seed ?? 0);
  const opts = { policy };
  const valueAt = (x: Float64Array): number => valueAndGrad(f, x, opts).value;

  return Object.freeze({
    name: "gradientSampling",
    init(x0: Params): GradientSamplingState {
      return Object.freeze({ count: 0, x: toVector(`${where}.init`, x0), radius: radius0 });
    },
    step(state: GradientSamplingState): IterStep<GradientSamplingState> {
      const x = state.x;
      const n = x.length;
      const m = samples ?? 2 * n + 1;
      const center = valueAndGrad(f, x, opts);
      if (!Number.isFinite(center.value)) throw new Error(`${where}: f is ${center.value} at step ${state.count}`);
      const rng = new Rng(hash32(hashSeed(seed, 0x2545f491), state.count));
      const gradients: number[][] = [Array.from(center.grad)];
      for (let j = 0; j < m; j++) {
        const d = Array.from({ length: n }, () => rng.normal());
        const len = Math.hypot(...d) || 1;
        const r = state.radius * rng.next() ** (1 / n);
        const y = x.map((v, i) => v + (r * d[i]) / len);
        gradients.push(Array.from(valueAndGrad(f, y, opts).grad));
      }
      if (!gradients.every((g) => g.every(Number.isFinite)))
        throw new Error(`${where}: a sampled gradient is not finite at step ${state.count}`);
      const mn = minNormElement(gradients);
      const g = Float64Array.from(mn.point);
      const stay = (): IterStep<GradientSamplingState> => ({
        state: Object.freeze({ count: state.count + 1, x, radius: state.radius * reduction }),
        value: center.value,
        direction: g,
        stepSize: 0,
      });
      if (mn.norm <= tol) return stay();
      let t = 1;
      for (let b = 0; b <= maxBacktracks; b++, t *= shrink) {
        const trial = x.map((v, i) => v - (t * g[i]) / mn.norm);
        if (valueAt(trial) < center.value - beta * t * mn.norm) {
          return {
            state: Object.freeze({ count: state.count + 1, x: trial, radius: state.radius }),
            value: center.value,
            direction: g,
            stepSize: t,
          };
        }
      }
      return stay();
    },
  });
}
