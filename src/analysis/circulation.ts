/**
 * Circulation of a set-valued field along a closed loop (talk, Part II, "the zero circulation idea"):
 * ∫_0^1 ⟨v(t), γ'(t)⟩ dt for a selection v(t) ∈ D(γ(t)). A field is conservative when every selection of every
 * loop gives 0; AD fields of programs are (Bolte and Pauwels 2020), the rotation field (-y, x) is not (2π on the
 * unit circle).
 *
 * @module
 */
import { checkFieldValue, selectElement } from "./fields";
import type { Selection, SetValuedField } from "./fields";
import { closingGap } from "./loops";
import type { Curve } from "./loops";
import { integrate } from "./quadrature";
import type { QuadratureOptions, QuadratureResult } from "./quadrature";
import { dot } from "./geometry";

/** Options of {@link circulation} and the other line integrals. */
export interface LineIntegralOptions extends QuadratureOptions {
  /**
   * Which element of D(γ(t)) to integrate: "policy" (the field's value, e.g. the AD value; default), "max" or "min"
   * of ⟨v, γ'(t)⟩ over D(γ(t)), "random" (a seeded random element at each t).
   */
  readonly selection?: Selection;
  /** Seed of the "random" selection. Default 0. */
  readonly seed?: number;
}

/** The integrand t -> ⟨v(t), γ'(t)⟩ with v(t) selected in D(γ(t)). */
export function pairingIntegrand(
  fn: string,
  field: SetValuedField,
  curve: Curve,
  options: LineIntegralOptions,
): (t: number) => number {
  if (typeof field !== "function") throw new Error(`${fn}: the field must be a function x -> {generators}`);
  const rule = options.selection ?? "policy";
  if (!["policy", "max", "min", "random"].includes(rule)) {
    throw new Error(`${fn}: selection must be "policy", "max", "min" or "random", got ${JSON.stringify(rule)}`);
  }
  const seed = options.seed ?? 0;
  return (t) => {
    const x = curve.point(t);
    const d = curve.velocity(t);
    const v = checkFieldValue(fn, field(x), curve.dimension, x);
    return dot(selectElement(v, d, rule, seed, t), d);
  };
}

/**
 * The circulation ∫ ⟨v(t), γ'(t)⟩ dt of a field along a closed loop, by Gauss-Kronrod quadrature on the loop's
 * smooth pieces: adaptive to `tolerance` by default, or on a fixed number of `points`. Returns the value, an error
 * estimate and the number of field evaluations. A curve that is not closed is refused.
 *
 * @example
 * ```ts
 * import { circulation, fieldFromFormula, adField, loops, abs, at, add, relu, sub, assertClose, assert } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * const rotation = fieldFromFormula(([x, y]) => [-y, x]);
 * assertClose(circulation(rotation, loops.circle([0, 0], 1)).value, 2 * Math.PI, 1e-12);
 * // an AD field is conservative: zero circulation, even along a loop running inside a kink set (x = 0)
 * const f = (v: Value) => add(abs(at(v, 0)), relu(sub(at(v, 1), at(v, 0))));
 * const c = circulation(adField(f), loops.polygon([[0, -1], [1, -1], [1, 1], [0, 1]]));
 * assert(Math.abs(c.value) <= c.errorEstimate + 1e-12, "zero circulation");
 * ```
 */
export function circulation(field: SetValuedField, loop: Curve, options: LineIntegralOptions = {}): QuadratureResult {
  const fn = "circulation";
  if (!loop || typeof loop.point !== "function")
    throw new Error(`${fn}: the second argument must be a loop (see loops.circle, loops.polygon, ...)`);
  const { gap, scale } = closingGap(loop);
  if (!loop.closed || !(gap <= 1e-12 * scale)) {
    throw new Error(
      `${fn}: the curve "${loop.name}" is not a closed loop (γ(0) = [${loop.point(0).join(", ")}], γ(1) = [${loop.point(1).join(", ")}]): a circulation needs γ(0) = γ(1)`,
    );
  }
  return integrate(fn, pairingIntegrand(fn, field, loop, options), loop.breaks, options);
}
