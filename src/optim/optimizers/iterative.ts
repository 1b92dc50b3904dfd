/**
 * Methods that query the function themselves rather than receive a gradient (the explicit Euler scheme of the
 * conservative gradient flow, gradient sampling): a pure `init`/`step` pair over explicit state.
 *
 * @module
 */
import type { Params } from "../vector";

/** The state of an iterative method: the step count and the iterate. */
export interface IterState {
  readonly count: number;
  readonly x: Float64Array;
}

/** What one step did, besides the new state. */
export interface IterStep<S extends IterState> {
  readonly state: S;
  /** f at the iterate the step started from. */
  readonly value: number;
  /** The direction used (a field element, or the min-norm element of sampled gradients). */
  readonly direction: Float64Array;
  /** The step length taken along -direction. */
  readonly stepSize: number;
}

/** A method that evaluates f (and its field) by itself. */
export interface IterativeMethod<S extends IterState = IterState> {
  readonly name: string;
  init(x0: Params): S;
  step(state: S): IterStep<S>;
}

/** One row of {@link iterate}: the iterate x_k (as x0, x1, ... for the first coordinates), f(x_k), the step. */
export interface IterateRow {
  readonly step: number;
  readonly value: number;
  readonly stepSize: number;
  readonly directionNorm: number;
  /** The iterate x_k in full. */
  readonly x: number[];
}

/**
 * Runs `steps` steps of a method from x0 and returns one row per step (the iterate before the step).
 *
 * @example
 * ```ts
 * import { iterate, conservativeFlow, abs, sum, policies, assertClose } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * const flow = conservativeFlow({ f: (x: Value) => sum(abs(x)), stepSize: 0.25, selection: policies.pytorch });
 * const rows = iterate(flow, [1, -0.5], 5);
 * assertClose(rows[4].x, [0, 0], 1e-15); // abs'(0) = 0 keeps the iterate at 0
 * ```
 */
export function iterate<S extends IterState>(method: IterativeMethod<S>, x0: Params, steps: number): IterateRow[] {
  if (!(Number.isInteger(steps) && steps >= 0)) throw new Error(`iterate: steps must be an integer >= 0, got ${steps}`);
  let state = method.init(x0);
  const rows: IterateRow[] = [];
  for (let k = 0; k < steps; k++) {
    const r = method.step(state);
    let n = 0;
    for (const d of r.direction) n += d * d;
    rows.push({ step: k, value: r.value, stepSize: r.stepSize, directionNorm: Math.sqrt(n), x: Array.from(state.x) });
    state = r.state;
  }
  return rows;
}
