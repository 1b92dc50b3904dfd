/**
 * Kink policies: which element of the Clarke set each nonsmooth primitive returns at its kinks.
 *
 * Frameworks hide this choice in a `>` versus `>=`; here it is a named value passed explicitly to every
 * differentiation call. Presets reproduce PyTorch, JAX, TensorFlow and tfjs (the values measured in PyTorch or
 * read in each framework's source code, as each preset's comment says), including the values some of them return
 * outside the Clarke set, which the kink report flags.
 *
 * This file holds only the values: which keys exist, their kind and their Clarke ranges are read from the
 * primitives' declarations (`engine/primitives.ts`), so validation and the Clarke checks need no table of their own.
 *
 * @module
 */
import { BUILTIN_KINKS } from "./engine/primitives";
import { outsideChoicesOf } from "./engine/nonsmooth";
import type { KinkDeclaration } from "./engine/nonsmooth";
import { finite, oneOf, seed as checkSeed } from "./validate";

/** How a max (or min) over k tied entries splits its derivative. */
export type TieRule = "split" | "first" | "last" | "each";

/** Derivative with respect to x at the lower and the upper bound of a clamp, each in [0, 1]. */
export interface BoundChoice {
  readonly lower: number;
  readonly upper: number;
}

/** The choices at every kink of the built-in primitives. */
export interface PolicyChoices {
  /** relu'(0) = s, Clarke set [0, 1]. */
  readonly relu: number;
  /** leaky relu with slope a at 0: derivative (1 - θ)·a + θ·1 for this θ in [0, 1] (θ = 0 gives a, θ = 1 gives 1). */
  readonly leakyRelu: number;
  /** abs'(0), Clarke set [-1, 1]. */
  readonly abs: number;
  /** maximum(x, y) at x = y: the weight w on x (and 1 - w on y), Clarke set w in [0, 1]. */
  readonly maximum: number;
  /** minimum(x, y) at x = y: the weight w on x (and 1 - w on y), Clarke set w in [0, 1]. */
  readonly minimum: number;
  /** max over an axis with k tied entries: "split" (1/k each), "first", "last", or "each" (1 to each: outside the Clarke set when k > 1). */
  readonly maxTies: TieRule;
  /** min over an axis with k tied entries, as maxTies. */
  readonly minTies: TieRule;
  /** clip(x, lo, hi) at x = lo and x = hi: derivative in [0, 1]. */
  readonly clip: BoundChoice;
  /** hardtanh (clip to [-1, 1]) at ±1. */
  readonly hardtanh: BoundChoice;
  /** relu6 (clip to [0, 6]) at 0 and 6. */
  readonly relu6: BoundChoice;
  /** hinge(t) = max(0, 1 - t) at t = 1: derivative in [-1, 0]. */
  readonly hinge: number;
  /** softshrink(x, λ) at x = -λ (lower) and x = λ (upper): derivative in [0, 1] at each. */
  readonly softshrink: BoundChoice;
  /** Gradient of the Euclidean norm at 0: "zero" (in the Clarke set, the unit ball) or "nan" (outside). */
  readonly norm: "zero" | "nan";
  /** Choices for user-declared primitives, by primitive name (see definePrimitive). */
  readonly primitives: Readonly<Record<string, number>>;
}

/**
 * One kink hit, as a per-application policy sees it: the policy key ("relu", "abs", "clip.lower", "maxTies",
 * "primitives.NAME", ...), the node of the application on the tape, and the element (or, for reductions, the lane).
 */
export interface KinkSlot {
  readonly key: string;
  readonly node: number;
  readonly element: number;
  /** For "maxTies" and "minTies": the number k of tied entries (the choice is an index in 0 ... k - 1). */
  readonly ties?: number;
}

