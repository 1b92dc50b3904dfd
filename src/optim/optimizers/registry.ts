/**
 * The optimizers known by name: one entry per optimizer module (its {@link OptimizerDeclaration}). The plain-data
 * spec type ({@link OptimizerSpec}) is derived from this table, and {@link makeOptimizer} and the experiment
 * runners read from it, so adding an optimizer is: its module (with its declaration), one line here.
 *
 * @module
 */
import { sgdDeclaration } from "./sgd";
import { heavyBallDeclaration } from "./heavy-ball";
import { adamDeclaration } from "./adam";
import { innaDeclaration } from "./inna";
import type { ScheduleSpec } from "../schedules";
import type { OptimizerDeclaration } from "./declaration";

/** Freezes the table; a key that is not its declaration's own name is a type error. */
function byName<T extends { readonly [K in keyof T]: OptimizerDeclaration<K & string> }>(table: T): Readonly<T> {
  return Object.freeze(table);
}

/**
 * The registry of optimizers, by name: each entry's `defaults` lists its options with their default values.
 *
 * @example
 * ```ts
 * import { optimizers, assertEqual } from "nonsmooth-ad";
 * assertEqual(Object.keys(optimizers), ["sgd", "heavyBall", "adam", "inna"]);
 * assertEqual(optimizers.adam.defaults, { stepSize: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
 * assertEqual(optimizers.heavyBall.create({ beta: 0.5 }).spec, { name: "heavyBall", stepSize: { kind: "constant", c: 0.01 }, beta: 0.5 });
 * ```
 */
export const optimizers = byName({
  sgd: sgdDeclaration,
  heavyBall: heavyBallDeclaration,
  adam: adamDeclaration,
  inna: innaDeclaration,
});

type Registry = typeof optimizers;

/** The name of a registered optimizer. */
export type OptimizerName = keyof Registry;

/** The options a registered optimizer's factory takes. */
export type OptimizerOptions<K extends OptimizerName> = NonNullable<Parameters<Registry[K]["create"]>[0]>;

/** Options as plain data: a step size is a number or a schedule's spec (functions cannot be sent to workers). */
type PlainOptions<O> = { readonly [P in keyof O]: P extends "stepSize" ? number | ScheduleSpec : O[P] };

/** A plain-data description of an optimizer (sendable to worker threads), derived from the registry; see {@link makeOptimizer}. */
export type OptimizerSpec = {
  [K in OptimizerName]: { readonly name: K } & PlainOptions<OptimizerOptions<K>>;
}[OptimizerName];
