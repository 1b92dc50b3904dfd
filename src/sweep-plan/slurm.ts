/**
 * The SLURM backend of a sweep: one job array per run of a plan, a task per chunk of the configurations that have
 * no record yet. Each task runs `node` on its chunk ({@link runSlurmTask}) and appends its records; the submitter
 * waits with progress (tasks pending, running, done, failed), read from `squeue` while tasks are queued and, for
 * tasks that left the queue, from the task's status file or else `scontrol show job` (which keeps finished jobs
 * for the cluster's MinJobAge; no accounting database is needed).
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { distDirectory } from "./code-version";
import { planFiles } from "./plan";
import type { SweepPlan } from "./plan";
import { taskFiles } from "./slurm-files";
import type { SubmissionManifest } from "./slurm-files";

/** Options of the SLURM backend. */
export interface SlurmOptions {
  /** The partition (`sbatch --partition`); default: the cluster's default partition. */
  readonly partition?: string;
  /** At most this many tasks run at once (`--array=0-N%limit`). */
  readonly arrayLimit?: number;
  /** Time limit of each task, in SLURM's format (`--time`, e.g. "30", "2:00:00", "1-0"). */
  readonly time?: string;
  /** Configurations per task (default: the missing ones spread over at most 100 tasks). */
  readonly chunkSize?: number;
  /** Milliseconds between two looks at the queue (default 1000). */
  readonly pollMs?: number;
  /** Called when the counts of tasks change. */
  readonly onTasks?: (p: SlurmProgress) => void;
}

/** Progress of a job array. */
export interface SlurmProgress {
  readonly jobId: string;
  readonly tasks: number;
  readonly pending: number;
  readonly running: number;
  readonly done: number;
  /** Tasks that ended without finishing their chunk: failed, cancelled, timed out. */
  readonly failed: number;
  readonly elapsedMs: number;
}

/** A task that did not finish its chunk. */
export interface SlurmTaskFailure {
  readonly task: number;
  /** Its configuration indices. */
  readonly configurations: readonly number[];
  /** "failed", "cancelled", "timeout" or another SLURM state in lower case. */
  readonly state: string;
  readonly message: string;
  /** The task's log file (SLURM's output of the task). */
  readonly log: string;
}

/** What a job array did. */
export interface SlurmReport {
  readonly jobId: string;
  readonly tasks: number;
  readonly configurations: number;
  readonly failures: readonly SlurmTaskFailure[];
  /** The submission folder (task script, manifest, records, statuses and logs). */
  readonly folder: string;
  readonly elapsedMs: number;
}

/** The error of a run whose tasks did not all finish; rerunning the plan resubmits only what is missing. */
export class SweepTasksError extends Error {
  readonly report: SlurmReport;
  constructor(message: string, report: SlurmReport) {
    super(message);
    this.name = "SweepTasksError";
    this.report = report;
  }
}

const CLIENTS = ["sbatch", "squeue", "scontrol"] as const;

/** Where a command is on PATH, or undefined. */
function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** Throws one clear message when SLURM's client commands are not installed. */
export function requireSlurm(where: string): void {
  const missing = CLIENTS.filter((c) => which(c) === undefined);
  if (missing.length > 0)
    throw new Error(
      `${where}: the slurm backend needs SLURM's commands ${missing.join(", ")}, which are not on PATH. ` +
        "Run it on a machine of a SLURM cluster (a login node), or install SLURM's client commands " +
        "(Debian/Ubuntu: apt-get install slurm-client; a one-node cluster for tests: apt-get install slurm-wlm munge, " +
        'then scripts/slurm/cluster.sh start); or use the default backend (worker threads on this machine: backend "threads").',
    );
}

function run(cmd: string, args: readonly string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.error) return { ok: false, out: "", err: r.error.message };
  return { ok: r.status === 0, out: r.stdout ?? "", err: (r.stderr ?? "").trim() };
}

/** Splits `indices` into chunks of `size` (consecutive). */
export function chunkIndices(indices: readonly number[], size: number): number[][] {
  const out: number[][] = [];
  for (let k = 0; k < indices.length; k += size) out.push(indices.slice(k, k + size));
  return out;
}

/** "3, 4, 5, 9" written as "3-5, 9". */
export function indexRanges(indices: readonly number[]): string {
  const parts: string[] = [];
  for (let k = 0; k < indices.length; ) {
    let j = k;
    while (j + 1 < indices.length && indices[j + 1] === indices[j] + 1) j++;
    parts.push(j === k ? `${indices[k]}` : `${indices[k]}-${indices[j]}`);
    k = j + 1;
  }
  return parts.join(", ");
}

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function nextSubmission(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const used = fs
    .readdirSync(dir)
    .map((f) => /^submit-(\d+)$/.exec(f)?.[1])
    .filter((x): x is string => x !== undefined)
    .map(Number);
  const n = used.length ? Math.max(...used) + 1 : 1;
  const sub = path.join(dir, `submit-${String(n).padStart(3, "0")}`);
  fs.mkdirSync(sub);
  return sub;
}

