/**
 * A sweep plan as data: the runner's name and its list of configurations, written to a plan file with a content
 * hash and the code version that may compute it; and its results file, one JSON line per finished configuration
 * keyed by the configuration's index, so that a plan can be resumed: rerunning it computes only what is missing.
 *
 * Files of a plan `study.json`:
 * - `study.json`: the plan (format, hash, code version, runner, configurations);
 * - `study.results.jsonl`: one line `{"plan": <hash>, "index": i, "record": <the runner's result>}` per finished
 *   configuration, rewritten in configuration order after each run;
 * - `study.slurm/`: one folder per SLURM submission (its task script, the chunks of configurations of its tasks,
 *   each task's records, status and log), merged into the results file by the next run.
 *
 * @module
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { codeVersion, fileHash } from "./code-version";
import { fromPlainTree, toPlainTree } from "./codec";
import { runners } from "../optim/experiments/runners";
import type { ModuleRunner, RunnerName } from "../optim/experiments/runners";

const FORMAT = "nonsmooth-ad sweep plan";

/** A plan's runner: a built-in runner's name, or a CommonJS module's export pinned by the module's SHA-256. */
export type PlanRunner = RunnerName | { readonly module: string; readonly export: string; readonly sha256: string };

/** A sweep plan read from its file. */
export interface SweepPlan {
  /** The plan file's absolute path. */
  readonly file: string;
  /** SHA-256 (hex) of the code version, the runner and the configurations. */
  readonly hash: string;
  /** The code version that wrote the plan ({@link codeVersion}); only that version may compute it. */
  readonly codeVersion: string;
  readonly runner: PlanRunner;
  readonly configs: readonly unknown[];
}

/**
 * The files of a plan (see the module's comment): the plan, its results file and its SLURM folder.
 *
 * @example
 * ```ts
 * import { planFiles, assertEqual } from "nonsmooth-ad";
 * assertEqual(planFiles("/data/study.json"), {
 *   plan: "/data/study.json",
 *   results: "/data/study.results.jsonl",
 *   slurm: "/data/study.slurm",
 * });
 * ```
 */
export function planFiles(file: string): { plan: string; results: string; slurm: string } {
  if (typeof file !== "string" || file === "") throw new Error(`planFiles: file must be a path, got ${String(file)}`);
  const plan = path.resolve(file);
  const base = plan.replace(/\.json$/, "");
  return { plan, results: `${base}.results.jsonl`, slurm: `${base}.slurm` };
}

function contentHash(version: string, runner: PlanRunner, configs: unknown): string {
  return createHash("sha256")
    .update(JSON.stringify([FORMAT, version, runner, configs]))
    .digest("hex");
}

function planRunner(runner: RunnerName | ModuleRunner, where: string): PlanRunner {
  if (typeof runner === "string") {
    if (!(runner in runners))
      throw new Error(
        `${where}: unknown runner ${JSON.stringify(runner)}: expected one of ${Object.keys(runners).join(", ")}, or { module, export }`,
      );
    return runner;
  }
  if (runner && typeof runner === "object" && typeof runner.module === "string") {
    if (!path.isAbsolute(runner.module))
      throw new Error(`${where}: the runner's module must be an absolute path, got ${JSON.stringify(runner.module)}`);
    if (!fs.existsSync(runner.module)) throw new Error(`${where}: the runner's module ${runner.module} does not exist`);
    return { module: runner.module, export: runner.export ?? "default", sha256: fileHash(runner.module) };
  }
  throw new Error(
    `${where}: the runner must be a runner name or { module, export } (a function cannot run in another process)`,
  );
}

/** The `{ module, export }` or name that {@link sweep} takes, for a plan's runner. */
export function runnerOf(plan: SweepPlan): RunnerName | ModuleRunner {
  return typeof plan.runner === "string" ? plan.runner : { module: plan.runner.module, export: plan.runner.export };
}

/**
 * Writes a sweep plan: the runner and its configurations (plain data, written losslessly) with their content
 * hash and the running package's {@link codeVersion}. Writing the same plan again leaves the file (and its
 * results) as they are, so a script that writes then runs its plan resumes it; replacing a plan that already has
 * results is refused (delete its results file and `.slurm` folder first).
 *
 * @example
 * ```ts
 * import { writeSweepPlan, readSweepPlan, assertEqual } from "nonsmooth-ad";
 * import * as fs from "node:fs";
 * import * as os from "node:os";
 * import * as path from "node:path";
 * const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-")), "study.json");
 * const configs = [0.5, 0.25].map((c) => ({ f: "absPlusHalfSquare", x0: [1, 1], steps: 5, schedule: c }));
 * const plan = writeSweepPlan(file, configs, "oscillationCompensation");
 * assertEqual(readSweepPlan(file).hash, plan.hash);
 * assertEqual(readSweepPlan(file).configs, configs);
 * ```
 */
