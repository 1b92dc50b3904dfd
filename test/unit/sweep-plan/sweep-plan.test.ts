// Sweep plans without a cluster: the lossless codec, the plan file's checks (hash, code version, runner module),
// resuming with the threads backend, stale results refused, the command line's usage errors, and the slurm
// backend's one message when SLURM is not installed. The runs on a real SLURM cluster are in test/slurm/.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  codeVersion,
  decodePlainData,
  encodePlainData,
  planFiles,
  readSweepPlan,
  runSweepPlan,
  sweep,
  writeSweepPlan,
} from "../../../src";

const ROOT = path.resolve(__dirname, "../../..");
const CLI = path.join(ROOT, "dist", "cli.js");
const PROBE = { module: path.join(__dirname, "fixtures", "probe-runner.cjs"), export: "probe" };
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "nsad-plan-"));
const calls = (file: string) =>
  fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n").map(Number) : [];

describe("plain data codec", () => {
  it("reads back NaN, infinities, -0, undefined, typed arrays and tag-like keys bit for bit", () => {
    const v = {
      a: [Number.NaN, Infinity, -Infinity, -0, 0, 0.1 + 0.2, 5e-324, Number.MAX_VALUE],
      u: undefined,
      f: new Float32Array([1 / 3, -0]),
      i: new Int32Array([-7]),
      nested: { $nsad: "NaN", deeper: [{ x: null }] },
    };
    const back = decodePlainData(encodePlainData(v)) as typeof v;
    expect(back).toStrictEqual(v);
    expect(Object.is(back.a[3], -0)).toBe(true);
    expect(back.f).toBeInstanceOf(Float32Array);
    expect(encodePlainData(back)).toBe(encodePlainData(v));
    // the negative control: plain JSON loses these values, which is why the codec exists
    expect(JSON.parse(JSON.stringify(v))).not.toStrictEqual(v);
  });
  it("refuses what cannot be plain data, naming where it is", () => {
    expect(() => encodePlainData({ p: { f: () => 1 } })).toThrow(/\.p\.f is a function/);
    expect(() => encodePlainData({ m: new Map() })).toThrow(/\.m is a Map/);
    const cyc: Record<string, unknown> = {};
    cyc.self = cyc;
    expect(() => encodePlainData(cyc)).toThrow(/\.self refers to itself/);
    expect(() => decodePlainData('{"$nsad":"Symbol"}')).toThrow(/unknown tag "Symbol"/);
  });
});