/** Final SLURM states of a job's array tasks, from `scontrol show job -o` (task id -> state and exit code). */
function finalStates(jobId: string): Map<number, { state: string; exit: string }> {
  const out = new Map<number, { state: string; exit: string }>();
  const r = run("scontrol", ["show", "job", "-o", jobId]);
  if (!r.ok) return out;
  for (const line of r.out.split("\n")) {
    const task = /\bArrayTaskId=(\d+)\b(?![-,%])/.exec(line)?.[1];
    const state = /\bJobState=(\S+)/.exec(line)?.[1];
    const exit = /\bExitCode=(\S+)/.exec(line)?.[1] ?? "";
    if (task !== undefined && state !== undefined) out.set(Number(task), { state, exit });
  }
  return out;
}

/** Queued tasks (task id -> SLURM state) from `squeue`; an empty map once the whole job has left the queue. */
function queued(jobId: string): Map<number, string> {
  const out = new Map<number, string>();
  const r = run("squeue", ["-h", "-r", "-j", jobId, "-o", "%K %T"]);
  if (!r.ok) {
    if (/Invalid job id/i.test(r.err)) return out;
    throw new Error(`sweep: squeue failed: ${r.err}`);
  }
  for (const line of r.out.split("\n")) {
    const [id, state] = line.trim().split(/\s+/);
    if (id && state && /^\d+$/.test(id)) out.set(Number(id), state);
  }
  return out;
}

interface TaskStatus {
  state: "done" | "failed";
  message?: string;
}

function readStatus(file: string): TaskStatus | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as TaskStatus;
  } catch {
    return undefined;
  }
}

/**
 * Submits the configurations `indices` of `plan` as one job array and waits for it. Resolves with the report
 * when every task finished its chunk; rejects with a {@link SweepTasksError} naming each task that did not
 * (its configurations, its state, its log) otherwise. The records stay in the submission's folder, where the
 * next read of the plan's records finds them.
 */
