/**
 * What a primitive declares about its kinks, in one record, and the kind-generic code every interpreter reads it
 * with. A nonsmooth primitive's declaration (in `primitives.ts`) carries its policy key, the kind and Clarke range
 * of the choice made there, how to count and locate its kink set, and its lexicographic rule at a kink; the policy
 * tables (`policy.ts`), the kink report, the field of extreme choices and the lexicographic evaluator read it from
 * there. A primitive is one record: its key is written once, its Clarke range once.
 *
 * Why these pieces: a kink policy picks one element of the Clarke set at each kink, and any such selection,
 * chain-ruled, is a conservative field (Bolte and Pauwels 2020), so the Clarke range bounds what a policy may
 * choose; the lexicographic derivative (Khan and Barton 2015) needs, at a kink only, which branch the program
 * enters along the directions; away from kinks it is the ordinary chain rule of the declared partials.
 *
 * @module
 */
import type { Tensor } from "../tensor";
import type { KinkPolicy, KinkSlot, TieRule } from "../policy";
import { keyedUniform } from "../rng";

/** The two bounds of a clamp-like kink set, each with its own choice. */
export type Bound = "lower" | "upper";

/**
 * What the policy chooses at a primitive's kinks, by kind:
 * - `scalar`: one number in `range` (the policy field `key` is a number);
 * - `bounds`: one number in `range` at each of two kinks (the field is `{ lower, upper }`, slots `key.lower`, `key.upper`);
 * - `ties`: how a max or min reduction shares its derivative between k tied entries (a TieRule; per slot, an index);
 * - `norm`: the Euclidean norm's gradient at 0 (`"zero"` or `"nan"`);
 * - `fixed`: no choice (the function is not locally Lipschitz there, no Clarke set exists): `words` says what AD returns;
 * - `user`: a user primitive's number in `range`, under `policy.primitives[name]`.
 */
export type KinkChoice =
  | { readonly kind: "scalar"; readonly range: readonly [number, number] }
  | { readonly kind: "bounds"; readonly range: readonly [number, number] }
  | { readonly kind: "ties" }
  | { readonly kind: "norm" }
  | { readonly kind: "fixed"; readonly words: string }
  | { readonly kind: "user"; readonly range: readonly [number, number] };

/** The value and tangent columns of one node in the lexicographic forward mode (cols null: a constant). */
export interface LexSlot {
  readonly value: Tensor;
  readonly cols: Float64Array[] | null;
}

/** Columns of U for one node (null: a constant, all zero). */
export type LexCols = Float64Array[] | null;

/**
 * A primitive's lexicographic rule: the tangent columns of its output from those of its inputs (k directions).
 * Called only when some input is not a constant.
 */
export type LexRule<P> = (ins: readonly LexSlot[], out: Tensor, params: P, k: number) => LexCols;

/** The kink set of a primitive and what happens there: everything the interpreters need to know. */
export interface KinkDeclaration<P = unknown> {
  /** The policy key: a field of the policy (`relu`, `clip`, `maxTies`, ...) or `primitives.NAME` for user primitives. */
  readonly key: string;
  /** The name of the primitive that declares it. */
  readonly op: string;
  /** What the policy chooses there, and the Clarke range of that choice. */
  readonly choice: KinkChoice;
  /** Set when the function is not locally Lipschitz at its kinks (sqrt at 0): no Clarke set exists there. */
  readonly notLipschitz?: string;
  /** How many elements (or lanes, for reductions) of one application sit on the kink set. */
  count(inputs: readonly Tensor[], params: P): number;
  /**
   * Switching quantities of one application: numbers that are exactly 0 on the kink set and change sign across
   * it (relu's input, the difference of maximum's arguments, ...), so kinks are located along a line by bisection.
   * Their number must depend only on the shapes.
   */
  switching(inputs: readonly Tensor[], params: P): number[];
  /**
   * For an elementwise primitive: its kink test and branch rule per element, as declared (absent for reductions
   * and the norm). Read by interpreters that decide one kink hit at a time (the randomized Clarke element).
   */
  readonly element?: ElementKinkRule<P>;
}

