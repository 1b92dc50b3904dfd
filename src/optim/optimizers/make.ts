/**
 * Builds an optimizer from its plain-data spec (the form that configurations sent to worker threads use), by
 * looking its name up in the registry ({@link optimizers}).
 *
 * @module
 */
import { optimizers } from "./registry";
import type { OptimizerSpec } from "./registry";
import type { BaseOptimizerOptions } from "./declaration";
import { toSchedule } from "../schedules";
import type { StepSize } from "../schedules";
import type { Optimizer, OptState } from "./types";

const describeNames = (names: readonly string[]): string => names.map((n) => JSON.stringify(n)).join(", ");

/**
 * The optimizer a spec describes; `stepSize`, if given, replaces the spec's own. An unknown name or option is an
 * error that lists the known ones.
 *
 * @example
 * ```ts
 * import { makeOptimizer, schedules, assertEqual } from "nonsmooth-ad";
 * const opt = makeOptimizer({ name: "heavyBall", beta: 0.5 }, schedules.polynomial(0.1, 1));
 * assertEqual([opt.name, opt.schedule(1)], ["heavyBall", 0.05]);
 * ```
 */
export function makeOptimizer(spec: OptimizerSpec, stepSize?: StepSize): Optimizer<OptState> {
  if (spec === null || typeof spec !== "object")
    throw new Error(`makeOptimizer: expected a spec like { name: "sgd" }, got ${String(spec)}`);
  const { name, ...options } = spec;
  const known = Object.keys(optimizers);
  if (typeof name !== "string" || !known.includes(name)) {
    throw new Error(
      `makeOptimizer: unknown optimizer ${JSON.stringify(name)}: expected one of ${describeNames(known)}`,
    );
  }
  const declaration = optimizers[name];
  const allowed = Object.keys(declaration.defaults);
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key))
      throw new Error(
        `makeOptimizer: ${name} has no option ${JSON.stringify(key)}: its options are ${describeNames(allowed)}`,
      );
  }
  const s = stepSize !== undefined ? toSchedule("makeOptimizer", stepSize) : spec.stepSize;
  // The spec was checked against this declaration's options above; its factory checks their values.
  const create = declaration.create as (options: BaseOptimizerOptions) => Optimizer<OptState>;
  return create({ ...options, stepSize: s });
}
