/**
 * Runs a sweep plan to completion on a backend, computing only the configurations without a record: worker
 * threads on this machine (the default) or a SLURM job array. Both run the same runner on the same
 * configurations read from the same plan file, so their records are identical, bit for bit, to a local
 * {@link sweep}'s results.
 *
 * @module
 */
import { sweep } from "../optim/experiments/sweep";
import type { SweepProgress } from "../optim/experiments/sweep";
import { appendRecord, mergeRecords, missingIndices, orderedRecords, planFiles, readSweepPlan, runnerOf } from "./plan";
import { requireSlurm, runOnSlurm, waitForQueued } from "./slurm";
import type { SlurmOptions, SlurmReport } from "./slurm";

/** Options of {@link runSweepPlan}. */
export interface RunPlanOptions extends SlurmOptions {
  /** "threads" (default): worker threads on this machine; "slurm": a job array on the cluster. */
  readonly backend?: "threads" | "slurm";
  /** Worker threads of the threads backend (default: the number of cores). */
  readonly workers?: number;
  /** Threads backend: called after each configuration finishes (indices are the plan's). */
  readonly onProgress?: (p: SweepProgress) => void;
  /** Called once before computing, with how many configurations already have a record and how many are missing. */
  readonly onStart?: (s: { readonly total: number; readonly recorded: number; readonly missing: number }) => void;
  /** Called after a SLURM job array finished (all its tasks done). */
  readonly onSlurmReport?: (r: SlurmReport) => void;
}

const KEYS = new Set([
  "backend",
  "workers",
  "onProgress",
  "onStart",
  "onSlurmReport",
  "partition",
  "arrayLimit",
  "time",
  "chunkSize",
  "pollMs",
  "onTasks",
]);

/** Checks the options shared by {@link runSweepPlan} and sweep's slurm backend. */
export function checkRunOptions(where: string, options: object, extra: readonly string[] = []): void {
  if (options === null || typeof options !== "object") throw new Error(`${where}: options must be an object`);
  for (const k of Object.keys(options))
    if (!KEYS.has(k) && !extra.includes(k))
      throw new Error(`${where}: unknown option ${JSON.stringify(k)}: expected ${[...KEYS, ...extra].join(", ")}`);
  const o = options as RunPlanOptions;
  if (o.backend !== undefined && o.backend !== "threads" && o.backend !== "slurm")
    throw new Error(`${where}: backend must be "threads" or "slurm", got ${JSON.stringify(o.backend)}`);
  for (const k of ["arrayLimit", "chunkSize", "pollMs"] as const) {
    const v = o[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 1))
      throw new Error(`${where}: ${k} must be an integer >= 1, got ${JSON.stringify(v)}`);
  }
  for (const k of ["partition", "time"] as const) {
    const v = o[k];
    if (v !== undefined && (typeof v !== "string" || !/^[\w:.,-]+$/.test(v)))
      throw new Error(
        `${where}: ${k} must be a SLURM ${k} such as ${k === "time" ? '"2:00:00"' : '"debug"'}, got ${JSON.stringify(v)}`,
      );
  }
}

/**
 * Runs the configurations of a plan file that have no record yet, appends their records to the plan's results,
 * and resolves with every record in configuration order: what {@link sweep} returns for the same runner and
 * configurations. A plan written by another code version is refused; a SLURM run whose tasks did not all finish
 * rejects with a {@link SweepTasksError} (the finished configurations are kept: a rerun computes the rest).
 *
 * @example
 * ```ts
 * import { writeSweepPlan, runSweepPlan, sweep, assertEqual } from "nonsmooth-ad";
 * import * as fs from "node:fs";
 * import * as os from "node:os";
 * import * as path from "node:path";
 * const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-")), "study.json");
 * const configs = [0.5, 0.25, 0.125].map((c) => ({ f: "absPlusHalfSquare", x0: [1, 1], steps: 5, schedule: c }));
 * writeSweepPlan(file, configs, "oscillationCompensation");
 * const records = await runSweepPlan(file, { workers: 1 });
 * assertEqual(records, await sweep(configs, "oscillationCompensation", { workers: 1 }));
 * let missing = -1;
 * await runSweepPlan(file, { onStart: (s) => { missing = s.missing; } }); // resumed: nothing left to compute
 * assertEqual(missing, 0);
 * ```
 */
export async function runSweepPlan<R = unknown>(file: string, options: RunPlanOptions = {}): Promise<R[]> {
  const where = "runSweepPlan";
  checkRunOptions(where, options);
  if (options.backend === "slurm") requireSlurm("sweep"); // before anything else: one message when SLURM is absent
  const plan = readSweepPlan(file);
  // a job array of an interrupted earlier run still computing this plan: wait for it rather than submit twice
  if (options.backend === "slurm") await waitForQueued(plan, options);
  let records = mergeRecords(plan);
  const missing = missingIndices(plan, records);
  options.onStart?.({ total: plan.configs.length, recorded: records.size, missing: missing.length });
  if (missing.length > 0) {
    if (options.backend === "slurm") {
      try {
        const report = await runOnSlurm(plan, missing, options);
        options.onSlurmReport?.(report);
      } finally {
        records = mergeRecords(plan); // keep what the finished tasks computed, even when others failed
      }
    } else {
      const { results } = planFiles(plan.file);
      const start = Date.now();
      let done = 0;
      await sweep(
        missing.map((i) => plan.configs[i]),
        runnerOf(plan),
        {
          workers: options.workers,
          onResult: (j: number, record: unknown) => {
            appendRecord(results, plan, missing[j], record);
            done++;
            options.onProgress?.({ done, total: missing.length, index: missing[j], elapsedMs: Date.now() - start });
          },
        },
      );
      records = mergeRecords(plan);
    }
  }
  return orderedRecords<R>(plan, records);
}
