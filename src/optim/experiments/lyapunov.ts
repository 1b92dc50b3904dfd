/**
 * The Lyapunov (energy) identity of the conservative gradient flow, checked along a discrete path.
 *
 * For a conservative field D_f of f and an absolutely continuous solution of x'(t) ∈ -D_f(x(t)), the chain rule
 * of conservative fields (Bolte and Pauwels, Math. Program. 2021) gives d/dt f(x(t)) = <v, x'(t)> for every
 * v ∈ D_f(x(t)), hence, with v = -x'(t), the identity d/dt f(x(t)) = -|x'(t)|^2 and its integral form
 * f(x(t)) - f(x(0)) = -∫_0^t |x'(s)|^2 ds. Along the Euler path x_{k+1} = x_k - h_k v_k (velocity -v_k on a time
 * interval of length h_k) the right-hand side is -Σ_{j<k} h_j |v_j|^2. Where f is C^{1,1} with constant L along
 * the segments, each step adds at most (L/2) h_j^2 |v_j|^2 to the gap between the two sides, so the bound the
 * identity must meet is L/2 times the recorded `curvature` column.
 *
 * @module
 */
import type { IterateRow } from "../optimizers/iterative";

/** One row of {@link lyapunovBalance}: both sides of the integrated identity at the iterate x_k. */
export interface LyapunovRow {
  readonly step: number;
  /** t_k = h_0 + ... + h_{k-1}, the time of x_k on the flow's clock. */
  readonly time: number;
  /** f(x_k) - f(x_0). */
  readonly decrease: number;
  /** Σ_{j<k} h_j |v_j|^2: the integral of |x'|^2 along the Euler path. */
  readonly dissipation: number;
  /** decrease + dissipation: zero for an exact solution of the flow. */
  readonly gap: number;
  /** Σ_{j<k} h_j^2 |v_j|^2: the gap of a C^{1,1} path is at most L/2 times this. */
  readonly curvature: number;
}

/**
 * Both sides of f(x(t)) - f(x(0)) = -∫_0^t |x'(s)|^2 ds along the rows of {@link iterate} (which record f(x_k),
 * h_k and |v_k|): one row per iterate x_0, ..., x_{K-1}. With a field that is not conservative for f, the gap
 * grows at the rate of the steps rather than of their squares.
 *
 * @example
 * ```ts
 * import { iterate, conservativeFlow, lyapunovBalance, sum, square, assert } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * // f(x) = |x|^2: its gradient 2x is 2-Lipschitz, so the gap is at most (2/2) · curvature (attained: f is quadratic)
 * const rows = iterate(conservativeFlow({ f: (x: Value) => sum(square(x)), stepSize: 0.01 }), [1, -2], 100);
 * const last = lyapunovBalance(rows)[99];
 * assert(Math.abs(last.gap) <= last.curvature * (1 + 1e-12), "the identity holds up to the step");
 * ```
 */
export function lyapunovBalance(rows: readonly IterateRow[]): LyapunovRow[] {
  const where = "lyapunovBalance";
  if (!Array.isArray(rows) || rows.length === 0)
    throw new Error(`${where}: expected the non-empty rows of iterate(...)`);
  const out: LyapunovRow[] = [];
  let time = 0;
  let dissipation = 0;
  let curvature = 0;
  const f0 = rows[0].value;
  rows.forEach((r, k) => {
    for (const [name, v] of [
      ["value", r.value],
      ["stepSize", r.stepSize],
      ["directionNorm", r.directionNorm],
    ] as const) {
      if (!Number.isFinite(v))
        throw new Error(`${where}: row ${k} has ${name} = ${v}; the identity needs finite values`);
    }
    if (r.step !== rows[0].step + k)
      throw new Error(`${where}: row ${k} is step ${r.step}: the rows must be consecutive steps of one run`);
    out.push({ step: r.step, time, decrease: r.value - f0, dissipation, gap: r.value - f0 + dissipation, curvature });
    const hv2 = r.stepSize * r.directionNorm * r.directionNorm;
    time += r.stepSize;
    dissipation += hv2;
    curvature += r.stepSize * hv2;
  });
  return out;
}
