/**
 * The explicit Euler scheme for the conservative gradient flow x'(t) ∈ -D_f(x(t)) (the talk, Part III):
 * x_{k+1} = x_k - h_k v_k with v_k ∈ D_f(x_k). The selection v_k is a choice: a kink policy (the engine's
 * backprop with that policy, a conservative field for programs built from the library's primitives), or a
 * callback returning any element the user wants.
 *
 * @module
 */
import { valueAndGrad, evaluate } from "../../engine/transforms";
import type { Tracer, Value } from "../../engine/trace";
import type { KinkPolicy } from "../../policy";
import { resolvePrecision } from "../../precision";
import type { PrecisionOption } from "../../precision";
import { toVector } from "../vector";
import type { Params } from "../vector";
import { toSchedule } from "../schedules";
import type { StepSize } from "../schedules";
import type { IterativeMethod, IterState, IterStep } from "./iterative";
import { object as checkObject } from "../../validate";

/** A selection of the field: a kink policy, or a function returning v ∈ D_f(x) at x (k is the step count). */
export type FieldSelection = KinkPolicy | ((x: Float64Array, k: number) => Params);

/** Options of {@link conservativeFlow}. */
export interface ConservativeFlowOptions {
  /** The potential f of the field, a function of the flat vector x. */
  readonly f: (x: Tracer) => Value;
  /** The Euler step h (a number or a schedule of k). */
  readonly stepSize: StepSize;
  /** Which element of D_f(x) to follow. Default: the PyTorch policy's backprop. */
  readonly selection?: FieldSelection;
  /**
   * The arithmetic of the evaluations: a precision or an arithmetic model (a name or a spec, as the engine's
   * option takes it). Default "float64". A model other than float64 is named in the method's name.
   */
  readonly precision?: PrecisionOption;
}

/**
 * The explicit Euler scheme of x' ∈ -D_f(x) with a chosen selection.
 *
 * @example
 * ```ts
 * import { conservativeFlow, relu, sum, policies, assertEqual } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * // f(x) = relu(x) from x0 = 0: relu'(0) = 0 keeps x at the kink, relu'(0) = 1 moves it left
 * const f = (x: Value) => sum(relu(x));
 * const stay = conservativeFlow({ f, stepSize: 0.1, selection: policies.reluAt(0) });
 * const move = conservativeFlow({ f, stepSize: 0.1, selection: policies.reluAt(1) });
 * assertEqual(stay.step(stay.init([0])).state.x[0], 0);
 * assertEqual(move.step(move.init([0])).state.x[0], -0.1);
 * ```
 */
export function conservativeFlow(options: ConservativeFlowOptions): IterativeMethod<IterState> {
  checkObject("conservativeFlow", "options", options);
  const { f, selection } = options;
  if (typeof f !== "function") throw new Error("conservativeFlow: f must be a function of the flat vector x");
  const schedule = toSchedule("conservativeFlow", options.stepSize);
  const precision = resolvePrecision("conservativeFlow", options.precision ?? "float64");
  const selectionName = typeof selection === "function" ? "callback" : (selection?.name ?? "pytorch");
  const name = `conservativeFlow(${selectionName}${precision.name === "float64" ? "" : `, ${precision.name}`})`;
  return Object.freeze({
    name,
    init(x0: Params): IterState {
      return Object.freeze({ count: 0, x: toVector("conservativeFlow.init", x0) });
    },
    step(state: IterState): IterStep<IterState> {
      const x = state.x;
      let value: number;
      let v: Float64Array;
      if (typeof selection === "function") {
        value = evaluate(f, x, { precision }).value.item();
        v = toVector("conservativeFlow", selection(Float64Array.from(x), state.count), "selected field element");
        if (v.length !== x.length)
          throw new Error(
            `conservativeFlow: the selection returned ${v.length} entries for a point of dimension ${x.length}`,
          );
      } else {
        const r = valueAndGrad(f, x, { policy: selection, precision });
        value = r.value;
        v = r.grad;
      }
      if (!Number.isFinite(value)) throw new Error(`conservativeFlow: f is ${value} at step ${state.count}`);
      const h = schedule(state.count);
      const next = new Float64Array(x.length);
      for (let i = 0; i < x.length; i++) next[i] = x[i] - h * v[i];
      return { state: Object.freeze({ count: state.count + 1, x: next }), value, direction: v, stepSize: h };
    },
  });
}
