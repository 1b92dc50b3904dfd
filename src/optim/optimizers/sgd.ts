/**
 * Plain (mini-batch) stochastic gradient descent: x_{k+1} = x_k - g_k v_k, with v_k the gradient, or any element
 * of a conservative field, of the mini-batch loss at x_k. The mini-batches are drawn by the caller (see
 * {@link batchIndices} and {@link trainingRun}).
 *
 * @module
 */
import { gradVector, toVector } from "../vector";
import type { Params } from "../vector";
import { toSchedule } from "../schedules";
import type { StepSize } from "../schedules";
import type { OptState, Optimizer, OptStep } from "./types";
import type { OptimizerDeclaration } from "./declaration";
import { options as checkOptions } from "../../validate";

/** SGD keeps only the step count. */
export type SgdState = OptState;

/** Options of {@link sgd}. */
export interface SgdOptions {
  /** Default: constant 0.01. */
  readonly stepSize?: StepSize;
}

const defaults = Object.freeze({ stepSize: 0.01 });

/**
 * Stochastic gradient descent with a step size schedule (default: constant 0.01).
 *
 * @example
 * ```ts
 * import { sgd, assertClose } from "nonsmooth-ad";
 * const opt = sgd({ stepSize: 0.5 });
 * let x: Float64Array = Float64Array.of(4), s = opt.init(x);
 * for (let k = 0; k < 50; k++) ({ params: x, state: s } = opt.update([2 * x[0]], s, x)); // f = x²
 * assertClose(x[0], 0, 1e-12);
 * ```
 */
export function sgd(options: SgdOptions = {}): Optimizer<SgdState> {
  checkOptions("sgd", "options", options, Object.keys(defaults));
  const schedule = toSchedule("sgd", options.stepSize ?? defaults.stepSize);
  return Object.freeze({
    name: "sgd",
    schedule,
    spec: { name: "sgd" as const, stepSize: schedule.spec },
    init(params: Params): SgdState {
      toVector("sgd.init", params);
      return Object.freeze({ count: 0 });
    },
    update(grad: Params, state: SgdState, params: Params): OptStep<SgdState> {
      const x = toVector("sgd.update", params);
      const g = gradVector("sgd.update", grad, x.length);
      const step = schedule(state.count);
      const updates = new Float64Array(x.length);
      for (let i = 0; i < x.length; i++) {
        updates[i] = -step * g[i];
        x[i] += updates[i];
      }
      return { params: x, updates, state: Object.freeze({ count: state.count + 1 }), stepSize: step };
    },
  });
}

/** SGD's entry in the optimizer registry. */
export const sgdDeclaration: OptimizerDeclaration<"sgd", SgdOptions, SgdState> = Object.freeze({
  name: "sgd",
  defaults,
  create: sgd,
});
