/**
 * One generalized Jacobian of a map F: R^n -> R^m, chosen by name: the lexicographic one (Khan and Barton 2015),
 * the directionally active Jacobian of the piecewise-linear model (Griewank 2013), or what AD returns under a
 * kink policy (a conservative Jacobian, Bolte and Pauwels 2020; outside Clarke's set for some programs). The
 * nonsmooth Newton method and implicit differentiation take this choice.
 *
 * @module
 */
import { jacobian } from "../engine/transforms";
import { Tensor } from "../tensor";
import { Tracer } from "../engine/trace";
import type { KinkPolicy } from "../policy";
import { lexicographicJacobian } from "./lexicographic";
import { activeJacobian, piecewiseLinearization } from "./piecewise-linear";
import { inputTensor, recordProgram } from "./record";
import type { Program } from "./record";

/**
 * Which generalized Jacobian: `"lexicographic"` (an element of Clarke's generalized Jacobian, however the program
 * is written), `"piecewise-linear"` (the directionally active Jacobian of the abs-normal form along e_1, ..., e_n),
 * or `{ policy }` (reverse-mode AD under that kink policy, e.g. `policies.pytorch`).
 */
export type JacobianChoice = "lexicographic" | "piecewise-linear" | { readonly policy: KinkPolicy };

/** Names a choice in messages. */
export function jacobianLabel(choice: JacobianChoice): string {
  return typeof choice === "string" ? choice : `AD (${choice.policy.name})`;
}

/** Checks a choice (bad input gets a clear error). */
export function checkJacobianChoice(fn: string, choice: unknown): JacobianChoice {
  if (choice === "lexicographic" || choice === "piecewise-linear") return choice;
  if (
    choice !== null &&
    typeof choice === "object" &&
    "policy" in choice &&
    typeof (choice as { policy: unknown }).policy === "object"
  )
    return choice as JacobianChoice;
  throw new Error(
    `${fn}: jacobian must be "lexicographic", "piecewise-linear" or { policy }, got ${JSON.stringify(choice)}`,
  );
}

/** The value F(x) (flattened) and one generalized Jacobian (m × n) of F at x. */
export function generalizedJacobian(
  fn: string,
  F: Program,
  x: readonly number[],
  choice: JacobianChoice,
): { value: number[]; jacobian: number[][] } {
  if (choice === "lexicographic") {
    const r = lexicographicJacobian(F, x);
    return { value: r.value, jacobian: r.jacobian };
  }
  if (choice === "piecewise-linear") {
    const pl = piecewiseLinearization(F, x);
    return { value: pl.value, jacobian: activeJacobian(pl.absNormal).jacobian };
  }
  const rec = recordProgram(fn, F, inputTensor(fn, x));
  const out =
    rec.output instanceof Tracer
      ? rec.output.value
      : rec.output instanceof Tensor
        ? rec.output
        : new Tensor(Float64Array.of(rec.output), []);
  const value = Array.from(out.data);
  const n = x.length;
  const J = jacobian(F, x, { policy: choice.policy }).data;
  return { value, jacobian: value.map((_, i) => Array.from({ length: n }, (_, j) => J[i * n + j] + 0)) };
}
