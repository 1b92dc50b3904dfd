/**
 * A small seeded random number generator (mulberry32 for the stream, splitmix-style hashing for keyed draws).
 * Every random choice in the library takes an explicit seed, so every experiment is reproducible.
 *
 * @module
 */
import { integer, seed as checkSeed } from "./validate";

/**
 * A seeded stream of uniform numbers in [0, 1), with helpers for the distributions the library uses.
 *
 * @example
 * ```ts
 * import { Rng, assert, assertEqual } from "nonsmooth-ad";
 * const a = new Rng(42), b = new Rng(42);
 * assertEqual([a.next(), a.int(10), a.normal()], [b.next(), b.int(10), b.normal()]); // the same seed, the same stream
 * const s = new Rng(1).sample(10, 4);
 * assert(new Set(s).size === 4 && s.every((i) => Number.isInteger(i) && i >= 0 && i < 10), "4 distinct indices in 0..9");
 * ```
 */
export class Rng {
  private state: number;

  /**
   * @param seed an integer in [-(2^53 - 1), 2^53 - 1]; the same seed gives the same stream, and different seeds
   * different streams (all the seed's bits are hashed; fractions and NaN are refused, not truncated).
   */
  constructor(seed: number) {
    checkSeed("Rng", "seed", seed);
    this.state = hash32(Math.trunc(seed) >>> 0, Math.floor(Math.trunc(seed) / 2 ** 32) >>> 0) || 0x9e3779b9;
  }

  /** A uniform number in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A uniform number in [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.next();
  }

  /** A standard normal draw (Box-Muller). */
  normal(): number {
    let u = this.next();
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** A uniform integer in {0, ..., n - 1}. */
  int(n: number): number {
    integer("Rng.int", "n", n, 1);
    return Math.floor(this.next() * n);
  }

  /** `k` distinct indices drawn uniformly from {0, ..., n - 1} (partial Fisher-Yates). */
  sample(n: number, k: number): number[] {
    if (!(Number.isInteger(k) && k >= 0 && k <= n)) {
      throw new Error(`Rng.sample: cannot draw ${k} distinct indices from ${n}`);
    }
    const idx = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < k; i++) {
      const j = i + this.int(n - i);
      const t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    return idx.slice(0, k);
  }

  /** A new independent generator derived from this one (for splitting work). */
  fork(): Rng {
    return new Rng(Math.floor(this.next() * 2 ** 32));
  }
}

/** Mixes two 32-bit integers into one (a murmur3-style finaliser). */
export function hash32(a: number, b: number): number {
  let h = Math.imul(a ^ 0x85ebca6b, 0xcc9e2d51) ^ b;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Hashes a seed (an integer in [-(2^53 - 1), 2^53 - 1]) with a salt into 32 bits, on all its bits: the low word
 * first, then the high word when it is not 0, so seeds in [0, 2^32) hash as they always did and seeds that agree
 * modulo 2^32 do not alias. @internal
 */
export function hashSeed(seed: number, salt: number): number {
  const h = hash32(seed >>> 0, salt);
  const hi = Math.floor(seed / 2 ** 32) >>> 0;
  return hi === 0 ? h : hash32(h, hi);
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/**
 * A uniform number in [0, 1) that depends only on its keys (a seed, a place in a program, an element index, a
 * value): the same keys always give the same number. The random kink policy uses it so that forward and reverse
 * mode, which evaluate the same kink, draw the same element.
 *
 * @example
 * ```ts
 * import { keyedUniform, assert, assertEqual } from "nonsmooth-ad";
 * const u = keyedUniform(7, 3, 0, 0.5);
 * assert(u >= 0 && u < 1, "in [0, 1)");
 * assertEqual(keyedUniform(7, 3, 0, 0.5), u); // the same keys, the same number
 * ```
 */
export function keyedUniform(seed: number, ...keys: number[]): number {
  if (!Number.isSafeInteger(seed)) checkSeed("keyedUniform", "seed", seed);
  let h = hashSeed(seed, 0x27d4eb2f);
  for (const k of keys) {
    f64[0] = k;
    h = hash32(h, u32[0]);
    h = hash32(h, u32[1]);
  }
  return h / 4294967296;
}
