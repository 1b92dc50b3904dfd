/**
 * Sweeps that outgrow one machine: sweep plans (a runner and its configurations in a file, with a results file
 * that lets a plan resume) and their backends, worker threads or a SLURM job array.
 *
 * @module
 */
export { encodePlainData, decodePlainData } from "./codec";
export { codeVersion } from "./code-version";
export { writeSweepPlan, readSweepPlan, planFiles } from "./plan";
export type { SweepPlan, PlanRunner } from "./plan";
export { runSweepPlan } from "./run";
export type { RunPlanOptions } from "./run";
export { SweepTasksError } from "./slurm";
export type { SlurmOptions, SlurmProgress, SlurmReport, SlurmTaskFailure } from "./slurm";
