/**
 * Implicit differentiation with conservative Jacobians (Bolte, Le, Pauwels and Vaiter, "Nonsmooth implicit
 * differentiation for machine learning and optimization", NeurIPS 2021). Let x*(θ) solve F(x, θ) = 0 with F
 * path differentiable (programs of this library's primitives are). If every [A B] in a conservative Jacobian of F
 * at (x*, θ) has A invertible, then θ ↦ x*(θ) has the conservative Jacobian {-A^-1 B : [A B] in it} (their
 * Theorem 1): one linear solve with one element gives a conservative Jacobian of the solution map, in place of
 * differentiating through every iteration of the solver.
 *
 * The condition is about every element. Here it is checked on the element used (a singular A is an error) and
 * refuted when two elements of Clarke's Jacobian have A-blocks whose determinants have opposite signs (then a
 * convex combination of them, also in the Clarke Jacobian, is singular): the elements are the directionally
 * active Jacobians of the piecewise-linear model along ±e_i (Griewank 2013).
 *
 * @module
 */
import { slice } from "../ops";
import type { Value } from "../engine/trace";
import { solve } from "./geometry";
import { checkJacobianChoice, generalizedJacobian, jacobianLabel } from "./generalized-jacobian";
import type { JacobianChoice } from "./generalized-jacobian";
import { activeJacobian, piecewiseLinearization } from "./piecewise-linear";
import { finiteArray, positive } from "../validate";

/** An equation F(x, θ) = 0 in x, with a parameter θ: both 1-D values, F returns n entries. */
export type ParametricEquation = (x: Value, theta: Value) => Value;

/** Options of {@link implicitJacobian}. */
export interface ImplicitOptions {
  /** The generalized Jacobian of F used (default "lexicographic"). */
  readonly jacobian?: JacobianChoice;
  /** x must solve the equation to this accuracy: max_i |F_i(x, θ)| <= tol (default 1e-8). */
  readonly tol?: number;
}

/** The derivative of a solution map. */
export interface ImplicitJacobian {
  /** The derivative of x* with respect to θ, -A^-1 B (n × p). */
  readonly jacobian: number[][];
  /** A: the x-block of the generalized Jacobian of F used (n × n). */
  readonly A: number[][];
  /** B: its θ-block (n × p). */
  readonly B: number[][];
  /** max_i |F_i(x, θ)|. */
  readonly residual: number;
  /** det A of the Clarke elements the invertibility condition was checked on (all of one sign). */
  readonly determinants: number[];
}

const fmt = (v: readonly number[]): string => `[${v.map((t) => +t.toPrecision(6)).join(", ")}]`;

/** Determinant by Gaussian elimination with partial pivoting. */
function det(A: readonly (readonly number[])[]): number {
  const M = A.map((r) => [...r]);
  const n = M.length;
  let d = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    if (M[p][c] === 0) return 0;
    if (p !== c) {
      [M[c], M[p]] = [M[p], M[c]];
      d = -d;
    }
    d *= M[c][c];
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c];
      for (let k = c; k < n; k++) M[r][k] -= f * M[c][k];
    }
  }
  return d;
}

/**
 * The conservative Jacobian of the solution map θ ↦ x*(θ) at (x, θ), where F(x, θ) = 0, by implicit
 * differentiation (Bolte, Le, Pauwels and Vaiter 2021): -A^-1 B for [A B] the chosen generalized Jacobian of F.
 * Errors when x does not solve the equation, when A is singular, or when the invertibility condition fails on
 * Clarke's Jacobian.
 *
 * @example
 * ```ts
 * import { implicitJacobian, sub, softshrink, assertEqual } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * // x = softshrink(θ, 1) is the fixed point of x = softshrink(x - (x - θ), 1): F(x, θ) = x - softshrink(θ, 1)
 * const F = (x: Value, th: Value) => sub(x, softshrink(th, 1));
 * assertEqual(implicitJacobian(F, [2], [3]).jacobian, [[1]]);   // |θ| > 1: dx*(θ) = 1
 * assertEqual(implicitJacobian(F, [0], [0.5]).jacobian, [[0]]); // |θ| < 1: x* = 0
 * ```
 */
export function implicitJacobian(
  F: ParametricEquation,
  x: readonly number[],
  theta: readonly number[],
  options: ImplicitOptions = {},
): ImplicitJacobian {
  const fn = "implicitJacobian";
  if (typeof F !== "function")
    throw new Error(
      `${fn}: the first argument must be the equation F(x, theta) (a program written with the library's ops)`,
    );
  const xs = finiteArray(fn, "x", x);
  const th = finiteArray(fn, "theta", theta);
  const choice = checkJacobianChoice(fn, options.jacobian ?? "lexicographic");
  const tol = options.tol === undefined ? 1e-8 : positive(fn, "tol", options.tol);
  const n = xs.length;
  const p = th.length;
  const joint = (v: Value): Value => F(slice(v, [0], [n]), slice(v, [n], [p]));
  const point = [...xs, ...th];
  const { value, jacobian } = generalizedJacobian(fn, joint, point, choice);
  if (value.length !== n)
    throw new Error(`${fn}: F(x, theta) must have one entry per entry of x (${n}), got ${value.length}`);
  const residual = Math.max(...value.map(Math.abs));
  if (!(residual <= tol))
    throw new Error(`${fn}: x does not solve F(x, theta) = 0: max |F| = ${residual} > tol = ${tol}`);
  const A = jacobian.map((r) => r.slice(0, n));
  const B = jacobian.map((r) => r.slice(n));
  const cond = (d: number): string =>
    `the invertibility condition of the implicit function theorem (Bolte, Le, Pauwels and Vaiter 2021) fails: ${d === 0 ? "" : "a convex combination of "}`;
  const dA = det(A);
  if (dA === 0 || solve(A, new Array<number>(n).fill(0)) === null) {
    throw new Error(
      `${fn}: ${cond(0)}the x-block A = [${A.map(fmt).join(", ")}] of the ${jacobianLabel(choice)} Jacobian of F is singular at x = ${fmt(xs)}, theta = ${fmt(th)}: the solution map may be non-unique or not Lipschitz there`,
    );
  }
  // refute the condition on Clarke's Jacobian: directionally active Jacobians along ±e_i of the joint input
  const form = piecewiseLinearization(joint, point).absNormal;
  const determinants = [dA];
  if (form.s > 0) {
    for (let i = 0; i < n + p; i++) {
      for (const sgn of [1, -1]) {
        const d = point.map((_, j) => (j === i ? sgn : 0));
        const Aj = activeJacobian(form, d).jacobian.map((r) => r.slice(0, n));
        const dj = det(Aj);
        determinants.push(dj);
        if (dj === 0 || Math.sign(dj) !== Math.sign(dA)) {
          throw new Error(
            `${fn}: ${cond(1)}x-blocks of the Clarke Jacobian of F is singular at x = ${fmt(xs)}, theta = ${fmt(th)}: det A = ${dA} for the element used and ${dj} along ${sgn > 0 ? "+" : "-"}e_${i}`,
          );
        }
      }
    }
  }
  const cols = Array.from(
    { length: p },
    (_, c) =>
      solve(
        A,
        B.map((r) => -r[c]),
      )!,
  );
  const jac = Array.from({ length: n }, (_, r) => cols.map((col) => col[r] + 0));
  return { jacobian: jac, A, B, residual, determinants };
}
