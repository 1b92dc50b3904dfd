/**
 * The optimizer interface: a pure `init`/`update` pair over explicit state (as in Optax). `update` never mutates
 * its arguments; it returns new parameters, the update applied, a new state object and the step size used.
 *
 * @module
 */
import type { Params } from "../vector";
import type { Schedule } from "../schedules";
import type { OptimizerSpec } from "./registry";

/** The state every optimizer carries: the number of updates done so far. */
export interface OptState {
  readonly count: number;
}

/** The result of one update. */
export interface OptStep<S extends OptState> {
  /** The new parameters x_{k+1}. */
  readonly params: Float64Array;
  /** x_{k+1} - x_k. */
  readonly updates: Float64Array;
  /** The new state (a new object; the old one is unchanged). */
  readonly state: S;
  /** The step size g_k used, from the schedule at k = state.count. */
  readonly stepSize: number;
}

/** A first-order optimizer over a flat parameter vector. */
export interface Optimizer<S extends OptState = OptState> {
  readonly name: string;
  /** The step size as a function of the step count. */
  readonly schedule: Schedule;
  /** The hyper-parameters as plain data (the schedule's spec is absent for custom schedules); see {@link makeOptimizer}. */
  readonly spec: OptimizerSpec;
  /** The state before the first update, for parameters x_0. */
  init(params: Params): S;
  /** One update from the gradient (or conservative field element) at `params`. */
  update(grad: Params, state: S, params: Params): OptStep<S>;
}
