/**
 * A dense layer Z = H W + b under an arithmetic model, fast: the kernel behind the paper-scale ReLU'(0)
 * experiment. Bitwise equal to {@link modelDot} per entry (tested), with two exact shortcuts:
 *
 * - terms with H[i, k] = 0 are skipped: in the sequential and blocked orders a term a 0 (= ±0) added to a partial
 *   sum that starts at +0 leaves it unchanged (x + ±0 = x for x != 0, and +0 + ±0 = +0 in round to nearest), and a
 *   block with no term leaves the running sum unchanged; ReLU layers and MNIST pixels are mostly exact zeros.
 *   The pairwise order depends on the number of terms, so it does not skip.
 * - the common cases run in loops that call the rounding directly (`Math.fround`, `f16round`, `bf16round`: V8
 *   inlines them), because a rounding called through a function value costs about 10 ns a call; the other
 *   combinations (FMA into a 16-bit accumulator) go through the generic path.
 *
 * @module
 */
import { bf16round, roundTo } from "./formats";
import { f16round } from "../precision";
import type { ArithmeticModel } from "./models";
import { checkModel, modelDot } from "./models";

/** Rounds s + e (TwoSum) once to float32: see models.ts; inline copy for the fast loop. */
function f32Sum(s: number, e: number): number {
  const r = Math.fround(s);
  if (e === 0 || r === s) return r;
  const other = 2 * s - r;
  if (Math.fround(other) !== other || other === r) return r;
  return e > 0 === other > r ? other : r;
}

/**
 * Z[i, j] = round_storage(round_acc(sum_k H[i, k] Wt[j, k] + b[j])) in the model's order, for H [B, K] and the
 * transposed weights Wt [N, K] (row-major; rows contiguous). Inputs must be values of the storage format.
 *
 * @example
 * ```ts
 * import { denseLayer, modelDot, arithmeticModel, assertEqual } from "nonsmooth-ad";
 * const m = arithmeticModel("float32-blas");
 * const H = Float64Array.of(0, 0.5, 0, -2), Wt = Float64Array.of(1, 3), b = Float64Array.of(1); // B = 2 rows, K = 2, N = 1
 * const Z = denseLayer(m, H, 2, 2, Wt, 1, b);
 * assertEqual([...Z], [modelDot(m, [0, 0.5], [1, 3], 1), modelDot(m, [0, -2], [1, 3], 1)]);
 * assertEqual([...Z], [2.5, -5]);
 * ```
 */
export function denseLayer(
  model: ArithmeticModel,
  H: Float64Array,
  B: number,
  K: number,
  Wt: Float64Array,
  N: number,
  b: Float64Array,
  out: Float64Array = new Float64Array(B * N),
): Float64Array {
  checkModel("denseLayer", model);
  if (model.order === "pairwise") {
    for (let i = 0; i < B; i++)
      for (let j = 0; j < N; j++) out[i * N + j] = modelDot(model, H, Wt, b[j], K, i * K, 1, j * K, 1);
    return out;
  }
  const block = model.order === "blocked" ? model.block : K;
  const idx = new Int32Array(K);
  const val = new Float64Array(K);
  const rS = roundTo(model.storage);
  const acc32 = model.accumulation === "float32";
  const acc64 = model.accumulation === "float64";
  const acc16 = model.accumulation === "float16";
  const accB16 = model.accumulation === "bfloat16";
  const rA = roundTo(model.accumulation);
  for (let i = 0; i < B; i++) {
    let nnz = 0;
    for (let k = 0; k < K; k++) {
      const h = H[i * K + k];
      if (h !== 0) {
        idx[nnz] = k;
        val[nnz++] = h;
      }
    }
    for (let j = 0; j < N; j++) {
      const w0 = j * K;
      let s = 0;
      let first = true;
      let t = 0;
      while (t < nnz) {
        const end = (Math.floor(idx[t] / block) + 1) * block; // this block's terms: k < end
        let acc = 0;
        if (acc32 && model.fma) {
          for (; t < nnz && idx[t] < end; t++) {
            const p = val[t] * Wt[w0 + idx[t]];
            const q = acc + p;
            const bb = q - acc;
            acc = f32Sum(q, acc - (q - bb) + (p - bb));
          }
        } else if (acc32) {
          for (; t < nnz && idx[t] < end; t++) acc = Math.fround(acc + Math.fround(val[t] * Wt[w0 + idx[t]]));
        } else if (acc64 && !model.fma) {
          for (; t < nnz && idx[t] < end; t++) acc = acc + val[t] * Wt[w0 + idx[t]];
        } else if (acc64) {
          for (; t < nnz && idx[t] < end; t++) acc = acc + val[t] * Wt[w0 + idx[t]]; // float32-or-less values: a b is exact, one rounding
        } else if (acc16 && !model.fma) {
          for (; t < nnz && idx[t] < end; t++) acc = f16round(acc + f16round(val[t] * Wt[w0 + idx[t]]));
        } else if (accB16 && !model.fma) {
          for (; t < nnz && idx[t] < end; t++) acc = bf16round(acc + bf16round(val[t] * Wt[w0 + idx[t]]));
        } else if (model.fma) {
          for (; t < nnz && idx[t] < end; t++) {
            const p = val[t] * Wt[w0 + idx[t]];
            const q = acc + p;
            const bb = q - acc;
            const e = acc - (q - bb) + (p - bb);
            const r = rA(q);
            if (e === 0 || r === q) acc = r;
            else {
              const other = 2 * q - r;
              acc = rA(other) !== other || other === r ? r : e > 0 === other > r ? other : r;
            }
          }
        } else {
          for (; t < nnz && idx[t] < end; t++) acc = rA(acc + rA(val[t] * Wt[w0 + idx[t]]));
        }
        s = first ? acc : acc32 ? Math.fround(s + acc) : rA(s + acc);
        first = false;
      }
      out[i * N + j] = rS(rA(s + b[j]));
    }
  }
  return out;
}
