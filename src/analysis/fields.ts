/**
 * Set-valued fields D: R^n ⇉ R^n (talk, Part II: "conservative set-valued fields"). A field maps a point to a
 * compact convex set given by finitely many generators (a point, a segment, a polytope); the set is their convex
 * hull. Constructors: the AD field of a program under a kink policy, the field of every extreme kink choice at
 * once, Clarke estimates, a user's formula. Helpers turn a field on a grid into plain records for the charts.
 *
 * @module
 */
import type { KinkPolicy, KinkSlot } from "../policy";
import { policies } from "../policy";
import { keyedUniform } from "../rng";
import { extremeChoices } from "../engine/nonsmooth";
import { checkPoint, dot, extremePoints } from "./geometry";
import { clarkeInterval, clarkeSubdifferential, gradientAt, checkLipschitzReport } from "./clarke";
import type { ClarkeOptions } from "./clarke";
import type { Program } from "./record";

/** The value of a set-valued field at a point: the convex hull of `generators`. */
export interface FieldValue {
  /** Points whose convex hull is the set (one: a single vector). */
  readonly generators: number[][];
  /** The element a "policy" selection takes (the AD value, for fields built from a program); default generators[0]. */
  readonly value?: number[];
}

/** A set-valued field: x -> D(x), a compact convex set given by generators. */
export type SetValuedField = (x: readonly number[]) => FieldValue;

/** How to pick one element v of D(x), given a direction d (the curve's velocity). */
export type Selection = "policy" | "max" | "min" | "random";

/** Options shared by the program-based constructors. */
export interface ProgramFieldOptions {
  /** For fields on R: call f with a scalar rather than a 1-element array. Default true for 1-D points. */
  readonly scalarInput?: boolean;
}

const isScalar = (x: readonly number[], o?: ProgramFieldOptions): boolean => o?.scalarInput ?? x.length === 1;

/**
 * The AD field of a program: x -> {the gradient AD returns under the policy}. By Bolte and Pauwels it is a
 * conservative field for f, whatever the (Clarke-valid) policy.
 *
 * @example
 * ```ts
 * import { adField, relu, neg, add, sub, policies, assertEqual } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * const zero = (t: Value) => sub(add(relu(neg(t)), t), relu(t));
 * assertEqual(adField(zero, policies.pytorch)([0]).generators, [[1]]);
 * assertEqual(adField(zero, policies.reluAt(0.5))([0]).generators, [[0]]);
 * ```
 */
export function adField(
  f: Program,
  policy: KinkPolicy = policies.pytorch,
  options: ProgramFieldOptions = {},
): SetValuedField {
  if (typeof f !== "function")
    throw new Error("adField: the first argument must be a program (a function written with the library's ops)");
  return (x) => {
    const p = checkPoint("adField", x as number[]);
    const g = gradientAt("adField", f, p, isScalar(p, options), policy).grad;
    return { generators: [g], value: g };
  };
}

/** Options of {@link allChoicesField}. */
export interface AllChoicesOptions extends ProgramFieldOptions {
  /** The most policy combinations enumerated at one point; more is an error. Default 256. */
  readonly maxCombinations?: number;
  /** The policy whose value is the field's `value` (the "policy" selection). Default pytorch. */
  readonly policy?: KinkPolicy;
}

const slotId = (s: KinkSlot): string => `${s.node}:${s.element}:${s.key}`;