export function writeSweepPlan(
  file: string,
  configs: readonly unknown[],
  runner: RunnerName | ModuleRunner,
): SweepPlan {
  const where = "writeSweepPlan";
  if (typeof file !== "string" || file === "") throw new Error(`${where}: file must be a path, got ${String(file)}`);
  if (!Array.isArray(configs)) throw new Error(`${where}: configs must be an array of configurations`);
  const r = planRunner(runner, where);
  const trees = configs.map((c, i) => toPlainTree(c, `${where}: configuration ${i}`));
  const version = codeVersion();
  const hash = contentHash(version, r, trees);
  const files = planFiles(file);
  if (fs.existsSync(files.plan)) {
    let old: string | undefined;
    try {
      old = (JSON.parse(fs.readFileSync(files.plan, "utf8")) as { hash?: string }).hash;
    } catch {
      old = undefined;
    }
    if (old === hash) return readSweepPlan(files.plan);
    if (fs.existsSync(files.results) || fs.existsSync(files.slurm))
      throw new Error(
        `${where}: ${files.plan} holds another plan, which has results (${files.results}); delete them (and ${files.slurm}) or write the new plan elsewhere`,
      );
  }
  fs.mkdirSync(path.dirname(files.plan), { recursive: true });
  const body = {
    format: FORMAT,
    formatVersion: 1,
    hash,
    codeVersion: version,
    runner: r,
    size: configs.length,
    created: new Date().toISOString(),
    configs: trees,
  };
  const tmp = `${files.plan}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(body, null, 1)}\n`);
  fs.renameSync(tmp, files.plan);
  return {
    file: files.plan,
    hash,
    codeVersion: version,
    runner: r,
    configs: configs.map((_, i) => fromPlainTree(trees[i])),
  };
}

/**
 * Reads a plan file and checks it: its format, its hash against its content (a plan edited by hand is refused),
 * its code version against the running package's (a plan written by another build is refused, so that records
 * of two code versions are never mixed), and a module runner's file against its recorded SHA-256.
 *
 * @example
 * ```ts
 * import { writeSweepPlan, readSweepPlan, assert } from "nonsmooth-ad";
 * import * as fs from "node:fs";
 * import * as os from "node:os";
 * import * as path from "node:path";
 * const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-")), "study.json");
 * writeSweepPlan(file, [{ f: "absPlusHalfSquare", x0: [1, 1], steps: 5, schedule: 0.5 }], "oscillationCompensation");
 * const edited = JSON.parse(fs.readFileSync(file, "utf8"));
 * edited.configs[0].steps = 6; // an edit by hand: the content no longer matches the hash
 * fs.writeFileSync(file, JSON.stringify(edited));
 * let refused = "";
 * try {
 *   readSweepPlan(file);
 * } catch (e) {
 *   refused = (e as Error).message;
 * }
 * assert(/does not match its hash/.test(refused), refused);
 * ```
 */
export function readSweepPlan(file: string): SweepPlan {
  const where = "readSweepPlan";
  if (typeof file !== "string" || file === "") throw new Error(`${where}: file must be a path, got ${String(file)}`);
  const abs = path.resolve(file);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(fs.readFileSync(abs, "utf8")) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${where}: cannot read the plan ${abs}: ${(e as Error).message}`);
  }
  if (body?.format !== FORMAT || body.formatVersion !== 1 || !Array.isArray(body.configs))
    throw new Error(`${where}: ${abs} is not a sweep plan (write one with writeSweepPlan or \`nonsmooth-ad plan\`)`);
  const version = String(body.codeVersion);
  const runner = body.runner as PlanRunner;
  if (contentHash(version, runner, body.configs) !== body.hash)
    throw new Error(`${where}: ${abs} does not match its hash: it was edited after it was written; write a new plan`);
  const running = codeVersion();
  if (version !== running)
    throw new Error(
      `${where}: ${abs} was written by nonsmooth-ad ${version} and this is ${running}; its records must not be mixed with another version's: write a new plan (in a new file)`,
    );
  if (typeof runner !== "string") {
    if (!fs.existsSync(runner.module)) throw new Error(`${where}: the runner's module ${runner.module} is gone`);
    if (fileHash(runner.module) !== runner.sha256)
      throw new Error(
        `${where}: the runner's module ${runner.module} changed since the plan was written; write a new plan (in a new file)`,
      );
  } else if (!(runner in runners)) throw new Error(`${where}: unknown runner ${JSON.stringify(runner)}`);
  return { file: abs, hash: String(body.hash), codeVersion: version, runner, configs: body.configs.map(fromPlainTree) };
}

