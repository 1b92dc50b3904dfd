/**
 * A Clarke element for the cost of a forward pass with two directional derivatives and one backward pass: the
 * randomized method of Kakade and Lee (2018, "Provably correct automatic subdifferentiation for qualified programs", NeurIPS).
 *
 * Draw a random direction d. Every kink the program hits at x is decided by the sign of the one-sided directional
 * derivative of the kink's argument along d (the first step of the lexicographic rule of Nesterov 2005 and Khan
 * and Barton 2013, with a single direction): the branch the program enters when it moves from x along d. Reverse
 * mode then backpropagates with exactly those choices (a per-application policy, `policies.perKink`).
 *
 * The decision reads what each primitive declares about its kinks (`engine/primitives.ts`, see `engine/nonsmooth.ts`),
 * by the kind of its choice, so a new primitive needs no code here. At an elementwise kink (`scalar` and `bounds`
 * kinds) the declared lexicographic rule is run with the single direction d, and the policy's choice there is the
 * one that gives the partials it picks (found through the declared partials, at the ends of the Clarke range). At
 * a tie of a max or min reduction (`ties`) the choice is the tied entry the reduction's lexicographic rule lets win
 * along d. What has no branch rule (the norm at 0, user primitives, non-Lipschitz kinks the program moves across)
 * is refused with an error naming the primitive.
 *
 * Why it is a Clarke element: when no sign ties, the branches chosen along d stay the same for every nearby
 * direction (inert kinks, below, cannot change the result), so the choices are those of the lexicographic derivative for any direction matrix whose first
 * column is d, and the output is that lexicographic derivative, which lies in the Clarke subdifferential
 * (Nesterov 2005; Khan and Barton 2013). Under Kakade and Lee's qualification condition (the kinks are crossed
 * transversally: the pieces are described by constraints with linearly independent active gradients) a tie has
 * probability zero for a d drawn from a density. A tie (the argument of a kink moves, but not along d: a d in the
 * measure-zero set where the guarantee does not hold) is an error by default, or reported in `ties` with
 * `onTie: "flag"`, never a silent answer.
 *
 * A tie whose argument does not move along a second random direction either is inert: the argument's gradient is 0
 * (with probability one), so whichever branch is taken there multiplies a zero derivative (relu(relu(x)) at 0
 * along a d where the inner relu is off, or relu of the null function). Only the other ties are reported.
 *
 * Cost: one evaluation carrying two tangent columns (d and the second direction), plus one reverse-mode gradient,
 * whatever the number n of inputs (Kakade and Lee bound their version by a dimension-free factor 6 of one
 * evaluation), against n tangent columns for a lexicographic derivative that is guaranteed for every direction
 * matrix.
 *
 * @module
 */
import type { Tensor } from "../tensor";
import { fsign, fsignDiff } from "../engine/nonsmooth";
import type { ElementKinkRule, KinkDeclaration, LexSide } from "../engine/nonsmooth";
import type { LinEnv, Primitive, TapeNode } from "../engine/trace";
import { Tracer } from "../engine/trace";
import { valueAndGrad } from "../engine/transforms";
import * as K from "../kernels";
import { policies, checkPolicy } from "../policy";
import type { KinkPolicy, KinkSlot } from "../policy";
import { rounding } from "../precision";
import { Rng } from "../rng";
import { lexDirections, lexTape } from "./lexicographic";
import { inputTensor } from "./record";
import type { Program } from "./record";

/** Options of {@link randomizedClarkeGradient}. */
export interface RandomizedClarkeOptions {
  /** Seed of the random direction (standard normal entries). Default 0. */
  readonly seed?: number;
  /** A given direction instead of a random one (to exhibit the measure-zero set where the guarantee fails). */
  readonly direction?: readonly number[];
  /** What a tie does: "error" (default) throws naming the kink; "flag" reports it in `ties` and lets `policy` choose there. */
  readonly onTie?: "error" | "flag";
  /** The policy at tied kinks under `onTie: "flag"`. Default pytorch. */
  readonly policy?: KinkPolicy;
}

