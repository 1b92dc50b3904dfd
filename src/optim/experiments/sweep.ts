/**
 * Runs many configurations of an experiment on all cores with worker threads. Functions cannot be sent to a
 * worker, so the runner is named (a built-in runner, or a CommonJS module's export) and each worker loads the
 * compiled library (dist/). Every configuration is run by the same code with the same seeds in either mode, so
 * the results are identical to a sequential run.
 *
 * @module
 */
import { Worker } from "node:worker_threads";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { resolveRunner } from "./runners";
import { integer } from "../../validate";
import type { ModuleRunner, RunnerName } from "./runners";
import { encodePlainData } from "../../sweep-plan/codec";
import { codeVersion } from "../../sweep-plan/code-version";
import { writeSweepPlan } from "../../sweep-plan/plan";
import { checkRunOptions, runSweepPlan } from "../../sweep-plan/run";
import { requireSlurm } from "../../sweep-plan/slurm";
import type { SlurmOptions } from "../../sweep-plan/slurm";
import { createHash } from "node:crypto";

/** The slurm backend: the configurations become a plan file (named by its content), run as a job array. */
async function slurmSweep<R>(
  configs: readonly unknown[],
  runner: Parameters<typeof resolveRunner>[0],
  options: SweepOptions,
): Promise<R[]> {
  const { plan, onResult, ...rest } = options;
  checkRunOptions("sweep", rest);
  if (onResult !== undefined) throw new Error("sweep: onResult is not available with the slurm backend");
  if (typeof runner === "function")
    throw new Error(
      'sweep: a function cannot be sent to SLURM tasks; name a runner (e.g. "trainingRun") or a module { module, export }',
    );
  requireSlurm("sweep");
  const label = typeof runner === "string" ? runner : path.basename(runner.module).replace(/\W+/g, "-");
  const digest = createHash("sha256")
    .update(encodePlainData([codeVersion(), runner, configs], "sweep"))
    .digest("hex")
    .slice(0, 16);
  const file = plan ?? path.join(process.cwd(), "nonsmooth-ad-sweeps", `${label}-${digest}.json`);
  writeSweepPlan(file, configs, runner);
  return runSweepPlan<R>(file, { ...rest, backend: "slurm" });
}

/** Progress of a sweep, reported after each finished configuration. */
export interface SweepProgress {
  /** Configurations finished so far. */
  readonly done: number;
  readonly total: number;
  /** The configuration that just finished. */
  readonly index: number;
  /** Milliseconds since the sweep started. */
  readonly elapsedMs: number;
}

/** Options of {@link sweep}. */
export interface SweepOptions extends SlurmOptions {
  /**
   * Where to run: "threads" (default), worker threads on this machine; "slurm", a SLURM job array (see
   * {@link runSweepPlan}): the configurations are written to a plan file, and the records are read back from it.
   */
  readonly backend?: "threads" | "slurm";
  /** Worker threads (default: the number of cores; 0 or 1 runs in this thread). */
  readonly workers?: number;
  /** Called after each configuration finishes (threads backend; the slurm backend reports tasks: `onTasks`). */
  readonly onProgress?: (p: SweepProgress) => void;
  /** Called with each configuration's result as soon as it is computed (the plan runner appends it to a file). */
  readonly onResult?: (index: number, result: unknown) => void;
  /**
   * The slurm backend's plan file (on a file system the cluster's nodes share). Default:
   * `nonsmooth-ad-sweeps/<runner>-<hash>.json` in the working directory, named by the plan's content, so the same
   * sweep run again resumes its plan.
   */
  readonly plan?: string;
}

function workerScript(): string {
  const candidates = [
    path.join(__dirname, "sweep-worker.js"),
    path.resolve(__dirname, "../../../dist/optim/experiments/sweep-worker.js"),
  ];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found)
    throw new Error(
      `sweep: the compiled worker (dist/optim/experiments/sweep-worker.js) was not found: build the library first (npm run build)`,
    );
  return found;
}

function defaultWorkers(): number {
  return typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
}

