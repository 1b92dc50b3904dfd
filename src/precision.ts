/**
 * Floating-point precision emulation. Every primitive rounds its result to the chosen format after every
 * arithmetic operation (inside dot products and sums too), so float32 and float16 runs reproduce the exact zeros
 * that rounding creates (Bertoin, Bolte, Gerchinovitz and Pauwels, NeurIPS 2021).
 *
 * The engine's `precision` option also takes every arithmetic model (`src/arithmetic`): a model's name
 * (`"bfloat16"`, `"float16-tensor-core"`, ...) or a spec `{ storage, accumulation, fma, order, block }`. Then
 * elementwise primitives round their result to the model's storage format, and reductions and contractions
 * (sum, mean, matmul, sumTo, logsumexp, norm, squaredError, softmaxCrossEntropy: every primitive that adds terms)
 * accumulate in the model's accumulation format, with or without fused multiply-add, in its summation order, the
 * finished sum rounded once to storage, exactly as `modelDot` defines it. The backward pass runs in the same model
 * (its matrix products are contractions too). The three precisions below are the models whose accumulation is
 * their storage, without FMA, in index order: the behaviour described above.
 *
 * @module
 */
import { roundTo } from "./arithmetic/formats";
import { ARITHMETIC_MODELS, arithmeticModel } from "./arithmetic/models";
import type { ArithmeticModel, ArithmeticModelName, ArithmeticModelSpec } from "./arithmetic/models";

/** The arithmetic a program runs in. Storage is always a Float64Array; values are rounded to this format. */
export type Precision = "float64" | "float32" | "float16";

/**
 * What the `precision` option of the differentiation calls accepts: one of the {@link PRECISIONS}, the name of
 * an arithmetic model (`ARITHMETIC_MODELS`: also `"bfloat16"`, `"float32-blas"`, `"float16-tensor-core"`,
 * `"bfloat16-tensor-core"`), or a model spec `{ storage, accumulation, fma, order, block }` (an
 * `arithmeticModel(...)` result is one). See the module note for what runs where.
 */
export type PrecisionOption = Precision | ArithmeticModelName | ArithmeticModelSpec;

/**
 * Every precision, in decreasing order of accuracy: the models that round every operation to one format, in
 * index order. The `precision` option also takes the other arithmetic models (see {@link PrecisionOption}).
 *
 * @example
 * ```ts
 * import { PRECISIONS, evaluate, sum, assertEqual } from "nonsmooth-ad";
 * import type { PrecisionOption, Value } from "nonsmooth-ad";
 * assertEqual(PRECISIONS, ["float64", "float32", "float16"]);
 * // 0.1 in each: float16 keeps 11 significant bits
 * assertEqual(PRECISIONS.map((precision) => evaluate((t) => t, 0.1, { precision }).value.item()), [0.1, Math.fround(0.1), 0.0999755859375]);
 * // the option takes the arithmetic models too: a tensor core adds float16 values in float32
 * const total = (precision: PrecisionOption) => evaluate((x: Value) => sum(x), [1, 2 ** -11, 2 ** -11], { precision }).value.item();
 * assertEqual([total("float16"), total("float16-tensor-core")], [1, 1 + 2 ** -10]);
 * ```
 */
export const PRECISIONS: readonly Precision[] = ["float64", "float32", "float16"];

const MODEL_NAMES = Object.keys(ARITHMETIC_MODELS) as ArithmeticModelName[];
const SPEC_KEYS = ["name", "storage", "accumulation", "fma", "order", "block", "description"];
/** Models resolved from frozen spec objects, by identity (a training loop passes the same model at every call). */
const resolvedSpecs = new WeakMap<object, ArithmeticModel>();

/**
 * The arithmetic model a `precision` option names, checked, with errors that name the call and the option: an
 * unknown name (the message lists the valid ones), a spec field that is not one, and whatever `arithmeticModel`
 * refuses in a spec (an accumulation format less precise than storage, ...). @internal
 */
export function resolvePrecision(op: string, precision: unknown): ArithmeticModel {
  if (typeof precision === "string" && Object.hasOwn(ARITHMETIC_MODELS, precision))
    return ARITHMETIC_MODELS[precision as ArithmeticModelName];
  if (precision === null || typeof precision !== "object" || Array.isArray(precision))
    throw new Error(
      `${op}: unknown precision ${JSON.stringify(precision) ?? String(precision)}: expected one of ${MODEL_NAMES.join(", ")}, or an arithmetic model spec { storage, accumulation, fma, order, block }`,
    );
  const known = resolvedSpecs.get(precision);
  if (known !== undefined) return known;
  for (const k of Object.keys(precision))
    if (!SPEC_KEYS.includes(k))
      throw new Error(
        `${op}: precision: unknown field "${k}" of an arithmetic model spec: expected ${SPEC_KEYS.join(", ")}`,
      );
  let model: ArithmeticModel;
  try {
    model = arithmeticModel(precision as ArithmeticModelSpec);
  } catch (e) {
    const message = (e as Error).message.replace(/^arithmeticModel: /, "");
    throw new RangeError(`${op}: precision: ${message}`);
  }
  // cached for frozen specs only (arithmeticModel's results): a plain object could be changed between calls
  if (Object.isFrozen(precision)) resolvedSpecs.set(precision, model);
  return model;
}

/**
 * The rounding function of a precision, or of an arithmetic model's storage format: identity for float64,
 * `Math.fround` for float32, {@link f16round} for float16, `bf16round` for bfloat16. One implementation with
 * `roundTo`, which takes a storage format.
 *
 * @example
 * ```ts
 * import { rounding, roundTo, assertEqual } from "nonsmooth-ad";
 * assertEqual(rounding("float32")(0.1), Math.fround(0.1));
 * assertEqual(rounding("float16-tensor-core"), roundTo("float16")); // values are stored in float16
 * ```
 */
export function rounding(precision: PrecisionOption): (x: number) => number {
  return roundTo(resolvePrecision("rounding", precision).storage);
}

const EXACT = roundTo("float64");

/** True for the identity rounding of float64 (kernels skip the rounding loop then). */
export function isExact(round: (x: number) => number): boolean {
  return round === EXACT;
}
