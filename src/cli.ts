#!/usr/bin/env node
/**
 * The `nonsmooth-ad` command: writes and runs sweep plans, on this machine's cores or as a SLURM job array.
 *
 *   nonsmooth-ad plan --runner NAME --configs configs.json --out plan.json
 *   nonsmooth-ad sweep plan.json [--slurm [--partition P] [--array-limit N] [--time T] [--chunk-size K]]
 *                                [--workers N] [--out results.json]
 *
 * @module
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { encodePlainData } from "./sweep-plan/codec";
import { codeVersion } from "./sweep-plan/code-version";
import { planFiles, writeSweepPlan } from "./sweep-plan/plan";
import { runSweepPlan } from "./sweep-plan/run";
import type { RunPlanOptions } from "./sweep-plan/run";
import { SweepTasksError } from "./sweep-plan/slurm";

const HELP = `nonsmooth-ad: run sweeps of experiment configurations (a sweep plan) on this machine or a SLURM cluster.

Usage:
  nonsmooth-ad plan --runner NAME --configs FILE --out PLAN.json
  nonsmooth-ad plan --module PATH [--export NAME] --configs FILE --out PLAN.json
      Writes a sweep plan: the runner (a built-in runner's name, or a CommonJS module's export) and the
      configurations (FILE: a JSON array), with a content hash and this package's code version.

  nonsmooth-ad sweep PLAN.json [--workers N] [--out RESULTS.json] [--quiet]
  nonsmooth-ad sweep PLAN.json --slurm [--partition P] [--array-limit N] [--time T] [--chunk-size K]
                               [--out RESULTS.json] [--quiet]
      Computes the configurations of the plan that have no record yet: on worker threads (default), or with
      --slurm as one SLURM job array (a task per chunk of configurations; --array-limit caps the tasks running
      at once, --time is each task's time limit). Records go to PLAN.results.jsonl (one line per configuration,
      in configuration order once merged); SLURM's files (task script, logs, statuses) to PLAN.slurm/.
      Rerunning the command resumes: only missing configurations are computed. --out also writes all records
      as one JSON array (NaN, infinities and -0 tagged as {"$nsad": "NaN"}...).
      Exit code: 0 when every configuration has its record, 1 when tasks failed (they are listed), 2 on usage errors.

  nonsmooth-ad --version      the package version and code version (a plan records the code version that wrote it)
  nonsmooth-ad --help
`;

class UsageError extends Error {}

function parseArgs(argv: readonly string[], flags: readonly string[], valued: readonly string[]) {
  const positional: string[] = [];
  const opts = new Map<string, string | true>();
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    if (a.startsWith("--")) {
      const [name, inline] = a.slice(2).split(/=(.*)/s, 2);
      if (flags.includes(name)) {
        if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
        opts.set(name, true);
      } else if (valued.includes(name)) {
        const v = inline ?? argv[++k];
        if (v === undefined || v.startsWith("--")) throw new UsageError(`--${name} needs a value`);
        opts.set(name, v);
      } else throw new UsageError(`unknown option --${name}`);
    } else positional.push(a);
  }
  return { positional, opts };
}

function positiveInt(name: string, v: string | true | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== "string" || !/^\d+$/.test(v) || n < 1)
    throw new UsageError(`--${name} must be an integer >= 1, got ${String(v)}`);
  return n;
}

function str(v: string | true | undefined): string | undefined {
  return typeof v === "string" ? v : undefined;
}

function log(quiet: boolean, line: string): void {
  if (!quiet) process.stderr.write(`${line}\n`);
}

function planCommand(argv: readonly string[]): number {
  const { positional, opts } = parseArgs(argv, [], ["runner", "module", "export", "configs", "out"]);
  if (positional.length > 0) throw new UsageError(`plan takes no positional arguments (got ${positional.join(" ")})`);
  const runnerName = str(opts.get("runner"));
  const module = str(opts.get("module"));
  const configsFile = str(opts.get("configs"));
  const out = str(opts.get("out"));
  if ((runnerName === undefined) === (module === undefined))
    throw new UsageError("plan needs --runner NAME or --module PATH");
  if (!configsFile || !out) throw new UsageError("plan needs --configs FILE and --out PLAN.json");
  let configs: unknown;
  try {
    configs = JSON.parse(fs.readFileSync(configsFile, "utf8"));
  } catch (e) {
    throw new UsageError(`cannot read the configurations ${configsFile}: ${(e as Error).message}`);
  }
  if (!Array.isArray(configs)) throw new UsageError(`${configsFile} must hold a JSON array of configurations`);
  const runner = module
    ? { module: path.resolve(module), export: str(opts.get("export")) ?? "default" }
    : (runnerName as Parameters<typeof writeSweepPlan>[2]);
  const plan = writeSweepPlan(out, configs, runner);
  process.stdout.write(
    `${plan.file}: ${plan.configs.length} configurations, hash ${plan.hash.slice(0, 12)}, code ${plan.codeVersion}\n`,
  );
  return 0;
}

async function sweepCommand(argv: readonly string[]): Promise<number> {
  const { positional, opts } = parseArgs(
    argv,
    ["slurm", "quiet"],
    ["partition", "array-limit", "time", "chunk-size", "workers", "out", "poll-ms"],
  );
  if (positional.length !== 1) throw new UsageError("sweep needs exactly one plan file: nonsmooth-ad sweep PLAN.json");
  const slurm = opts.has("slurm");
  for (const k of ["partition", "array-limit", "time", "chunk-size"])
    if (opts.has(k) && !slurm) throw new UsageError(`--${k} applies to --slurm only`);
  if (opts.has("workers") && slurm) throw new UsageError("--workers applies to the local backend only (not --slurm)");
  const quiet = opts.has("quiet");
  const file = positional[0];
  const t0 = Date.now();
  const options: RunPlanOptions = {
    backend: slurm ? "slurm" : "threads",
    partition: str(opts.get("partition")),
    arrayLimit: positiveInt("array-limit", opts.get("array-limit")),
    time: str(opts.get("time")),
    chunkSize: positiveInt("chunk-size", opts.get("chunk-size")),
    pollMs: positiveInt("poll-ms", opts.get("poll-ms")),
    workers: slurm ? undefined : positiveInt("workers", opts.get("workers")),
    onStart: (s) =>
      log(quiet, `${file}: ${s.total} configurations, ${s.recorded} already recorded, ${s.missing} to compute`),
    onProgress: (p) => log(quiet, `  ${p.done}/${p.total} done (configuration ${p.index})`),
    onTasks: (p) =>
      log(
        quiet,
        `  job ${p.jobId}: ${p.pending} pending, ${p.running} running, ${p.done} done, ${p.failed} failed (of ${p.tasks} tasks; ${(p.elapsedMs / 1000).toFixed(1)} s)`,
      ),
  };
  let records: unknown[];
  try {
    records = await runSweepPlan(file, options);
  } catch (e) {
    if (e instanceof SweepTasksError) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const out = str(opts.get("out"));
  if (out) fs.writeFileSync(out, `${encodePlainData(records, "nonsmooth-ad sweep")}\n`);
  log(
    quiet,
    `${file}: all ${records.length} configurations recorded in ${planFiles(file).results} (${((Date.now() - t0) / 1000).toFixed(1)} s)${out ? `; records written to ${out}` : ""}`,
  );
  return 0;
}

/** Runs the command line `argv` (without node and the script); resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === "--help" || command === "-h" || command === "help") {
      process.stdout.write(HELP);
      return command === undefined ? 2 : 0;
    }
    if (command === "--version") {
      process.stdout.write(`nonsmooth-ad ${codeVersion()}\n`);
      return 0;
    }
    if (rest.includes("--help") || rest.includes("-h")) {
      process.stdout.write(HELP);
      return 0;
    }
    if (command === "plan") return planCommand(rest);
    if (command === "sweep") return await sweepCommand(rest);
    throw new UsageError(`unknown command ${JSON.stringify(command)}: expected plan or sweep`);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`nonsmooth-ad: ${e.message}\n(see nonsmooth-ad --help)\n`);
      return 2;
    }
    process.stderr.write(`nonsmooth-ad: ${(e as Error)?.message ?? String(e)}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
