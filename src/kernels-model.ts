/**
 * The reductions and contractions of the engine under an arithmetic model whose sums are not simply rounded to
 * storage after every addition in index order (see `src/arithmetic/models.ts`): an accumulation format wider than
 * storage, fused multiply-add, a blocked or a pairwise order. Each output is the model's dot product
 *
 *   round_storage(round_acc(s + 0)), s = the terms a_k b_k accumulated in the model's order,
 *
 * exactly as `modelDot` defines it and `dotReference` computes it by the IEEE 754 definition (the tests compare
 * the two bitwise). A sum of n values is the dot product with b_k = 1. Elementwise primitives do not come here:
 * they round their result to storage (`kernels.ts`).
 *
 * Deterministic: a fixed order per output. Matrix products of the bfloat16, tensor-core and float32-FMA models run
 * in WebAssembly SIMD (src/wasm/kernels.wat, modes 4-7, with worker threads for large products: every output is
 * computed by the same code whichever thread runs it) where it is loaded and the operands allow it, bitwise the
 * loops of this module, which run otherwise and remain the reference implementation of the kernels' tests.
 *
 * @module
 */
import { FORMATS, bf16round, f16round, roundTo } from "./arithmetic/formats";
import type { ArithmeticModel } from "./arithmetic/models";
import { overflowTie, roundTwoSum } from "./arithmetic/models";
import { fma32 } from "./arithmetic/layer";
import { Tensor, shapeSize } from "./tensor";
import { broadcastIndex, matmulDims, transposed, wasmWanted } from "./kernels";
import { type WasmModelKernel, wasmModelMatmul } from "./wasm/dense";

type Round = (x: number) => number;

/**
 * The model itself when its sums need the kernels of this module; undefined when every addition of a sum is
 * rounded to storage in index order from 0, without FMA, in float64, float32 or float16 (the three precisions, or
 * a spec with those fields): `kernels.ts` computes those sums (in WebAssembly for matrix products), bitwise the
 * same thing, since round_storage(round_acc(s + 0)) = s there (s is a storage value, never -0: it starts at +0).
 * bfloat16 comes here too: its matrix products have their own WebAssembly kernel (and loops calling bf16round inline).
 */
export function contractionModel(model: ArithmeticModel): ArithmeticModel | undefined {
  return model.accumulation === model.storage &&
    !model.fma &&
    model.order === "sequential" &&
    model.storage !== "bfloat16"
    ? undefined
    : model;
}

/**
 * round_acc(acc + p) rounded once, for acc a value of the accumulation format and p a product of two storage
 * values (exact in float64: at most 24 + 24 significant bits): the float64 sum q and its TwoSum error, rounded by
 * `roundTwoSum` (q can land on, not cross, a midpoint of the accumulation format; Boldo and Melquiond, IEEE Trans.
 * Computers 2008).
 */
function fmaRound(acc: number, p: number, rA: Round, max: number, tie: number): number {
  const q = acc + p;
  const bb = q - acc;
  return roundTwoSum(q, acc - (q - bb) + (p - bb), rA, max, tie);
}

/** What the accumulation loops need of a model, computed once per call. */
interface Acc {
  readonly rA: Round;
  readonly rS: Round;
  readonly max: number;
  readonly threshold: number;
}

function accOf(model: ArithmeticModel): Acc {
  const f = FORMATS[model.accumulation];
  return {
    rA: roundTo(model.accumulation),
    rS: roundTo(model.storage),
    max: f.max,
    threshold: overflowTie(model.accumulation),
  };
}

/**
 * The model's dot product of n terms a(k) b(k) (b null: the sum of the a(k), values of storage), rounded to
 * storage. A sum needs no FMA case: acc + a with acc of the accumulation format and a of storage (at most 24
 * significant bits each) rounds correctly through float64 (53 >= 2 x 24 + 2: Figueroa, "When is double rounding
 * innocuous?", SIGNUM 1995), which is what the fused step computes.
 */
export function modelLaneDot(
  model: ArithmeticModel,
  n: number,
  a: (k: number) => number,
  b: ((k: number) => number) | null,
): number {
  const c = accOf(model);
  const { rA } = c;
  let s: number;
  if (model.order === "pairwise") s = pairwiseLane(a, b, 0, n, rA);
  else {
    const block = model.order === "blocked" ? model.block : n;
    s = 0;
    for (let k0 = 0; k0 < n; k0 += block) {
      const k1 = Math.min(n, k0 + block);
      let acc = 0;
      if (b === null) for (let k = k0; k < k1; k++) acc = rA(acc + a(k));
      else if (model.fma) for (let k = k0; k < k1; k++) acc = fmaRound(acc, a(k) * b(k), rA, c.max, c.threshold);
      else for (let k = k0; k < k1; k++) acc = rA(acc + rA(a(k) * b(k)));
      s = k0 === 0 ? acc : rA(s + acc);
    }
  }
  return c.rS(rA(s + 0));
}