/** A kink policy: a name and the choices. `random` policies draw inside the Clarke set at each kink instead. */
export interface KinkPolicy extends PolicyChoices {
  readonly name: string;
  /** Present for the random policy: the seed of its keyed draws. */
  readonly randomSeed?: number;
  /**
   * Present for per-application policies (`policies.perKink`): the choice at one kink hit, or undefined to keep
   * the policy's own choice there.
   */
  readonly perKink?: (slot: KinkSlot) => number | undefined;
}

/** The keys whose choice is one number (relu, abs, ...). */
type ScalarKey = { [K in keyof PolicyChoices]: PolicyChoices[K] extends number ? K : never }[keyof PolicyChoices];
/** The keys whose choice is one number at each of two bounds (clip, ...). */
type BoundKey = { [K in keyof PolicyChoices]: PolicyChoices[K] extends BoundChoice ? K : never }[keyof PolicyChoices];

/** The declared kinks of one choice kind, in declaration order. */
const kinksOf = (kind: string): KinkDeclaration<never>[] => BUILTIN_KINKS.filter((k) => k.choice.kind === kind);
/** The order keys are listed and validated in: one-number choices, bounds, then ties and the norm. */
const CHOICE_KINDS = ["scalar", "bounds", "ties", "norm"] as const;
const POLICY_KINKS = CHOICE_KINDS.flatMap(kinksOf);

/** The Clarke set of each scalar choice, as an interval (read from the primitives' declarations). */
export const CLARKE_RANGES: Readonly<Record<ScalarKey, readonly [number, number]>> = Object.fromEntries(
  kinksOf("scalar").map((k) => [k.key, k.choice.kind === "scalar" ? k.choice.range : [NaN, NaN]]),
) as Record<ScalarKey, readonly [number, number]>;

const BOUND_KEYS = kinksOf("bounds").map((k) => k.key as BoundKey);
const TIE_RULES: readonly TieRule[] = ["split", "first", "last", "each"];
const ALL_KEYS = [...POLICY_KINKS.map((k) => k.key), "primitives"];

/**
 * The kink choices that lie outside the Clarke set, as "key=value" strings (empty for Clarke-valid policies).
 *
 * @example
 * ```ts
 * import { outsideClarkeChoices, policies, assertEqual } from "nonsmooth-ad";
 * assertEqual(outsideClarkeChoices(policies.pytorch), []);
 * assertEqual(outsideClarkeChoices(policies.tfjs), ["maxTies=each", "minTies=each", "norm=nan"]);
 * ```
 */
export function outsideClarkeChoices(p: PolicyChoices): string[] {
  if (p === null || typeof p !== "object")
    throw new TypeError(`outsideClarkeChoices: the policy must be an object of choices, got ${String(p)}`);
  return POLICY_KINKS.flatMap((k) => outsideChoicesOf(p as KinkPolicy, k));
}

/** The policies this module built (and so validated): frozen, they are not checked again at every call. */
const VALIDATED = new WeakSet<object>();

const base: Omit<KinkPolicy, "name"> = {
  relu: 0,
  leakyRelu: 0,
  abs: 0,
  maximum: 0.5,
  minimum: 0.5,
  maxTies: "split",
  minTies: "split",
  clip: { lower: 1, upper: 1 },
  hardtanh: { lower: 0, upper: 0 },
  relu6: { lower: 0, upper: 0 },
  hinge: 0,
  softshrink: { lower: 0, upper: 0 },
  norm: "zero",
  primitives: {},
};

function freeze(p: KinkPolicy): KinkPolicy {
  const bounds = Object.fromEntries(BOUND_KEYS.map((k) => [k, Object.freeze({ ...p[k] })]));
  return validated(
    Object.freeze({ ...p, ...bounds, primitives: Object.freeze({ ...p.primitives }) }),
    `policy ${p.name}`,
  );
}

/**
 * PyTorch 1.13 (measured): relu'(0) = 0, abs'(0) = 0 (sign), maximum splits ties (1/2, 1/2), max over k ties
 * splits evenly, clamp has derivative 1 at its bounds, hardtanh and relu6 have 0 there (`x > min && x < max`),
 * leaky_relu'(0) = slope, the norm's gradient at 0 is 0. hinge written as relu(1 - t) gives 0 at t = 1.
 * softshrink: 0 at ±λ (read in its source: `softshrink_backward` passes the gradient only where |x| > λ).
 */