describe("sweep plans", () => {
  const configs = (dir: string, n: number, extra: object = {}) =>
    Array.from({ length: n }, (_, x) => ({ x, calls: path.join(dir, "calls.txt"), ...extra }));

  it("writes a plan with its hash and code version, and writing it again keeps it", () => {
    const dir = tmp();
    const file = path.join(dir, "p.json");
    const plan = writeSweepPlan(file, configs(dir, 3), PROBE);
    expect(plan.codeVersion).toBe(codeVersion());
    expect(plan.hash).toMatch(/^[0-9a-f]{64}$/);
    const before = fs.statSync(file).mtimeMs;
    expect(writeSweepPlan(file, configs(dir, 3), PROBE).hash).toBe(plan.hash);
    expect(fs.statSync(file).mtimeMs).toBe(before);
    expect(readSweepPlan(file).configs).toEqual(configs(dir, 3));
  });

  it("resumes: a rerun computes only the configurations without a record, and equals a local sweep", async () => {
    const dir = tmp();
    const flag = path.join(dir, "fail");
    fs.writeFileSync(flag, "");
    const cs = configs(dir, 6).map((c) => (c.x === 4 ? { ...c, failFlag: flag } : c));
    const file = path.join(dir, "p.json");
    writeSweepPlan(file, cs, PROBE);
    await expect(runSweepPlan(file, { workers: 1 })).rejects.toThrow(/configuration 4 failed: x = 4 made to fail/);
    expect(calls(path.join(dir, "calls.txt"))).toEqual([0, 1, 2, 3, 4]);
    fs.rmSync(flag);
    let start = { total: 0, recorded: 0, missing: 0 };
    const records = await runSweepPlan(file, { workers: 2, onStart: (s) => (start = s) });
    expect(start).toEqual({ total: 6, recorded: 4, missing: 2 });
    expect(calls(path.join(dir, "calls.txt")).slice(5).sort()).toEqual([4, 5]);
    const local = await sweep(cs, PROBE, { workers: 2 });
    expect(encodePlainData(records)).toBe(encodePlainData(local));
    // the results file is in configuration order, one line per configuration
    const lines = fs.readFileSync(planFiles(file).results, "utf8").trim().split("\n");
    expect(lines.map((l) => JSON.parse(l).index)).toEqual([0, 1, 2, 3, 4, 5]);
  }, 30_000);

  it("refuses a plan of another code version, an edited plan, a changed runner module and foreign records", () => {
    const dir = tmp();
    const file = path.join(dir, "p.json");
    writeSweepPlan(file, configs(dir, 2), "oscillationCompensation" as never);
    const body = JSON.parse(fs.readFileSync(file, "utf8"));
    // another build: a different code version, with a hash that matches it (as that build would have written)
    const other = { ...body, codeVersion: "0.0.9+dist.000000000000" };
    other.hash = createHash("sha256")
      .update(JSON.stringify(["nonsmooth-ad sweep plan", other.codeVersion, other.runner, other.configs]))
      .digest("hex");
    const stale = path.join(dir, "stale.json");
    fs.writeFileSync(stale, JSON.stringify(other));
    expect(() => readSweepPlan(stale)).toThrow(
      /was written by nonsmooth-ad 0\.0\.9\+dist\.000000000000 and this is .*must not be mixed/,
    );
    // the negative control: the same file with this build's version is accepted
    fs.writeFileSync(stale, JSON.stringify(body));
    expect(readSweepPlan(stale).hash).toBe(body.hash);
    fs.writeFileSync(stale, JSON.stringify({ ...body, configs: [...body.configs, { x: 9 }] }));
    expect(() => readSweepPlan(stale)).toThrow(/does not match its hash: it was edited/);
    // a results file of another plan is not mixed in
    fs.writeFileSync(planFiles(file).results, `${JSON.stringify({ plan: "f".repeat(64), index: 0, record: [] })}\n`);
    return expect(runSweepPlan(file, { workers: 1 })).rejects.toThrow(/holds records of another plan \(ffffffffffff/);
  });

  it("refuses a plan whose runner module changed, and replacing a plan that has results", async () => {
    const dir = tmp();
    const mod = path.join(dir, "r.cjs");
    fs.writeFileSync(mod, "exports.f = (c) => [c];\n");
    const file = path.join(dir, "p.json");
    writeSweepPlan(file, [1, 2], { module: mod, export: "f" });
    expect(await runSweepPlan(file, { workers: 1 })).toEqual([[1], [2]]);
    expect(() => writeSweepPlan(file, [1, 2, 3], { module: mod, export: "f" })).toThrow(
      /holds another plan, which has results/,
    );
    fs.writeFileSync(mod, "exports.f = (c) => [c, c];\n");
    expect(() => readSweepPlan(file)).toThrow(/module .*r\.cjs changed since the plan was written/);
  });

  it("checks its arguments and options", async () => {
    expect(() => writeSweepPlan("", [], "trainingRun")).toThrow(/^writeSweepPlan: file must be a path/);
    expect(() => writeSweepPlan(path.join(tmp(), "p.json"), [], "nope" as never)).toThrow(/unknown runner "nope"/);
    expect(() => writeSweepPlan(path.join(tmp(), "p.json"), [], { module: "rel.cjs" })).toThrow(/absolute path/);
    expect(() => readSweepPlan(path.join(tmp(), "none.json"))).toThrow(/^readSweepPlan: cannot read the plan/);
    await expect(runSweepPlan("x.json", { colour: 1 } as never)).rejects.toThrow(
      /^runSweepPlan: unknown option "colour"/,
    );
    await expect(runSweepPlan("x.json", { backend: "mpi" } as never)).rejects.toThrow(
      /backend must be "threads" or "slurm"/,
    );
    await expect(runSweepPlan("x.json", { arrayLimit: 0 })).rejects.toThrow(/arrayLimit must be an integer >= 1/);
    await expect(sweep([1], (c: number) => c, { backend: "slurm" })).rejects.toThrow(
      /a function cannot be sent to SLURM tasks/,
    );
  });
});

describe("without SLURM installed", () => {
  const noSlurm = { ...process.env, PATH: fs.mkdtempSync(path.join(os.tmpdir(), "nsad-empty-path-")) };
  it("the slurm backend says so in one message, naming what to install", async () => {
    const saved = process.env.PATH;
    process.env.PATH = noSlurm.PATH;
    try {
      await expect(sweep([{ x: 1 }], PROBE, { backend: "slurm" })).rejects.toThrow(
        /^sweep: the slurm backend needs SLURM's commands sbatch, squeue, scontrol, which are not on PATH\..*apt-get install slurm-client/,
      );
    } finally {
      process.env.PATH = saved;
    }
  });
  it("and so does the command line, with exit code 1", () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, "c.json"), "[1, 2]");
    const mod = path.join(dir, "r.cjs");
    fs.writeFileSync(mod, "exports.f = (c) => [c];\n");
    const plan = spawnSync(
      process.execPath,
      [
        CLI,
        "plan",
        "--module",
        mod,
        "--export",
        "f",
        "--configs",
        path.join(dir, "c.json"),
        "--out",
        path.join(dir, "p.json"),
      ],
      { encoding: "utf8" },
    );
    expect(plan.status, plan.stderr).toBe(0);
    const r = spawnSync(process.execPath, [CLI, "sweep", path.join(dir, "p.json"), "--slurm"], {
      encoding: "utf8",
      env: noSlurm,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^nonsmooth-ad: sweep: the slurm backend needs SLURM's commands .* apt-get install slurm-client/,
    );
    // the negative control: the local backend runs the same plan
    const ok = spawnSync(
      process.execPath,
      [CLI, "sweep", path.join(dir, "p.json"), "--quiet", "--out", path.join(dir, "out.json")],
      { encoding: "utf8", env: noSlurm },
    );
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "out.json"), "utf8"))).toEqual([[1], [2]]);
  });
});

