/**
 * Floating-point precision emulation. Every primitive rounds its result to the chosen format after every
 * arithmetic operation (inside dot products and sums too), so float32 and float16 runs reproduce the exact zeros
 * that rounding creates (Bertoin, Bolte, Gerchinovitz and Pauwels, NeurIPS 2021).
 *
 * @module
 */

/** The arithmetic a program runs in. Storage is always a Float64Array; values are rounded to this format. */
export type Precision = "float64" | "float32" | "float16";

/**
 * Every precision, in decreasing order of accuracy.
 *
 * @example
 * ```ts
 * import { PRECISIONS, evaluate, assertEqual } from "nonsmooth-ad";
 * assertEqual(PRECISIONS, ["float64", "float32", "float16"]);
 * // 0.1 in each: float16 keeps 11 significant bits
 * assertEqual(PRECISIONS.map((precision) => evaluate((t) => t, 0.1, { precision }).value.item()), [0.1, Math.fround(0.1), 0.0999755859375]);
 * ```
 */
export const PRECISIONS: readonly Precision[] = ["float64", "float32", "float16"];

// 1.5 2^(e + 42) for the binary16 exponents e = -14 ... 15 (see f16round).
const MAGIC = Float64Array.from({ length: 30 }, (_, i) => 1.5 * 2 ** (i - 14 + 42));
const bits = new Float64Array(1);
// the high word (sign, exponent) of a float64, whatever the byte order of the machine
const bitsHi = new Uint32Array(bits.buffer, new Uint8Array(Float64Array.of(1).buffer)[7] === 0x3f ? 4 : 0, 1);

/**
 * Rounds a float64 to the nearest IEEE 754 binary16 value (ties to even, gradual underflow to subnormals,
 * overflow to ±Infinity), returned as a float64. Node 20 has no `Math.f16round`, hence this function.
 *
 * How: for |x| in [2^e, 2^(e+1)) (e clamped below at -14, the subnormal spacing), binary16 values are the
 * multiples of 2^(e-10). Adding M = 1.5 2^(e+42) moves x, of either sign, into [2^(e+42), 2^(e+43)), where
 * float64's own spacing is 2^(e-10) and M is an even multiple of it, so the addition rounds x to that grid, ties
 * to even, in one hardware operation; subtracting M is exact. No branch on the sign (random signs would make the
 * branch mispredict); a result 0 takes the sign of x, as IEEE 754 rounding does. Small, so V8 inlines it into
 * the kernels (a call through a function value costs ~10 ns).
 *
 * @example
 * ```ts
 * import { f16round, assertEqual } from "nonsmooth-ad";
 * assertEqual(f16round(1 + 2 ** -11), 1);          // a tie, rounded to even
 * assertEqual(f16round(65520), Infinity);          // overflow
 * assertEqual(f16round(2 ** -25 * 3), 2 ** -23);   // subnormal tie, to even
 * assertEqual(Object.is(f16round(-(2 ** -30)), -0), true);
 * ```
 */
export function f16round(x: number): number {
  if (!(x < 65520 && x > -65520)) return x !== x ? x : x < 0 ? -Infinity : Infinity; // 65520 ties to even = overflow
  bits[0] = x;
  let e = ((bitsHi[0] >>> 20) & 0x7ff) - 1023;
  if (e < -14) e = -14;
  const m = MAGIC[e + 14];
  const r = x + m - m;
  return r === 0 ? x * 0 : r;
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