/** The randomized Clarke element and what it cost. */
export interface RandomizedClarke {
  /** f(x). */
  readonly value: number;
  /** The element returned: the gradient backpropagated with the branches chosen along `direction`. */
  readonly gradient: number[];
  /** The direction d. */
  readonly direction: number[];
  /** f'(x; d), the one-sided directional derivative (equal to ⟨gradient, d⟩ when no sign tied). */
  readonly directional: number;
  /** Kink hits decided by the sign along d. */
  readonly decided: number;
  /**
   * Kink hits whose argument does not move to first order along d nor along a second random direction: its
   * gradient is 0 (with probability one), so its branch multiplies a zero derivative and cannot change the result.
   */
  readonly inert: number;
  /** Kink hits where d failed to decide (the argument moves, but not along d); empty when guaranteed. */
  readonly ties: KinkSlot[];
  /** No tie: the gradient is a lexicographic derivative, hence a Clarke element. */
  readonly guaranteed: boolean;
  /** Passes over the program: evaluations, tangent columns carried, reverse sweeps (independent of n). */
  readonly cost: { readonly evaluations: number; readonly tangentColumns: number; readonly reverseSweeps: number };
}

const slotId = (node: number, element: number, key: string): string => `${node}:${element}:${key}`;

/** The flat indices of each lane of a reduction over `axis` (null: one lane of everything), in output order. */
function laneIndices(shape: readonly number[], axis: number | null): number[][] {
  const size = shape.reduce((a, b) => a * b, 1);
  if (axis === null) return [Array.from({ length: size }, (_, i) => i)];
  const n = shape[axis];
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out: number[][] = [];
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) out.push(Array.from({ length: n }, (_, j) => o * n * inner + j * inner + i));
  return out;
}

/** A declared lexicographic branch rule (see `ElementKinkRule`). */
type BranchRule = NonNullable<ElementKinkRule<unknown>["lex"]>;

/**
 * The partials a primitive's declared lexicographic rule picks at one kink element along a single direction
 * (`rows`: one column per input), and whether that direction decided the branch: a branch test that returns 0
 * (the quantity it tests does not move along the direction) leaves the branch undecided.
 */
function branchAlong(
  rule: BranchRule,
  a: readonly number[],
  rows: readonly Float64Array[],
  params: unknown,
): { partials: readonly number[]; decided: boolean } {
  let decided = true;
  const seen = (v: number): number => {
    if (v === 0) decided = false;
    return v;
  };
  const s: LexSide = {
    side: (u, row) => seen(fsign(u, row, 1)),
    sideDiff: (x, y, X, Y) => seen(fsignDiff(x, y, X, Y, 1)),
  };
  const partials = rule(a, rows, s, params);
  return { partials, decided };
}

/** The policy slot a kink element consults and the choice there that gives a branch's partials. */
interface SlotChoice {
  readonly key: string;
  readonly choice: number;
}

/**
 * Maps the partials of a branch at one kink element to the policy's choice there, through the primitive's own
 * declared partials: they are evaluated (by its scalar reverse step) with the choice at each end of the Clarke
 * range, and the end that gives the branch's partials is the choice. The branch partials of a lexicographic rule
 * are one-sided derivatives, the ends of the segment of partials the range spans (relu: 0 and 1; leakyRelu: the
 * slope and 1 for the choices 0 and 1); where nothing moves, a rule may pick a point inside the segment (abs: 0),
 * found on it. The probe also reads which slot the partials consult (`clip.lower` at the lower bound of clip).
 * Null when the partials consult no choice at the element; an error when no choice gives the partials (the
 * declaration contradicts itself).
 */
