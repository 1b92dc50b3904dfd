/**
 * Storage formats of the arithmetic models and their correctly rounded conversions from a float64: IEEE 754
 * binary64, binary32, binary16, and bfloat16 (binary32's exponent range with 8 significant bits, the format of
 * much mixed-precision training). Every conversion rounds once, to nearest, ties to even, with gradual underflow
 * and overflow to ±Infinity; none goes through another format first (rounding twice is wrong on some inputs,
 * e.g. float16 of 1 + 2^-11 + 2^-40 through float32).
 *
 * @module
 */

/** A floating-point format values are stored in (or accumulated in). */
export type NumberFormat = "float64" | "float32" | "float16" | "bfloat16";

/** Every format, from the most to the least precise. */
export const NUMBER_FORMATS: readonly NumberFormat[] = ["float64", "float32", "float16", "bfloat16"];

/** The parameters of a binary format: p significant bits (with the implicit one), exponents emin..emax of normal numbers. */
export interface FormatInfo {
  readonly format: NumberFormat;
  readonly precisionBits: number;
  readonly emin: number;
  readonly emax: number;
  /** The largest finite value, (2 - 2^(1-p)) 2^emax. */
  readonly max: number;
}

/**
 * The parameters of each format (IEEE 754-2008 table 3.2; bfloat16: Google's brain floating point).
 *
 * @example
 * ```ts
 * import { FORMATS, assertEqual } from "nonsmooth-ad";
 * assertEqual([FORMATS.float16.max, FORMATS.bfloat16.precisionBits], [65504, 8]);
 * ```
 */
export const FORMATS: Readonly<Record<NumberFormat, FormatInfo>> = Object.freeze({
  float64: { format: "float64", precisionBits: 53, emin: -1022, emax: 1023, max: Number.MAX_VALUE },
  float32: { format: "float32", precisionBits: 24, emin: -126, emax: 127, max: (2 - 2 ** -23) * 2 ** 127 },
  float16: { format: "float16", precisionBits: 11, emin: -14, emax: 15, max: 65504 },
  bfloat16: { format: "bfloat16", precisionBits: 8, emin: -126, emax: 127, max: (2 - 2 ** -7) * 2 ** 127 },
});

// 1.5 2^(e + 45) for e = -126 ... 127: adding it to x with |x| in [2^e, 2^(e+1)) rounds x to bfloat16's grid 2^(e-7) there.
const BF16_MAGIC = new Float64Array(254).map((_, i) => 1.5 * 2 ** (i - 126 + 45));
const bits = new Float64Array(1);
// the high word (sign, exponent) of a float64, whatever the byte order of the machine
const hi = new Uint32Array(bits.buffer, new Uint8Array(Float64Array.of(1).buffer)[7] === 0x3f ? 4 : 0, 1);
// 1.5 2^(e + 42) for the binary16 exponents e = -14 ... 15 (see f16round).
const MAGIC = Float64Array.from({ length: 30 }, (_, i) => 1.5 * 2 ** (i - 14 + 42));

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
  let e = ((hi[0] >>> 20) & 0x7ff) - 1023;
  if (e < -14) e = -14;
  const m = MAGIC[e + 14];
  const r = x + m - m;
  return r === 0 ? x * 0 : r;
}

/** (2 - 2^-8) 2^127: the tie between bfloat16's largest value and 2^128; ties to even go up, so it overflows. */
const BF16_OVERFLOW = (2 - 2 ** -8) * 2 ** 127;

/**
 * Rounds a float64 to the nearest bfloat16 value (ties to even, subnormals down to 2^-133, overflow to ±Infinity),
 * returned as a float64; the same one-addition method as {@link f16round}: for |x| in [2^e, 2^(e+1)) (e clamped
 * below at -126), adding M = 1.5 2^(e+45) moves x to a binade where float64's spacing is bfloat16's spacing
 * 2^(e-7), so the hardware addition rounds once, ties to even; subtracting M is exact.
 *
 * @example
 * ```ts
 * import { bf16round, assertEqual } from "nonsmooth-ad";
 * assertEqual(bf16round(1 + 2 ** -8), 1);              // a tie, to even
 * assertEqual(bf16round(1 + 3 * 2 ** -8), 1 + 2 ** -6); // a tie, to even (up)
 * assertEqual(bf16round(3e38), 226 * 2 ** 120);          // spacing 2^120 there; 3e38 = 225.7 of them
 * assertEqual(bf16round(3.4e38), Infinity);            // overflow
 * ```
 */
export function bf16round(x: number): number {
  if (!(x < BF16_OVERFLOW && x > -BF16_OVERFLOW)) return x !== x ? x : x < 0 ? -Infinity : Infinity;
  bits[0] = x;
  let e = ((hi[0] >>> 20) & 0x7ff) - 1023;
  if (e < -126) e = -126;
  const m = BF16_MAGIC[e + 126];
  const r = x + m - m;
  return r === 0 ? x * 0 : r;
}

const identity = (x: number): number => x;

/**
 * The correctly rounded conversion of a float64 to a format: identity, `Math.fround`, {@link f16round} or
 * {@link bf16round}. The one rounding lookup of the library: `rounding(precision)` is this function applied to
 * the storage format of a precision or arithmetic model.
 *
 * @example
 * ```ts
 * import { roundTo, assertEqual } from "nonsmooth-ad";
 * assertEqual(roundTo("bfloat16")(0.1), 0.10009765625);
 * ```
 */
export function roundTo(format: NumberFormat): (x: number) => number {
  switch (format) {
    case "float64":
      return identity;
    case "float32":
      return Math.fround;
    case "float16":
      return f16round;
    case "bfloat16":
      return bf16round;
    default:
      throw new RangeError(
        `roundTo: unknown format ${JSON.stringify(format)}: expected one of ${NUMBER_FORMATS.join(", ")}`,
      );
  }
}

/**
 * The spacing of the format's values at x (its unit in the last place): 2^(max(e, emin) + 1 - p) for |x| in
 * [2^e, 2^(e+1)); at 0, the smallest subnormal. The order of magnitude of the rounding of a value near x.
 *
 * @example
 * ```ts
 * import { ulpOf, assertEqual } from "nonsmooth-ad";
 * assertEqual([ulpOf(1, "float32"), ulpOf(0.75, "float16"), ulpOf(0, "float16")], [2 ** -23, 2 ** -11, 2 ** -24]);
 * ```
 */
export function ulpOf(x: number, format: NumberFormat): number {
  const f = FORMATS[format];
  if (!f)
    throw new RangeError(
      `ulpOf: unknown format ${JSON.stringify(format)}: expected one of ${NUMBER_FORMATS.join(", ")}`,
    );
  const a = Math.abs(x);
  if (!Number.isFinite(a)) return NaN;
  let e = f.emin;
  if (a >= 2 ** f.emin) {
    bits[0] = a;
    e = ((hi[0] >>> 20) & 0x7ff) - 1023;
    if (e === -1023) e = Math.floor(Math.log2(a)); // a float64 subnormal (only for float64 itself)
  }
  return 2 ** (Math.max(e, f.emin) + 1 - f.precisionBits);
}