/** One element of an elementwise primitive's kink set: the declared test and lexicographic branch rule. */
export interface ElementKinkRule<P> {
  /** True exactly on the kink set (`a`: the inputs' values at the element). */
  readonly at: (a: number[], params: P) => boolean;
  /** The partials on the branch entered along the directions (the rows); absent for a non-Lipschitz kink. */
  readonly lex?: (a: readonly number[], rows: readonly Float64Array[], s: LexSide, params: P) => readonly number[];
  /** Its switching quantities at the element (see `KinkDeclaration.switching`): which side of each kink it is on. */
  readonly switching?: (a: number[], params: P) => number[];
  /** The same test and switching quantities written as JavaScript expressions, for generated code (optional). */
  readonly code?: ElementKinkCode;
}

/**
 * An element's kink test and switching quantities written as JavaScript expressions, next to the functions they
 * transcribe (`at`, `switching`), which they must compute exactly: generated code (`compileValueAndGrad`) tests
 * them inline instead of calling the functions and building an array per application. `a` are the operands'
 * expressions (parenthesized), `params` the expression of the application's params.
 */
export interface ElementKinkCode {
  /** A boolean expression, true exactly when `at` is. */
  readonly at: (a: readonly string[], params: string) => string;
  /** One expression per switching quantity, each the number `switching` gives (as many). */
  readonly switching: (a: readonly string[], params: string) => readonly string[];
  /**
   * True when every select of the primitive's partials depends on the point only through its branch (the sign
   * classes of the switching quantities and the kink test) and, on the kink set, on the policy's choice: on a
   * guarded branch such a select is a constant, which generated code writes as a number.
   */
  readonly constantSelects: boolean;
}

/* --------------------------------------------------------------------------------------------- registry */

const REGISTRY = new Map<string, KinkDeclaration<never>>();

/**
 * Records a kink declaration under its key. Built-in keys are unique (a duplicate is a bug in the table); a user
 * primitive declared again under the same name replaces the earlier declaration.
 */
export function registerKink<P>(decl: KinkDeclaration<P>): void {
  const old = REGISTRY.get(decl.key);
  if (old && old.choice.kind !== "user")
    throw new Error(`kink key "${decl.key}" is declared twice (by ${old.op} and ${decl.op})`);
  REGISTRY.set(decl.key, decl as unknown as KinkDeclaration<never>);
}

/** The declaration behind a policy key or a kink slot's key (`clip.lower` belongs to `clip`). */
export function kinkByKey(key: string): KinkDeclaration<never> | undefined {
  const direct = REGISTRY.get(key);
  if (direct) return direct;
  // only a bound kink has slots under its key ("clip.lower"); a user primitive's key ("primitives.NAME") finds no
  // declaration under "primitives", so the prefix needs no test of its own
  const dot = key.lastIndexOf(".");
  if (dot !== -1) {
    const d = REGISTRY.get(key.slice(0, dot));
    if (d && d.choice.kind === "bounds") return d;
  }
  return undefined;
}

/** The Clarke range a user primitive declared (undefined if it has no kink). */
export function userRange(name: string): readonly [number, number] | undefined {
  const d = REGISTRY.get(`primitives.${name}`);
  // Stryker disable next-line ConditionalExpression: only user primitives register keys under "primitives."
  return d && d.choice.kind === "user" ? d.choice.range : undefined;
}

/* ---------------------------------------------------------------------------------- choices at a kink */

/** A per-application choice must lie in the Clarke range of its key. */
export function checkSlotChoice(p: KinkPolicy, key: string, v: number, lo: number, hi: number): number {
  if (!(typeof v === "number" && v >= lo && v <= hi)) {
    throw new Error(
      `policy ${p.name}: the choice ${String(v)} for ${key} is outside the Clarke set: allowed range is [${lo}, ${hi}]`,
    );
  }
  return v;
}

/** A number uniform in [lo, hi] from a uniform u in [0, 1): the random policy's draw in a Clarke range. */
const drawIn = ([lo, hi]: readonly [number, number], u: number): number => lo + (hi - lo) * u;

