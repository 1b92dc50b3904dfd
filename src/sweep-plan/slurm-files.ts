/**
 * The files of one SLURM submission of a sweep plan, shared by the submitter and the tasks.
 *
 * @module
 */
import * as path from "node:path";

/** `manifest.json` of a submission: the plan's hash and each array task's configuration indices. */
export interface SubmissionManifest {
  readonly plan: string;
  readonly chunks: readonly (readonly number[])[];
}

/** A task's records (JSON Lines), status (JSON) and log (SLURM's output of the task). */
export function taskFiles(submission: string, taskId: number): { records: string; status: string; log: string } {
  const base = path.join(submission, `task-${taskId}`);
  return { records: `${base}.jsonl`, status: `${base}.status.json`, log: `${base}.log` };
}