const pytorch = freeze({ ...base, name: "pytorch" });

/**
 * JAX (read in its sources): `jax.nn.relu` has a custom JVP with relu'(0) = 0; `jnp.abs` differentiates as
 * sign with abs'(0) = +1 (select(x >= 0)); `jnp.maximum`/`jnp.minimum` split ties 1/2; `jnp.clip` is built from
 * maximum and minimum, so 1/2 at a bound; `jax.nn.relu6` has derivative 0 at 0 and 6; `jax.nn.hard_tanh` is a
 * `where(x > 1, ..., where(x < -1, ..., x))`, so 1 at ±1; `leaky_relu` is `where(x >= 0, x, a x)`, so 1 at 0;
 * `jnp.linalg.norm` at 0 gives NaN (x / ||x||); optax's hinge `maximum(0, 1 - t)` gives -1/2 at t = 1.
 * softshrink: JAX has no such primitive, the formula users write decides; 0 at ±λ is a convention we chose, the
 * value of jaxopt's `prox_lasso`, sign(x) * relu(|x| - λ) (relu'(0) = 0); `x - jnp.clip(x, -λ, λ)` would give 1/2.
 */
const jax = freeze({
  ...base,
  name: "jax",
  abs: 1,
  leakyRelu: 1,
  clip: { lower: 0.5, upper: 0.5 },
  hardtanh: { lower: 1, upper: 1 },
  relu6: { lower: 0, upper: 0 },
  hinge: -0.5,
  softshrink: { lower: 0, upper: 0 },
  norm: "nan",
});

/**
 * TensorFlow 2 (read in its sources): `tf.nn.relu` 0 at 0; `tf.abs` 0 (sign); `tf.maximum(x, y)` gives the whole
 * derivative to x at a tie (x >= y), `tf.minimum(x, y)` too (x <= y); reductions split ties evenly;
 * `tf.clip_by_value` 1 at its bounds; `tf.nn.relu6` 0 at 0 and 6 (0 < x < 6); leaky relu slope at 0; the norm's
 * gradient at 0 is 0 (it uses a safe division); hinge via maximum(1 - t, 0) gives -1 at t = 1. softshrink: 0 at
 * ±λ, the gradient of TensorFlow Addons' `tfa.activations.softshrink` (passed only where x < lower or x > upper).
 */
const tensorflow = freeze({
  ...base,
  name: "tensorflow",
  maximum: 1,
  minimum: 1,
  clip: { lower: 1, upper: 1 },
  hardtanh: { lower: 1, upper: 1 },
  relu6: { lower: 0, upper: 0 },
  hinge: -1,
  softshrink: { lower: 0, upper: 0 },
});

/**
 * tfjs 4 (read in its sources): relu'(0) = 0 (step); abs'(0) = -1 (`step(x, -1)`); maximum gives the tie to the
 * first argument (x >= y), minimum too (x <= y); max over k tied entries gives 1 to each of them (outside the
 * Clarke set); clipByValue 1 at its bounds; relu6 0 at 0 and 1 at 6 (`(x <= 6) * step(x)`); leaky relu slope at
 * 0; the norm's gradient at 0 is NaN; hinge via maximum(1 - t, 0) gives -1 at t = 1. softshrink: tfjs has no
 * such op; 0 at ±λ is a convention we chose, the value of both formulas users write with its ops:
 * `x - clipByValue(x, -λ, λ)` (1 - 1) and sign(x) * relu(|x| - λ) (relu's step gives 0 at 0).
 */
const tfjs = freeze({
  ...base,
  name: "tfjs",
  abs: -1,
  maximum: 1,
  minimum: 1,
  maxTies: "each",
  minTies: "each",
  clip: { lower: 1, upper: 1 },
  hardtanh: { lower: 1, upper: 1 },
  relu6: { lower: 0, upper: 1 },
  hinge: -1,
  softshrink: { lower: 0, upper: 0 },
  norm: "nan",
});