/** The pairwise order: terms round_acc(a_k b_k) summed by recursive halving, the left half of n being floor(n / 2). */
function pairwiseLane(
  a: (k: number) => number,
  b: ((k: number) => number) | null,
  lo: number,
  hi: number,
  rA: Round,
): number {
  const n = hi - lo;
  if (n === 0) return 0;
  if (n === 1) return rA(b === null ? a(lo) : a(lo) * b(lo));
  const mid = lo + Math.floor(n / 2);
  return rA(pairwiseLane(a, b, lo, mid, rA) + pairwiseLane(a, b, mid, hi, rA));
}

/**
 * op(A) [m, k] times op(B) [k, n] under the model, each output the model's dot product of its k terms in
 * increasing k. The loops walk k once per row of op(A) and update the n partial sums of that row together (each
 * output still receives its terms in the model's order); the common accumulations call the rounding by name so
 * that V8 inlines it.
 */
export function modelMatmul2d(a: Tensor, b: Tensor, transA: boolean, transB: boolean, model: ArithmeticModel): Tensor {
  const [ar, ac] = a.shape;
  const [br, bc] = b.shape;
  const [m, K, N] = matmulDims(a, b, transA, transB);
  const fast = wasmKernelOf(model);
  if (fast !== null && wasmWanted(m * N * K)) {
    const C = new Float64Array(m * N);
    if (
      wasmModelMatmul(
        a.data,
        ac,
        transA,
        b.data,
        bc,
        transB,
        C,
        m,
        K,
        N,
        fast,
        model.order === "blocked" ? model.block : K,
      )
    ) {
      // C holds the accumulated sums s (values of the accumulation format, never -0): the output is
      // round_storage(round_acc(s + 0)) = round_storage(s), rounded here once (in float64, exact for a float32 s)
      if (model.storage === "float16") for (let i = 0; i < C.length; i++) C[i] = f16round(C[i]);
      else if (model.storage === "bfloat16" && fast !== "bfloat16")
        for (let i = 0; i < C.length; i++) C[i] = bf16round(C[i]);
      return new Tensor(C, [m, N]);
    }
  }
  const H = transA ? transposed(a.data, ar, ac) : a.data; // [m, K]
  const W = transB ? transposed(b.data, br, bc) : b.data; // [K, N]
  const out = new Float64Array(m * N);
  const c = accOf(model);
  const { rA, rS, max, threshold } = c;
  if (model.order === "pairwise") {
    for (let i = 0; i < m; i++)
      for (let j = 0; j < N; j++)
        out[i * N + j] = modelLaneDot(
          model,
          K,
          (k) => H[i * K + k],
          (k) => W[k * N + j],
        );
    return new Tensor(out, [m, N]);
  }
  const block = model.order === "blocked" ? model.block : Math.max(K, 1);
  // the accumulation step: products of storage values are exact in float64 (at most 24 + 24 bits)
  const short = FORMATS[model.storage].precisionBits <= 11;
  const kind =
    model.accumulation === "float64"
      ? 0
      : model.accumulation === "float32"
        ? model.fma
          ? short
            ? 4
            : 1
          : 2
        : model.fma
          ? 3
          : model.accumulation === "bfloat16"
            ? 5
            : 6;
  // a zero term h W[k, j] = ±0 leaves a partial sum unchanged (x + ±0 = x for x != 0, +0 + ±0 = +0; partial sums
  // start at +0), so rows of op(A) with zeros (relu outputs, their cotangents) skip them, unless W holds an infinity
  // or NaN (0 times it is NaN, which must reach the output)
  const skipZeros = allFinite(W);
  const acc = new Float64Array(N);
  const s = new Float64Array(N);
  for (let i = 0; i < m; i++) {
    s.fill(0);
    const row = i * K;
    for (let k0 = 0; k0 < K; k0 += block) {
      const k1 = Math.min(K, k0 + block);
      acc.fill(0);
      for (let k = k0; k < k1; k++) {
        const h = H[row + k];
        if (h === 0 && skipZeros) continue;
        const w = k * N;
        if (kind === 0) for (let j = 0; j < N; j++) acc[j] += h * W[w + j];
        else if (kind === 1) for (let j = 0; j < N; j++) acc[j] = fma32(acc[j], h * W[w + j]);
        else if (kind === 4) for (let j = 0; j < N; j++) acc[j] = fma32Short(acc[j], h * W[w + j]);
        else if (kind === 2) for (let j = 0; j < N; j++) acc[j] = Math.fround(acc[j] + Math.fround(h * W[w + j]));
        else if (kind === 5) for (let j = 0; j < N; j++) acc[j] = bf16round(acc[j] + bf16round(h * W[w + j]));
        else if (kind === 6) for (let j = 0; j < N; j++) acc[j] = f16round(acc[j] + f16round(h * W[w + j]));
        else for (let j = 0; j < N; j++) acc[j] = fmaRound(acc[j], h * W[w + j], rA, max, threshold);
      }
      // the first block's sum is the running sum: acc is never -0 (it starts at +0), so round_acc(+0 + acc) = acc
      for (let j = 0; j < N; j++) s[j] = rA(s[j] + acc[j]);
    }
    const o = i * N;
    for (let j = 0; j < N; j++) out[o + j] = rS(rA(s[j] + 0));
  }
  return new Tensor(out, [m, N]);
}

