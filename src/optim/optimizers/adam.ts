/**
 * Adam (Kingma and Ba): moment estimates with bias correction.
 *
 * @module
 */
import { gradVector, toVector } from "../vector";
import type { Params } from "../vector";
import { toSchedule } from "../schedules";
import type { StepSize } from "../schedules";
import { positive, unitInterval } from "../../validate";
import type { OptState, Optimizer, OptStep } from "./types";

/** Adam's state: first and second moment estimates. */
export interface AdamState extends OptState {
  readonly m: Float64Array;
  readonly v: Float64Array;
}

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
export function adam(options: { stepSize?: StepSize; beta1?: number; beta2?: number; eps?: number } = {}): Optimizer<AdamState> {
  const schedule = toSchedule("adam", options.stepSize ?? 1e-3);
  const beta1 = unitInterval("adam", "beta1", options.beta1 ?? 0.9);
  const beta2 = unitInterval("adam", "beta2", options.beta2 ?? 0.999);
  const eps = positive("adam", "eps", options.eps ?? 1e-8);
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
      if (state.m.length !== x.length) throw new Error(`adam.update: the state holds ${state.m.length} entries but the parameters have ${x.length}`);
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
