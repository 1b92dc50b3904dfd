/**
 * Batch normalization (Ioffe and Szegedy, "Batch normalization: accelerating deep network training by reducing
 * internal covariate shift", ICML 2015), without the learned scale and shift: each column of a batch of
 * pre-activations Z [B, N] is centred and scaled by its batch statistics, (Z - mean) / sqrt(var + eps). Built from
 * the engine's operations, so backprop through it, and its rounding in each precision, are the engine's own.
 *
 * @module
 */
import type { Tracer, Value } from "../../engine/trace";
import { Tensor } from "../../tensor";
import { add, div, mean, square, sqrt, sub } from "../../ops";
import type { Result } from "../../ops";
import { positive } from "../../validate";

/**
 * The batch normalization of Z [B, N] (rows are examples): (Z - mean_B(Z)) / sqrt(var_B(Z) + eps), the mean and
 * the (biased) variance taken over the rows of the batch, column by column. Used as a network's training-mode
 * layer; it has no running averages (a network evaluates a test set with the test set's own statistics).
 *
 * @example
 * ```ts
 * import { batchNormalize, tensor, valueOf, assertClose } from "nonsmooth-ad";
 * const Z = tensor([[1, 10], [3, 30]]);                 // two examples, two units
 * const out = valueOf(batchNormalize(Z, 0));
 * assertClose([...out.data], [-1, -1, 1, 1], 1e-12);  // each column centred and scaled to variance 1
 * ```
 */
export function batchNormalize(Z: Value, eps = 1e-5): Result {
  // eps = 0 is allowed for exact checks; a negative eps could make the square root NaN
  if (eps !== 0) positive("batchNormalize", "eps", eps);
  const shape = typeof Z === "number" ? [] : Z instanceof Tensor ? Z.shape : (Z as Tracer | undefined)?.value?.shape;
  if (!shape || shape.length !== 2 || shape[0] < 1)
    throw new TypeError(
      `batchNormalize: Z must be a matrix [B, N] of pre-activations (rows are examples), got ${shape ? `shape [${shape.join(", ")}]` : String(Z)}`,
    );
  const d = sub(Z, mean(Z, 0, true));
  return div(d, sqrt(add(mean(square(d), 0, true), eps))) as Result;
}