/**
 * The WebAssembly kernel of a model's matrix products, or null (the loops of {@link modelMatmul2d} then run):
 * bfloat16 with every operation rounded to it in index order (`bfloat16`); float16 or bfloat16 values accumulated
 * in float32 with FMA, sequentially or in blocks (the tensor-core kernels: a product of two 16-bit values has at
 * most 11 + 11 significant bits, so it is exact in float32 and round_f32(acc + a b) is one float32 addition of the
 * float32 product); float32 values accumulated in float32 with FMA (`float32-fma`: the product is exact in float64,
 * 24 + 24 <= 53 bits, and the sum is rounded to odd in float64, then to float32, which rounds it once: Boldo and
 * Melquiond, "Emulation of FMA and correctly rounded sums: proved algorithms using rounding to odd", IEEE Trans.
 * Computers 57(4), 2008, Theorem 1 with 53 >= 24 + 2).
 */
function wasmKernelOf(model: ArithmeticModel): WasmModelKernel | null {
  if (model.order === "pairwise") return null;
  const { storage, accumulation, fma } = model;
  if (storage === "bfloat16" && accumulation === "bfloat16" && !fma && model.order === "sequential") return "bfloat16";
  if (accumulation !== "float32" || !fma) return null;
  if (storage === "float16") return "float16-tensor-core";
  if (storage === "bfloat16") return "bfloat16-tensor-core";
  if (storage === "float32") return "float32-fma";
  return null;
}

/**
 * `fma32` for products of 16-bit values (at most 11 + 11 significant bits): acc + p is then mostly exact in
 * float64 (TwoSum's error e = 0), and fround of the exact sum is the answer; testing e first takes one predictable
 * branch where the midpoint test would often find q on a midpoint.
 */
function fma32Short(acc: number, p: number): number {
  const q = acc + p;
  const bb = q - acc;
  const e = acc - (q - bb) + (p - bb);
  return e === 0 ? Math.fround(q) : fma32(acc, p);
}

function allFinite(d: Float64Array): boolean {
  let z = 0;
  for (let i = 0; i < d.length; i++) z += d[i] * 0; // NaN as soon as one entry is infinite or NaN
  return z === 0;
}

/**
 * Sums x down to `shape` (the transpose of broadcasting) under the model: each output is the model's sum of the
 * elements of x broadcast from it, in increasing flat index of x (the order of `kernels.sumTo`).
 */
export function modelSumTo(x: Tensor, shape: readonly number[], model: ArithmeticModel): Tensor {
  const size = shapeSize(shape);
  const idx = broadcastIndex(shape, x.shape);
  const d = x.data;
  const out = new Float64Array(size);
  // the terms of each output, in order (flat indices of x), then each output's sum
  const count = new Int32Array(size);
  for (let i = 0; i < idx.length; i++) count[idx[i]]++;
  const start = new Int32Array(size + 1);
  for (let o = 0; o < size; o++) start[o + 1] = start[o] + count[o];
  const fill = start.slice(0, size);
  const terms = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) terms[fill[idx[i]]++] = d[i];
  for (let o = 0; o < size; o++) {
    const base = start[o];
    out[o] = modelLaneDot(model, count[o], (k) => terms[base + k], null);
  }
  return new Tensor(out, [...shape]);
}