/** The policy's field for a key, read without a static type (fields are checked where they are used). */
function field(p: KinkPolicy, key: string): unknown {
  return (p as unknown as Record<string, unknown>)[key];
}

function missing(p: KinkPolicy, key: string, what: string): Error {
  return new Error(
    `policy ${p.name}: no choice for the kink key "${key}" (expected ${what}); build policies with policies.custom or start from a preset`,
  );
}

/**
 * The choice at one kink hit of a `scalar` or `bounds` kink (for `bounds`, at the `part` bound): the
 * per-application choice if the policy makes one, else a draw uniform in the Clarke range for the random policy
 * (keyed by node, element and value, so both modes see the same draw), else the policy's fixed value.
 */
export function choose(
  p: KinkPolicy,
  kink: KinkDeclaration<never>,
  node: number,
  element: number,
  x: number,
  part?: Bound,
): number {
  const c = kink.choice;
  const key = kink.key;
  if (c.kind === "scalar") {
    if (p.perKink) {
      const v = p.perKink({ key, node, element });
      if (v !== undefined) return checkSlotChoice(p, key, v, c.range[0], c.range[1]);
    }
    if (p.randomSeed === undefined) {
      const v = field(p, key);
      if (typeof v !== "number") throw missing(p, key, "a number");
      return v;
    }
    return drawIn(c.range, keyedUniform(p.randomSeed, node, element, x, key.length));
  }
  if (c.kind === "bounds" && part !== undefined) {
    const slot = `${key}.${part}`;
    if (p.perKink) {
      const v = p.perKink({ key: slot, node, element });
      if (v !== undefined) return checkSlotChoice(p, slot, v, c.range[0], c.range[1]);
    }
    if (p.randomSeed === undefined) {
      const b = field(p, key) as Record<Bound, unknown> | undefined;
      const v = b?.[part];
      if (typeof v !== "number") throw missing(p, key, "{ lower, upper }");
      return v;
    }
    // the two bounds draw with different salts, so their choices at one hit are independent
    // Stryker disable next-line EqualityOperator: swapping the two salts swaps two independent uniform draws
    return drawIn(c.range, keyedUniform(p.randomSeed, node, element, x, part === "lower" ? 11 : 13));
  }
  throw new Error(
    `${kink.op}: the kink key "${key}" (${c.kind}) has no per-element choice${c.kind === "bounds" ? " without a bound" : ""}`,
  );
}

const inRange = (v: unknown, [lo, hi]: readonly [number, number]): boolean =>
  typeof v === "number" && v >= lo && v <= hi;

const TIE_WORDS: Readonly<Record<TieRule, string>> = {
  split: "1/k to each tied entry",
  first: "all to the first tied entry",
  last: "all to the last tied entry",
  each: "1 to each tied entry",
};

/** What a policy takes at a kink, in words, and whether that lies outside the Clarke set (for the kink report). */
export function describeKinkChoice(p: KinkPolicy, key: string): { choice: string; outside: boolean } {
  if (p.perKink) return { choice: "chosen per application (validated in the Clarke set)", outside: false };
  const kink = kinkByKey(key);
  if (!kink) return { choice: "unknown", outside: false };
  const random = p.randomSeed !== undefined;
  const c = kink.choice;
  switch (c.kind) {
    case "scalar": {
      if (random) return { choice: `uniform in [${c.range.join(", ")}]`, outside: false };
      const v = field(p, key);
      return { choice: `${key} = ${String(v)}`, outside: !inRange(v, c.range) };
    }
    case "bounds": {
      if (random) return { choice: `uniform in [${c.range.join(", ")}] at each bound`, outside: false };
      const b = (field(p, key) ?? {}) as Partial<Record<Bound, unknown>>;
      return {
        choice: `${key} lower = ${String(b.lower)}, upper = ${String(b.upper)}`,
        outside: !(inRange(b.lower, c.range) && inRange(b.upper, c.range)),
      };
    }
    case "ties": {
      if (random) return { choice: "uniform on the simplex of tied entries", outside: false };
      const rule = field(p, key) as TieRule;
      return { choice: TIE_WORDS[rule], outside: rule === "each" };
    }
    case "norm":
      if (random) return { choice: "uniform in the unit ball", outside: false };
      return { choice: p.norm === "zero" ? "gradient 0" : "gradient NaN", outside: p.norm === "nan" };
    case "fixed":
      return { choice: c.words, outside: false };
    case "user": {
      const name = key.slice("primitives.".length);
      const v = p.primitives[name];
      if (random) return { choice: `uniform in [${c.range.join(", ")}]`, outside: false };
      if (v === undefined) return { choice: "the primitive's default", outside: false };
      return { choice: `${key} = ${v}`, outside: !inRange(v, c.range) };
    }
  }
}

