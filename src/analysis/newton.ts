/**
 * The nonsmooth (semismooth) Newton method for F(x) = 0 with a chosen generalized Jacobian: x+ = x - J^-1 F(x).
 * With an element of Clarke's generalized Jacobian at every step (the lexicographic one, or the directionally
 * active Jacobian of the piecewise-linear model) and every such element invertible at a solution of a
 * semismooth F, it converges locally quadratically (Qi and Sun 1993; Khan and Barton 2015 for lexicographic
 * Jacobians; Griewank 2013 for the piecewise-linear model). A Jacobian from AD under a kink policy is only a
 * conservative one: at a kink it may be a convex combination that is singular, or not a Clarke element at all.
 *
 * @module
 */
import { solve } from "./geometry";
import { checkJacobianChoice, generalizedJacobian, jacobianLabel } from "./generalized-jacobian";
import type { JacobianChoice } from "./generalized-jacobian";
import type { Program } from "./record";
import { finiteArray, integer, positive } from "../validate";

/** Options of {@link nonsmoothNewton}. */
export interface NewtonOptions {
  /** The generalized Jacobian used at each step (default "lexicographic"). */
  readonly jacobian?: JacobianChoice;
  /** Stop when max_i |F_i(x)| <= tol (default 1e-12). */
  readonly tol?: number;
  /** At most this many steps (default 50). */
  readonly maxIterations?: number;
  /** A known solution: the result then carries the errors max_i |x_i - x*_i| of the iterates. */
  readonly solution?: readonly number[];
}

/** What Newton's method did. */
export interface NewtonResult {
  /** The last iterate. */
  readonly x: number[];
  /** Whether the residual fell below tol. */
  readonly converged: boolean;
  /** Steps taken. */
  readonly iterations: number;
  /** x_0, x_1, ..., the last iterate. */
  readonly iterates: number[][];
  /** max_i |F_i(x_k)| at each iterate. */
  readonly residuals: number[];
  /** max_i |x_k,i - x*_i| at each iterate, when a solution was given. */
  readonly errors?: number[];
  /** The generalized Jacobian used at each step. */
  readonly jacobians: number[][][];
}

const fmt = (v: readonly number[]): string => `[${v.map((t) => +t.toPrecision(6)).join(", ")}]`;

/**
 * Solves F(x) = 0 (F: R^n -> R^n, written with the library's ops, receiving a 1-D input) by the nonsmooth Newton
 * method with the chosen generalized Jacobian. A singular Jacobian stops it with an error saying where.
 *
 * @example
 * ```ts
 * import { nonsmoothNewton, minimum, sub, mul, at, assert } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * // the complementarity problem x >= 0, G(x) = x^2 - 2 >= 0, x G(x) = 0, as min(x, G(x)) = 0
 * const F = (v: Value) => minimum(at(v, 0), sub(mul(at(v, 0), at(v, 0)), 2));
 * const r = nonsmoothNewton(F, [1.5], { solution: [Math.SQRT2] });
 * assert(r.converged && Math.abs(r.x[0] - Math.SQRT2) < 1e-15);
 * ```
 */
export function nonsmoothNewton(F: Program, x0: readonly number[], options: NewtonOptions = {}): NewtonResult {
  const fn = "nonsmoothNewton";
  if (typeof F !== "function")
    throw new Error(`${fn}: the first argument must be the function F (a program written with the library's ops)`);
  let x = finiteArray(fn, "x0", x0);
  const choice = checkJacobianChoice(fn, options.jacobian ?? "lexicographic");
  const tol = options.tol === undefined ? 1e-12 : positive(fn, "tol", options.tol);
  const maxIt = options.maxIterations === undefined ? 50 : integer(fn, "maxIterations", options.maxIterations, 0);
  const sol = options.solution === undefined ? undefined : finiteArray(fn, "solution", options.solution);
  if (sol && sol.length !== x.length)
    throw new Error(`${fn}: dimension mismatch: solution has ${sol.length} entries, x0 has ${x.length}`);
  const iterates: number[][] = [];
  const residuals: number[] = [];
  const jacobians: number[][][] = [];
  let converged = false;
  let k = 0;
  for (;;) {
    const { value, jacobian } = generalizedJacobian(fn, F, x, choice);
    if (value.length !== x.length)
      throw new Error(`${fn}: F must map R^n to R^n: x has ${x.length} entries, F(x) has ${value.length}`);
    if (!value.every(Number.isFinite))
      throw new Error(`${fn}: F(x) is not finite at iteration ${k} (x = ${fmt(x)}, F(x) = ${fmt(value)})`);
    iterates.push(x);
    const res = Math.max(...value.map(Math.abs));
    residuals.push(res);
    if (res <= tol) {
      converged = true;
      break;
    }
    if (k >= maxIt) break;
    if (!jacobian.every((r) => r.every(Number.isFinite))) {
      throw new Error(
        `${fn}: the ${jacobianLabel(choice)} Jacobian is not finite at iteration ${k} (x = ${fmt(x)}): F is not locally Lipschitz there`,
      );
    }
    const step = solve(
      jacobian,
      value.map((v) => -v),
    );
    if (step === null) {
      throw new Error(
        `${fn}: the ${jacobianLabel(choice)} Jacobian is singular at iteration ${k} (x = ${fmt(x)}, J = [${jacobian.map(fmt).join(", ")}]): the Newton step is undefined; at a kink, a lexicographic Jacobian picks one branch instead of an average`,
      );
    }
    jacobians.push(jacobian);
    x = x.map((v, i) => v + step[i]);
    k++;
  }
  const errors = sol && iterates.map((it) => Math.max(...it.map((v, i) => Math.abs(v - sol[i]))));
  return { x, converged, iterations: k, iterates, residuals, jacobians, ...(errors ? { errors } : {}) };
}
