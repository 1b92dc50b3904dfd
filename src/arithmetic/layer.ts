/**
 * A dense layer Z = H W + b under an arithmetic model, fast: the kernel behind the paper-scale ReLU'(0)
 * experiment. Bitwise equal to {@link modelDot} per entry (tested against it and, through it, against the exact
 * reference), by three exact shortcuts:
 *
 * - **Outer-product order.** For each row i of H, the kernel walks the terms k = 0, 1, ... once and updates the N
 *   partial sums of the row's outputs together (acc[j] += H[i, k] W[k, j], one rounding per the model). Each
 *   output still receives its terms in the model's order; the N updates of one k are independent, so the
 *   processor overlaps them instead of waiting on one long chain of dependent roundings, and W is read in rows
 *   (contiguously), not gathered.
 * - **Zero terms are skipped**: in the sequential and blocked orders a term a 0 (= ±0) added to a partial sum that
 *   starts at +0 leaves it unchanged (x + ±0 = x for x != 0, and +0 + ±0 = +0 in round to nearest), and a block
 *   with no term leaves the running sum unchanged; ReLU layers and MNIST pixels are mostly exact zeros. The
 *   pairwise order depends on the number of terms, so it does not skip.
 * - **The fused multiply-add into float32** ({@link fma32}) takes the float64 sum and rounds it to float32, and
 *   computes the float64 sum's error (TwoSum) only in the rare case that can go wrong (see there).
 *
 * The common cases run in loops that call the rounding directly (`Math.fround`, `f16round`, `bf16round`: V8
 * inlines them), because a rounding called through a function value costs about 10 ns a call.
 *
 * @module
 */
import { FORMATS, bf16round, f16round, roundTo } from "./formats";
import type { ArithmeticModel } from "./models";
import { checkModel, checkRange, modelDot, overflowTie, roundTwoSum } from "./models";

/**
 * The fused multiply-add round_float32(acc + p) for a float32 acc and a product p = a b of two float32 values
 * (exact in float64: 24 + 24 significant bits fit in 53), rounded once. More generally, the exact sum of any two
 * finite float64 values rounded once to float32 (NaN for NaN, like `Math.fround`).
 *
 * Why it is exact (double rounding, Boldo and Melquiond, "Emulation of FMA and correctly rounded sums: proved
 * algorithms using rounding to odd", IEEE Trans. Computers 2008): q = fl64(acc + p) is the float64 nearest to the
 * exact sum x. Rounding q to float32 gives round32(x) unless q is exactly a float32 midpoint (a number halfway
 * between two consecutive float32 values) while x is not: every midpoint has 25 significant bits, so it is a
 * float64, and rounding to nearest float64 is monotone, so q cannot cross a midpoint, only land on one. Hence:
 * (1) if q is a float32 value (q === fround(q)), it is the answer (x lies within half a float64 spacing of it, far
 * inside its float32 rounding interval, or x = q); (2) if q is not a midpoint, fround(q) is the answer; (3) if q is
 * a midpoint, the exact error e = x - q (TwoSum, Knuth) says on which side of the midpoint x lies (e = 0: x is the
 * midpoint, ties to even as fround does). The midpoint test: with r = fround(q) != q, q is a midpoint exactly when
 * the other neighbour 2q - r is a float32 value different from r. One midpoint lies past the largest float32
 * value M: M + 2^103, which rounds to infinity; a sum q landing there with e < 0 is M.
 *
 * @example
 * ```ts
 * import { fma32, assertEqual } from "nonsmooth-ad";
 * // acc = 2^30 + 128, p = (64 - 2^-30): float64 rounds acc + p up to the float32 midpoint 2^30 + 192, and
 * // fround would then round it up again to 2^30 + 256; the exact sum is below the midpoint.
 * const acc = 2 ** 30 + 128, p = 64 * (1 - 2 ** -18) * (1 + 2 ** -18);
 * assertEqual(Math.fround(acc + p), 2 ** 30 + 256);
 * assertEqual(fma32(acc, p), 2 ** 30 + 128);
 * ```
 */
export function fma32(acc: number, p: number): number {
  const q = acc + p;
  const r = Math.fround(q);
  if (r === q) return r; // case (1)
  let other: number;
  if (r === Infinity || r === -Infinity) {
    // past float32's largest value the midpoint is F32_TIE (it rounds to infinity); below it lies F32_MAX
    if (q !== F32_TIE && q !== -F32_TIE) return r;
    other = r > 0 ? F32_MAX : -F32_MAX;
  } else {
    other = 2 * q - r;
    if (Math.fround(other) !== other || other === r) return r; // case (2): q is not a midpoint
  }
  const bb = q - acc; // case (3): TwoSum's error of q = fl64(acc + p)
  const e = acc - (q - bb) + (p - bb);
  return e === 0 ? r : e > 0 === other > r ? other : r;
}

const F32_MAX = FORMATS.float32.max;
const F32_TIE = overflowTie("float32");

/**
 * {@link fma32} with the tests in the other order, faster for products of 16-bit values: a product of two values
 * of at most 11 significant bits has at most 22, so acc + p is usually exact in float64 (e = 0) and fround(q) is
 * then the answer; testing e first takes one predictable branch where the midpoint test of fma32 would often
 * find q on a midpoint. The same result as fma32 on every input (the same three cases, tested in another order).
 */
function fma32ShortProducts(acc: number, p: number): number {
  const q = acc + p;
  const bb = q - acc;
  const e = acc - (q - bb) + (p - bb);
  const r = Math.fround(q);
  if (e === 0 || r === q) return r;
  return fma32(acc, p); // the rare case, with its midpoint tests
}

