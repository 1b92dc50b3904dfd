// Shared helpers of the optimizer tests: a full-batch driver over any optimizer.
import { grad } from "../../../src";
import type { KinkPolicy, Optimizer, Tracer, Value } from "../../../src";

/** Runs `steps` full-batch updates of `opt` on f from x0 (gradients from the engine with `policy`). */
export function minimize(
  opt: Optimizer<any>,
  f: (x: Tracer) => Value,
  x0: number[],
  steps: number,
  policy?: KinkPolicy,
): Float64Array {
  let x: Float64Array = Float64Array.from(x0);
  let s = opt.init(x);
  for (let k = 0; k < steps; k++) {
    const g = grad(f, x, { policy });
    ({ params: x, state: s } = opt.update(g, s, x));
  }
  return x;
}
