/**
 * Where the step condition g_k = o(1/log k) of the mini-batch SGD theorem (Bolte and Pauwels, Math. Program.
 * 2021) comes from: stochastic approximation (M. Benaïm, "Dynamics of stochastic approximation algorithms",
 * Séminaire de Probabilités XXXIII, 1999; Benaïm, Hofbauer and Sorin, SIAM J. Control Optim. 2005). With
 * sub-Gaussian noise (bounded mini-batch noise is), the interpolated iterates shadow the differential inclusion
 * when Σ_k exp(-c / g_k) < ∞ for every c > 0. If g_k = o(1/log k) then c / g_k >= 2 log k for k large, so the
 * terms are at most k^-2; for g_k = a / log k they are k^(-c/a), and the series diverges for c <= a.
 *
 * @module
 */
import { toSchedule } from "./schedules";
import type { StepSize } from "./schedules";
import { integer, positive } from "../validate";

/**
 * The partial sum Σ_{k<terms} exp(-c / g_k) of the noise condition of stochastic approximation (finite for every
 * c > 0 when g_k = o(1/log k)). Partial sums at growing `terms` show whether it converges.
 *
 * @example
 * ```ts
 * import { benaimSeries, schedules, assert } from "nonsmooth-ad";
 * const sqrt = schedules.polynomial(0.3, 0.5), log = schedules.logarithmic(0.3);
 * assert(benaimSeries(sqrt, 0.3, 1e5) - benaimSeries(sqrt, 0.3, 1e3) < 1e-10, "converges");
 * assert(benaimSeries(log, 0.3, 1e5) - benaimSeries(log, 0.3, 1e3) > 4, "grows like log K: diverges");
 * ```
 */
export function benaimSeries(schedule: StepSize, c: number, terms: number): number {
  const where = "benaimSeries";
  const g = toSchedule(where, schedule);
  positive(where, "c", c);
  const n = integer(where, "terms", terms, 1);
  let s = 0;
  for (let k = 0; k < n; k++) s += Math.exp(-c / g(k));
  return s;
}