/**
 * The field of every extreme kink choice at once: at x, the convex hull of the gradients AD returns under every
 * combination of the extreme Clarke choices at each kink hit there, chosen independently for every application
 * and every element (relu'(0) ∈ {0, 1}, abs'(0) ∈ {-1, 1}, maximum's weight ∈ {0, 1}, one tied entry of a max,
 * ...; `policies.perKink` makes the choices). The norm at 0 takes only the policy's choice (its Clarke set, the
 * unit ball, has infinitely many extreme points).
 *
 * @example
 * ```ts
 * import { allChoicesField, relu, neg, add, abs, at, assertEqual } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * const relu2 = (t: Value) => add(relu(neg(t)), t);
 * assertEqual(allChoicesField(relu2)([0]).generators, [[0], [1]]); // relu2'(0) = 1 - s over s in {0, 1}
 * // |x| + |y| at 0: the two abs choose independently, the hull is the square [-1, 1]^2
 * const square = allChoicesField((v: Value) => add(abs(at(v, 0)), abs(at(v, 1))))([0, 0]).generators;
 * assertEqual(square.length, 4);
 * ```
 */
export function allChoicesField(f: Program, options: AllChoicesOptions = {}): SetValuedField {
  const fn = "allChoicesField";
  if (typeof f !== "function") throw new Error(`${fn}: the first argument must be a program`);
  const maxCombinations = options.maxCombinations ?? 256;
  const base = options.policy ?? policies.pytorch;
  return (x) => {
    const p = checkPoint(fn, x as number[]);
    const scalar = isScalar(p, options);
    // a probe run records every kink slot the derivative consults (the slots do not depend on the choices)
    const slots = new Map<string, KinkSlot>();
    const probe = policies.perKink(base, (s) => {
      slots.set(slotId(s), s);
      return undefined;
    });
    const at0 = gradientAt(fn, f, p, scalar, probe);
    checkLipschitzReport(fn, at0.kinks, p);
    const value = gradientAt(fn, f, p, scalar, base).grad;
    const list = [...slots.values()];
    if (list.length === 0) return { generators: [at0.grad], value };
    const choices = list.map((s) => {
      const c = extremeChoices(s);
      if (c === null) throw new Error(`${fn}: no extreme choices known for the kink key "${s.key}"`);
      return c;
    });
    const total = choices.reduce((a, c) => a * c.length, 1);
    if (total > maxCombinations) {
      throw new Error(
        `${fn}: ${total} combinations of kink choices at [${p.join(", ")}] (${list.length} kink hits: ${[...new Set(list.map((s) => s.key))].join(", ")}) exceed maxCombinations = ${maxCombinations}`,
      );
    }
    const grads: number[][] = [];
    const pick = new Array<number>(list.length).fill(0);
    const index = new Map(list.map((s, i) => [slotId(s), i]));
    for (let c = 0; c < total; c++) {
      let r = c;
      for (let i = 0; i < list.length; i++) {
        pick[i] = choices[i][r % choices[i].length];
        r = Math.floor(r / choices[i].length);
      }
      const policy = policies.perKink(
        base,
        (s) => {
          const i = index.get(slotId(s));
          return i === undefined ? undefined : pick[i];
        },
        "extreme choice",
      );
      grads.push(gradientAt(fn, f, p, scalar, policy).grad);
    }
    return { generators: extremePoints(grads), value };
  };
}

/**
 * A linear combination of set-valued fields, λ_1 D_1 + ... + λ_m D_m (Minkowski: every weighted sum of one
 * element of each set). The combination of conservative fields is conservative for λ_1 f_1 + ... + λ_m f_m
 * (Bolte and Pauwels 2021, the calculus of conservative fields); its "policy" value is the combination of the
 * terms' values.
 *
 * @example
 * ```ts
 * import { combineFields, adField, allChoicesField, abs, relu, assertEqual } from "nonsmooth-ad";
 * const D = combineFields([{ weight: 2, field: allChoicesField(abs) }, { weight: -1, field: adField(relu) }]);
 * assertEqual(D([0]).generators, [[-2], [2]]); // 2 [-1, 1] - {0}
 * assertEqual(D([1]).generators, [[1]]);       // 2 * 1 - 1
 * ```
 */