/** Everything a `custom` policy may set; unset keys take the PyTorch values. A bound choice may be one number for both bounds. */
export type PolicyOptions = Partial<Omit<PolicyChoices, BoundKey>> & {
  readonly name?: string;
} & { readonly [K in BoundKey]?: number | Partial<BoundChoice> };

/**
 * The second argument of `policies.custom` and `policies.reluAt`: an explicit opt-in for choices outside the
 * Clarke set.
 */
export interface OutsideClarkeOptIn {
  /**
   * Accept choices outside the Clarke set: any finite number for the one-number and bound choices (relu'(0) = 50,
   * say), `"each"` for ties and `"nan"` for the norm. Backprop with such a choice is no longer a conservative field
   * of the program [BP21], only another backprop rule, as studied by Bertoin, Bolte, Gerchinovitz and Pauwels
   * (NeurIPS 2021) for relu'(0) far outside [0, 1]. A policy that uses the opt-in has " [outside the Clarke set]"
   * appended to its name, `outsideClarkeChoices` lists its choices and the kink report flags their hits. Default
   * false: such choices are refused.
   */
  readonly outsideClarke?: boolean;
}

/** The suffix of the name of a policy built with choices outside the Clarke set. */
const OUTSIDE_SUFFIX = " [outside the Clarke set]";
/** How the refusal of a choice outside the Clarke set names the opt-in. */
const OPT_IN_HINT = "; pass { outsideClarke: true } as the second argument to allow it";

function checkRange(key: string, v: unknown, lo: number, hi: number, outside: boolean): number {
  if (outside) {
    if (typeof v !== "number" || !Number.isFinite(v))
      throw new Error(`policies.custom: ${key} = ${String(v)} must be a finite number`);
    return v;
  }
  if (typeof v !== "number" || !(v >= lo && v <= hi)) {
    throw new Error(
      `policies.custom: ${key} = ${String(v)} is outside the Clarke set: allowed range is [${lo}, ${hi}]` +
        (typeof v === "number" && Number.isFinite(v) ? OPT_IN_HINT : ""),
    );
  }
  return v;
}

function bound(
  key: string,
  v: number | Partial<BoundChoice> | undefined,
  dflt: BoundChoice,
  [lo, hi]: readonly [number, number],
  outside: boolean,
): BoundChoice {
  if (v === undefined) return dflt;
  if (typeof v === "number") {
    checkRange(key, v, lo, hi, outside);
    return { lower: v, upper: v };
  }
  for (const k of Object.keys(v)) {
    if (k !== "lower" && k !== "upper")
      throw new Error(`policies.custom: unknown key ${key}.${k}: expected lower and upper`);
  }
  return {
    lower: v.lower === undefined ? dflt.lower : checkRange(`${key}.lower`, v.lower, lo, hi, outside),
    upper: v.upper === undefined ? dflt.upper : checkRange(`${key}.upper`, v.upper, lo, hi, outside),
  };
}

/** Reads the opt-in argument (undefined means no opt-in); anything but { outsideClarke?: boolean } is refused. */
function optIn(where: string, o: unknown): boolean {
  if (o === undefined) return false;
  if (o === null || typeof o !== "object" || Array.isArray(o))
    throw new TypeError(`${where}: the second argument must be { outsideClarke: true } or omitted, got ${String(o)}`);
  for (const k of Object.keys(o)) {
    if (k !== "outsideClarke")
      throw new Error(`${where}: unknown option "${k}" in the second argument: the only option is outsideClarke`);
  }
  const v = (o as OutsideClarkeOptIn).outsideClarke;
  if (v !== undefined && typeof v !== "boolean")
    throw new TypeError(`${where}: outsideClarke must be true or false, got ${JSON.stringify(v)}`);
  return v === true;
}

