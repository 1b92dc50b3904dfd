/**
 * Floating-point precision emulation. Every primitive rounds its result to the chosen format after every
 * arithmetic operation (inside dot products and sums too), so float32 and float16 runs reproduce the exact zeros
 * that rounding creates (Bertoin, Bolte, Gerchinovitz and Pauwels, NeurIPS 2021).
 *
 * @module
 */

/** The arithmetic a program runs in. Storage is always a Float64Array; values are rounded to this format. */
export type Precision = "float64" | "float32" | "float16";

/** Every precision, in decreasing order of accuracy. */
export const PRECISIONS: readonly Precision[] = ["float64", "float32", "float16"];

const F16_MAX = 65504;
const F16_MIN_EXPONENT = -14; // smallest normal exponent; below it the spacing stays 2^-24 (subnormals)

/** Rounds half to even: `q` is a float64 whose fractional part is exact. */
function roundHalfEven(q: number): number {
  const f = Math.floor(q);
  const diff = q - f;
  if (diff < 0.5) return f;
  if (diff > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * Rounds a float64 to the nearest IEEE 754 binary16 value (ties to even, gradual underflow to subnormals,
 * overflow to ±Infinity), returned as a float64. Node 20 has no `Math.f16round`, hence this function.
 *
 * @example
 * ```ts
 * import { f16round, assertEqual } from "nonsmooth-ad";
 * assertEqual(f16round(1 + 2 ** -11), 1);          // a tie, rounded to even
 * assertEqual(f16round(65520), Infinity);          // overflow
 * assertEqual(f16round(2 ** -25 * 3), 2 ** -23);   // subnormal tie, to even
 * ```
 */
export function f16round(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const a = Math.abs(x);
  let e = Math.floor(Math.log2(a));
  // Math.log2 may be off by one ulp near powers of two: correct the exponent exactly.
  if (2 ** e > a) e -= 1;
  else if (2 ** (e + 1) <= a) e += 1;
  if (e < F16_MIN_EXPONENT) e = F16_MIN_EXPONENT;
  const ulp = 2 ** (e - 10); // 10 fraction bits
  const r = roundHalfEven(a / ulp) * ulp; // a / ulp is exact: ulp is a power of two
  if (r > F16_MAX) return x > 0 ? Infinity : -Infinity;
  return x > 0 ? r : -r;
}

const identity = (x: number): number => x;

/**
 * The rounding function of a precision: identity for float64, `Math.fround` for float32, {@link f16round}
 * for float16.
 *
 * @example
 * ```ts
 * import { rounding, assertEqual } from "nonsmooth-ad";
 * assertEqual(rounding("float32")(0.1), Math.fround(0.1));
 * ```
 */
export function rounding(precision: Precision): (x: number) => number {
  switch (precision) {
    case "float64":
      return identity;
    case "float32":
      return Math.fround;
    case "float16":
      return f16round;
    default:
      throw new Error(`unknown precision ${JSON.stringify(precision)}: expected one of ${PRECISIONS.join(", ")}`);
  }
}

/** True for the identity rounding of float64 (kernels skip the rounding loop then). */
export function isExact(round: (x: number) => number): boolean {
  return round === identity;
}