/** W [K, N] from Wt [N, K]. */
function transpose(Wt: Float64Array, N: number, K: number): Float64Array {
  const W = new Float64Array(K * N);
  for (let j = 0; j < N; j++) {
    const o = j * K;
    for (let k = 0; k < K; k++) W[k * N + j] = Wt[o + k];
  }
  return W;
}

/**
 * Z[i, j] = round_storage(round_acc(sum_k H[i, k] Wt[j, k] + b[j])) in the model's order, for H [B, K] and the
 * transposed weights Wt [N, K] (row-major; rows contiguous). Inputs must be values of the storage format; a value
 * beyond its range, NaN or infinity is refused with a message naming it.
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
  checkRange("denseLayer", "Wt", model, Wt, 0, 1, N * K);
  return denseLayerOfRows(model, H, B, K, transpose(Wt, N, K), N, b, out);
}

/**
 * {@link denseLayer} with the weights W [K, N] as they are (not transposed), for callers that keep them in that
 * layout (the paper-scale experiment keeps both). @internal
 */
export function denseLayerOfRows(
  model: ArithmeticModel,
  H: Float64Array,
  B: number,
  K: number,
  W: Float64Array,
  N: number,
  b: Float64Array,
  out: Float64Array = new Float64Array(B * N),
): Float64Array {
  checkModel("denseLayer", model);
  checkRange("denseLayer", "H", model, H, 0, 1, B * K);
  checkRange("denseLayer", "W", model, W, 0, 1, K * N);
  checkRange("denseLayer", "b", model, b, 0, 1, N);
  if (model.order === "pairwise") {
    for (let i = 0; i < B; i++)
      for (let j = 0; j < N; j++) out[i * N + j] = modelDot(model, H, W, b[j], K, i * K, 1, j, N);
    return out;
  }
  const block = model.order === "blocked" ? model.block : K;
  const rS = roundTo(model.storage);
  const rA = roundTo(model.accumulation);
  const max = FORMATS[model.accumulation].max;
  const tie = overflowTie(model.accumulation);
  const kind =
    model.accumulation === "float32"
      ? model.fma
        ? FORMATS[model.storage].precisionBits <= 11
          ? 7
          : 0
        : 1
      : model.accumulation === "float64"
        ? 2 // with or without FMA: products of values of at most 24 bits are exact in float64, one rounding per term
        : model.fma
          ? 5
          : model.accumulation === "float16"
            ? 3
            : model.accumulation === "bfloat16"
              ? 4
              : 6;
  const acc = new Float64Array(N);
  const s = new Float64Array(N);
  for (let i = 0; i < B; i++) {
    s.fill(0);
    let end = -1; // the end of the current block (no block open yet)
    const row = i * K;
    for (let k = 0; k < K; k++) {
      const h = H[row + k];
      if (h === 0) continue;
      if (k >= end) {
        // a new block: add the finished block's partial sums to the running sums (acc is never -0, so the first
        // fold, round_acc(+0 + acc) = acc, is the model's "the first block's sum is the running sum")
        if (end >= 0) foldBlock(s, acc, N, model.accumulation === "float32", rA);
        end = (Math.floor(k / block) + 1) * block;
      }
      const w = k * N;
      if (kind === 0) for (let j = 0; j < N; j++) acc[j] = fma32(acc[j], h * W[w + j]);
      else if (kind === 7) for (let j = 0; j < N; j++) acc[j] = fma32ShortProducts(acc[j], h * W[w + j]);
      else if (kind === 1) for (let j = 0; j < N; j++) acc[j] = Math.fround(acc[j] + Math.fround(h * W[w + j]));
      else if (kind === 2) for (let j = 0; j < N; j++) acc[j] += h * W[w + j];
      else if (kind === 3) for (let j = 0; j < N; j++) acc[j] = f16round(acc[j] + f16round(h * W[w + j]));
      else if (kind === 4) for (let j = 0; j < N; j++) acc[j] = bf16round(acc[j] + bf16round(h * W[w + j]));
      else if (kind === 5) for (let j = 0; j < N; j++) acc[j] = fmaRound(acc[j], h * W[w + j], rA, max, tie);
      else for (let j = 0; j < N; j++) acc[j] = rA(acc[j] + rA(h * W[w + j]));
    }
    if (end >= 0) foldBlock(s, acc, N, model.accumulation === "float32", rA);
    const o = i * N;
    for (let j = 0; j < N; j++) out[o + j] = rS(rA(s[j] + b[j]));
  }
  return out;
}

/** s[j] = round_acc(s[j] + acc[j]); acc[j] = 0. */
function foldBlock(s: Float64Array, acc: Float64Array, N: number, f32: boolean, rA: (x: number) => number): void {
  if (f32)
    for (let j = 0; j < N; j++) {
      s[j] = Math.fround(s[j] + acc[j]);
      acc[j] = 0;
    }
  else
    for (let j = 0; j < N; j++) {
      s[j] = rA(s[j] + acc[j]);
      acc[j] = 0;
    }
}

/** round_acc(acc + p) rounded once, for any accumulation format (the reasoning of {@link fma32}). */
function fmaRound(acc: number, p: number, rA: (x: number) => number, max: number, tie: number): number {
  const q = acc + p;
  const bb = q - acc;
  return roundTwoSum(q, acc - (q - bb) + (p - bb), rA, max, tie);
}