describe("the command line", () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  it("is the package's bin", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    expect(path.join(ROOT, pkg.bin["nonsmooth-ad"])).toBe(CLI);
    expect(fs.readFileSync(CLI, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
  });
  it("prints help, and refuses bad usage with exit code 2", () => {
    const help = cli("--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(
      /nonsmooth-ad sweep PLAN\.json --slurm \[--partition P\] \[--array-limit N\] \[--time T\]/,
    );
    expect(cli("--version").stdout).toBe(`nonsmooth-ad ${codeVersion()}\n`);
    for (const [args, message] of [
      [["sweep"], /sweep needs exactly one plan file/],
      [["sweep", "p.json", "--partition", "x"], /--partition applies to --slurm only/],
      [["sweep", "p.json", "--slurm", "--array-limit", "0"], /--array-limit must be an integer >= 1, got 0/],
      [["sweep", "p.json", "--colour"], /unknown option --colour/],
      [["sweep", "p.json", "--slurm", "--time"], /--time needs a value/],
      [["launch"], /unknown command "launch"/],
      [["plan", "--configs", "c.json", "--out", "p.json"], /plan needs --runner NAME or --module PATH/],
    ] as const) {
      const r = cli(...args);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const missing = cli("sweep", path.join(tmp(), "none.json"));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/readSweepPlan: cannot read the plan/);
  });
});