export function combineFields(
  terms: readonly { readonly weight: number; readonly field: SetValuedField }[],
): SetValuedField {
  const fn = "combineFields";
  if (!Array.isArray(terms) || terms.length === 0)
    throw new Error(`${fn}: expected a non-empty list of { weight, field }`);
  terms.forEach((t, i) => {
    if (!Number.isFinite(t.weight))
      throw new Error(`${fn}: terms[${i}].weight must be a finite number, got ${t.weight}`);
    if (typeof t.field !== "function") throw new Error(`${fn}: terms[${i}].field must be a set-valued field`);
  });
  return (x) => {
    const p = checkPoint(fn, x as number[]);
    const values = terms.map((t, i) => checkFieldValue(`${fn} (terms[${i}])`, t.field(p), p.length, p));
    let sums: number[][] = [p.map(() => 0)];
    values.forEach((v, i) => {
      const w = terms[i].weight;
      sums = extremePoints(sums.flatMap((acc) => v.generators.map((g) => acc.map((a, j) => a + w * g[j]))));
    });
    const value = p.map((_, j) => values.reduce((a, v, i) => a + terms[i].weight * (v.value ?? v.generators[0])[j], 0));
    return { generators: sums, value };
  };
}

/** Options of {@link clarkeField}. */
export interface ClarkeFieldOptions extends ClarkeOptions {
  /** On R, use the exact interval between one-sided derivatives (lexicographic mode). Default true. */
  readonly exact1D?: boolean;
}

/**
 * The Clarke field x -> ∂^c f(x): exact in 1-D (the interval between one-sided derivatives), estimated from
 * nearby gradients above (see clarkeSubdifferential). The minimal conservative field of f (talk, Part II).
 *
 * Above 1-D the estimate at a point closer to a kink set than the sampling radius also holds gradients from the
 * other side: it is slightly larger than ∂^c f there, and its extreme selections are off by about radius times
 * the jump of the gradient, which the quadrature of `circulation` cannot see. For line integrals, pass a tiny
 * `radius` (say 1e-12) and allow for that error.
 *
 * @example
 * ```ts
 * import { clarkeField, abs, assertEqual } from "nonsmooth-ad";
 * assertEqual(clarkeField(abs)([0]).generators, [[-1], [1]]);
 * ```
 */
export function clarkeField(f: Program, options: ClarkeFieldOptions = {}): SetValuedField {
  const { exact1D = true, ...rest } = options;
  return (x) => {
    const p = checkPoint("clarkeField", x as number[]);
    if (p.length === 1 && exact1D && (options.scalarInput ?? true)) {
      const [lo, hi] = clarkeInterval(f, p[0]).interval;
      return { generators: lo === hi ? [[lo]] : [[lo], [hi]] };
    }
    const c = clarkeSubdifferential(f, p.length === 1 && (options.scalarInput ?? true) ? p[0] : p, rest);
    return { generators: c.generators, value: c.adValue };
  };
}

/**
 * A field from a formula: x -> a vector (a single-valued field), a list of generators, or a FieldValue.
 *
 * @example
 * ```ts
 * import { fieldFromFormula, assertEqual } from "nonsmooth-ad";
 * const rotation = fieldFromFormula(([x, y]) => [-y, x]);
 * assertEqual(rotation([1, 2]).generators, [[-2, 1]]);
 * const sign = fieldFromFormula(([t]) => (t === 0 ? [[-1], [1]] : [[Math.sign(t)]]));
 * assertEqual(sign([0]).generators, [[-1], [1]]);
 * ```
 */
export function fieldFromFormula(formula: (x: number[]) => number[] | number[][] | FieldValue): SetValuedField {
  if (typeof formula !== "function")
    throw new Error("fieldFromFormula: expected a function x -> vector, generators or {generators}");
  return (x) => {
    const p = checkPoint("fieldFromFormula", x as number[]);
    const r = formula([...p]);
    let value: FieldValue;
    if (Array.isArray(r) && r.length > 0 && r.every((v) => typeof v === "number"))
      value = { generators: [r as number[]] };
    else if (Array.isArray(r) && r.length > 0 && r.every(Array.isArray)) value = { generators: r as number[][] };
    else if (r && typeof r === "object" && Array.isArray((r as FieldValue).generators)) value = r as FieldValue;
    else
      throw new Error(
        `fieldFromFormula: the formula returned ${JSON.stringify(r)} at [${p.join(", ")}]: expected a vector, a non-empty list of vectors or {generators}`,
      );
    return checkFieldValue("fieldFromFormula", value, p.length, p);
  };
}

