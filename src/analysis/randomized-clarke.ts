/**
 * A Clarke element for the cost of a forward pass with two directional derivatives and one backward pass: the
 * randomized method of Kakade and Lee (2018, "Provably correct automatic subdifferentiation for qualified programs", NeurIPS).
 *
 * Draw a random direction d. Every kink the program hits at x is decided by the sign of the one-sided directional
 * derivative of the kink's argument along d (the first step of the lexicographic rule of Nesterov 2005 and Khan
 * and Barton 2013, with a single direction): the branch the program enters when it moves from x along d. Reverse
 * mode then backpropagates with exactly those choices (a per-application policy, `policies.perKink`).
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
import { PRIMS } from "../engine/primitives";
import type { Primitive } from "../engine/trace";
import { Tracer } from "../engine/trace";
import { valueAndGrad } from "../engine/transforms";
import * as K from "../kernels";
import { policies, checkPolicy } from "../policy";
import type { KinkPolicy, KinkSlot } from "../policy";
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

const NAMES = new Map<Primitive<unknown>, string>(Object.entries(PRIMS).map(([k, p]) => [p as Primitive<unknown>, k]));

const slotId = (node: number, element: number, key: string): string => `${node}:${element}:${key}`;

/** The sign of a number as a branch decision: 1, -1, or 0 for a tie. */
const sgn = (v: number): number => (v > 0 ? 1 : v < 0 ? -1 : 0);

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

