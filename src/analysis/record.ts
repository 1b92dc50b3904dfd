/**
 * Records a program written with the library's ops as the engine's flat tape, for the analysis evaluators that
 * walk the nodes themselves (the lexicographic forward mode, the kink-candidate search). Internal to the module.
 *
 * @module
 */
import { Tensor } from "../tensor";
import { record } from "../engine/transforms";
import type { Tracer, TapeNode, Value } from "../engine/trace";

/** A program: a function of one traced input written with the library's ops. */
export type Program = (x: Tracer) => Value;

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
    throw new Error(
      `${fn}: the point must be a finite number or a non-empty array of finite numbers, got ${JSON.stringify(x)}`,
    );
  }
  return new Tensor(Float64Array.from(x), [x.length]);
}

/** Runs `f` on a traced copy of `x` (float64, kinks not logged) and returns the tape. */
export function recordProgram(fn: string, f: Program, x: Tensor): Recorded {
  if (typeof f !== "function")
    throw new Error(`${fn}: the first argument must be the function (a program written with the library's ops)`);
  const rec = record(fn, f, x, undefined, false);
  return { nodes: rec.trace.nodes, input: rec.inputs[0], output: rec.output };
}
