/**
 * Slow, independent references for the arithmetic models, in exact rational arithmetic on BigInt: a float64 is
 * m 2^q exactly; sums and products of such numbers are exact; rounding to a format follows the IEEE 754
 * definition (nearest representable value, ties to the even significand, gradual underflow, overflow when the
 * rounded magnitude reaches 2^(emax+1)). Nothing here uses hardware rounding, so the fast kernels are checked
 * against a definition, not against themselves.
 *
 * @module
 */
import { FORMATS } from "./formats";
import type { NumberFormat } from "./formats";

/** An exact dyadic number m 2^q (m a BigInt). */
export interface Dyadic {
  readonly m: bigint;
  readonly q: number;
  /** For m = 0: whether the zero is -0 (IEEE 754 keeps the sign of zero). */
  readonly negativeZero?: boolean;
}

function isNegative(a: Dyadic): boolean {
  return a.m === 0n ? a.negativeZero === true : a.m < 0n;
}

const view = new DataView(new ArrayBuffer(8));

/** The exact value of a finite float64 as m 2^q. */
export function exactOf(x: number): Dyadic {
  if (!Number.isFinite(x)) throw new RangeError(`exactOf: ${x} is not finite`);
  view.setFloat64(0, x);
  const hiWord = view.getUint32(0);
  const lo = view.getUint32(4);
  const sign = hiWord >>> 31 ? -1n : 1n;
  const be = (hiWord >>> 20) & 0x7ff;
  let m = (BigInt(hiWord & 0xfffff) << 32n) | BigInt(lo);
  if (be !== 0) m |= 1n << 52n;
  const q = (be === 0 ? 1 : be) - 1075;
  return { m: sign * m, q, negativeZero: m === 0n && sign < 0n };
}

/** a + b, exactly. */
export function exactAdd(a: Dyadic, b: Dyadic): Dyadic {
  const q = Math.min(a.q, b.q);
  const m = (a.m << BigInt(a.q - q)) + (b.m << BigInt(b.q - q));
  // an exact zero sum is -0 only when both terms are -0 (round to nearest)
  return {
    m,
    q,
    negativeZero: m === 0n && a.m === 0n && b.m === 0n && a.negativeZero === true && b.negativeZero === true,
  };
}

/** a b, exactly. */
export function exactMul(a: Dyadic, b: Dyadic): Dyadic {
  const m = a.m * b.m;
  return { m, q: a.q + b.q, negativeZero: m === 0n && isNegative(a) !== isNegative(b) };
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * Rounds an exact dyadic to a format by the IEEE 754 definition; returns a float64 (which holds every value of
 * every format exactly). The sign of an exact zero result is +0 (round to nearest).
 */
export function roundExact(x: Dyadic, format: NumberFormat): number {
  const f = FORMATS[format];
  if (x.m === 0n) return x.negativeZero ? -0 : 0;
  const neg = x.m < 0n;
  const mag = neg ? -x.m : x.m;
  // value = mag 2^q; its exponent e = bitLength(mag) - 1 + q; the grid there is 2^(max(e, emin) + 1 - p)
  const e = bitLength(mag) - 1 + x.q;
  const gridExp = Math.max(e, f.emin) + 1 - f.precisionBits;
  let k: bigint; // the rounded value is k 2^gridExp
  const shift = gridExp - x.q;
  if (shift <= 0) k = mag << BigInt(-shift);
  else {
    const s = BigInt(shift);
    k = mag >> s;
    const rest = mag - (k << s);
    const half = 1n << (s - 1n);
    if (rest > half || (rest === half && (k & 1n) === 1n)) k += 1n;
  }
  // overflow: the rounded magnitude k 2^gridExp reaches 2^(emax + 1)
  if (bitLength(k) - 1 + gridExp > f.emax) return neg ? -Infinity : Infinity;
  const v = toNumber(k, gridExp);
  return neg ? -v : v;
}

/** k 2^g as a float64, exactly (the caller guarantees representability). */
function toNumber(k: bigint, g: number): number {
  // k has at most 53 bits here; scale in two steps so that 2^g never underflows or overflows on its own
  const n = Number(k);
  const g1 = Math.trunc(g / 2);
  return n * 2 ** g1 * 2 ** (g - g1);
}

/** round_format(x) for a float64 x, by the definition (the reference of `roundTo`). */
export function roundReference(x: number, format: NumberFormat): number {
  if (typeof x !== "number") throw new TypeError(`roundReference: x must be a number, got ${JSON.stringify(x)}`);
  if (!(format in FORMATS))
    throw new RangeError(
      `roundReference: unknown format ${JSON.stringify(format)}: expected one of ${Object.keys(FORMATS).join(", ")}`,
    );
  if (Number.isNaN(x)) return NaN;
  if (!Number.isFinite(x)) return x;
  if (x === 0) return x;
  return roundExact(exactOf(x), format);
}
