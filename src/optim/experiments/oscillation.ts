/**
 * Oscillation compensation (Bolte, Pauwels and Rios-Zertuche, "Long term dynamics of the subgradient method for
 * Lipschitz path differentiable functions"): with vanishing steps the subgradient method x_{k+1} = x_k - g_k v_k,
 * v_k ∈ D_f(x_k), may oscillate around a limit point, yet the step-weighted average of the field values used
 * near it, sum g_j v_j / sum g_j, tends to 0.
 *
 * @module
 */
import { valueAndGrad } from "../../engine/transforms";
import type { Tracer, Value } from "../../engine/trace";
import type { KinkPolicy } from "../../policy";
import type { PrecisionOption } from "../../precision";
import { abs, add, at, mul, square } from "../../ops";
import { toSchedule } from "../schedules";
import type { StepSize } from "../schedules";
import { toVector, norm2 } from "../vector";
import type { Params } from "../vector";
import { integer, object as checkObject, options as checkOptions, positive } from "../../validate";
import { checkPrecision } from "./common";

/** A test function with a known minimizer. */
export interface TestFunction {
  readonly label: string;
  readonly f: (x: Tracer) => Value;
  readonly dimension: number;
  readonly minimizer: readonly number[];
}

/**
 * Test functions by name: `absPlusHalfSquare`, f(x, y) = |x| + y²/2 (minimizer (0, 0), a kink along x = 0).
 *
 * @example
 * ```ts
 * import { testFunctions, evaluate, assertEqual } from "nonsmooth-ad";
 * const t = testFunctions.absPlusHalfSquare;
 * assertEqual(evaluate(t.f, [-2, 2]).value.item(), 4);
 * ```
 */
export const testFunctions: Readonly<Record<"absPlusHalfSquare", TestFunction>> = Object.freeze({
  absPlusHalfSquare: Object.freeze({
    label: "|x| + y²/2",
    f: (x: Tracer) => add(abs(at(x, 0)), mul(0.5, square(at(x, 1)))),
    dimension: 2,
    minimizer: Object.freeze([0, 0]),
  }),
});

/** The keys of an {@link OscillationConfig}: any other is a typo, refused. */
const OSCILLATION_KEYS: readonly string[] = [
  "f",
  "x0",
  "steps",
  "schedule",
  "policy",
  "precision",
  "limit",
  "radius",
  "burnIn",
];

/** Configuration of {@link oscillationCompensation}. */
export interface OscillationConfig {
  /** A function of the flat vector x, or the name of one of {@link testFunctions}. */
  readonly f: ((x: Tracer) => Value) | keyof typeof testFunctions;
  readonly x0: Params;
  readonly steps: number;
  /** Vanishing steps, e.g. schedules.polynomial(0.5, 0.5). */
  readonly schedule: StepSize;
  /** The kink policy of the field (default pytorch). */
  readonly policy?: KinkPolicy;
  /** A precision or an arithmetic model (a name or a spec, as the engine's option takes it). Default "float64". */
  readonly precision?: PrecisionOption;
  /** The limit point (default: the test function's minimizer). With `radius`, the average runs over the steps within radius of it. */
  readonly limit?: readonly number[];
  /** Radius of the neighbourhood of the limit point the average runs over. */
  readonly radius?: number;
  /** Without limit and radius: average over the steps k >= burnIn. Default floor(steps / 10). */
  readonly burnIn?: number;
}

/** One step: coordinates x_i, field values v_i, and the running weighted averages avg_i (keys for i < dimension). */
export interface OscillationRow {
  readonly step: number;
  /** The arithmetic model's name (the run's `precision`). */
  readonly precision: string;
  readonly value: number;
  readonly stepSize: number;
  /** Whether this step counts in the average (near the limit point, or past burn-in). */
  readonly averaged: boolean;
  /** Norm of the weighted average of the field values so far (NaN before the first averaged step). */
  readonly averageNorm: number;
  /** Distance of x_k to the limit point (NaN if unknown). */
  readonly distance: number;
  /** x_0, x_1, ... ; v_0, v_1, ... ; avg_0, avg_1, ... */
  readonly [coordinate: string]: number | boolean | string;
}

/**
 * The subgradient method with vanishing steps, recording the iterates, the field values used and their
 * step-weighted average near the limit point.
 *
 * @example
 * ```ts
 * import { oscillationCompensation, schedules, assert } from "nonsmooth-ad";
 * const rows = oscillationCompensation({ f: "absPlusHalfSquare", x0: [0.9, 1], steps: 2000, schedule: schedules.polynomial(0.5, 0.5), radius: 0.05 });
 * const last = rows[rows.length - 1];
 * assert(Math.abs(last.v_0 as number) === 1, "the field still jumps between -1 and 1 across the kink");
 * assert(last.averageNorm < 0.01, "but its weighted average near the limit tends to 0");
 * ```
 */
export function oscillationCompensation(config: OscillationConfig): OscillationRow[] {
  const where = "oscillationCompensation";
  checkOptions(where, "config", checkObject(where, "config", config), OSCILLATION_KEYS);
  const named = typeof config.f === "string" ? testFunctions[config.f] : undefined;
  if (typeof config.f === "string" && !named)
    throw new Error(
      `${where}: unknown test function ${JSON.stringify(config.f)}: expected one of ${Object.keys(testFunctions).join(", ")}`,
    );
  const f = named ? named.f : (config.f as (x: Tracer) => Value);
  if (typeof f !== "function")
    throw new Error(`${where}: f must be a function of the flat vector x or a test function name`);
  let x = toVector(where, config.x0, "starting point");
  const steps = integer(where, "steps", config.steps, 1);
  const schedule = toSchedule(where, config.schedule);
  const precision = checkPrecision(where, config.precision);
  const limit = config.limit ?? named?.minimizer;
  if (limit && limit.length !== x.length)
    throw new Error(`${where}: the limit point has ${limit.length} coordinates but x0 has ${x.length}`);
  const radius = config.radius === undefined ? undefined : positive(where, "radius", config.radius);
  if (radius !== undefined && !limit) throw new Error(`${where}: radius needs a limit point`);
  const burnIn = integer(where, "burnIn", config.burnIn ?? Math.floor(steps / 10), 0);
  const d = x.length;
  const sum = new Float64Array(d);
  let weight = 0;
  const rows: OscillationRow[] = [];
  for (let k = 0; k < steps; k++) {
    const r = valueAndGrad(f, x, { policy: config.policy, precision });
    if (!Number.isFinite(r.value)) throw new Error(`${where}: f is ${r.value} at step ${k}`);
    const g = schedule(k);
    const dist = limit ? norm2(x.map((v, i) => v - limit[i])) : NaN;
    const averaged = radius !== undefined ? dist <= radius : k >= burnIn;
    if (averaged) {
      for (let i = 0; i < d; i++) sum[i] += g * r.grad[i];
      weight += g;
    }
    const avg = Array.from(sum, (s) => (weight > 0 ? s / weight : NaN));
    const row: Record<string, number | boolean | string> = {
      step: k,
      precision: precision.name,
      value: r.value,
      stepSize: g,
      averaged,
      averageNorm: weight > 0 ? norm2(avg) : NaN,
      distance: dist,
    };
    for (let i = 0; i < d; i++) {
      row[`x_${i}`] = x[i];
      row[`v_${i}`] = r.grad[i];
      row[`avg_${i}`] = avg[i];
    }
    rows.push(row as OscillationRow);
    const next = new Float64Array(d);
    for (let i = 0; i < d; i++) next[i] = x[i] - g * r.grad[i];
    x = next;
  }
  return rows;
}