export async function runOnSlurm(
  plan: SweepPlan,
  indices: readonly number[],
  options: SlurmOptions = {},
): Promise<SlurmReport> {
  requireSlurm("sweep");
  const start = Date.now();
  const chunkSize = options.chunkSize ?? Math.max(1, Math.ceil(indices.length / 100));
  const chunks = chunkIndices(indices, chunkSize);
  const folder = nextSubmission(planFiles(plan.file).slurm);
  const manifest: SubmissionManifest = { plan: plan.hash, chunks };
  fs.writeFileSync(path.join(folder, "manifest.json"), `${JSON.stringify(manifest)}\n`);
  const task = path.join(distDirectory(), "sweep-plan", "slurm-task.js");
  const script = path.join(folder, "task.sh");
  fs.writeFileSync(
    script,
    [
      "#!/bin/sh",
      "# one task of a nonsmooth-ad sweep: runs the chunk of configurations of this array task",
      `exec ${quote(process.execPath)} ${quote(task)} ${quote(plan.file)} ${quote(folder)} "$SLURM_ARRAY_TASK_ID"`,
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  const array = `0-${chunks.length - 1}${options.arrayLimit ? `%${options.arrayLimit}` : ""}`;
  const args = [
    "--parsable",
    `--array=${array}`,
    `--job-name=nsad-${plan.hash.slice(0, 8)}`,
    `--output=${path.join(folder, "task-%a.log")}`,
    `--chdir=${folder}`,
    "--ntasks=1",
    "--cpus-per-task=1",
  ];
  if (options.partition) args.push(`--partition=${options.partition}`);
  if (options.time) args.push(`--time=${options.time}`);
  args.push(script);
  const sub = run("sbatch", args);
  if (!sub.ok) throw new Error(`sweep: sbatch refused the job array: ${sub.err || sub.out}`);
  const jobId = sub.out.trim().split(";")[0];
  if (!/^\d+$/.test(jobId)) throw new Error(`sweep: sbatch printed no job id (${sub.out.trim()})`);
  fs.writeFileSync(path.join(folder, "job-id"), `${jobId}\n`);
  const report = await waitForArray({ jobId, folder, chunks }, options, start);
  throwOnFailures(plan, report);
  return report;
}

/** A submitted job array: its id, its folder and its tasks' configuration indices. */
interface Submission {
  readonly jobId: string;
  readonly folder: string;
  readonly chunks: readonly (readonly number[])[];
}

/**
 * The plan's submissions whose job arrays still have tasks in the queue: a submitter that was interrupted (the
 * job array runs on) is followed by a rerun that waits for them rather than submitting their configurations again.
 */
export function queuedSubmissions(plan: SweepPlan): Submission[] {
  const dir = planFiles(plan.file).slurm;
  if (!fs.existsSync(dir)) return [];
  const out: Submission[] = [];
  for (const sub of fs.readdirSync(dir).sort()) {
    const folder = path.join(dir, sub);
    const idFile = path.join(folder, "job-id");
    if (!/^submit-\d+$/.test(sub) || !fs.existsSync(idFile)) continue;
    const jobId = fs.readFileSync(idFile, "utf8").trim();
    const manifest = JSON.parse(fs.readFileSync(path.join(folder, "manifest.json"), "utf8")) as SubmissionManifest;
    if (manifest.plan === plan.hash && queued(jobId).size > 0) out.push({ jobId, folder, chunks: manifest.chunks });
  }
  return out;
}

/** Waits for the job arrays of an interrupted submitter (see {@link queuedSubmissions}); their failures are not
 * reported: whatever they did not compute is missing, and submitted again. */
export async function waitForQueued(plan: SweepPlan, options: SlurmOptions = {}): Promise<number> {
  requireSlurm("sweep");
  const subs = queuedSubmissions(plan);
  for (const sub of subs) await waitForArray(sub, options, Date.now());
  return subs.length;
}

async function waitForArray(
  { jobId, folder, chunks }: Submission,
  options: SlurmOptions,
  start: number,
): Promise<SlurmReport> {
  const pollMs = options.pollMs ?? 1000;
  // a task that left the queue without a status file is given a few more looks (a shared file system may show
  // the file late) before its SLURM state decides
  const GRACE = 3;
  const absentLooks = new Map<number, number>();
  const final = new Map<number, SlurmTaskFailure | "done">();
  let last = "";
  // the controller may miss a look (a restart, a busy moment): only ten failed looks in a row stop the wait
  let squeueFailures = 0;
  for (;;) {
    let q: Map<number, string>;
    try {
      q = queued(jobId);
      squeueFailures = 0;
    } catch (e) {
      if (++squeueFailures >= 10) throw e;
      await new Promise((r) => setTimeout(r, pollMs));
      continue;
    }
    let pending = 0;
    let running = 0;
    let states: Map<number, { state: string; exit: string }> | undefined;
    for (let t = 0; t < chunks.length; t++) {
      if (final.has(t)) continue;
      const files = taskFiles(folder, t);
      const status = readStatus(files.status);
      const inQueue = q.get(t);
      if (status?.state === "done") {
        if (inQueue === undefined || inQueue === "COMPLETING" || inQueue === "COMPLETED") final.set(t, "done");
        else running++;
        continue;
      }
      if (status?.state === "failed" && inQueue === undefined) {
        final.set(t, {
          task: t,
          configurations: chunks[t],
          state: "failed",
          message: status.message ?? "failed",
          log: files.log,
        });
        continue;
      }
      if (inQueue !== undefined) {
        if (inQueue === "PENDING" || inQueue === "CONFIGURING" || inQueue === "REQUEUED") pending++;
        else running++;
        continue;
      }
      const looks = (absentLooks.get(t) ?? 0) + 1;
      absentLooks.set(t, looks);
      states ??= finalStates(jobId);
      const s = states.get(t);
      if (looks < GRACE && (s === undefined || s.state === "COMPLETED")) {
        running++;
        continue;
      }
      const state = (s?.state ?? "unknown").toLowerCase();
      final.set(t, {
        task: t,
        configurations: chunks[t],
        state,
        message:
          s === undefined
            ? "left the queue without a status file, and SLURM no longer knows its state"
            : `ended ${s.state} (exit code ${s.exit}) without finishing its chunk`,
        log: files.log,
      });
    }
    const done = [...final.values()].filter((v) => v === "done").length;
    const failed = final.size - done;
    const progress: SlurmProgress = {
      jobId,
      tasks: chunks.length,
      pending,
      running,
      done,
      failed,
      elapsedMs: Date.now() - start,
    };
    const key = `${pending}/${running}/${done}/${failed}`;
    if (key !== last) {
      last = key;
      options.onTasks?.(progress);
    }
    if (final.size === chunks.length) break;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  const failures = [...final.values()]
    .filter((v): v is SlurmTaskFailure => v !== "done")
    .sort((a, b) => a.task - b.task);
  const report: SlurmReport = {
    jobId,
    tasks: chunks.length,
    configurations: chunks.reduce((n, c) => n + c.length, 0),
    failures,
    folder,
    elapsedMs: Date.now() - start,
  };
  return report;
}

/** Throws a {@link SweepTasksError} when tasks of the report did not finish. */
export function throwOnFailures(plan: SweepPlan, report: SlurmReport): void {
  const { failures, jobId } = report;
  if (failures.length > 0) {
    const lost = failures.reduce((n, f) => n + f.configurations.length, 0);
    const lines = failures.map(
      (f) =>
        `  task ${f.task} (configurations ${indexRanges(f.configurations)}): ${f.state}: ${f.message}; log ${f.log}`,
    );
    throw new SweepTasksError(
      `sweep: ${failures.length} of ${report.tasks} tasks of SLURM job ${jobId} did not finish:\n${lines.join("\n")}\n` +
        `Rerun the plan (${plan.file}) to submit only the configurations still missing (at most ${lost}).`,
      report,
    );
  }
}
