/**
 * Step sizes as functions of the step count k = 0, 1, 2, ... (as in Optax).
 *
 * Which schedules meet the conditions of the convergence theorem for mini-batch SGD with a conservative field
 * (Bolte and Pauwels 2020; the talk, Part III): the steps must satisfy sum_k g_k = infinity and g_k = o(1/log k).
 *
 * | schedule | sum = inf | o(1/log k) |
 * |---|---|---|
 * | constant c | yes | no (does not vanish) |
 * | c / (k+1)^p, 0 < p <= 1 | yes | yes (both conditions hold) |
 * | c / (k+1)^p, p > 1 | no (summable) | yes |
 * | c / log(k+2) | yes | no (it is Theta(1/log k), not o) |
 *
 * Each schedule carries these two facts as `divergentSum` and `oOfInverseLog`, and a plain-data `spec` that can
 * be sent to a worker thread and rebuilt with {@link schedules}.fromSpec.
 *
 * @module
 */
import { positive, nonNegative } from "../validate";

/** A plain-data description of a schedule (sendable to worker threads). */
export type ScheduleSpec =
  | { readonly kind: "constant"; readonly c: number }
  | { readonly kind: "polynomial"; readonly c: number; readonly p: number }
  | { readonly kind: "logarithmic"; readonly c: number };

/** A step size schedule: k (0-based step count) to a step size > 0, with what it satisfies. */
export interface Schedule {
  (k: number): number;
  /** A readable name, e.g. "0.1/(k+1)^0.5". */
  readonly label: string;
  /** True when sum_k g_k = infinity. */
  readonly divergentSum: boolean;
  /** True when g_k = o(1/log k). */
  readonly oOfInverseLog: boolean;
  /** The plain-data description, or undefined for a custom function. */
  readonly spec?: ScheduleSpec;
}

function make(
  f: (k: number) => number,
  label: string,
  divergentSum: boolean,
  oOfInverseLog: boolean,
  spec?: ScheduleSpec,
): Schedule {
  const g = ((k: number) => {
    if (!(Number.isInteger(k) && k >= 0))
      throw new Error(`schedule ${label}: the step count must be an integer >= 0, got ${k}`);
    return f(k);
  }) as Schedule;
  Object.defineProperties(g, {
    label: { value: label, enumerable: true },
    divergentSum: { value: divergentSum, enumerable: true },
    oOfInverseLog: { value: oOfInverseLog, enumerable: true },
    spec: { value: spec, enumerable: true },
  });
  return Object.freeze(g);
}

/**
 * The constant step c (sum = inf, but not vanishing).
 *
 * @example
 * ```ts
 * import { schedules, assertEqual } from "nonsmooth-ad";
 * const g = schedules.constant(0.1);
 * assertEqual([g(0), g(100)], [0.1, 0.1]);
 * assertEqual(g.oOfInverseLog, false);
 * ```
 */
function constant(c: number): Schedule {
  positive("schedules.constant", "c", c);
  return make(() => c, `${c}`, true, false, { kind: "constant", c });
}

/**
 * c / (k+1)^p: sum = inf iff p <= 1, o(1/log k) iff p > 0; so 0 < p <= 1 meets both conditions.
 *
 * @example
 * ```ts
 * import { schedules, assertClose, assert } from "nonsmooth-ad";
 * const g = schedules.polynomial(1, 0.5);
 * assertClose(g(3), 0.5, 1e-15);
 * assert(g.divergentSum && g.oOfInverseLog, "1/sqrt(k+1) meets both conditions");
 * ```
 */
function polynomial(c: number, p: number): Schedule {
  positive("schedules.polynomial", "c", c);
  nonNegative("schedules.polynomial", "p", p);
  return make((k) => c / (k + 1) ** p, `${c}/(k+1)^${p}`, p <= 1, p > 0, { kind: "polynomial", c, p });
}

/**
 * c / log(k+2): sum = inf, but Theta(1/log k), hence not o(1/log k) (the borderline case).
 *
 * @example
 * ```ts
 * import { schedules, assertClose } from "nonsmooth-ad";
 * assertClose(schedules.logarithmic(1)(0), 1 / Math.log(2), 1e-15);
 * ```
 */
function logarithmic(c: number): Schedule {
  positive("schedules.logarithmic", "c", c);
  return make((k) => c / Math.log(k + 2), `${c}/log(k+2)`, true, false, { kind: "logarithmic", c });
}

/**
 * Wraps any function of k as a schedule; say which conditions it satisfies (both default to false).
 *
 * @example
 * ```ts
 * import { schedules, assertEqual } from "nonsmooth-ad";
 * const g = schedules.custom((k: number) => (k < 10 ? 0.1 : 0.01), "two-phase");
 * assertEqual(g(20), 0.01);
 * ```
 */
function custom(
  f: (k: number) => number,
  label = "custom",
  facts: { divergentSum?: boolean; oOfInverseLog?: boolean } = {},
): Schedule {
  if (typeof f !== "function") throw new Error("schedules.custom: expected a function of the step count k");
  return make(
    (k) => {
      const v = f(k);
      if (!(typeof v === "number" && Number.isFinite(v) && v > 0))
        throw new Error(`schedule ${label}: step ${k} gave ${String(v)}, not a finite number > 0`);
      return v;
    },
    label,
    facts.divergentSum ?? false,
    facts.oOfInverseLog ?? false,
  );
}

/**
 * Rebuilds a schedule from its plain-data spec (as sent to worker threads).
 *
 * @example
 * ```ts
 * import { schedules, assertEqual } from "nonsmooth-ad";
 * const g = schedules.fromSpec({ kind: "polynomial", c: 0.2, p: 1 });
 * assertEqual(g(1), 0.1);
 * ```
 */
function fromSpec(spec: ScheduleSpec | number): Schedule {
  if (typeof spec === "number") return constant(spec);
  if (spec === null || typeof spec !== "object")
    throw new Error(`schedules.fromSpec: expected a number or a spec object, got ${String(spec)}`);
  switch (spec.kind) {
    case "constant":
      return constant(spec.c);
    case "polynomial":
      return polynomial(spec.c, spec.p);
    case "logarithmic":
      return logarithmic(spec.c);
    default:
      throw new Error(
        `schedules.fromSpec: unknown kind ${JSON.stringify((spec as { kind: unknown }).kind)}: expected "constant", "polynomial" or "logarithmic"`,
      );
  }
}

/** A number (a constant step), a schedule, or a schedule's spec. */
export type StepSize = number | Schedule | ScheduleSpec;

/** Normalizes a step size argument to a schedule. */
export function toSchedule(where: string, s: StepSize): Schedule {
  if (typeof s === "function") {
    if (typeof (s as Schedule).label !== "string") return custom(s as (k: number) => number);
    return s;
  }
  if (typeof s === "number") {
    return constant(positive(where, "the step size", s));
  }
  return fromSpec(s);
}

/**
 * Step size schedules: constant, c/(k+1)^p, c/log(k+2), custom, and fromSpec.
 *
 * @example
 * ```ts
 * import { schedules, assertEqual } from "nonsmooth-ad";
 * const g = schedules.polynomial(0.1, 0.5);
 * assertEqual([g(0), g(3), g.divergentSum, g.oOfInverseLog], [0.1, 0.05, true, true]);
 * assertEqual(schedules.fromSpec(g.spec!)(3), g(3)); // the spec rebuilds it (in a worker thread, say)
 * ```
 */
export const schedules = { constant, polynomial, logarithmic, custom, fromSpec } as const;
