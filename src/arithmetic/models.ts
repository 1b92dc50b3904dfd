/**
 * Arithmetic models: where a program's numbers are rounded. A model separates
 *
 * - the **storage** format: every value a primitive outputs (activations, weights, gradients) is rounded to it;
 * - the **accumulation** format of dot products and sums (at least as precise as storage): partial sums are
 *   rounded to it, and only the finished sum is rounded to storage;
 * - **fused multiply-add** (FMA): with it, acc = round_acc(acc + a b) rounds once per term; without it,
 *   acc = round_acc(acc + round_acc(a b)) rounds twice;
 * - the **summation order** of a dot product of K terms: `sequential` (k = 0, 1, ..., K-1, from 0), `blocked`
 *   (sequential partial sums over consecutive blocks of `block` terms, each from 0, then the partial sums added
 *   sequentially, as a BLAS does with its panels of K), or `pairwise` (the terms round_acc(a_k b_k) summed by
 *   recursive halving, the left half of n being floor(n / 2); no FMA).
 *
 * A biased dot product (a layer's pre-activation) is z = round_storage(round_acc(s + c)) where s is the
 * accumulated sum and c the bias: one rounding in the accumulator, one to storage, as a GEMM with beta = 1 does.
 *
 * The named models (see {@link ARITHMETIC_MODELS}): `float64`, `float32` and `float16` are the engine's precisions
 * (storage = accumulation, no FMA, sequential: every operation rounded to the format, in index order); they are
 * the defaults and unchanged. The others describe hardware: `bfloat16` (the same, in bfloat16),
 * `float32-blas` (float32 with FMA and K split in panels of 256, as CPU BLAS sgemm kernels and cuBLAS do),
 * `float16-tensor-core` and `bfloat16-tensor-core` (products of 16-bit values accumulated in float32 with FMA,
 * blocks of 16 terms, results stored in 16 bits, as GPU tensor cores do).
 *
 * The engine's `precision` option takes every model (a name or a spec): elementwise results rounded to storage,
 * reductions and contractions accumulated as {@link modelDot} defines it (see `src/precision.ts`).
 *
 * Every model is bitwise reproducible: plain float64 operations (whose rounding IEEE 754 fixes) in a fixed order,
 * no instruction whose rounding is left to the implementation. Reference: {@link dotReference}.
 *
 * @module
 */
import { FORMATS, NUMBER_FORMATS, roundTo } from "./formats";
import type { NumberFormat } from "./formats";
import { exactAdd, exactMul, exactOf, roundExact } from "./reference";
import type { Dyadic } from "./reference";
import { integer, oneOf } from "../validate";

/** The order in which a dot product's terms are added (see the module note). */
export type SummationOrder = "sequential" | "blocked" | "pairwise";

/** Where a program's numbers are rounded (see the module note). */
export interface ArithmeticModel {
  readonly name: string;
  readonly storage: NumberFormat;
  readonly accumulation: NumberFormat;
  readonly fma: boolean;
  readonly order: SummationOrder;
  /** Terms per block of the `blocked` order (ignored otherwise). */
  readonly block: number;
  /** Where rounding happens, in words. */
  readonly description: string;
}

/** What {@link arithmeticModel} accepts besides a name: the fields of a model (name and description optional). */
/** The first argument of the model's computations must be a model (arithmeticModel's result), named in the error. */
export function checkModel(fn: string, model: unknown): asserts model is ArithmeticModel {
  const m = model as Partial<ArithmeticModel> | null;
  if (
    m === null ||
    typeof m !== "object" ||
    typeof m.storage !== "string" ||
    typeof m.accumulation !== "string" ||
    typeof m.order !== "string"
  ) {
    throw new TypeError(
      `${fn}: the first argument must be an arithmetic model (arithmeticModel("float32-blas"), say), got ${typeof model === "string" ? JSON.stringify(model) : String(model)}`,
    );
  }
}

/**
 * The inputs of a computation under a model must be finite values within the storage format's range: a larger
 * value would have overflowed to infinity when it was stored, and NaN or infinity would spread silently through
 * every sum. Checks count entries of v from offset o with stride st; one comparison each (cheap beside the
 * computation). @internal
 */
