/**
 * The experiment runners by name, so that a worker thread (which cannot receive functions) can find them.
 *
 * @module
 */
import { trainingRun } from "./training";
import { reluZeroProbability } from "./relu-zero";
import { bifurcationExperiment } from "./bifurcation";
import { oscillationCompensation } from "./oscillation";

/**
 * The runners {@link sweep} knows by name: each takes one configuration and returns an array of rows.
 *
 * @example
 * ```ts
 * import { runners, assertEqual } from "nonsmooth-ad";
 * assertEqual(Object.keys(runners).sort(), ["bifurcationExperiment", "oscillationCompensation", "reluZeroProbability", "trainingRun"]);
 * ```
 */
export const runners = Object.freeze({
  trainingRun,
  reluZeroProbability,
  bifurcationExperiment,
  oscillationCompensation,
});

/** The name of a built-in runner. */
export type RunnerName = keyof typeof runners;

/** A runner exported by a CommonJS module (an absolute path), for user experiments that run in workers. */
export interface ModuleRunner {
  readonly module: string;
  /** The export's name (default "default"). */
  readonly export?: string;
}

/** Finds the function a runner reference names. */
export function resolveRunner(
  runner: RunnerName | ModuleRunner | ((config: any) => unknown),
): (config: any) => unknown {
  if (typeof runner === "function") return runner;
  if (typeof runner === "string") {
    const fn = (runners as Record<string, (c: any) => unknown>)[runner];
    if (!fn)
      throw new Error(
        `sweep: unknown runner ${JSON.stringify(runner)}: expected one of ${Object.keys(runners).join(", ")}, or { module, export }`,
      );
    return fn;
  }
  if (runner && typeof runner === "object" && typeof runner.module === "string") {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(runner.module);
    const name = runner.export ?? "default";
    const fn = mod?.[name] ?? (name === "default" && typeof mod === "function" ? mod : undefined);
    if (typeof fn !== "function")
      throw new Error(`sweep: module ${runner.module} has no function export ${JSON.stringify(name)}`);
    return fn;
  }
  throw new Error("sweep: runner must be a runner name, { module, export }, or (sequentially) a function");
}
