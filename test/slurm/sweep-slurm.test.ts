// The sweep's SLURM backend against real daemons (a one-node cluster: scripts/slurm/cluster.sh start): records
// identical to the local sweep's, a failed task reported and then completed alone by a rerun, a cancelled task
// reported as such, and a resume after a partial run that computes only the missing configurations.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  SweepTasksError,
  encodePlainData,
  planFiles,
  readSweepPlan,
  runSweepPlan,
  sweep,
  writeSweepPlan,
} from "../../src";
import type { SlurmProgress } from "../../src";
import { cancelTask, clusterUp } from "./cluster";

const ROOT = path.resolve(__dirname, "../..");
const CLI = path.join(ROOT, "dist", "cli.js");
const PROBE = {
  module: path.join(ROOT, "test", "unit", "sweep-plan", "fixtures", "probe-runner.cjs"),
  export: "probe",
};
// the plans live where the cluster's node can read them (here the same machine)
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "nsad-slurm-test-"));
const calls = (file: string) =>
  fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n").map(Number) : [];
const manifest = (file: string, n: number) =>
  JSON.parse(fs.readFileSync(path.join(planFiles(file).slurm, `submit-00${n}`, "manifest.json"), "utf8")) as {
    chunks: number[][];
  };

describe.skipIf(!clusterUp)("sweeps on a real SLURM cluster", () => {
  it("a sweep of 36 configurations as a job array gives records identical to the local sweep", async () => {
    const dir = tmp();
    const configs = [2, 4, 8, 16].flatMap((widths) =>
      [1, 3, 6].flatMap((depths) =>
        ["float64", "float32", "float16"].map((precision, k) => ({
          widths,
          depths,
          precision,
          samples: 40,
          seed: widths * 10 + depths + k,
        })),
      ),
    );
    expect(configs.length).toBe(36);
    const seen: SlurmProgress[] = [];
    const plan = path.join(dir, "relu-zero.json");
    const slurm = await sweep(configs, "reluZeroProbability", {
      backend: "slurm",
      plan,
      chunkSize: 6,
      pollMs: 250,
      onTasks: (p) => seen.push(p),
    });
    const local = await sweep(configs, "reluZeroProbability", { workers: 2 });
    expect(encodePlainData(slurm)).toBe(encodePlainData(local));
    expect(slurm).toStrictEqual(local);
    expect(seen.at(-1)).toMatchObject({ tasks: 6, pending: 0, running: 0, done: 6, failed: 0 });
    expect(manifest(plan, 1).chunks).toEqual([0, 1, 2, 3, 4, 5].map((t) => [0, 1, 2, 3, 4, 5].map((k) => 6 * t + k)));
    // the same sweep again resumes its plan: nothing is submitted
    expect(await sweep(configs, "reluZeroProbability", { backend: "slurm", plan })).toStrictEqual(local);
    expect(fs.readdirSync(planFiles(plan).slurm)).toEqual(["submit-001"]);
  }, 180_000);

  it("a task made to fail is reported with its configurations and log; a rerun completes only it", () => {
    const dir = tmp();
    const flag = path.join(dir, "fail-flag");
    fs.writeFileSync(flag, "");
    const configs = Array.from({ length: 12 }, (_, x) => ({
      x,
      calls: path.join(dir, "calls.txt"),
      ...(x === 6 ? { failFlag: flag } : {}),
    }));
    fs.writeFileSync(path.join(dir, "configs.json"), JSON.stringify(configs));
    const file = path.join(dir, "p.json");
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: process.env });
    const made = cli(
      "plan",
      "--module",
      PROBE.module,
      "--export",
      "probe",
      "--configs",
      path.join(dir, "configs.json"),
      "--out",
      file,
    );
    expect(made.status, made.stderr).toBe(0);
    const first = cli("sweep", file, "--slurm", "--chunk-size", "4", "--array-limit", "2", "--poll-ms", "250");
    expect(first.status, first.stderr).toBe(1);
    const log = path.join(planFiles(file).slurm, "submit-001", "task-1.log");
    expect(first.stderr).toContain(
      `task 1 (configurations 4-7): failed: configuration 6 failed: x = 6 made to fail; log ${log}`,
    );
    expect(first.stderr).toMatch(/1 of 3 tasks of SLURM job \d+ did not finish/);
    expect(fs.readFileSync(log, "utf8")).toMatch(/x = 6 made to fail/);
    // tasks 0 and 2 finished, and task 1 recorded 4 and 5 before it failed: only 6 and 7 are missing
    expect(calls(path.join(dir, "calls.txt")).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11]);
    fs.rmSync(flag);
    const second = cli(
      "sweep",
      file,
      "--slurm",
      "--chunk-size",
      "4",
      "--poll-ms",
      "250",
      "--out",
      path.join(dir, "out.json"),
    );
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/12 configurations, 10 already recorded, 2 to compute/);
    expect(manifest(file, 2).chunks).toEqual([[6, 7]]);
    expect(calls(path.join(dir, "calls.txt")).slice(11)).toEqual([6, 7]);
    const records = JSON.parse(fs.readFileSync(path.join(dir, "out.json"), "utf8")) as { x: number }[][];
    expect(records.map((r) => r[0].x)).toEqual(configs.map((c) => c.x));
  }, 180_000);

  it("a cancelled task is reported as cancelled, and the other tasks' records are kept", async () => {
    const dir = tmp();
    const started = path.join(dir, "started");
    const configs = Array.from({ length: 3 }, (_, x) => ({
      x,
      ...(x === 0 ? { startedFile: started, sleepMs: 120_000 } : {}),
    }));
    const file = path.join(dir, "p.json");
    writeSweepPlan(file, configs, PROBE);
    let jobId = "";
    const run = runSweepPlan(file, { backend: "slurm", chunkSize: 1, pollMs: 250, onTasks: (p) => (jobId = p.jobId) });
    const settled = run.then(
      () => undefined,
      (e: unknown) => e,
    );
    // cancel task 0 once it is running (its runner announced its start)
    const deadline = Date.now() + 60_000;
    while (!fs.existsSync(started) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(fs.existsSync(started)).toBe(true);
    cancelTask(jobId, 0);
    const error = await settled;
    expect(error).toBeInstanceOf(SweepTasksError);
    const report = (error as SweepTasksError).report;
    expect(report.failures.map((f) => [f.task, f.configurations, f.state])).toEqual([[0, [0], "cancelled"]]);
    expect((error as SweepTasksError).message).toMatch(/task 0 \(configurations 0\): cancelled: ended CANCELLED/);
    // the negative control of the report: tasks 1 and 2 finished, and their records are in the results file
    const lines = fs.readFileSync(planFiles(file).results, "utf8").trim().split("\n");
    expect(lines.map((l) => JSON.parse(l).index)).toEqual([1, 2]);
  }, 180_000);

  it("resumes after a partial local run: the job array computes only the missing configurations", async () => {
    const dir = tmp();
    const flag = path.join(dir, "fail-flag");
    fs.writeFileSync(flag, "");
    const configs = Array.from({ length: 10 }, (_, x) => ({
      x,
      calls: path.join(dir, "calls.txt"),
      ...(x === 4 ? { failFlag: flag } : {}),
    }));
    const file = path.join(dir, "p.json");
    writeSweepPlan(file, configs, PROBE);
    await expect(runSweepPlan(file, { workers: 1 })).rejects.toThrow(/configuration 4 failed/);
    fs.rmSync(flag);
    expect(calls(path.join(dir, "calls.txt"))).toEqual([0, 1, 2, 3, 4]);
    const records = await runSweepPlan(file, { backend: "slurm", chunkSize: 3, pollMs: 250 });
    expect(manifest(file, 1).chunks).toEqual([
      [4, 5, 6],
      [7, 8, 9],
    ]);
    expect(
      calls(path.join(dir, "calls.txt"))
        .slice(5)
        .sort((a, b) => a - b),
    ).toEqual([4, 5, 6, 7, 8, 9]);
    const local = await sweep(readSweepPlan(file).configs, PROBE, { workers: 1 });
    expect(encodePlainData(records)).toBe(encodePlainData(local));
  }, 180_000);

  it("a rerun after the submitter was interrupted waits for the job array still running instead of submitting again", async () => {
    const dir = tmp();
    const started = path.join(dir, "started");
    const configs = Array.from({ length: 4 }, (_, x) => ({
      x,
      calls: path.join(dir, "calls.txt"),
      ...(x === 0 ? { startedFile: started, sleepMs: 4000 } : {}),
    }));
    const file = path.join(dir, "p.json");
    writeSweepPlan(file, configs, PROBE);
    const submitter = spawn(process.execPath, [CLI, "sweep", file, "--slurm", "--chunk-size", "1", "--quiet"], {
      stdio: "ignore",
    });
    const deadline = Date.now() + 60_000;
    while (!fs.existsSync(started) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(fs.existsSync(started)).toBe(true);
    submitter.kill("SIGTERM"); // the submitter stops; its job array runs on
    await new Promise((r) => submitter.once("exit", r));
    // task 0 is still sleeping: without the wait, the rerun would find configuration 0 missing and submit it again
    expect(fs.existsSync(path.join(planFiles(file).slurm, "submit-001", "task-0.status.json"))).toBe(false);
    let start = { total: 0, recorded: 0, missing: 0 };
    const records = await runSweepPlan(file, { backend: "slurm", pollMs: 250, onStart: (s) => (start = s) });
    // it waited for the running array: everything was recorded by it, and nothing was submitted again
    expect(start).toEqual({ total: 4, recorded: 4, missing: 0 });
    expect(fs.readdirSync(planFiles(file).slurm)).toEqual(["submit-001"]);
    expect(calls(path.join(dir, "calls.txt")).sort((a, b) => a - b)).toEqual([0, 1, 2, 3]);
    expect(encodePlainData(records)).toBe(encodePlainData(await sweep(configs, PROBE, { workers: 1 })));
  }, 180_000);
});