/**
 * Builds a policy from explicit choices; unset keys keep PyTorch's. Rejects unknown keys and every value outside
 * the Clarke set (with a message naming the key, the allowed range and the opt-in), unless the second argument
 * opts in with `{ outsideClarke: true }`: the policy then takes any finite number (and the "each" tie rule, the
 * NaN norm gradient), and if some choice does lie outside the Clarke set its name ends in
 * " [outside the Clarke set]". A policy whose choices all lie in the Clarke set is the same with or without the
 * opt-in.
 *
 * @example
 * ```ts
 * import { policies, grad, relu, outsideClarkeChoices, assertEqual } from "nonsmooth-ad";
 * const p = policies.custom({ relu: 0.5, abs: 0 });
 * assertEqual(p.relu, 0.5);
 * let message = "";
 * try { policies.custom({ relu: 2 }); } catch (e) { message = (e as Error).message; }
 * assertEqual(message, "policies.custom: relu = 2 is outside the Clarke set: allowed range is [0, 1]; pass { outsideClarke: true } as the second argument to allow it");
 * const q = policies.custom({ relu: 50 }, { outsideClarke: true });
 * assertEqual([q.name, grad(relu, 0, { policy: q })], ["custom [outside the Clarke set]", 50]);
 * assertEqual(outsideClarkeChoices(q), ["relu=50"]);
 * ```
 */
function custom(options: PolicyOptions, flags?: OutsideClarkeOptIn): KinkPolicy {
  const outside = optIn("policies.custom", flags);
  if (options === null || typeof options !== "object")
    throw new Error("policies.custom: expected an object of choices");
  for (const k of Object.keys(options)) {
    if (k !== "name" && !ALL_KEYS.includes(k)) {
      throw new Error(`policies.custom: unknown key "${k}": known keys are ${ALL_KEYS.join(", ")}`);
    }
  }
  const p: Record<string, unknown> = { ...pytorch, name: options.name ?? "custom" };
  const given = options as Readonly<Record<string, unknown>>;
  const dflt = pytorch as unknown as Readonly<Record<string, unknown>>;
  for (const { key, choice } of kinksOf("scalar")) {
    if (given[key] === undefined) continue;
    // Stryker disable next-line ConditionalExpression: kinksOf("scalar") gives only scalar kinks (a type narrowing)
    if (choice.kind === "scalar") p[key] = checkRange(key, given[key], ...choice.range, outside);
  }
  for (const { key, choice } of kinksOf("bounds")) {
    // Stryker disable next-line ConditionalExpression: kinksOf("bounds") gives only bound kinks (a type narrowing)
    if (choice.kind === "bounds")
      p[key] = bound(
        key,
        given[key] as number | Partial<BoundChoice> | undefined,
        dflt[key] as BoundChoice,
        choice.range,
        outside,
      );
  }
  for (const k of kinksOf("ties").map((t) => t.key as "maxTies" | "minTies")) {
    const v = options[k];
    if (v !== undefined) {
      if (v === "each" && !outside)
        throw new Error(
          `policies.custom: ${k} = "each" is outside the Clarke set: allowed are "split", "first", "last"${OPT_IN_HINT}`,
        );
      if (!TIE_RULES.includes(v))
        throw new Error(`policies.custom: ${k} = ${JSON.stringify(v)}: allowed are "split", "first", "last"`);
      p[k] = v;
    }
  }
  if (options.norm !== undefined) {
    if (options.norm !== "zero" && !(outside && options.norm === "nan"))
      throw new Error(
        options.norm === "nan"
          ? `policies.custom: norm = "nan" is outside the Clarke set: allowed is "zero"${OPT_IN_HINT}`
          : `policies.custom: norm = ${JSON.stringify(options.norm)}: allowed are "zero" and, outside the Clarke set, "nan"`,
      );
    p.norm = options.norm;
  }
  if (options.primitives !== undefined) {
    if (options.primitives === null || typeof options.primitives !== "object") {
      throw new Error(
        `policies.custom: primitives must be an object of numbers by primitive name, got ${String(options.primitives)}`,
      );
    }
    for (const [name, v] of Object.entries(options.primitives)) {
      if (typeof v !== "number" || !Number.isFinite(v))
        throw new Error(`policies.custom: primitives.${name} must be a finite number, got ${String(v)}`);
    }
    p.primitives = { ...options.primitives };
  }
  // the name says what the policy is: a choice outside the Clarke set makes backprop another rule than a
  // conservative field, so it must not pass unnoticed in tables and legends
  if (outside && outsideClarkeChoices(p as unknown as PolicyChoices).length > 0) p.name = `${p.name}${OUTSIDE_SUFFIX}`;
  return freeze(p as unknown as KinkPolicy);
}

