/**
 * Builds an optimizer from its plain-data spec (the form that configurations sent to worker threads use).
 *
 * @module
 */
import { sgd } from "./sgd";
import { heavyBall } from "./heavy-ball";
import { adam } from "./adam";
import { inna } from "./inna";
import { toSchedule } from "../schedules";
import type { StepSize } from "../schedules";
import type { Optimizer, OptimizerSpec } from "./types";

/**
 * The optimizer a spec describes; `stepSize`, if given, replaces the spec's own.
 *
 * @example
 * ```ts
 * import { makeOptimizer, schedules, assertEqual } from "nonsmooth-ad";
 * const opt = makeOptimizer({ name: "heavyBall", beta: 0.5 }, schedules.polynomial(0.1, 1));
 * assertEqual([opt.name, opt.schedule(1)], ["heavyBall", 0.05]);
 * ```
 */
export function makeOptimizer(spec: OptimizerSpec, stepSize?: StepSize): Optimizer<any> {
  if (spec === null || typeof spec !== "object") throw new Error(`makeOptimizer: expected a spec like { name: "sgd" }, got ${String(spec)}`);
  const s = stepSize !== undefined ? toSchedule("makeOptimizer", stepSize) : spec.stepSize;
  switch (spec.name) {
    case "sgd":
      return sgd({ ...spec, stepSize: s });
    case "heavyBall":
      return heavyBall({ ...spec, stepSize: s });
    case "adam":
      return adam({ ...spec, stepSize: s });
    case "inna":
      return inna({ ...spec, stepSize: s });
    default:
      throw new Error(`makeOptimizer: unknown optimizer ${JSON.stringify((spec as { name: unknown }).name)}: expected "sgd", "heavyBall", "adam" or "inna"`);
  }
}