/**
 * A Clarke element of a scalar program at x by the randomized method of Kakade and Lee (2018): the branch of every
 * kink is the one entered along a random direction d (the sign of the kink argument's directional derivative),
 * then one reverse pass backpropagates with those branches. When no sign ties (probability one under their
 * qualification condition) the result is the lexicographic derivative for a direction matrix whose first column is
 * d, so it lies in the Clarke subdifferential; a tie throws (or, with `onTie: "flag"`, is reported in `ties`).
 * Kinks whose argument does not move at all (gradient 0) are `inert`: their branch cannot change the result.
 * Programs of the built-in primitives with a lexicographic rule (relu, abs, max, min, clip and their kin, smooth
 * ops); the norm at 0 and user primitives are refused.
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
export function randomizedClarkeGradient(f: Program, x: number | readonly number[], options: RandomizedClarkeOptions = {}): RandomizedClarke {
  const fn = "randomizedClarkeGradient";
  if (options === null || typeof options !== "object") throw new Error(`${fn}: options must be an object like { seed, direction, onTie, policy }`);
  for (const k of Object.keys(options)) {
    if (!["seed", "direction", "onTie", "policy"].includes(k)) throw new Error(`${fn}: unknown option "${k}": expected seed, direction, onTie and policy`);
  }
  const onTie = options.onTie ?? "error";
  if (onTie !== "error" && onTie !== "flag") throw new Error(`${fn}: onTie must be "error" or "flag", got ${JSON.stringify(onTie)}`);
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
  const tape = lexTape(fn, f, xt, lexDirections(fn, xt, [d, d2]));
  if (tape.result.value.size !== 1) throw new Error(`${fn}: the function must return a scalar, got ${tape.result.value.size} values`);

  // the decision at every kink hit, keyed like the engine's per-application slots
  const choices = new Map<string, number>();
  const ties: KinkSlot[] = [];
  let still = 0;
  const tangentOf = (v: Tracer | Tensor, j: number): Float64Array | null => (v instanceof Tracer ? (tape.columns[v.index]?.[j] ?? null) : null);
  // sign: of the argument's derivative along d; other: along the second direction (consulted only on a tie)
  const decide = (node: number, element: number, key: string, sign: number, other: number, ifUp: number, ifDown: number): void => {
    if (sign !== 0) choices.set(slotId(node, element, key), sign > 0 ? ifUp : ifDown);
    else if (other === 0) {
      still++;
      choices.set(slotId(node, element, key), ifUp); // any branch: it multiplies a zero derivative
    } else ties.push({ key, node, element });
  };
  tape.nodes.forEach((node, index) => {
    const name = NAMES.get(node.prim as Primitive<unknown>);
    if (name === undefined) return;
    const out = node.output.value;
    const vals = node.inputs.map((v) => (v instanceof Tracer ? v.value : v));
    const tans = node.inputs.map((v) => tangentOf(v, 0));
    const tans2 = node.inputs.map((v) => tangentOf(v, 1));
    const idx = vals.map((v) => K.broadcastIndex(v.shape, out.shape));
    const a = (i: number, e: number): number => vals[i].data[idx[i][e]];
    const t = (i: number, e: number): number => tans[i]?.[idx[i][e]] ?? 0;
    const u = (i: number, e: number): number => tans2[i]?.[idx[i][e]] ?? 0;
    switch (name) {
      case "relu":
      case "leakyRelu":
        for (let e = 0; e < out.size; e++) if (a(0, e) === 0) decide(index, e, name, sgn(t(0, e)), u(0, e), 1, 0);
        return;
      case "abs":
        for (let e = 0; e < out.size; e++) if (a(0, e) === 0) decide(index, e, "abs", sgn(t(0, e)), u(0, e), 1, -1);
        return;
      case "maximum":
      case "minimum":
        // the weight on the first argument: it wins along d when its derivative is larger (smaller for minimum)
        for (let e = 0; e < out.size; e++) {
          if (a(0, e) !== a(1, e)) continue;
          const s = sgn(t(0, e) - t(1, e));
          decide(index, e, name, name === "maximum" ? s : -s, u(0, e) - u(1, e), 1, 0);
        }
        return;
      case "hinge":
        for (let e = 0; e < out.size; e++) if (a(0, e) === 1) decide(index, e, "hinge", sgn(t(0, e)), u(0, e), 0, -1);
        return;
      case "clip":
      case "hardtanh":
      case "relu6": {
        const { lo, hi } = node.params as { lo: number; hi: number };
        for (let e = 0; e < out.size; e++) {
          if (a(0, e) === lo) decide(index, e, `${name}.lower`, sgn(t(0, e)), u(0, e), 1, 0); // enters the interior moving up
          else if (a(0, e) === hi) decide(index, e, `${name}.upper`, sgn(t(0, e)), u(0, e), 0, 1);
        }
        return;
      }
      case "max":
      case "min": {
        const isMax = name === "max";
        const lanes = laneIndices(vals[0].shape, (node.params as { axis: number | null }).axis);
        const key = isMax ? "maxTies" : "minTies";
        const tan = tans[0];
        const tan2 = tans2[0];
        lanes.forEach((lane, li) => {
          const best = out.data[li];
          const tied = lane.filter((i) => vals[0].data[i] === best);
          if (tied.length < 2) return;
          // the tied entry whose derivative along d is largest (smallest for min) wins; equal leaders tie
          const slopes = tied.map((i) => (tan ? tan[i] : 0) * (isMax ? 1 : -1));
          const top = Math.max(...slopes);
          const leaders = slopes.flatMap((s, j) => (s === top ? [j] : []));
          const still2 = leaders.every((j) => (tan2 ? tan2[tied[j]] : 0) === (tan2 ? tan2[tied[leaders[0]]] : 0));
          if (leaders.length === 1 || still2) choices.set(slotId(index, li, key), leaders[0]);
          else ties.push({ key, node: index, element: li, ties: tied.length });
          if (leaders.length > 1 && still2) still++;
        });
        return;
      }
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
    throw new Error(`${fn}: reverse mode consulted kink(s) the directional pass did not see (${unknown.join("; ")}): the program must be deterministic (the same operations on every call)`);
  }
  const gradient = typeof r.grad === "number" ? [r.grad] : Array.from(r.grad as ArrayLike<number>);
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
