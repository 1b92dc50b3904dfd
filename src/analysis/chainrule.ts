/**
 * The chain rule along curves (talk, Part II): for a conservative field D of f and an absolutely continuous γ,
 * d/dt f(γ(t)) = ⟨v, γ'(t)⟩ for every v ∈ D(γ(t)), for almost every t. The check compares finite differences of
 * t -> f(γ(t)) (where they show it smooth) with the pairing, and reports where they differ: a null set for a
 * conservative field (e.g. the single point where AD meets an artificial derivative).
 *
 * @module
 */
import { evaluate } from "../engine/transforms";
import { checkFieldValue, selectElement } from "./fields";
import type { Selection, SetValuedField } from "./fields";
import type { Curve } from "./loops";
import { dot } from "./geometry";
import type { Program } from "./record";

/** Options of {@link chainRuleCheck}. */
export interface ChainRuleOptions {
  /** Number of equally spaced parameters t in [0, 1], ends included. Default 101. */
  readonly points?: number;
  /** Finite-difference step in t. Default 1e-6. */
  readonly h?: number;
  /** Relative tolerance of the comparisons. Default 1e-5. */
  readonly tolerance?: number;
  /** Which element of D(γ(t)) to pair with γ'(t). Default "policy". */
  readonly selection?: Selection;
  readonly seed?: number;
  /** For curves in R: call f with a scalar. Default true in 1-D. */
  readonly scalarInput?: boolean;
}

/** One sampled parameter of {@link chainRuleCheck}. */
export interface ChainRuleSample {
  readonly t: number;
  /** ⟨v, γ'(t)⟩. */
  readonly pairing: number;
  /** Backward and forward difference quotients of f∘γ (null outside [0, 1]). */
  readonly left: number | null;
  readonly right: number | null;
  /** "smooth" when both quotients agree (then compared with the central difference), "kink" when they do not, "end" at t = 0 or 1. */
  readonly status: "smooth" | "kink" | "end";
  /** For smooth samples: the pairing differs from d/dt f(γ(t)). */
  readonly differs: boolean;
}

/** The result of {@link chainRuleCheck}. */
export interface ChainRuleReport {
  readonly samples: ChainRuleSample[];
  /** The t where f∘γ is smooth and the pairing differs from its derivative. */
  readonly mismatches: number[];
  /** The t where f∘γ has a kink (left and right quotients differ). */
  readonly kinks: number[];
  /** The largest |pairing - derivative| over the smooth samples that agree (the finite differences' accuracy). */
  readonly maxAgreeingDiscrepancy: number;
}

/**
 * Compares d/dt f(γ(t)) (finite differences, where f∘γ is smooth) with ⟨v, γ'(t)⟩ for v selected in D(γ(t)),
 * at equally spaced t; reports where they differ.
 *
 * @example
 * ```ts
 * import { chainRuleCheck, adField, paths, relu, neg, add, sub, assertEqual } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * const zero = (t: Value) => sub(add(relu(neg(t)), t), relu(t));
 * const f = (t: Value) => sub(t, zero(t)); // the identity
 * const r = chainRuleCheck(f, adField(f), paths.segment([-1], [1]), { points: 5 });
 * assertEqual(r.mismatches, [0.5]); // only at γ(0.5) = 0, where AD says f'(0) = 0
 * ```
 */
export function chainRuleCheck(
  f: Program,
  field: SetValuedField,
  curve: Curve,
  options: ChainRuleOptions = {},
): ChainRuleReport {
  const fn = "chainRuleCheck";
  if (typeof f !== "function" || typeof field !== "function")
    throw new Error(`${fn}: expected a program f and a field`);
  if (!curve || typeof curve.point !== "function")
    throw new Error(`${fn}: the third argument must be a curve (see paths, loops)`);
  const m = options.points ?? 101;
  const h = options.h ?? 1e-6;
  const tol = options.tolerance ?? 1e-5;
  if (!(Number.isInteger(m) && m >= 2)) throw new Error(`${fn}: points must be an integer >= 2, got ${m}`);
  if (!(h > 0 && h < 0.5)) throw new Error(`${fn}: h must be in (0, 0.5), got ${h}`);
  const scalar = options.scalarInput ?? curve.dimension === 1;
  const phi = (t: number): number => {
    const x = curve.point(t);
    const v = evaluate(f, scalar ? x[0] : x).value;
    if (v.size !== 1) throw new Error(`${fn}: f must return a scalar`);
    return v.data[0];
  };
  const samples: ChainRuleSample[] = [];
  const mismatches: number[] = [];
  const kinks: number[] = [];
  let maxAgree = 0;
  for (let k = 0; k < m; k++) {
    const t = k === m - 1 ? 1 : k / (m - 1);
    const x = curve.point(t);
    const d = curve.velocity(t);
    const v = checkFieldValue(fn, field(x), curve.dimension, x);
    const pairing = dot(selectElement(v, d, options.selection ?? "policy", options.seed ?? 0, t), d);
    const p0 = phi(t);
    const left = t - h >= 0 ? (p0 - phi(t - h)) / h : null;
    const right = t + h <= 1 ? (phi(t + h) - p0) / h : null;
    let status: ChainRuleSample["status"];
    let differs = false;
    if (left === null || right === null) status = "end";
    else {
      const central = (left + right) / 2;
      const scale = 1 + Math.abs(central);
      if (Math.abs(left - right) <= tol * scale) {
        status = "smooth";
        const gap = Math.abs(pairing - central);
        differs = gap > tol * scale;
        if (differs) mismatches.push(t);
        else maxAgree = Math.max(maxAgree, gap);
      } else {
        status = "kink";
        kinks.push(t);
      }
    }
    samples.push({ t, pairing, left, right, status, differs });
  }
  return { samples, mismatches, kinks, maxAgreeingDiscrepancy: maxAgree };
}
