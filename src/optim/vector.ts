/**
 * Flat parameter vectors. Every optimizer of the library works on one flat vector of numbers: it accepts a
 * `Float64Array` or a `number[]` and always returns new `Float64Array`s (inputs are never mutated).
 *
 * @module
 */
import { Tensor } from "../tensor";

/** A flat parameter vector (or a gradient): a Float64Array or an array of numbers. Outputs are Float64Arrays. */
export type Params = Float64Array | readonly number[];

/** Copies a flat vector into a new Float64Array, checking that it holds finite numbers. */
export function toVector(where: string, v: Params | Tensor, what = "parameter vector"): Float64Array {
  let out: Float64Array;
  if (v instanceof Float64Array) out = Float64Array.from(v);
  else if (v instanceof Tensor) out = Float64Array.from(v.data);
  else if (Array.isArray(v)) out = Float64Array.from(v as number[]);
  else throw new Error(`${where}: the ${what} must be a Float64Array or an array of numbers`);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i]))
      throw new Error(`${where}: the ${what} has a non-finite value ${out[i]} at index ${i}`);
  }
  return out;
}

/** Checks that a gradient has the parameters' length and finite entries, and copies it. */
export function gradVector(where: string, g: Params, n: number): Float64Array {
  const out = toVector(where, g, "gradient");
  if (out.length !== n)
    throw new Error(`${where}: the gradient has ${out.length} entries but the parameters have ${n}`);
  return out;
}

/**
 * The Euclidean norm of a vector: finite whenever the norm is, and not 0 for a nonzero vector (when the sum of
 * squares overflows or may have underflowed, the squares are summed again, scaled by the largest entry), Infinity
 * for an infinite entry, NaN for a NaN entry.
 */
export function norm2(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  if (s !== Infinity && !(s < 1e-280)) return Math.sqrt(s); // NaN returns here too
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  if (m === Infinity || m === 0) return m;
  let t = 0;
  for (let i = 0; i < v.length; i++) {
    const q = v[i] / m;
    t += q * q;
  }
  return m * Math.sqrt(t);
}

/** a + s b, as a new vector. */
export function axpy(a: ArrayLike<number>, s: number, b: ArrayLike<number>): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] + s * b[i];
  return out;
}