function choiceProbe(
  fn: string,
): (
  prim: Primitive<unknown>,
  kink: KinkDeclaration<never>,
  a: number[],
  y: number,
  params: unknown,
  q: readonly number[],
) => SlotChoice | null {
  let theta = 0;
  let key: string | undefined;
  const policy = policies.perKink(
    policies.pytorch,
    (slot) => {
      key ??= slot.key;
      return theta;
    },
    `${fn} (probe)`,
  );
  const env: LinEnv = { precision: "float64", round: rounding("float64"), node: -1, policy };
  const partialsAt = (prim: Primitive<unknown>, a: number[], y: number, params: unknown, t: number): number[] => {
    theta = t;
    key = undefined;
    if (prim.scalarVjp === undefined)
      throw new Error(
        `${fn}: the primitive "${prim.name}" declares a per-element kink rule but no scalar reverse step`,
      );
    return prim.scalarVjp(a, y, params, env, 1).map((p) => p ?? 0);
  };
  const same = (u: readonly number[], v: readonly number[]): boolean =>
    u.length === v.length && u.every((x, i) => x === v[i]);
  return (prim, kink, a, y, params, q) => {
    const c = kink.choice;
    if (c.kind !== "scalar" && c.kind !== "bounds")
      throw new Error(`${fn}: the kink of "${kink.op}" (${c.kind}) has no per-element choice`);
    const [lo, hi] = c.range;
    const low = partialsAt(prim, a, y, params, lo);
    const slot = key;
    const high = partialsAt(prim, a, y, params, hi);
    if (slot === undefined) return null;
    if (same(q, low)) return { key: slot, choice: lo };
    if (same(q, high)) return { key: slot, choice: hi };
    // a rule may pick a point inside the segment where no direction moves the kink (abs: 0): the choice there
    const i = low.findIndex((v, j) => v !== high[j]);
    if (i >= 0 && q.length === low.length) {
      const t = (q[i] - low[i]) / (high[i] - low[i]);
      const th = lo + (hi - lo) * t;
      if (
        t > 0 &&
        t < 1 &&
        partialsAt(prim, a, y, params, th).every((v, j) => Math.abs(v - q[j]) <= 1e-12 * (1 + Math.abs(q[j])))
      )
        return { key: slot, choice: th };
    }
    throw new Error(
      `${fn}: the lexicographic rule of "${kink.op}" picks the partials [${q.join(", ")}] at its kink, which no choice in its Clarke range [${lo}, ${hi}] gives (the declared partials there go from [${low.join(", ")}] to [${high.join(", ")}]): the primitive's kink declaration is inconsistent`,
    );
  };
}

/** Why a kink of this kind cannot be decided one direction at a time. */
function refusal(fn: string, kink: KinkDeclaration<never>, node: number): Error {
  const why =
    kink.choice.kind === "norm"
      ? "the Euclidean norm at 0 is nonsmooth in several variables at once, and no branch rule along a direction is known for it; evaluate away from 0"
      : kink.choice.kind === "user"
        ? "user primitives declare one Clarke element at their kinks, not a branch rule"
        : "its declaration has no per-element branch rule (kink.lex)";
  return new Error(
    `${fn}: unsupported primitive "${kink.op}" at its kink (key ${kink.key}, tape node ${node}): ${why}`,
  );
}

/**
 * A Clarke element of a scalar program at x by the randomized method of Kakade and Lee (2018): the branch of every
 * kink is the one entered along a random direction d (the sign of the kink argument's directional derivative),
 * then one reverse pass backpropagates with those branches. When no sign ties (probability one under their
 * qualification condition) the result is the lexicographic derivative for a direction matrix whose first column is
 * d, so it lies in the Clarke subdifferential; a tie throws (or, with `onTie: "flag"`, is reported in `ties`).
 * Kinks whose argument does not move at all (gradient 0) are `inert`: their branch cannot change the result.
 * Programs of the built-in primitives: each kink is decided by its primitive's declared lexicographic rule (relu,
 * abs, max, min, clip, softshrink and their kin); the norm at 0, user primitives and non-Lipschitz kinks crossed
 * by the program are refused with an error naming the primitive.
 *
 * @example
 * ```ts
 * import { randomizedClarkeGradient, relu, neg, add, sub, abs, at, assert, assertEqual } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * const zero = (t: Value) => sub(add(relu(neg(t)), t), relu(t)); // relu2 - relu, the null function
 * const r = randomizedClarkeGradient(zero, 0, { seed: 1 });
 * assertEqual(r.gradient, [0]);                   // every fixed relu'(0) = s gives 1 - 2s here
 * assert(r.guaranteed, "no sign tied along d");
 * // |x - y| at x = y, along d = (1, 1): the argument moves, but not along d: the sign ties
 * const t = randomizedClarkeGradient((v: Value) => abs(sub(at(v, 0), at(v, 1))), [1, 1], { direction: [1, 1], onTie: "flag" });
 * assertEqual(t.ties.length, 1);
 * ```
 */
