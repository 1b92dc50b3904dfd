/**
 * A Lipschitz function that is not path differentiable: F(t) = |C ∩ [0, t]| for the fat (Smith-Volterra-Cantor)
 * set C ⊂ [0, 1] of measure 1/2. It shows that "Jac^c f = Jac f almost everywhere" (true for path-differentiable
 * functions, definable ones in particular: Bolte and Pauwels, Math. Program. 2021) fails for Lipschitz functions
 * in general.
 *
 * Construction: start from [0, 1]; at step k = 1, 2, ... remove from each of the 2^(k-1) remaining intervals its
 * open middle gap of length 4^-k. After n steps C_n is 2^n closed intervals of equal length
 * ℓ_n = (1/2 + 2^-(n+1)) / 2^n, of total measure 1/2 + 2^-(n+1); C = ∩ C_n has measure 1/2 and contains no interval.
 * Every endpoint is a dyadic rational, so all quantities below are exact in floating point (depth <= 20).
 *
 * Facts used (all exact, from self-similarity): each interval of C_k carries mass |C|/2^k = 2^-(k+1) of C, so the
 * difference quotient of F over it is 2^-(k+1)/ℓ_k = 1/(1 + 2^-k); over a gap it is 0. For t ∈ C the intervals of
 * C_k containing t and the gaps removed from them shrink to t, so the liminf and limsup of difference quotients
 * near t are 0 and 1: ∂^c F(t) = [0, 1] (in 1-D the Clarke set is the interval between the lower and upper limits
 * of difference quotients near t: Clarke, Optimization and Nonsmooth Analysis, 1983, Ch. 2). Yet F' = 1_C almost everywhere (Lebesgue's differentiation theorem), so along
 * γ(t) = t the element 0 of ∂^c F(t) breaks the chain rule at almost every point of C, a set of measure 1/2.
 *
 * @module
 */
import { relu, sub, sum } from "../ops";
import { tensor } from "../tensor";
import type { Value } from "../engine/trace";

/** An open gap removed by the construction, with the step that removed it. */
export interface CantorGap {
  readonly a: number;
  readonly b: number;
  /** The construction step k (its length is 4^-k). */
  readonly step: number;
}

/** One scale of the Clarke computation at a point of C (see {@link FatCantor.quotientsAt}). */
export interface CantorScale {
  readonly step: number;
  /** The interval of C_step that contains the point. */
  readonly interval: readonly [number, number];
  /** The difference quotient of the limit F over that interval: 1/(1 + 2^-step). */
  readonly intervalQuotient: number;
  /** The gap removed from that interval at step + 1 (it lies within `interval`, so as close to the point). */
  readonly gap: readonly [number, number];
  /** The difference quotient of F over the gap: 0. */
  readonly gapQuotient: number;
}

/** The fat Cantor set at a finite depth, with exact facts about the limit function F(t) = |C ∩ [0, t]|. */
export interface FatCantor {
  readonly depth: number;
  /** The 2^depth closed intervals of C_depth, left to right. */
  readonly intervals: readonly (readonly [number, number])[];
  /** The open gaps removed by steps 1..depth, left to right. */
  readonly gaps: readonly CantorGap[];
  /** |C_depth| = 1/2 + 2^-(depth+1). */
  readonly measure: number;
  /** |C| = 1/2 = 1 - (sum over all steps k of 2^(k-1) 4^-k). */
  readonly limitMeasure: number;
  /** F_depth(t) = |C_depth ∩ [0, t]|: piecewise linear (slope 1 on C_depth, 0 on the gaps), hence definable. */
  approximant(t: number): number;
  /** F_depth written with the library's ops, Σ_j relu(t - a_j) - relu(t - b_j): a program AD can differentiate. */
  readonly program: (t: Value) => Value;
  /** The exact value of the limit F at t ∈ [0, 1] when t is in a gap or an interval endpoint; else bounds [lo, hi]. */
  limitValue(t: number): [number, number];
  /**
   * The exact Clarke subdifferential of the limit F at t, when this depth decides it: [0, 0] in a gap, [0, 1] at an
   * interval endpoint (a point of C); null inside an interval of C_depth (t may lie in C or in a later gap).
   */
  limitClarke(t: number): [number, number] | null;
  /** For t ∈ C_depth: the difference quotients of the limit F over intervals and gaps shrinking to t, steps 1..depth-1. */
  quotientsAt(t: number): CantorScale[];
}

/** Length of each interval of C_k: (1/2 + 2^-(k+1)) / 2^k. */
const intervalLength = (k: number): number => (0.5 + 2 ** -(k + 1)) / 2 ** k;

