/**
 * Adam (Kingma and Ba): moment estimates with bias correction.
 *
 * @module
 */
import { gradVector, toVector } from "../vector";
import type { Params } from "../vector";
import { toSchedule } from "../schedules";
import type { StepSize } from "../schedules";
import { positive, unitInterval, options as checkOptions } from "../../validate";
import type { OptState, Optimizer, OptStep } from "./types";
import type { OptimizerDeclaration } from "./declaration";

/** Adam's state: first and second moment estimates. */
export interface AdamState extends OptState {
  readonly m: Float64Array;
  readonly v: Float64Array;
}

/** Options of {@link adam}. */
export interface AdamOptions {
  /** Default: constant 1e-3. */
  readonly stepSize?: StepSize;
  /** Decay of the first moment, in [0, 1). Default 0.9. */
  readonly beta1?: number;
  /** Decay of the second moment, in [0, 1). Default 0.999. */
  readonly beta2?: number;
  /** Added to the denominator, > 0. Default 1e-8. */
  readonly eps?: number;
}

const defaults = Object.freeze({ stepSize: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 });

/**
 * Adam with step size schedule (default 1e-3), beta1 (0.9), beta2 (0.999) in [0, 1) and eps > 0 (1e-8).
 *
 * @example
 * ```ts
 * import { adam, assertClose } from "nonsmooth-ad";
 * const opt = adam({ stepSize: 0.05 });
 * let x: Float64Array = Float64Array.of(1, -1), s = opt.init(x);
 * for (let k = 0; k < 500; k++) ({ params: x, state: s } = opt.update([2 * x[0], 2 * x[1]], s, x));
 * assertClose(Array.from(x), [0, 0], 1e-3);
 * ```
 */
export function adam(options: AdamOptions = {}): Optimizer<AdamState> {
  checkOptions("adam", "options", options, Object.keys(defaults));
  const schedule = toSchedule("adam", options.stepSize ?? defaults.stepSize);
  const beta1 = unitInterval("adam", "beta1", options.beta1 ?? defaults.beta1);
  const beta2 = unitInterval("adam", "beta2", options.beta2 ?? defaults.beta2);
  const eps = positive("adam", "eps", options.eps ?? defaults.eps);
  return Object.freeze({
    name: "adam",
    schedule,
    spec: { name: "adam" as const, stepSize: schedule.spec, beta1, beta2, eps },
    init(params: Params): AdamState {
      const n = toVector("adam.init", params).length;
      return Object.freeze({ count: 0, m: new Float64Array(n), v: new Float64Array(n) });
    },
    update(grad: Params, state: AdamState, params: Params): OptStep<AdamState> {
      const x = toVector("adam.update", params);
      const g = gradVector("adam.update", grad, x.length);
      if (state.m.length !== x.length)
        throw new Error(`adam.update: the state holds ${state.m.length} entries but the parameters have ${x.length}`);
      const step = schedule(state.count);
      const t = state.count + 1;
      const c1 = 1 - beta1 ** t;
      const c2 = 1 - beta2 ** t;
      const m = new Float64Array(x.length);
      const v = new Float64Array(x.length);
      const updates = new Float64Array(x.length);
      for (let i = 0; i < x.length; i++) {
        m[i] = beta1 * state.m[i] + (1 - beta1) * g[i];
        v[i] = beta2 * state.v[i] + (1 - beta2) * g[i] * g[i];
        updates[i] = (-step * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
        x[i] += updates[i];
      }
      return { params: x, updates, state: Object.freeze({ count: t, m, v }), stepSize: step };
    },
  });
}

/** Adam's entry in the optimizer registry. */
export const adamDeclaration: OptimizerDeclaration<"adam", AdamOptions, AdamState> = Object.freeze({
  name: "adam",
  defaults,
  create: adam,
});