/**
 * A policy that draws uniformly inside the Clarke set at each kink hit. The draw depends only on the seed, the
 * kink's place in the program (its node on the tape), the element and the evaluation point, so forward and
 * reverse mode see the same draw and a repeated call gives the same result. The seed is an integer in
 * [-(2^53 - 1), 2^53 - 1]; all its bits count (seeds equal modulo 2^32 draw differently), and a fraction or NaN
 * is refused rather than truncated.
 *
 * @example
 * ```ts
 * import { policies, grad, relu, assert } from "nonsmooth-ad";
 * const g = grad((t) => relu(t), 0, { policy: policies.random(7) });
 * assert(g >= 0 && g <= 1, "relu'(0) drawn in [0, 1]");
 * ```
 */
function random(seed = 0): KinkPolicy {
  checkSeed("policies.random", "seed", seed);
  return freeze({ ...pytorch, name: `random(${seed})`, randomSeed: seed });
}

/**
 * A policy that decides kink by kink: `choose(slot)` gives the choice at one application and element (in the
 * key's Clarke range; for ties of a max or min over k entries, the index of the entry that takes the whole
 * derivative), or undefined to fall back to `base`. Different applications of one primitive may then take
 * different elements of their Clarke sets, which a per-primitive policy cannot express.
 *
 * @example
 * ```ts
 * import { policies, grad, abs, add, at, assertEqual } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * const f = (v: Value) => add(abs(at(v, 0)), abs(at(v, 1)));          // |x| + |y|
 * // on the tape (makeTape), %3 is the first abs and %6 the second
 * const p = policies.perKink(policies.pytorch, (s) => (s.key === "abs" ? (s.node === 3 ? 1 : -1) : undefined));
 * assertEqual(grad(f, [0, 0], { policy: p }), [1, -1]);            // a vertex of the square [-1, 1]^2
 * ```
 */
function perKink(base: KinkPolicy, choose: (slot: KinkSlot) => number | undefined, name?: string): KinkPolicy {
  checkPolicy(base, "policies.perKink");
  if (typeof choose !== "function") throw new Error("policies.perKink: choose must be a function of the kink slot");
  return validated(
    Object.freeze({ ...base, name: name ?? `perKink(${base.name})`, perKink: choose }),
    "policies.perKink",
  );
}

/**
 * A policy with relu'(0) = s and everything else as PyTorch: the family the notebooks sweep. s must lie in the
 * Clarke set [0, 1] unless the second argument opts in with `{ outsideClarke: true }` (see `policies.custom`).
 *
 * @example
 * ```ts
 * import { policies, grad, relu, assertEqual } from "nonsmooth-ad";
 * assertEqual(policies.reluAt(0.5).name, "relu'(0)=0.5");
 * const p = policies.reluAt(-10, { outsideClarke: true });
 * assertEqual([p.name, grad(relu, 0, { policy: p })], ["relu'(0)=-10 [outside the Clarke set]", -10]);
 * ```
 */
function reluAt(s: number, flags?: OutsideClarkeOptIn): KinkPolicy {
  try {
    return custom({ name: `relu'(0)=${s}`, relu: s }, flags);
  } catch (e) {
    // the refusal names the call that was made (the opt-in hint holds for both: the same second argument)
    if (e instanceof Error) e.message = e.message.replace(/^policies\.custom:/, "policies.reluAt:");
    throw e;
  }
}

