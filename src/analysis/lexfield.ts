/**
 * A certified inner approximation of the Clarke subdifferential: the convex hull of lexicographic derivatives
 * (Khan and Barton 2015) taken along every signed permutation of the coordinate directions. Each element is a
 * lexicographic subgradient, which lies in ∂^c f(x) for compositions of smooth functions with abs, max, min, relu
 * and their kin; sampled estimates (clarkeSubdifferential) use gradients at nearby points instead, which can miss
 * part of the set and, near a kink, slightly overshoot it.
 *
 * @module
 */
import { lexicographicGradient } from "./lexicographic";
import { checkPoint, extremePoints } from "./geometry";
import type { SetValuedField } from "./fields";
import type { Program } from "./record";

/** Options of {@link lexicographicField}. */
export interface LexicographicFieldOptions {
  /**
   * More direction matrices (each a list of n linearly independent directions, the columns of M) to add to the
   * signed permutations of the coordinate directions.
   */
  readonly extraDirections?: readonly (readonly (readonly number[])[])[];
}

/** All permutations of 0..n-1. */
function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) =>
    Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]),
  );
}

/** The 2^n n! direction matrices whose columns are ±e_{π(1)}, ..., ±e_{π(n)}. */
export function signedPermutationDirections(n: number): number[][][] {
  if (!(Number.isInteger(n) && n >= 1 && n <= 4))
    throw new Error(`signedPermutationDirections: n must be an integer in [1, 4] (2^n n! matrices), got ${n}`);
  const out: number[][][] = [];
  for (const p of permutations(n))
    for (let s = 0; s < 1 << n; s++)
      out.push(p.map((axis, j) => Array.from({ length: n }, (_, i) => (i === axis ? ((s >> j) & 1 ? -1 : 1) : 0))));
  return out;
}

/**
 * The field x -> conv{ lexicographic derivatives of f at x along every signed permutation of the coordinate
 * directions (and `extraDirections`) }. Every generator is an element of ∂^c f(x) (a lexicographic subgradient),
 * so the hull is inside ∂^c f(x): an inner approximation that cannot overshoot, with no sampling radius. It is all
 * of ∂^c f(x) when, near x, f is made of smooth pieces and each piece active at x is the one entered along some
 * signed coordinate ordering (the lexicographic derivative is then that piece's gradient): true when the kink
 * hyperplanes through x are coordinate hyperplanes, or in the plane when each sector between kink lines through x
 * touches an axis. Points of dimension 1 to 4; programs of the ops that have lexicographic rules.
 *
 * @example
 * ```ts
 * import { lexicographicField, abs, at, add, minimum, assertEqual } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * const l1 = (v: Value) => add(abs(at(v, 0)), abs(at(v, 1)));
 * assertEqual(lexicographicField(l1)([0, 0]).generators, [[-1, -1], [1, -1], [1, 1], [-1, 1]]); // the square
 * assertEqual(lexicographicField(l1)([0, 0.5]).generators, [[-1, 1], [1, 1]]); // a segment on the kink line
 * assertEqual(lexicographicField(l1)([0.5, 0.5]).generators, [[1, 1]]); // the gradient at a smooth point
 * ```
 */
export function lexicographicField(f: Program, options: LexicographicFieldOptions = {}): SetValuedField {
  const fn = "lexicographicField";
  if (typeof f !== "function")
    throw new Error(`${fn}: the first argument must be a program (a function written with the library's ops)`);
  const cache = new Map<number, number[][][]>();
  return (x) => {
    const p = checkPoint(fn, x as number[]);
    const n = p.length;
    if (!cache.has(n)) {
      const extra = options.extraDirections ?? [];
      extra.forEach((M, i) => {
        if (
          !Array.isArray(M) ||
          M.length !== n ||
          !M.every((d) => Array.isArray(d) && d.length === n && d.every(Number.isFinite))
        ) {
          throw new Error(`${fn}: extraDirections[${i}] must be ${n} directions of ${n} finite numbers each`);
        }
      });
      cache.set(n, [...signedPermutationDirections(n), ...extra.map((M) => M.map((d) => [...d]))]);
    }
    const elements = cache.get(n)!.map((M) => lexicographicGradient(f, p, { directions: M }).map((v) => v + 0));
    const generators = extremePoints(elements);
    return { generators, value: elements[0] };
  };
}
