/**
 * One task of a sweep's SLURM job array, run by `node` on a compute node:
 * `node dist/sweep-plan/slurm-task.js <plan.json> <submission folder> <array task id>`.
 * It reads the plan (refusing another code version's, as the submitter does), runs the runner on each
 * configuration of its chunk that has no record yet (a requeued task resumes), appends one record line per
 * configuration to its own file (`task-<id>.jsonl`: tasks never share a file, which shared file systems such as
 * NFS do not append to safely), and writes its status (`task-<id>.status.json`): done, or the configuration that
 * failed and why. The exit code is 0 when done, 1 otherwise.
 *
 * @module
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { resolveRunner } from "../optim/experiments/runners";
import { appendRecord, readSweepPlan, runnerOf } from "./plan";
import { taskFiles } from "./slurm-files";
import type { SubmissionManifest } from "./slurm-files";

function writeStatus(file: string, status: object): void {
  fs.writeFileSync(file, `${JSON.stringify(status)}\n`);
}

/** Runs one task; returns the process exit code. */
export function runSlurmTask(planFile: string, submission: string, taskId: number): number {
  const files = taskFiles(submission, taskId);
  let current: number | undefined;
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(submission, "manifest.json"), "utf8")) as SubmissionManifest;
    const plan = readSweepPlan(planFile);
    if (manifest.plan !== plan.hash) throw new Error(`the submission ${submission} belongs to another plan`);
    const chunk = manifest.chunks[taskId];
    if (!chunk) throw new Error(`the submission has no task ${taskId} (it has ${manifest.chunks.length})`);
    const done = new Set<number>();
    if (fs.existsSync(files.records))
      for (const line of fs.readFileSync(files.records, "utf8").split("\n"))
        if (line.endsWith("}")) done.add((JSON.parse(line) as { index: number }).index);
    const fn = resolveRunner(runnerOf(plan));
    for (const i of chunk) {
      if (done.has(i)) continue;
      current = i;
      appendRecord(files.records, plan, i, fn(plan.configs[i]));
    }
    writeStatus(files.status, { state: "done", task: taskId, configurations: chunk.length });
    return 0;
  } catch (e) {
    const message = (e as Error)?.message ?? String(e);
    const what = current === undefined ? message : `configuration ${current} failed: ${message}`;
    writeStatus(files.status, { state: "failed", task: taskId, index: current ?? null, message: what });
    console.error(`nonsmooth-ad sweep task ${taskId}: ${what}`);
    if ((e as Error)?.stack) console.error((e as Error).stack);
    return 1;
  }
}

if (require.main === module) {
  const [planFile, submission, id] = process.argv.slice(2);
  const taskId = Number(id);
  if (!planFile || !submission || !Number.isInteger(taskId) || taskId < 0) {
    console.error("usage: node slurm-task.js <plan.json> <submission folder> <array task id>");
    process.exit(2);
  }
  process.exitCode = runSlurmTask(planFile, submission, taskId);
}