/**
 * The preset and constructed policies.
 *
 * @example
 * ```ts
 * import { policies, grad, abs, assertEqual } from "nonsmooth-ad";
 * assertEqual(grad(abs, 0, { policy: policies.pytorch }), 0);
 * assertEqual(grad(abs, 0, { policy: policies.jax }), 1);
 * assertEqual(grad(abs, 0, { policy: policies.tfjs }), -1);
 * ```
 */
export const policies = { pytorch, jax, tensorflow, tfjs, custom, random, reluAt, perKink } as const;

/** The four framework presets, by name. */
export const presets: Readonly<Record<"pytorch" | "jax" | "tensorflow" | "tfjs", KinkPolicy>> = {
  pytorch,
  jax,
  tensorflow,
  tfjs,
};

/**
 * Checks that a value is a policy, however it was made (a preset, a constructor, an object spread by hand): one
 * check, derived from the primitives' declarations like the tables above. Every kink key must hold a choice of
 * its declared kind (a finite number, `{ lower, upper }` of finite numbers, a tie rule, a norm rule); values of the
 * right kind outside the Clarke set are accepted, as the presets need them, and flagged by the kink report.
 * Unknown keys, a non-function `perKink` and a non-integer `randomSeed` are refused. Messages name the call `where`.
 */
export function checkPolicy(p: unknown, where: string): KinkPolicy {
  if (p === null || typeof p !== "object" || typeof (p as KinkPolicy).name !== "string") {
    throw new Error(
      `${where}: policy must be a kink policy such as policies.pytorch or policies.custom({...}), got ${String(p)}`,
    );
  }
  // Stryker disable next-line ConditionalExpression: a policy validated here passes the check again (saves work)
  if (VALIDATED.has(p)) return p as KinkPolicy;
  const given = p as Readonly<Record<string, unknown>>;
  const known = ["name", ...ALL_KEYS, "randomSeed", "perKink"];
  for (const k of Object.keys(given)) {
    if (!known.includes(k))
      throw new Error(`${where}: policy has an unknown key ${JSON.stringify(k)}: known keys are ${known.join(", ")}`);
  }
  for (const { key, choice } of POLICY_KINKS) {
    const v = given[key];
    switch (choice.kind) {
      case "scalar":
        finite(where, `policy.${key}`, v);
        break;
      case "bounds":
        if (v === null || typeof v !== "object")
          throw new TypeError(`${where}: policy.${key} must be { lower, upper }, got ${String(v)}`);
        finite(where, `policy.${key}.lower`, (v as Partial<BoundChoice>).lower);
        finite(where, `policy.${key}.upper`, (v as Partial<BoundChoice>).upper);
        break;
      case "ties":
        oneOf(where, `policy.${key}`, v, TIE_RULES);
        break;
      case "norm":
        oneOf(where, `policy.${key}`, v, ["zero", "nan"] as const);
        break;
    }
  }
  const prims = given.primitives;
  if (prims === null || typeof prims !== "object")
    throw new TypeError(
      `${where}: policy.primitives must be an object of numbers by primitive name, got ${String(prims)}`,
    );
  for (const [name, v] of Object.entries(prims)) finite(where, `policy.primitives.${name}`, v);
  if (given.randomSeed !== undefined) checkSeed(where, "policy.randomSeed", given.randomSeed);
  if (given.perKink !== undefined && typeof given.perKink !== "function") {
    throw new TypeError(`${where}: policy.perKink must be a function of the kink slot, got ${String(given.perKink)}`);
  }
  return p as KinkPolicy;
}

/** Validates a policy this module builds (the same check as every other policy) and remembers it. */
function validated(p: KinkPolicy, where: string): KinkPolicy {
  checkPolicy(p, where);
  VALIDATED.add(p);
  return p;
}
