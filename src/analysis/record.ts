/**
 * Records a program written with the library's ops as the engine's flat tape, for the analysis evaluators that
 * walk the nodes themselves (the lexicographic forward mode, the kink-candidate search). Internal to the module.
 *
 * @module
 */
import { Tensor } from "../tensor";
import { policies } from "../policy";
import { Trace, Tracer, withTrace } from "../engine/trace";
import type { Primitive, TapeNode, Value } from "../engine/trace";

/** A program: a function of one traced input written with the library's ops. */
export type Program = (x: any) => Value;

/** The input marker of a tape recorded here (never linearized: the evaluators handle it). */
export const ANALYSIS_INPUT: Primitive<void> = {
  name: "input",
  secondOrder: true,
  value: (inputs) => inputs[0],
  linearize() {
    throw new Error("input nodes have no linearization");
  },
};

/** A recorded program: its tape, the input node and the output (a traced value, or a constant). */
export interface Recorded {
  readonly nodes: readonly TapeNode[];
  readonly input: Tracer;
  readonly output: Value;
}

/** Turns a point into the tensor the program receives: a scalar for a number, a vector for an array. */
export function inputTensor(fn: string, x: number | readonly number[]): Tensor {
  if (typeof x === "number") {
    if (!Number.isFinite(x)) throw new Error(`${fn}: the point must be finite, got ${x}`);
    return new Tensor(Float64Array.of(x), []);
  }
  if (!Array.isArray(x) || x.length === 0 || !x.every((v) => typeof v === "number" && Number.isFinite(v))) {
    throw new Error(`${fn}: the point must be a finite number or a non-empty array of finite numbers, got ${JSON.stringify(x)}`);
  }
  return new Tensor(Float64Array.from(x), [x.length]);
}

/** Runs `f` on a traced copy of `x` (float64, kinks not logged) and returns the tape. */
export function recordProgram(fn: string, f: Program, x: Tensor): Recorded {
  if (typeof f !== "function") throw new Error(`${fn}: the first argument must be the function (a program written with the library's ops)`);
  const trace = new Trace(policies.pytorch, "float64", `${fn}(${f.name || "anonymous"})`);
  trace.logKinks = false;
  return withTrace(trace, () => {
    const input = new Tracer(trace, 0, x);
    trace.nodes.push({ prim: ANALYSIS_INPUT, params: undefined, inputs: [], output: input });
    const output = f(input);
    if (output instanceof Tracer) {
      if (output.trace !== trace) throw new Error(`${fn}: the function returned a traced value from another call`);
    } else if (!(output instanceof Tensor) && typeof output !== "number") {
      throw new Error(`${fn}: the function must return a number, a Tensor or a traced value, got ${output === null ? "null" : typeof output}`);
    }
    return { nodes: trace.nodes, input, output };
  });
}