/** One line of a results file. */
export function recordLine(plan: SweepPlan, index: number, record: unknown): string {
  return `${JSON.stringify({ plan: plan.hash, index, record: toPlainTree(record, `sweep: the record of configuration ${index}`) })}\n`;
}

/** Appends one record line (a single write, so lines of concurrent writers do not interleave on a local disk). */
export function appendRecord(file: string, plan: SweepPlan, index: number, record: unknown): void {
  fs.appendFileSync(file, recordLine(plan, index, record));
}

/**
 * Reads the records of a plan from its results file and its SLURM tasks' files: index -> the record's JSON. A
 * line of another plan is refused (a stale results file is never mixed in); a last line cut short by a killed
 * writer is skipped; two different records for one index are refused (the runner is not deterministic).
 */
export function readRecords(plan: SweepPlan): Map<number, string> {
  const files = planFiles(plan.file);
  const sources = [files.results];
  if (fs.existsSync(files.slurm))
    for (const sub of fs.readdirSync(files.slurm).sort()) {
      const dir = path.join(files.slurm, sub);
      if (!fs.statSync(dir).isDirectory()) continue;
      for (const f of fs.readdirSync(dir).sort()) if (f.endsWith(".jsonl")) sources.push(path.join(dir, f));
    }
  const out = new Map<number, string>();
  for (const source of sources) {
    if (!fs.existsSync(source)) continue;
    const text = fs.readFileSync(source, "utf8");
    const lines = text.split("\n");
    lines.forEach((line, k) => {
      if (line === "") return;
      let parsed: { plan?: unknown; index?: unknown; record?: unknown };
      try {
        parsed = JSON.parse(line) as typeof parsed;
      } catch {
        if (k === lines.length - 1) return; // cut short by a killed writer: that configuration is simply missing
        throw new Error(`sweep: ${source} line ${k + 1} is not JSON`);
      }
      if (parsed.plan !== plan.hash)
        throw new Error(
          `sweep: ${source} holds records of another plan (${String(parsed.plan).slice(0, 12)}, not ${plan.hash.slice(0, 12)}); delete it or run the plan it belongs to`,
        );
      const i = parsed.index;
      if (typeof i !== "number" || !Number.isInteger(i) || i < 0 || i >= plan.configs.length)
        throw new Error(`sweep: ${source} line ${k + 1} has an invalid configuration index ${String(i)}`);
      const json = JSON.stringify(parsed.record);
      const known = out.get(i);
      if (known !== undefined && known !== json)
        throw new Error(
          `sweep: configuration ${i} has two different records (in ${source}); the runner is not deterministic`,
        );
      out.set(i, json);
    });
  }
  return out;
}

/** Rewrites the results file with every known record, in configuration order (atomically: write, then rename). */
export function mergeRecords(plan: SweepPlan): Map<number, string> {
  const records = readRecords(plan);
  const { results } = planFiles(plan.file);
  const lines = [...records.keys()]
    .sort((a, b) => a - b)
    .map((i) => `{"plan":${JSON.stringify(plan.hash)},"index":${i},"record":${records.get(i)}}\n`);
  const tmp = `${results}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, lines.join(""));
  fs.renameSync(tmp, results);
  return records;
}

/** The indices of the configurations without a record. */
export function missingIndices(plan: SweepPlan, records: ReadonlyMap<number, string>): number[] {
  return plan.configs.map((_, i) => i).filter((i) => !records.has(i));
}

/** The records in configuration order (all must be present). */
export function orderedRecords<R>(plan: SweepPlan, records: ReadonlyMap<number, string>): R[] {
  return plan.configs.map((_, i) => {
    const json = records.get(i);
    if (json === undefined) throw new Error(`sweep: configuration ${i} has no record`);
    return fromPlainTree(JSON.parse(json)) as R;
  });
}