export function checkRange(
  fn: string,
  name: string,
  model: ArithmeticModel,
  v: ArrayLike<number>,
  o = 0,
  st = 1,
  count = v.length,
): void {
  const max = FORMATS[model.storage].max;
  for (let k = 0, i = o; k < count; k++, i += st) {
    const x = v[i];
    if (!(x <= max && x >= -max)) {
      throw new RangeError(
        Number.isNaN(x) || typeof x !== "number"
          ? `${fn}: ${name}[${i}] is ${String(x)}, not a number`
          : `${fn}: ${name}[${i}] = ${x} overflows ${model.storage} (its largest finite value is ${max}); scale the input or use a wider format`,
      );
    }
  }
}

export interface ArithmeticModelSpec {
  readonly name?: string;
  readonly storage: NumberFormat;
  readonly accumulation?: NumberFormat;
  readonly fma?: boolean;
  readonly order?: SummationOrder;
  readonly block?: number;
  readonly description?: string;
}

function named(
  name: string,
  storage: NumberFormat,
  accumulation: NumberFormat,
  fma: boolean,
  order: SummationOrder,
  block: number,
  description: string,
): ArithmeticModel {
  return Object.freeze({ name, storage, accumulation, fma, order, block, description });
}

/**
 * The named arithmetic models; the first three are the engine's precisions (the default is `float64`).
 *
 * @example
 * ```ts
 * import { ARITHMETIC_MODELS, assertEqual } from "nonsmooth-ad";
 * assertEqual(Object.keys(ARITHMETIC_MODELS), ["float64", "float32", "float16", "bfloat16", "float32-blas", "float16-tensor-core", "bfloat16-tensor-core"]);
 * assertEqual(ARITHMETIC_MODELS["float16-tensor-core"].accumulation, "float32");
 * ```
 */
export const ARITHMETIC_MODELS = Object.freeze({
  float64: named(
    "float64",
    "float64",
    "float64",
    false,
    "sequential",
    0,
    "float64 everywhere: every operation rounds to float64 (the hardware's own), sums in index order",
  ),
  float32: named(
    "float32",
    "float32",
    "float32",
    false,
    "sequential",
    0,
    "every product and every addition rounded to float32, sums in index order from 0",
  ),
  float16: named(
    "float16",
    "float16",
    "float16",
    false,
    "sequential",
    0,
    "every product and every addition rounded to float16, sums in index order from 0",
  ),
  bfloat16: named(
    "bfloat16",
    "bfloat16",
    "bfloat16",
    false,
    "sequential",
    0,
    "every product and every addition rounded to bfloat16, sums in index order from 0",
  ),
  "float32-blas": named(
    "float32-blas",
    "float32",
    "float32",
    true,
    "blocked",
    256,
    "float32 values; a dot product adds its terms with one float32 rounding per term (FMA), in panels of 256 terms whose partial sums are then added in order",
  ),
  "float16-tensor-core": named(
    "float16-tensor-core",
    "float16",
    "float32",
    true,
    "blocked",
    16,
    "float16 values; products of float16 values accumulated in float32 with FMA in blocks of 16 terms, the finished sum (plus bias, in float32) rounded once to float16",
  ),
  "bfloat16-tensor-core": named(
    "bfloat16-tensor-core",
    "bfloat16",
    "float32",
    true,
    "blocked",
    16,
    "bfloat16 values; products accumulated in float32 with FMA in blocks of 16 terms, the finished sum (plus bias, in float32) rounded once to bfloat16",
  ),
} as const);

/** The name of a named model. */
export type ArithmeticModelName = keyof typeof ARITHMETIC_MODELS;

const MODEL_NAMES = Object.keys(ARITHMETIC_MODELS) as ArithmeticModelName[];

/** Rank of a format by precision (higher is more precise); bfloat16 and float16 are not comparable in range, but float16 has more bits. */
function bitsOf(f: NumberFormat): number {
  return FORMATS[f].precisionBits;
}

/**
 * Resolves a model name or spec to a checked model. Errors: an unknown name, an unknown format, an accumulation
 * format less precise than storage (or of a smaller range), FMA with float64 values (not emulated), FMA with the
 * pairwise order, a block size below 1.
 *
 * @example
 * ```ts
 * import { arithmeticModel, assertEqual } from "nonsmooth-ad";
 * assertEqual(arithmeticModel("float32-blas").block, 256);
 * assertEqual(arithmeticModel({ storage: "float16", accumulation: "float32" }).name, "float16/float32/sequential");
 * ```
 */