export function randomizedClarkeGradient(
  f: Program,
  x: number | readonly number[],
  options: RandomizedClarkeOptions = {},
): RandomizedClarke {
  const fn = "randomizedClarkeGradient";
  if (options === null || typeof options !== "object")
    throw new Error(`${fn}: options must be an object like { seed, direction, onTie, policy }`);
  for (const k of Object.keys(options)) {
    if (!["seed", "direction", "onTie", "policy"].includes(k))
      throw new Error(`${fn}: unknown option "${k}": expected seed, direction, onTie and policy`);
  }
  const onTie = options.onTie ?? "error";
  if (onTie !== "error" && onTie !== "flag")
    throw new Error(`${fn}: onTie must be "error" or "flag", got ${JSON.stringify(onTie)}`);
  const seed = options.seed ?? 0;
  if (!Number.isFinite(seed)) throw new Error(`${fn}: seed must be a finite number, got ${seed}`);
  const base = options.policy === undefined ? policies.pytorch : checkPolicy(options.policy, fn);
  const xt = inputTensor(fn, x);
  const n = xt.size;
  let d: number[] = [];
  if (options.direction !== undefined) {
    d = [...options.direction];
    if (d.length === n && d.every((v) => v === 0)) throw new Error(`${fn}: the direction must not be 0`);
  }
  const rng = new Rng(seed);
  const d1 = Array.from({ length: n }, () => rng.normal());
  const d2 = Array.from({ length: n }, () => rng.normal());
  if (options.direction === undefined) d = d1;
  // a second random direction tells a kink whose argument does not move at all to first order (its gradient is 0
  // with probability one, so its branch cannot change the result) from one that d fails to cross
  const dirs = lexDirections(fn, xt, [d, d2]);
  let tape: ReturnType<typeof lexTape>;
  try {
    tape = lexTape(fn, f, xt, dirs);
  } catch (e) {
    // the lexicographic pass refuses what has no branch rule (user primitives, the norm at 0, non-Lipschitz kinks)
    const m = (e as Error).message;
    throw m.startsWith(`${fn}:`) ? e : new Error(`${fn}: ${m}`);
  }
  if (tape.result.value.size !== 1)
    throw new Error(`${fn}: the function must return a scalar, got ${tape.result.value.size} values`);

  // the decision at every kink hit, keyed like the engine's per-application slots
  const choices = new Map<string, number>();
  const ties: KinkSlot[] = [];
  let still = 0;
  const notLipschitz = new Set<string>();
  const probe = choiceProbe(fn);
  const columnsOf = (v: Tracer | Tensor): readonly Float64Array[] | null =>
    v instanceof Tracer ? (tape.columns[v.index] ?? null) : null;

  /** Elementwise kinks: the declared branch rule along d decides; if d does not, the second direction tells inert from tied. */
  const decideElements = (node: TapeNode, index: number, kink: KinkDeclaration<never>, rule: BranchRule): void => {
    const out = node.output.value;
    const vals = node.inputs.map((v) => (v instanceof Tracer ? v.value : v));
    const cols = node.inputs.map(columnsOf);
    const idx = vals.map((v) => K.broadcastIndex(v.shape, out.shape));
    const element = kink.element as ElementKinkRule<unknown>;
    const a = new Array<number>(vals.length);
    const along = vals.map(() => new Float64Array(1));
    const other = vals.map(() => new Float64Array(1));
    const seen = new Map<string, SlotChoice | null>();
    for (let e = 0; e < out.size; e++) {
      for (let i = 0; i < vals.length; i++) {
        a[i] = vals[i].data[idx[i][e]];
        along[i][0] = cols[i]?.[0]?.[idx[i][e]] ?? 0;
        other[i][0] = cols[i]?.[1]?.[idx[i][e]] ?? 0;
      }
      if (!element.at(a, node.params)) continue;
      const first = branchAlong(rule, a, along, node.params);
      // the same inputs and branch give the same slot and choice (a layer of relus at 0): probe once per node
      const memo = `${a.join(",")}|${out.data[e]}|${first.partials.join(",")}`;
      let slot = seen.get(memo);
      if (slot === undefined)
        seen.set(memo, (slot = probe(node.prim, kink, a, out.data[e], node.params, first.partials)));
      if (slot === null) continue; // the declared partials make no choice here
      const id = slotId(index, e, slot.key);
      if (first.decided) choices.set(id, slot.choice);
      else if (!branchAlong(rule, a, other, node.params).decided) {
        still++;
        choices.set(id, slot.choice); // the rule's pick where nothing moves; any branch would do: it multiplies a zero derivative
      } else ties.push({ key: slot.key, node: index, element: e });
    }
  };

  /**
   * Max and min reductions: the declared lexicographic rule gave the lane the tangent of the tied entry that wins
   * along d (the largest derivative for max, the smallest for min); the tied entries with that tangent lead, and
   * equal leaders tie unless the second direction cannot tell them apart either.
   */
  const decideTies = (node: TapeNode, index: number, kink: KinkDeclaration<never>): void => {
    const params = node.params as { axis?: number | null };
    if (params === null || typeof params !== "object" || params.axis === undefined) throw refusal(fn, kink, index);
    const x = node.inputs[0] instanceof Tracer ? node.inputs[0].value : node.inputs[0];
    const out = node.output.value;
    const tan = columnsOf(node.inputs[0])?.[0];
    const tan2 = columnsOf(node.inputs[0])?.[1];
    const won = tape.columns[index]?.[0];
    laneIndices(x.shape, params.axis).forEach((lane, li) => {
      const best = out.data[li];
      const tied = lane.filter((i) => x.data[i] === best);
      if (tied.length < 2) return;
      const leaders = tied.flatMap((i, j) => ((tan ? tan[i] : 0) === (won ? won[li] : 0) ? [j] : []));
      const still2 = leaders.every((j) => (tan2 ? tan2[tied[j]] : 0) === (tan2 ? tan2[tied[leaders[0]]] : 0));
      if (leaders.length === 1 || still2) choices.set(slotId(index, li, kink.key), leaders[0]);
      else ties.push({ key: kink.key, node: index, element: li, ties: tied.length });
      if (leaders.length > 1 && still2) still++;
    });
  };

  // each kink hit is decided by what its primitive declares (engine/primitives.ts), by the kind of its choice
  tape.nodes.forEach((node, index) => {
    const kink = node.prim.kink as KinkDeclaration<never> | undefined;
    if (kink === undefined) return;
    const hit = (): boolean =>
      kink.count(
        node.inputs.map((v) => (v instanceof Tracer ? v.value : v)),
        node.params as never,
      ) > 0;
    switch (kink.choice.kind) {
      case "scalar":
      case "bounds": {
        const rule = kink.element?.lex as BranchRule | undefined;
        if (rule !== undefined) decideElements(node, index, kink, rule);
        else if (hit()) throw refusal(fn, kink, index);
        return;
      }
      case "ties":
        decideTies(node, index, kink);
        return;
      case "fixed":
        // no choice and no Clarke set: the lexicographic pass refused it if its argument moves; a still one is
        // harmless unless reverse mode's derivative there (+inf) meets a nonzero one, caught below
        if (hit()) notLipschitz.add(kink.op);
        return;
      default:
        if (hit()) throw refusal(fn, kink, index);
    }
  });
  if (ties.length > 0 && onTie === "error") {
    throw new Error(
      `${fn}: the sign along d = [${d.join(", ")}] ties at ${ties.length} kink hit(s) (${ties.map((s) => `${s.key} at tape node ${s.node}, element ${s.element}`).join("; ")}): the kink's argument does not move along d, so d cannot decide its branch and the result would not be guaranteed; this has probability zero for a random d under the qualification condition of Kakade and Lee (2018). Use lexicographicGradient (guaranteed, n directions), another seed, or onTie: "flag"`,
    );
  }
  const tiedIds = new Set(ties.map((s) => slotId(s.node, s.element, s.key)));
  const unknown: string[] = [];
  const policy = policies.perKink(
    base,
    (s) => {
      const id = slotId(s.node, s.element, s.key);
      const c = choices.get(id);
      if (c === undefined && !tiedIds.has(id)) unknown.push(`${s.key} at tape node ${s.node}`);
      return c;
    },
    "randomized Clarke (Kakade-Lee)",
  );
  const r = valueAndGrad(f, typeof x === "number" ? x : [...x], { policy });
  if (unknown.length > 0) {
    throw new Error(
      `${fn}: reverse mode consulted kink(s) the directional pass did not see (${unknown.join("; ")}): the program must be deterministic (the same operations on every call)`,
    );
  }
  const gradient = typeof r.grad === "number" ? [r.grad] : Array.from(r.grad as ArrayLike<number>);
  if (!gradient.every(Number.isFinite)) {
    const where =
      notLipschitz.size > 0
        ? `: the program applies ${[...notLipschitz].join(", ")} at a kink where the primitive is not locally Lipschitz, and reverse mode's infinite derivative there meets a derivative that is not 0; lexicographicGradient treats that kink exactly`
        : "";
    throw new Error(`${fn}: the gradient is not finite ([${gradient.join(", ")}])${where}`);
  }
  return {
    value: r.value,
    gradient: gradient.map((v) => v + 0),
    direction: d,
    directional: tape.result.tangents[0].data[0],
    decided: choices.size - still,
    inert: still,
    ties,
    guaranteed: ties.length === 0,
    cost: { evaluations: 2, tangentColumns: 2, reverseSweeps: 1 },
  };
}
