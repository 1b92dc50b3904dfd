/**
 * Pieces shared by the experiment runners: building models and optimizers from plain configurations.
 *
 * @module
 */
import { mlp } from "../models/mlp";
import type { Mlp, MlpOptions } from "../models/mlp";
import { makeOptimizer } from "../optimizers/make";
import type { Optimizer, OptState } from "../optimizers/types";
import type { OptimizerSpec } from "../optimizers/registry";
import type { StepSize } from "../schedules";
import { resolvePrecision } from "../../precision";
import type { ArithmeticModel } from "../../arithmetic/models";

/** A model, or the options that build it (the form worker threads receive). */
export type ModelSource = Mlp | MlpOptions;

/** The model a source describes. */
export function toModel(where: string, m: ModelSource): Mlp {
  if (m === null || typeof m !== "object")
    throw new Error(`${where}: model must be an mlp(...) or its options { sizes, ... }`);
  return typeof (m as Mlp).forward === "function" ? (m as Mlp) : mlp(m as MlpOptions);
}

/** The optimizer a configuration names; a schedule given beside an optimizer object is an error. */
export function toOptimizer(
  where: string,
  o: Optimizer<OptState> | OptimizerSpec | undefined,
  schedule: StepSize | undefined,
): Optimizer<OptState> {
  if (o === undefined) return makeOptimizer({ name: "sgd" }, schedule);
  if (typeof (o as Optimizer).update === "function") {
    if (schedule !== undefined) {
      throw new Error(
        `${where}: pass the schedule to the optimizer (e.g. sgd({ stepSize: schedule })) or give the optimizer as a spec like { name: "sgd" }`,
      );
    }
    return o as Optimizer<OptState>;
  }
  return makeOptimizer(o as OptimizerSpec, schedule);
}

/**
 * The arithmetic model a runner's `precision` option names (undefined means "float64"): a precision, the name of
 * an arithmetic model or a spec, as the engine's option takes it (`resolvePrecision`), with errors that name the
 * runner and the option. The runners pass the model on to the engine and record its `name` in their rows.
 */
export function checkPrecision(where: string, p: unknown): ArithmeticModel {
  return resolvePrecision(where, p ?? "float64");
}

/** Returns `v` as an array (a single value becomes a one-element array). */
export function asList<T>(v: T | readonly T[]): T[] {
  return Array.isArray(v) ? [...v] : [v as T];
}
