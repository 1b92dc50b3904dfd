/**
 * The projection formula of conservative fields (Bolte and Pauwels 2021, Math. Program. 188, the variational
 * stratification of conservative fields of definable functions): there is a stratification of R^n into smooth
 * manifolds such that for x in a stratum M, every v ∈ D(x) has the same tangential part, the derivative of f
 * along M: Proj_{T_x M} v = ∇_M f(x). This is what makes D satisfy the chain rule along curves, hence zero
 * circulation. The check below tests it along a curve that lies in a candidate stratum of dimension 1 (a piece of
 * a kink line, say).
 *
 * @module
 */
import { directionalDerivative } from "./lexicographic";
import { checkFieldValue } from "./fields";
import type { SetValuedField } from "./fields";
import type { Curve } from "./loops";
import { dot, norm2 } from "./geometry";
import type { Program } from "./record";

/** Options of {@link projectionFormulaCheck}. */
export interface ProjectionFormulaOptions {
  /** Number of parameters t = (i + 1/2) / points in (0, 1) where the formula is tested. Default 9. */
  readonly points?: number;
  /** Largest |⟨v, u⟩ - f'(x; u)| accepted, for a unit tangent u. Default 1e-10. */
  readonly tolerance?: number;
}

/** One tested point of {@link projectionFormulaCheck}. */
export interface ProjectionSample {
  readonly t: number;
  readonly x: number[];
  /** The unit tangent u = γ'(t) / |γ'(t)|. */
  readonly tangent: number[];
  /**
   * The derivative of f along the stratum, f'(x; u) = -f'(x; -u) (exact one-sided directional derivatives);
   * null when they differ: there f restricted to the curve has a kink, x lies on a smaller stratum, and it is skipped.
   */
  readonly derivative: number | null;
  /** ⟨v, u⟩ for each generator v of D(x). */
  readonly tangential: number[];
  /** v - ⟨v, u⟩ u for each generator. */
  readonly normal: number[][];
}

/** The result of {@link projectionFormulaCheck}. */
export interface ProjectionFormulaReport {
  readonly samples: ProjectionSample[];
  /** The t skipped because f has a kink along the curve there. */
  readonly skipped: number[];
  /** max over tested points and generators of |⟨v, u⟩ - f'(x; u)|. */
  readonly maxTangentialError: number;
  /** max over tested points of the spread (max - min) of the tangential parts of the generators. */
  readonly maxTangentialSpread: number;
  /** max over tested points of the largest distance between the normal parts of two generators. */
  readonly maxNormalSpread: number;
  /** maxTangentialError <= tolerance (and at least one point tested). */
  readonly holds: boolean;
}

/**
 * Tests the projection formula of a field D for f along a curve lying in a stratum of dimension 1: at interior
 * points x = γ(t), every generator v of D(x) must have ⟨v, u⟩ = f'(x; u), the derivative of f along the curve
 * (u the unit tangent), computed independently of D by exact one-sided directional derivatives (lexicographic
 * forward mode). Points where f has a kink along the curve (one-sided derivatives differ) are skipped. Also
 * reports how much the normal parts differ (they may: only the tangential part is pinned down).
 *
 * @example
 * ```ts
 * import { projectionFormulaCheck, allChoicesField, fieldFromFormula, paths, abs, at, add, assert } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * const l1 = (v: Value) => add(abs(at(v, 0)), abs(at(v, 1)));
 * const onAxis = paths.segment([0, 0.2], [0, 1]); // inside the kink line x = 0
 * const r = projectionFormulaCheck(allChoicesField(l1), l1, onAxis);
 * assert(r.holds && r.maxNormalSpread === 2, "same tangential part 1, normal parts -1 and 1");
 * // a field with the wrong tangential part on the line violates it
 * const bad = fieldFromFormula(([x, y]) => (x === 0 ? [[-1, 2], [1, 2]] : [[Math.sign(x), Math.sign(y)]]));
 * assert(!projectionFormulaCheck(bad, l1, onAxis).holds, "caught");
 * ```
 */
export function projectionFormulaCheck(
  field: SetValuedField,
  f: Program,
  curve: Curve,
  options: ProjectionFormulaOptions = {},
): ProjectionFormulaReport {
  const fn = "projectionFormulaCheck";
  if (typeof field !== "function") throw new Error(`${fn}: the first argument must be a set-valued field`);
  if (typeof f !== "function") throw new Error(`${fn}: the second argument must be a program (the potential f)`);
  if (!curve || typeof curve.point !== "function")
    throw new Error(`${fn}: the third argument must be a curve (see paths.segment)`);
  const m = options.points ?? 9;
  const tol = options.tolerance ?? 1e-10;
  if (!(Number.isInteger(m) && m >= 1)) throw new Error(`${fn}: points must be a positive integer, got ${m}`);
  if (!(tol >= 0)) throw new Error(`${fn}: tolerance must be >= 0, got ${tol}`);
  const samples: ProjectionSample[] = [];
  const skipped: number[] = [];
  let maxTangentialError = 0;
  let maxTangentialSpread = 0;
  let maxNormalSpread = 0;
  for (let i = 0; i < m; i++) {
    const t = (i + 0.5) / m;
    const x = curve.point(t);
    const d = curve.velocity(t);
    const len = norm2(d);
    if (!(len > 0)) throw new Error(`${fn}: the curve's velocity vanishes at t = ${t}: no tangent direction`);
    const u = d.map((v) => v / len);
    const right = directionalDerivative(f, x, u);
    const left = -directionalDerivative(
      f,
      x,
      u.map((v) => -v),
    );
    const derivative = Math.abs(right - left) <= tol ? right : null;
    const gens = checkFieldValue(fn, field(x), x.length, x).generators;
    const tangential = gens.map((g) => dot(g, u));
    const normal = gens.map((g, k) => g.map((v, j) => v - tangential[k] * u[j]));
    samples.push({ t, x, tangent: u, derivative, tangential, normal });
    if (derivative === null) {
      skipped.push(t);
      continue;
    }
    for (const s of tangential) maxTangentialError = Math.max(maxTangentialError, Math.abs(s - derivative));
    maxTangentialSpread = Math.max(maxTangentialSpread, Math.max(...tangential) - Math.min(...tangential));
    for (const a of normal)
      for (const b of normal) maxNormalSpread = Math.max(maxNormalSpread, norm2(a.map((v, j) => v - b[j])));
  }
  return {
    samples,
    skipped,
    maxTangentialError,
    maxTangentialSpread,
    maxNormalSpread,
    holds: skipped.length < m && maxTangentialError <= tol,
  };
}
