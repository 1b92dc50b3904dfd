/**
 * User-declared elementwise primitives: a value, partial derivatives and (optionally) a kink set with its Clarke
 * range, given as plain number functions. They work in both modes and in the kink report like built-ins.
 *
 * @module
 */
import type { Tensor } from "../tensor";
import { keyedUniform } from "../rng";
import { elementwise } from "./primitives";
import { userRange } from "./nonsmooth";
import { apply } from "./trace";
import type { LinEnv, Value, Tracer } from "./trace";

/** The declaration of a user primitive. */
export interface PrimitiveDeclaration {
  /** A unique name; it is also the key under `policy.primitives` that chooses at its kinks. */
  readonly name: string;
  /** How many inputs (1 to 3). */
  readonly arity: number;
  /** The value at a point. */
  readonly value: (...x: number[]) => number;
  /** The partial derivatives at a point where the primitive is differentiable (one per input). */
  readonly partials: (...x: number[]) => number[];
  /** Where it is not differentiable, and which partials it takes there. */
  readonly kink?: {
    /** True at a kink. */
    readonly at: (...x: number[]) => boolean;
    /** The range of the policy value s for which `partials(s, ...x)` lies in the Clarke set. */
    readonly range: readonly [number, number];
    /** The value of s when the policy does not set `primitives[name]`. */
    readonly default: number;
    /** The partials at a kink for the policy value s. */
    readonly partials: (s: number, ...x: number[]) => number[];
  };
}

export { userRange };

/**
 * The declarations defined so far, by name, as text: the policy (`primitives[name]`) and the kink report find a
 * user primitive by its name, so two different primitives under one name would read each other's Clarke range.
 * A second definition must be the same declaration (a notebook cell run again); another one is refused.
 */
const DEFINED = new Map<string, string>();

/** A declaration as comparable text: its arity, its ranges and the source of its functions. */
function signature(decl: PrimitiveDeclaration): string {
  const k = decl.kink;
  return JSON.stringify([
    decl.arity,
    String(decl.value),
    String(decl.partials),
    k ? [String(k.at), String(k.partials), k.range, k.default] : null,
  ]);
}

/** The kink part of a declaration, checked where it is written rather than at the first kink hit. */
function checkKink(name: string, kink: unknown): void {
  const fn = `definePrimitive(${name})`;
  if (kink === null || typeof kink !== "object")
    throw new Error(`${fn}: kink must be an object { at, range, default, partials }, got ${String(kink)}`);
  const k = kink as Partial<NonNullable<PrimitiveDeclaration["kink"]>>;
  if (typeof k.at !== "function")
    throw new Error(`${fn}: kink.at must be a function (x...) -> boolean, got ${String(k.at)}`);
  if (typeof k.partials !== "function")
    throw new Error(`${fn}: kink.partials must be a function (s, x...) -> number[], got ${String(k.partials)}`);
  const r = k.range;
  if (!Array.isArray(r) || r.length !== 2 || !r.every((v) => typeof v === "number" && Number.isFinite(v))) {
    throw new Error(`${fn}: kink.range must be [min, max], got ${JSON.stringify(r) ?? String(r)}`);
  }
  if (typeof k.default !== "number")
    throw new Error(`${fn}: kink.default must be a number in kink.range, got ${String(k.default)}`);
}

/**
 * Declares a new elementwise primitive from its value, its partials and its kinks, and returns the op. It works
 * in forward and reverse mode and in the kink report; at its kinks the policy's `primitives[name]` (or the
 * declared default) picks the element, and a value outside the declared range is refused.
 *
 * @example
 * ```ts
 * import { definePrimitive, grad, policies, assertEqual } from "nonsmooth-ad";
 * // the "soft threshold" max(|x| - 1, 0) * sign(x), with kinks at ±1
 * const shrink = definePrimitive({
 *   name: "shrink", arity: 1,
 *   value: (x) => Math.sign(x) * Math.max(Math.abs(x) - 1, 0),
 *   partials: (x) => [Math.abs(x) > 1 ? 1 : 0],
 *   kink: { at: (x) => Math.abs(x) === 1, range: [0, 1], default: 0, partials: (s) => [s] },
 * });
 * assertEqual(grad(shrink, 2), 1);
 * assertEqual(grad(shrink, 1), 0);
 * assertEqual(grad(shrink, 1, { policy: policies.custom({ primitives: { shrink: 1 } }) }), 1);
 * ```
 */