/**
 * The extreme choices at one kink slot: the endpoints of its Clarke range (a vertex of the Clarke set), or for
 * ties every tied entry; null when the key has no per-slot choice.
 */
export function extremeChoices(slot: KinkSlot): number[] | null {
  const kink = kinkByKey(slot.key);
  if (!kink) return null;
  const c = kink.choice;
  switch (c.kind) {
    case "scalar":
    case "user":
      return [c.range[0], c.range[1]];
    case "bounds":
      return slot.key === kink.key ? null : [c.range[0], c.range[1]];
    case "ties":
      return Array.from({ length: slot.ties ?? 1 }, (_, j) => j);
    default:
      return null;
  }
}

/** The choices of a policy outside the Clarke set at one kink key, as "key=value" strings. */
export function outsideChoicesOf(p: KinkPolicy, kink: KinkDeclaration<never>): string[] {
  const c = kink.choice;
  const key = kink.key;
  switch (c.kind) {
    case "scalar": {
      const v = field(p, key);
      return inRange(v, c.range) ? [] : [`${key}=${String(v)}`];
    }
    case "bounds": {
      const b = (field(p, key) ?? {}) as Partial<Record<Bound, unknown>>;
      return (["lower", "upper"] as const)
        .filter((w) => !inRange(b[w], c.range))
        .map((w) => `${key}.${w}=${String(b[w])}`);
    }
    case "ties":
      return field(p, key) === "each" ? [`${key}=each`] : [];
    case "norm":
      return p.norm === "nan" ? ["norm=nan"] : [];
    default:
      return [];
  }
}

/* ------------------------------------------------------------------------------- lexicographic helpers */

/**
 * fsign(u, row): the sign of u, or of the first non-zero entry of the row when u = 0 (0 if all are zero): the
 * branch a program enters when it moves along the first direction, then the second, ... (Khan and Barton 2015).
 */
export function fsign(u: number, row: Float64Array, k: number): number {
  if (u > 0) return 1;
  if (u < 0) return -1;
  if (u !== 0) return NaN;
  for (let j = 0; j < k; j++) {
    const r = row[j];
    if (r > 0) return 1;
    if (r < 0) return -1;
  }
  return 0;
}

/** fsign(a - b, A - B) without forming the differences (a > b is exact where a - b might round). */
export function fsignDiff(a: number, b: number, A: Float64Array, B: Float64Array, k: number): number {
  if (a > b) return 1;
  if (a < b) return -1;
  if (a !== b) return NaN;
  for (let j = 0; j < k; j++) {
    if (A[j] > B[j]) return 1;
    if (A[j] < B[j]) return -1;
  }
  return 0;
}

/** The branch test a lexicographic rule uses at a kink, with the number k of directions bound. */
export interface LexSide {
  /** fsign(u, row): which side of 0 the quantity u moves to along the directions. */
  side(u: number, row: Float64Array): number;
  /** fsign(a - b, A - B): which of a and b is larger once the program moves along the directions. */
  sideDiff(a: number, b: number, A: Float64Array, B: Float64Array): number;
}

/** The error for a point where the program is not locally Lipschitz (no lexicographic, no Clarke derivative). */
export function lexNotLipschitz(op: string, why: string): Error {
  return new Error(
    `lexicographic: ${op} ${why}: the program is not locally Lipschitz there, so it has no lexicographic (or Clarke) derivative`,
  );
}
