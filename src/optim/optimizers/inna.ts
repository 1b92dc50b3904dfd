/**
 * INNA, the inertial Newton algorithm of Castera, Bolte, Fevotte and Pauwels ("An inertial Newton algorithm for deep learning", J. Mach. Learn. Res. 22, 2021):
 *
 *   u_k = (a - 1/b) theta_k + psi_k / b
 *   psi_{k+1} = psi_k - g_k u_k
 *   theta_{k+1} = theta_k - g_k (u_k + b grad_k)
 *
 * with two initializations: "paper", psi_0 = (1 - a b) theta_0 (then u_0 = 0 and the first step is
 * theta_1 = theta_0 - g_0 b grad_0), and "keras", psi_0 = (1 - a b) theta_0 - (b² - b) grad_0 (their Keras code;
 * then u_0 = (1 - b) grad_0 and the first step is a plain gradient step theta_1 = theta_0 - g_0 grad_0). The
 * Keras variant needs grad_0, so its psi_0 is formed at the first update.
 *
 * @module
 */
import { gradVector, toVector } from "../vector";
import type { Params } from "../vector";
import { toSchedule } from "../schedules";
import type { StepSize } from "../schedules";
import { finite, oneOf, positive, options as checkOptions } from "../../validate";
import type { OptState, Optimizer, OptStep } from "./types";
import type { OptimizerDeclaration } from "./declaration";

/** INNA's state: the auxiliary variable psi_k (null before the first update with the Keras initialization). */
export interface InnaState extends OptState {
  readonly psi: Float64Array | null;
}

/** Options of {@link inna}. */
export interface InnaOptions {
  /** Default: constant 0.1. */
  readonly stepSize?: StepSize;
  /** The viscous damping a >= 0. Default 0.5. */
  readonly a?: number;
  /** The Newtonian damping b > 0. Default 0.1. */
  readonly b?: number;
  /** How psi_0 is formed: "paper" or "keras". Default "paper". */
  readonly initialization?: "paper" | "keras";
}

const defaults = Object.freeze({ stepSize: 0.1, a: 0.5, b: 0.1, initialization: "paper" as const });

/**
 * INNA with step size schedule (default 0.1), a (0.5), b > 0 (0.1) and the initialization ("paper" or "keras").
 *
 * @example
 * ```ts
 * import { inna, assertClose } from "nonsmooth-ad";
 * const opt = inna({ stepSize: 0.1, a: 0.5, b: 0.1, initialization: "keras" });
 * const x0 = Float64Array.of(2), g0 = [2 * 2];
 * const { params } = opt.update(g0, opt.init(x0), x0);
 * assertClose(params[0], 2 - 0.1 * 4, 1e-12); // the Keras initialization: a plain gradient step first
 * ```
 */
export function inna(options: InnaOptions = {}): Optimizer<InnaState> {
  checkOptions("inna", "options", options, Object.keys(defaults));
  const schedule = toSchedule("inna", options.stepSize ?? defaults.stepSize);
  const a = finite("inna", "a", options.a ?? defaults.a);
  if (a < 0) throw new Error(`inna: a must be >= 0, got ${a}`);
  const b = positive("inna", "b", options.b ?? defaults.b);
  const initialization = oneOf("inna", "initialization", options.initialization ?? defaults.initialization, [
    "paper",
    "keras",
  ] as const);
  return Object.freeze({
    name: "inna",
    schedule,
    spec: { name: "inna" as const, stepSize: schedule.spec, a, b, initialization },
    init(params: Params): InnaState {
      const theta = toVector("inna.init", params);
      if (initialization === "keras") return Object.freeze({ count: 0, psi: null });
      return Object.freeze({ count: 0, psi: theta.map((t) => (1 - a * b) * t) });
    },
    update(grad: Params, state: InnaState, params: Params): OptStep<InnaState> {
      const theta = toVector("inna.update", params);
      const g = gradVector("inna.update", grad, theta.length);
      let psi = state.psi;
      if (psi === null) {
        if (state.count !== 0) throw new Error("inna.update: the state has no psi after the first step");
        psi = theta.map((t, i) => (1 - a * b) * t - (b * b - b) * g[i]);
      }
      if (psi.length !== theta.length)
        throw new Error(`inna.update: the state holds ${psi.length} entries but the parameters have ${theta.length}`);
      const step = schedule(state.count);
      const psiNext = new Float64Array(theta.length);
      const updates = new Float64Array(theta.length);
      for (let i = 0; i < theta.length; i++) {
        const u = (a - 1 / b) * theta[i] + psi[i] / b;
        psiNext[i] = psi[i] - step * u;
        updates[i] = -step * (u + b * g[i]);
        theta[i] += updates[i];
      }
      return { params: theta, updates, state: Object.freeze({ count: state.count + 1, psi: psiNext }), stepSize: step };
    },
  });
}

/** INNA's entry in the optimizer registry. */
export const innaDeclaration: OptimizerDeclaration<"inna", InnaOptions, InnaState> = Object.freeze({
  name: "inna",
  defaults,
  create: inna,
});