export function arithmeticModel(m: ArithmeticModelName | ArithmeticModel | ArithmeticModelSpec): ArithmeticModel {
  const where = "arithmeticModel";
  if (typeof m === "string") return ARITHMETIC_MODELS[oneOf(where, "model", m, MODEL_NAMES)];
  if (m === null || typeof m !== "object")
    throw new TypeError(
      `${where}: expected a model name (${MODEL_NAMES.join(", ")}) or { storage, accumulation, fma, order, block }`,
    );
  const storage = oneOf(where, "storage", m.storage, NUMBER_FORMATS);
  const accumulation = oneOf(where, "accumulation", m.accumulation ?? storage, NUMBER_FORMATS);
  if (bitsOf(accumulation) < bitsOf(storage) || FORMATS[accumulation].emax < FORMATS[storage].emax) {
    throw new RangeError(
      `${where}: accumulation ${accumulation} is less precise than storage ${storage}; sums must be accumulated in a format at least as precise as the values`,
    );
  }
  const fma = m.fma ?? false;
  if (typeof fma !== "boolean") throw new TypeError(`${where}: fma must be true or false, got ${JSON.stringify(fma)}`);
  const order = oneOf(where, "order", m.order ?? "sequential", ["sequential", "blocked", "pairwise"] as const);
  if (fma && storage === "float64")
    throw new RangeError(
      `${where}: fused multiply-add on float64 values is not emulated (JavaScript has no exact fma); use fma: false`,
    );
  if (fma && order === "pairwise")
    throw new RangeError(
      `${where}: the pairwise order adds rounded products, it has no fused multiply-add; use fma: false or order "sequential"/"blocked"`,
    );
  const block = order === "blocked" ? integer(where, "block", m.block ?? 256, 1) : 0;
  const name = m.name ?? `${storage}/${accumulation}/${order}${order === "blocked" ? block : ""}${fma ? "/fma" : ""}`;
  const description =
    m.description ??
    `${storage} values; dot products accumulated in ${accumulation}${fma ? " with FMA" : ", products and additions rounded separately"}, ${order} order`;
  return Object.freeze({ name, storage, accumulation, fma, order, block, description });
}

/**
 * Rounds the exact sum of a float64 q and its error e (q + e exact, |e| <= ulp64(q) / 2, from TwoSum) once to a
 * format: round(q) is right unless q is exactly halfway between two values of the format and e != 0, in which
 * case the sum lies on e's side of the tie. Past the largest finite value `max`, the tie is `tie` (max plus half
 * its spacing, which rounds to infinity): a sum landing there with e < 0 in magnitude is max, not infinity.
 * @internal
 */
export function roundTwoSum(q: number, e: number, round: (x: number) => number, max: number, tie: number): number {
  const r = round(q);
  if (e === 0 || r === q) return r;
  let other: number; // the other neighbour if q is a tie
  if (r === Infinity || r === -Infinity) {
    if (q !== tie && q !== -tie) return r;
    other = r > 0 ? max : -max;
  } else {
    other = 2 * q - r;
    if (round(other) !== other || other === r) return r;
  }
  return e > 0 === other > r ? other : r;
}

/** The tie between a format's largest finite value and 2^(emax+1): max plus half its spacing. @internal */
export function overflowTie(format: NumberFormat): number {
  return (FORMATS[format].max + 2 ** (FORMATS[format].emax + 1)) / 2;
}

/**
 * The fused step round_acc(acc + a b) for a, b values of a format with at most 26 significant bits (so a b is
 * exact in float64) and acc a value of the accumulation format: one float64 addition, TwoSum for its error, and
 * a correction when the float64 sum is a tie of the accumulation format.
 */
function fmaStep(acc: number, a: number, b: number, round: (x: number) => number, max: number, tie: number): number {
  const p = a * b;
  const s = acc + p;
  const bb = s - acc;
  const e = acc - (s - bb) + (p - bb);
  return roundTwoSum(s, e, round, max, tie);
}

/**
 * A biased dot product under a model: round_storage(round_acc(sum_k a[ao + k as] b[bo + k bs] + c)), the sum
 * accumulated in the model's order (see the module note). Inputs must be values of the storage format; a value
 * beyond its range (it would have overflowed when stored), NaN or infinity is refused with a message naming it.
 *
 * @example
 * ```ts
 * import { modelDot, arithmeticModel, assertEqual } from "nonsmooth-ad";
 * const a = [1, 2 ** -11, 2 ** -11], b = [1, 1, 1];
 * assertEqual(modelDot(arithmeticModel("float16"), a, b, 0), 1);                    // each 2^-11 lost in float16 sums
 * assertEqual(modelDot(arithmeticModel("float16-tensor-core"), a, b, 0), 1 + 2 ** -10); // kept in float32
 * ```
 */