export function definePrimitive(decl: PrimitiveDeclaration): (...args: Value[]) => Tensor | Tracer {
  if (decl === null || typeof decl !== "object")
    throw new TypeError(
      `definePrimitive: the declaration must be an object { name, arity, value, partials, kink? }, got ${String(decl)}`,
    );
  const { name, arity, value, partials, kink } = decl;
  if (typeof name !== "string" || !/^[A-Za-z_][\w]*$/.test(name))
    throw new Error(`definePrimitive: name must be an identifier, got ${JSON.stringify(name)}`);
  if (!(Number.isInteger(arity) && arity >= 1 && arity <= 3))
    throw new Error(`definePrimitive(${name}): arity must be 1, 2 or 3, got ${arity}`);
  if (typeof value !== "function" || typeof partials !== "function")
    throw new Error(`definePrimitive(${name}): value and partials must be functions`);
  if (kink !== undefined) checkKink(name, kink);
  const sig = signature(decl);
  const before = DEFINED.get(name);
  if (before !== undefined && before !== sig) {
    throw new Error(
      `definePrimitive: a primitive named "${name}" is already defined with another declaration; give it another name (or restart the kernel to redefine it)`,
    );
  }
  if (kink) {
    const [lo, hi] = kink.range;
    if (!(lo <= hi)) throw new Error(`definePrimitive(${name}): kink.range [${lo}, ${hi}] is empty`);
    if (!(kink.default >= lo && kink.default <= hi)) {
      throw new Error(`definePrimitive(${name}): kink.default = ${kink.default} is outside its range [${lo}, ${hi}]`);
    }
  }
  /** The policy value s at one kink hit: per application, random, the policy's own, or the declared default. */
  const kinkChoice = (env: LinEnv, a: number[], element: number): number => {
    const k = kink!;
    const check = (s: number, what: string): number => {
      if (!(s >= k.range[0] && s <= k.range[1])) {
        throw new Error(
          `policy ${env.policy.name}: ${what} is outside the Clarke set: allowed range is [${k.range[0]}, ${k.range[1]}]`,
        );
      }
      return s;
    };
    const own = env.policy.perKink?.({ key: `primitives.${name}`, node: env.node, element });
    if (own !== undefined) return check(own, `the choice ${own} for primitives.${name}`);
    if (env.policy.randomSeed !== undefined)
      return k.range[0] + (k.range[1] - k.range[0]) * keyedUniform(env.policy.randomSeed, env.node, element, a[0]);
    const s = env.policy.primitives[name] ?? k.default;
    return check(s, `primitives.${name} = ${s}`);
  };
  const prim = elementwise<void>({
    name,
    arity,
    secondOrder: false,
    f: () => value,
    partials: (K, xs, _y, _p, env) => {
      // the partials at one point (kink-aware), as the declaration gives them
      const at = (a: number[], element: number): number[] => {
        let ps: number[];
        if (kink && kink.at(...a)) ps = kink.partials(kinkChoice(env, a, element), ...a);
        else ps = partials(...a);
        if (!Array.isArray(ps) || ps.length !== arity)
          throw new Error(`definePrimitive(${name}): partials must return ${arity} number(s)`);
        return ps;
      };
      return Array.from({ length: arity }, (_, j) => K.select(env, xs, (a, i) => at(a, i)[j]));
    },
    // its kink set is known only through `at`: no switching quantity changes sign across it, so kink location
    // finds it where a sampled point hits it (the quantity is 0 there and 1 elsewhere)
    kink: kink
      ? {
          key: `primitives.${name}`,
          choice: { kind: "user", range: [kink.range[0], kink.range[1]] },
          at: (a) => kink.at(...a),
          switching: (a) => [kink.at(...a) ? 0 : 1],
        }
      : undefined,
    lexRefusal:
      "it is not a built-in primitive (user primitives declare one Clarke element at their kinks, not a lexicographic rule)",
  });
  DEFINED.set(name, sig);
  return (...args: Value[]) => {
    if (args.length !== arity) throw new Error(`${name}: expected ${arity} argument(s), got ${args.length}`);
    return apply(prim, args, undefined) as Tensor | Tracer;
  };
}