/** Checks a field value at a point: non-empty generators of the point's dimension, finite. */
export function checkFieldValue(fn: string, v: FieldValue, n: number, x: readonly number[]): FieldValue {
  if (!v || !Array.isArray(v.generators) || v.generators.length === 0)
    throw new Error(`${fn}: the field returned no generators at [${x.join(", ")}]`);
  v.generators.forEach((g, i) => {
    if (!Array.isArray(g) || g.length !== n) {
      throw new Error(
        `${fn}: dimension mismatch: the field's generator ${i} at [${x.join(", ")}] has ${Array.isArray(g) ? g.length : "no"} coordinate(s), expected ${n}`,
      );
    }
    if (!g.every(Number.isFinite))
      throw new Error(`${fn}: the field's generator ${i} at [${x.join(", ")}] is not finite: [${g.join(", ")}]`);
  });
  return v;
}

/**
 * Picks one element of D(x) by a rule, given a direction d: "policy" the field's value (the AD value), "max" or
 * "min" the generator maximizing or minimizing ⟨v, d⟩ (the max over the hull is attained at a generator),
 * "random" a random convex combination keyed by (seed, key), so the same point gets the same draw.
 *
 * @example
 * ```ts
 * import { selectElement, assertEqual } from "nonsmooth-ad";
 * const v = { generators: [[1, 0], [0, 1]] };
 * assertEqual(selectElement(v, [1, 2], "max"), [0, 1]); // maximises <g, d> for d = (1, 2)
 * assertEqual(selectElement(v, [1, 2], "min"), [1, 0]);
 * ```
 */
export function selectElement(v: FieldValue, d: readonly number[], rule: Selection, seed = 0, key = 0): number[] {
  if (v === null || typeof v !== "object" || !Array.isArray(v.generators))
    throw new TypeError(`selectElement: the field value must be { generators }, got ${String(v)}`);
  const gs = v.generators;
  switch (rule) {
    case "policy":
      return v.value ?? gs[0];
    case "max":
    case "min": {
      let best = gs[0];
      let bv = dot(best, d);
      for (let i = 1; i < gs.length; i++) {
        const s = dot(gs[i], d);
        if (rule === "max" ? s > bv : s < bv) {
          bv = s;
          best = gs[i];
        }
      }
      return best;
    }
    case "random": {
      if (gs.length === 1) return gs[0];
      // normalised exponentials: uniform on the simplex of the generators' weights
      const e = gs.map((_, i) => -Math.log(1 - keyedUniform(seed, key, i)));
      const s = e.reduce((a, b) => a + b, 0);
      return gs[0].map((_, j) => gs.reduce((acc, g, i) => acc + (e[i] / s) * g[j], 0));
    }
  }
  throw new Error(`selection must be "policy", "max", "min" or "random", got ${JSON.stringify(rule)}`);
}

/** A rectangular grid of the plane: nx × ny points over [x0, x1] × [y0, y1], ends included. */
export interface GridSpec {
  readonly x: readonly [number, number];
  readonly y: readonly [number, number];
  /** Points per axis, or [nx, ny]. Default 11. */
  readonly n?: number | readonly [number, number];
}