/**
 * Builds the fat Cantor set C_n (n = depth construction steps) and exact facts about F(t) = |C ∩ [0, t]|.
 *
 * @example
 * ```ts
 * import { fatCantor, clarkeInterval, assertEqual } from "nonsmooth-ad";
 * const c = fatCantor(2); // [0, 5/32] [7/32, 3/8] [5/8, 25/32] [27/32, 1]
 * assertEqual(c.intervals.length, 4);
 * assertEqual(c.measure, 0.5 + 1 / 8);
 * assertEqual(c.limitClarke(0.5), [0, 0]);             // the middle gap: F is flat there
 * assertEqual(c.limitClarke(c.intervals[1][0]), [0, 1]); // a point of C: every quotient between 0 and 1 occurs nearby
 * assertEqual(clarkeInterval(c.program, 0.1).interval, [1, 1]); // the approximant F_2 is piecewise linear
 * ```
 */
export function fatCantor(depth: number): FatCantor {
  if (!(Number.isInteger(depth) && depth >= 1 && depth <= 20)) {
    throw new Error(
      `fatCantor: depth must be an integer in [1, 20] (2^depth intervals, exact dyadic endpoints), got ${depth}`,
    );
  }
  let intervals: [number, number][] = [[0, 1]];
  const gaps: CantorGap[] = [];
  for (let k = 1; k <= depth; k++) {
    const g = 4 ** -k;
    const next: [number, number][] = [];
    for (const [a, b] of intervals) {
      const m = (a + b) / 2;
      next.push([a, m - g / 2], [m + g / 2, b]);
      gaps.push({ a: m - g / 2, b: m + g / 2, step: k });
    }
    intervals = next;
  }
  gaps.sort((x, y) => x.a - y.a);
  const n = depth;
  const len = intervalLength(n);
  const mass = 2 ** -(n + 1); // |C ∩ I| for every interval I of C_n
  const A = intervals.map(([a]) => a);
  const B = intervals.map(([, b]) => b);
  const check = (fn: string, t: number): void => {
    if (!(typeof t === "number" && Number.isFinite(t)))
      throw new Error(`fatCantor.${fn}: t must be a finite number, got ${String(t)}`);
  };
  /** Index of the last interval whose left end is <= t (-1 if none). */
  const locate = (t: number): number => {
    let lo = 0;
    let hi = A.length - 1;
    if (t < A[0]) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (A[mid] <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const inUnit = (fn: string, t: number): void => {
    check(fn, t);
    if (t < 0 || t > 1) throw new Error(`fatCantor.${fn}: t must lie in [0, 1], got ${t}`);
  };
  const At = tensor(A);
  const Bt = tensor(B);
  return {
    depth,
    intervals,
    gaps,
    measure: intervals.length * len,
    limitMeasure: 0.5,
    approximant(t) {
      check("approximant", t);
      let s = 0;
      for (let j = 0; j < A.length; j++) s += Math.max(0, Math.min(t, B[j]) - A[j]);
      return s;
    },
    program: (t: Value) => sum(sub(relu(sub(t, At)), relu(sub(t, Bt)))),
    limitValue(t) {
      inUnit("limitValue", t);
      const j = locate(t);
      if (j < 0) return [0, 0];
      if (t === A[j]) return [j * mass, j * mass];
      if (t >= B[j]) return [(j + 1) * mass, (j + 1) * mass]; // the right end, or a gap after interval j
      return [j * mass, (j + 1) * mass]; // F is nondecreasing
    },
    limitClarke(t) {
      inUnit("limitClarke", t);
      const j = locate(t);
      if (j < 0 || t > B[j]) return [0, 0];
      if (t === A[j] || t === B[j]) return [0, 1];
      return null;
    },
    quotientsAt(t) {
      inUnit("quotientsAt", t);
      const j = locate(t);
      if (j < 0 || t > B[j]) throw new Error(`fatCantor.quotientsAt: ${t} lies in a gap, not in C_${depth}`);
      const out: CantorScale[] = [];
      for (let k = 1; k < depth; k++) {
        // the interval of C_k containing t: C_n's interval j descends from interval j >> (n - k) of C_k
        const i = j >> (n - k);
        const first = intervals[i << (n - k)][0];
        const last = intervals[((i + 1) << (n - k)) - 1][1];
        const m = (first + last) / 2;
        const g = 4 ** -(k + 1);
        out.push({
          step: k,
          interval: [first, last],
          intervalQuotient: 2 ** -(k + 1) / (last - first),
          gap: [m - g / 2, m + g / 2],
          gapQuotient: 0,
        });
      }
      return out;
    },
  };
}