async function sequential<R>(
  configs: readonly unknown[],
  fn: (c: any) => R,
  onProgress: SweepOptions["onProgress"],
  onResult: SweepOptions["onResult"],
): Promise<R[]> {
  const start = Date.now();
  const out: R[] = [];
  for (let i = 0; i < configs.length; i++) {
    try {
      out.push(fn(configs[i]));
    } catch (e) {
      throw new Error(`sweep: configuration ${i} failed: ${(e as Error)?.message ?? String(e)}`);
    }
    onResult?.(i, out[i]);
    onProgress?.({ done: i + 1, total: configs.length, index: i, elapsedMs: Date.now() - start });
    await new Promise((r) => setImmediate(r)); // let progress displays update between configurations
  }
  return out;
}

/**
 * Runs `runner` on every configuration, in parallel on worker threads, and resolves with the results in the
 * order of `configs` (each result is the runner's return value, usually an array of rows: `.flat()` joins them).
 * `runner` is the name of a built-in runner ({@link runners}), `{ module, export }` naming a CommonJS module by
 * absolute path, or, for a sequential run only, a function.
 *
 * @example
 * ```ts
 * import { sweep, assertEqual } from "nonsmooth-ad";
 * const configs = [0.5, 0.25].map((c) => ({ f: "absPlusHalfSquare", x0: [1, 1], steps: 5, schedule: c }));
 * const seq = await sweep(configs, "oscillationCompensation", { workers: 1 });
 * const par = await sweep(configs, "oscillationCompensation", { workers: 2 });
 * assertEqual(par, seq);
 * ```
 *
 * With `backend: "slurm"` the same call runs the configurations as a SLURM job array (options `partition`,
 * `arrayLimit`, `time`, `chunkSize`, `plan`; see {@link runSweepPlan}) and resolves with the same results.
 */
export async function sweep<R = unknown>(
  configs: readonly unknown[],
  runner: RunnerName | ModuleRunner | ((config: any) => R),
  options: SweepOptions = {},
): Promise<R[]> {
  if (!Array.isArray(configs)) throw new Error("sweep: configs must be an array of configurations");
  if (options.backend === "slurm") return slurmSweep<R>(configs, runner, options);
  const requested = options.workers ?? defaultWorkers();
  integer("sweep", "workers", requested, 0);
  const fn = resolveRunner(runner) as (c: any) => R;
  const workers = Math.min(requested, configs.length);
  if (typeof runner === "function") {
    if (requested > 1) {
      throw new Error(
        'sweep: a function cannot be sent to worker threads; name a runner (e.g. "trainingRun") or a module { module, export }, or pass workers: 1',
      );
    }
    return sequential(configs, fn, options.onProgress, options.onResult);
  }
  if (workers <= 1) return sequential(configs, fn, options.onProgress, options.onResult);

  const script = workerScript();
  const results = new Array<R>(configs.length);
  const start = Date.now();
  return new Promise<R[]>((resolve, reject) => {
    const pool: Worker[] = [];
    let next = 0;
    let done = 0;
    let failed = false;
    const stop = () => pool.forEach((w) => void w.terminate());
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      stop();
      reject(err);
    };
    const feed = (w: Worker) => {
      if (next < configs.length) {
        const index = next++;
        try {
          w.postMessage({ index, runner, config: configs[index] });
        } catch (e) {
          fail(
            new Error(
              `sweep: configuration ${index} cannot be sent to a worker (${(e as Error).message}); configurations must be plain data`,
            ),
          );
        }
      }
    };
    // every worker ends on every path: after a failure no worker is started, and stop() ends those already
    // started (a worker left running keeps the process alive for ever)
    for (let i = 0; i < workers && !failed; i++) {
      const w = new Worker(script);
      pool.push(w);
      w.on("message", (m: { index: number; result?: R; error?: string }) => {
        if (failed) return;
        if (m.error !== undefined) return fail(new Error(`sweep: configuration ${m.index} failed: ${m.error}`));
        results[m.index] = m.result as R;
        done++;
        try {
          options.onResult?.(m.index, m.result);
          options.onProgress?.({ done, total: configs.length, index: m.index, elapsedMs: Date.now() - start });
        } catch (e) {
          return fail(e as Error);
        }
        if (done === configs.length) {
          stop();
          resolve(results);
        } else feed(w);
      });
      w.on("error", (e) => fail(new Error(`sweep: a worker crashed: ${e.message}`)));
      w.on("exit", (code) => {
        if (!failed && done < configs.length && code !== 0) fail(new Error(`sweep: a worker exited with code ${code}`));
      });
      feed(w);
    }
  });
}