export function modelDot(
  model: ArithmeticModel,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  c = 0,
  K = a.length,
  ao = 0,
  as = 1,
  bo = 0,
  bs = 1,
): number {
  checkModel("modelDot", model);
  checkRange("modelDot", "a", model, a, ao, as, K);
  checkRange("modelDot", "b", model, b, bo, bs, K);
  checkRange("modelDot", "c", model, [c]);
  const rA = roundTo(model.accumulation);
  const rS = roundTo(model.storage);
  const max = FORMATS[model.accumulation].max;
  const tie = overflowTie(model.accumulation);
  let s: number;
  if (model.order === "pairwise") s = pairwise(a, b, ao, as, bo, bs, 0, K, rA);
  else {
    const block = model.order === "blocked" ? model.block : K;
    s = 0;
    for (let k0 = 0; k0 < K; k0 += block) {
      const k1 = Math.min(K, k0 + block);
      let acc = 0;
      if (model.fma) for (let k = k0; k < k1; k++) acc = fmaStep(acc, a[ao + k * as], b[bo + k * bs], rA, max, tie);
      else for (let k = k0; k < k1; k++) acc = rA(acc + rA(a[ao + k * as] * b[bo + k * bs]));
      s = k0 === 0 ? acc : rA(s + acc);
    }
  }
  return rS(rA(s + c));
}

function pairwise(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  ao: number,
  as: number,
  bo: number,
  bs: number,
  lo: number,
  hi: number,
  rA: (x: number) => number,
): number {
  const n = hi - lo;
  if (n === 0) return 0;
  if (n === 1) return rA(a[ao + lo * as] * b[bo + lo * bs]);
  const mid = lo + Math.floor(n / 2);
  return rA(pairwise(a, b, ao, as, bo, bs, lo, mid, rA) + pairwise(a, b, ao, as, bo, bs, mid, hi, rA));
}

/**
 * The reference of {@link modelDot}: the same documented order, each step computed exactly (BigInt) and rounded
 * once by the IEEE 754 definition. Slow; for tests.
 *
 * @example
 * ```ts
 * import { dotReference, modelDot, arithmeticModel, assertEqual } from "nonsmooth-ad";
 * const m = arithmeticModel("float32-blas"), a = [0.1, 0.2, 0.3].map(Math.fround), b = [3, -7, 1e-3].map(Math.fround);
 * assertEqual(dotReference(m, a, b, Math.fround(0.5)), modelDot(m, a, b, Math.fround(0.5)));
 * ```
 */
export function dotReference(model: ArithmeticModel, a: readonly number[], b: readonly number[], c = 0): number {
  checkModel("dotReference", model);
  checkRange("dotReference", "a", model, a);
  checkRange("dotReference", "b", model, b);
  checkRange("dotReference", "c", model, [c]);
  const A = model.accumulation;
  const K = a.length;
  const r = (x: Dyadic): Dyadic => exactOf(roundExact(x, A));
  const term = (k: number): Dyadic => exactMul(exactOf(a[k]), exactOf(b[k]));
  let s: Dyadic;
  if (model.order === "pairwise") {
    const pw = (lo: number, hi: number): Dyadic => {
      if (hi - lo === 0) return { m: 0n, q: 0 };
      if (hi - lo === 1) return r(term(lo));
      const mid = lo + Math.floor((hi - lo) / 2);
      return r(exactAdd(pw(lo, mid), pw(mid, hi)));
    };
    s = pw(0, K);
  } else {
    const block = model.order === "blocked" ? model.block : K;
    s = { m: 0n, q: 0 };
    for (let k0 = 0; k0 < K; k0 += block) {
      let acc: Dyadic = { m: 0n, q: 0 };
      for (let k = k0; k < Math.min(K, k0 + block); k++)
        acc = model.fma ? r(exactAdd(acc, term(k))) : r(exactAdd(acc, r(term(k))));
      s = k0 === 0 ? acc : r(exactAdd(s, acc));
    }
  }
  return roundExact(exactOf(roundExact(exactAdd(s, exactOf(c)), A)), model.storage);
}