/** The coordinates of a grid along each axis. */
export function gridAxes(fn: string, grid: GridSpec): { xs: number[]; ys: number[] } {
  if (grid === null || typeof grid !== "object")
    throw new TypeError(`${fn}: grid must be an object { x: [x0, x1], y: [y0, y1], n }, got ${String(grid)}`);
  const [x0, x1] = grid.x ?? [];
  const [y0, y1] = grid.y ?? [];
  if (![x0, x1, y0, y1].every((v) => typeof v === "number" && Number.isFinite(v)) || !(x0 <= x1 && y0 <= y1)) {
    throw new Error(`${fn}: the grid needs finite intervals x: [x0, x1] and y: [y0, y1] with x0 <= x1, y0 <= y1`);
  }
  const n = grid.n ?? 11;
  const [nx, ny] = typeof n === "number" ? [n, n] : n;
  if (!(Number.isInteger(nx) && nx >= 1 && Number.isInteger(ny) && ny >= 1))
    throw new Error(`${fn}: grid.n must be positive integers, got ${JSON.stringify(n)}`);
  const axis = (a: number, b: number, m: number): number[] =>
    m === 1 ? [a] : Array.from({ length: m }, (_, i) => (i === m - 1 ? b : a + ((b - a) * i) / (m - 1)));
  return { xs: axis(x0, x1, nx), ys: axis(y0, y1, ny) };
}

/** An arrow record for the vector-field chart: the vector (u, v) at (x, y). */
export interface ArrowRecord {
  x: number;
  y: number;
  u: number;
  v: number;
}

/** A set record for the set-valued-field chart: the set's vertices at (x, y). */
export interface SetValueRecord {
  x: number;
  y: number;
  vertices: number[][];
}

/**
 * Arrow records {x, y, u, v} of a planar field on a grid, one element selected per point ("policy" by default;
 * "max"/"min" along `direction`, "random" with `seed`): ready for the notebook's vectorField chart.
 *
 * @example
 * ```ts
 * import { fieldArrows, fieldFromFormula, assertEqual } from "nonsmooth-ad";
 * const arrows = fieldArrows(fieldFromFormula(([x, y]) => [-y, x]), { x: [0, 1], y: [0, 0], n: [2, 1] });
 * assertEqual(arrows, [{ x: 0, y: 0, u: 0, v: 0 }, { x: 1, y: 0, u: 0, v: 1 }]);
 * ```
 */
export function fieldArrows(
  field: SetValuedField,
  grid: GridSpec,
  options: { selection?: Selection; direction?: readonly number[]; seed?: number } = {},
): ArrowRecord[] {
  const fn = "fieldArrows";
  const { xs, ys } = gridAxes(fn, grid);
  const out: ArrowRecord[] = [];
  let k = 0;
  for (const y of ys)
    for (const x of xs) {
      const v = checkFieldValue(fn, field([x, y]), 2, [x, y]);
      const [u, w] = selectElement(
        v,
        options.direction ?? [1, 0],
        options.selection ?? "policy",
        options.seed ?? 0,
        k++,
      );
      out.push({ x, y, u: u + 0, v: w + 0 }); // + 0: no -0 in the records
    }
  return out;
}

/**
 * Set records {x, y, vertices} of a planar field on a grid: the ordered vertices of the convex hull of D(x, y)
 * (one vertex: a point; two: a segment; more: a polygon), ready for the notebook's setValuedField chart.
 *
 * @example
 * ```ts
 * import { fieldSets, clarkeField, abs, at, add, assertEqual } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * const f = (v: Value) => add(abs(at(v, 0)), abs(at(v, 1)));
 * const [r] = fieldSets(clarkeField(f, { samples: 100 }), { x: [0, 0], y: [0, 0], n: 1 });
 * assertEqual(r.vertices, [[-1, -1], [1, -1], [1, 1], [-1, 1]]);
 * ```
 */
export function fieldSets(field: SetValuedField, grid: GridSpec): SetValueRecord[] {
  const fn = "fieldSets";
  const { xs, ys } = gridAxes(fn, grid);
  const out: SetValueRecord[] = [];
  for (const y of ys)
    for (const x of xs) {
      const v = checkFieldValue(fn, field([x, y]), 2, [x, y]);
      out.push({ x, y, vertices: extremePoints(v.generators) });
    }
  return out;
}
