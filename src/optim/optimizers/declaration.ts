/**
 * What an optimizer module declares about itself, so that the registry ({@link optimizers}) can build it from a
 * plain-data spec (the form worker threads receive) without a `switch` on its name.
 *
 * @module
 */
import type { StepSize } from "../schedules";
import type { Optimizer, OptState } from "./types";

/** The options every optimizer takes: at least a step size (a number, a schedule or a schedule's spec). */
export interface BaseOptimizerOptions {
  readonly stepSize?: StepSize;
}

/**
 * One optimizer's declaration: its name, the default of each option (the list of its options), and the factory,
 * which checks every option and throws an error naming the optimizer, the option and the bad value.
 */
export interface OptimizerDeclaration<
  N extends string = string,
  O extends BaseOptimizerOptions = BaseOptimizerOptions,
  S extends OptState = OptState,
> {
  readonly name: N;
  readonly defaults: { readonly [K in keyof O]-?: Exclude<O[K], undefined> };
  readonly create: (options?: O) => Optimizer<S>;
}
