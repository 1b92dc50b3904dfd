/**
 * Counterexamples for the checks of Part II of the talk: fields built to violate a claim, so that a check can be
 * shown to fail on them (a negative control). The main one is a field that equals a conservative field off a line
 * and is changed on the line only: it is still the gradient almost everywhere, yet it is not conservative when the
 * change has a component along the line. Conservativity is not an almost-everywhere property (Bolte and Pauwels
 * 2021, the definition by zero circulation along every absolutely continuous loop, loops that may run inside a
 * null set included), so only loops that run along the line can tell the two fields apart.
 *
 * @module
 */
import { checkPoint, dot, extremePoints } from "./geometry";
import { checkFieldValue } from "./fields";
import type { SetValuedField } from "./fields";

/** Options of {@link alterFieldOnLine}. */
export interface AlterOnLineOptions {
  /** A normal vector n of the line (hyperplane) {x : ⟨n, x⟩ = offset}. Not zero. */
  readonly normal: readonly number[];
  /** The offset c of the line ⟨n, x⟩ = c. Default 0 (a line through the origin). */
  readonly offset?: number;
  /**
   * The change: on the line, D'(x) = D(x) + conv(shifts) (a Minkowski sum). One shift moves the set; two or more
   * (for example [0, 0] and v) enlarge it.
   */
  readonly shifts: readonly (readonly number[])[];
  /** x is on the line when |⟨n, x⟩ - c| <= tolerance · max(1, |n| |x|). Default 1e-12. */
  readonly tolerance?: number;
}

/**
 * A field equal to `field` off the line {x : ⟨n, x⟩ = c} and to D(x) + conv(shifts) on it. With a shift that has
 * a component along the line, the new field still equals the gradient almost everywhere (the line is a null set)
 * but is not conservative: a loop with an edge on the line picks up ⟨shift, edge⟩. Loops that only cross the line
 * (random smooth loops, say) meet it at finitely many parameters and see nothing. The negative control of every
 * circulation, path-independence, potential and chain-rule check.
 *
 * @example
 * ```ts
 * import { alterFieldOnLine, fieldFromFormula, circulation, loops, assertClose } from "nonsmooth-ad";
 * const grad = fieldFromFormula(([x, y]) => [y, x]); // the gradient of xy
 * const bad = alterFieldOnLine(grad, { normal: [1, 0], shifts: [[0, 1]] }); // + (0, 1) on the line x = 0
 * // the rectangle [0, 1] x [0, 1] runs down the line x = 0 on its last edge: circulation -1
 * assertClose(circulation(bad, loops.rectangle([0, 1], [0, 1])).value, -1, 1e-12);
 * assertClose(circulation(bad, loops.circle([0.3, 0.1], 1)).value, 0, 1e-9); // a loop crossing the line sees nothing
 * ```
 */
export function alterFieldOnLine(field: SetValuedField, options: AlterOnLineOptions): SetValuedField {
  const fn = "alterFieldOnLine";
  if (typeof field !== "function") throw new Error(`${fn}: the first argument must be a set-valued field`);
  const n = checkPoint(fn, options?.normal as number[], "normal");
  if (!n.some((v) => v !== 0)) throw new Error(`${fn}: the normal must not be the zero vector`);
  const c = options.offset ?? 0;
  if (!Number.isFinite(c)) throw new Error(`${fn}: offset must be a finite number, got ${c}`);
  const tol = options.tolerance ?? 1e-12;
  if (!(tol >= 0 && Number.isFinite(tol))) throw new Error(`${fn}: tolerance must be a finite number >= 0, got ${tol}`);
  const shifts = options.shifts;
  if (!Array.isArray(shifts) || shifts.length === 0)
    throw new Error(`${fn}: shifts must be a non-empty list of vectors`);
  shifts.forEach((s, i) => {
    checkPoint(fn, s as number[], `shift ${i}`);
    if (s.length !== n.length)
      throw new Error(`${fn}: dimension mismatch: shift ${i} has ${s.length} coordinate(s), the normal ${n.length}`);
  });
  const nn = Math.sqrt(dot(n, n));
  return (x) => {
    const p = checkPoint(fn, x as number[]);
    if (p.length !== n.length)
      throw new Error(`${fn}: dimension mismatch: the point has ${p.length} coordinate(s), the normal ${n.length}`);
    const v = checkFieldValue(fn, field(p), p.length, p);
    const onLine = Math.abs(dot(n, p) - c) <= tol * Math.max(1, nn * Math.sqrt(dot(p, p)));
    if (!onLine) return v;
    const generators = extremePoints(v.generators.flatMap((g) => shifts.map((s) => g.map((gi, j) => gi + s[j]))));
    const base = v.value ?? v.generators[0];
    return { generators, value: base.map((b, j) => b + shifts[0][j]) };
  };
}
