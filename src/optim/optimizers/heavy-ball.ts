/**
 * Polyak's heavy ball: v_{k+1} = beta v_k - g_k grad_k, x_{k+1} = x_k + v_{k+1} (v_0 = 0).
 *
 * @module
 */
import { gradVector, toVector } from "../vector";
import type { Params } from "../vector";
import { toSchedule } from "../schedules";
import type { StepSize } from "../schedules";
import { unitInterval, options as checkOptions } from "../../validate";
import type { OptState, Optimizer, OptStep } from "./types";
import type { OptimizerDeclaration } from "./declaration";

/** The heavy ball's state: the velocity x_k - x_{k-1}. */
export interface HeavyBallState extends OptState {
  readonly velocity: Float64Array;
}

/** Options of {@link heavyBall}. */
export interface HeavyBallOptions {
  /** Default: constant 0.01. */
  readonly stepSize?: StepSize;
  /** The momentum, in [0, 1). Default 0.9. */
  readonly beta?: number;
}

const defaults = Object.freeze({ stepSize: 0.01, beta: 0.9 });

/**
 * The heavy ball method with momentum beta in [0, 1) (default 0.9) and a step size schedule (default 0.01).
 *
 * @example
 * ```ts
 * import { heavyBall, assertClose } from "nonsmooth-ad";
 * const opt = heavyBall({ stepSize: 0.1, beta: 0.5 });
 * let x: Float64Array = Float64Array.of(3, -2), s = opt.init(x);
 * for (let k = 0; k < 200; k++) ({ params: x, state: s } = opt.update([x[0], 4 * x[1]], s, x));
 * assertClose(Array.from(x), [0, 0], 1e-9);
 * ```
 */
export function heavyBall(options: HeavyBallOptions = {}): Optimizer<HeavyBallState> {
  checkOptions("heavyBall", "options", options, Object.keys(defaults));
  const schedule = toSchedule("heavyBall", options.stepSize ?? defaults.stepSize);
  const beta = unitInterval("heavyBall", "beta", options.beta ?? defaults.beta);
  return Object.freeze({
    name: "heavyBall",
    schedule,
    spec: { name: "heavyBall" as const, stepSize: schedule.spec, beta },
    init(params: Params): HeavyBallState {
      const x = toVector("heavyBall.init", params);
      return Object.freeze({ count: 0, velocity: new Float64Array(x.length) });
    },
    update(grad: Params, state: HeavyBallState, params: Params): OptStep<HeavyBallState> {
      const x = toVector("heavyBall.update", params);
      const g = gradVector("heavyBall.update", grad, x.length);
      if (state.velocity.length !== x.length)
        throw new Error(
          `heavyBall.update: the state holds ${state.velocity.length} entries but the parameters have ${x.length}`,
        );
      const step = schedule(state.count);
      const v = new Float64Array(x.length);
      for (let i = 0; i < x.length; i++) {
        v[i] = beta * state.velocity[i] - step * g[i];
        x[i] += v[i];
      }
      return {
        params: x,
        updates: Float64Array.from(v),
        state: Object.freeze({ count: state.count + 1, velocity: v }),
        stepSize: step,
      };
    },
  });
}

/** The heavy ball's entry in the optimizer registry. */
export const heavyBallDeclaration: OptimizerDeclaration<"heavyBall", HeavyBallOptions, HeavyBallState> = Object.freeze({
  name: "heavyBall",
  defaults,
  create: heavyBall,
});
