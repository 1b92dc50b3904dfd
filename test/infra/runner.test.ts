// The workbook runner's failure modes, each through the real kernel with a fixture notebook.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { node, run, type RunResult } from "./exec";
import { REPO_ROOT } from "./workbook-build";

const FIXTURES = path.join(REPO_ROOT, "test", "fixtures");
const out = fs.mkdtempSync(path.join(os.tmpdir(), "nsad-runner-"));
const SCALE = `scale-${process.pid}`;

/** Runs the workbook runner on one fixture (kernel spec in globalSetup's temporary prefix). */
function runFixture(name: string, extra: string[] = []): Promise<RunResult> {
  return node(
    "scripts/workbook.mjs",
    [
      "--no-prerequisites",
      "--no-build",
      "--no-site",
      "--kernel-dir",
      inject("nsadKernelPrefix"),
      "--out",
      path.join(out, name),
      ...extra,
      path.join(FIXTURES, `${name}.ipynb`),
    ],
    { env: { ...process.env, NSAD_SCALE: SCALE } },
  );
}

const results: Record<string, RunResult> = {};
beforeAll(async () => {
  // Two at a time (two cores): each fixture starts its own kernel.
  const names = [
    ["failing-cell", "type-error"],
    ["typed-import", "dead-kernel"],
  ] as const;
  for (const pair of names) {
    const rs = await Promise.all(pair.map((n) => runFixture(n)));
    pair.forEach((n, i) => (results[n] = rs[i]));
  }
  results["slow-cell"] = await runFixture("slow-cell", ["--timeout", "3"]);
});

it("runs notebooks in parallel (--jobs 2): each reported when it ends, the failure named, the exit status 1", async () => {
  const r = await node(
    "scripts/workbook.mjs",
    [
      "--no-prerequisites",
      "--no-build",
      "--no-site",
      "--jobs",
      "2",
      "--kernel-dir",
      inject("nsadKernelPrefix"),
      "--out",
      path.join(out, "parallel"),
      path.join(FIXTURES, "failing-cell.ipynb"),
      path.join(FIXTURES, "typed-import.ipynb"),
    ],
    { env: { ...process.env, NSAD_SCALE: SCALE } },
  );
  expect(r.code).toBe(1);
  expect(r.stdout).toContain("executing 2 notebooks, 2 at a time");
  expect(r.stdout).toMatch(/\[\d\/2\] \S*typed-import\.ipynb \.\.\. ok \(\d+\.\d s\)/);
  expect(r.stdout).toMatch(/\[\d\/2\] \S*failing-cell\.ipynb \.\.\. FAILED/);
  expect(r.stderr).toContain("failing-cell.ipynb: cell 3 (code cell 2) failed");
  expect(r.stderr).toContain("1 of 2 notebook(s) failed");
  // both executed copies were written, the passing one complete
  const nb = JSON.parse(fs.readFileSync(path.join(out, "parallel", "notebooks", "typed-import.ipynb"), "utf8"));
  expect(JSON.stringify(nb.cells[2].outputs)).toContain(`NSAD_SCALE=${SCALE}`);
});

describe("workbook runner", () => {
  it("exits non-zero on a failing cell, naming the notebook, the cell, its first line and its stderr", () => {
    const r = results["failing-cell"];
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("failing-cell.ipynb: cell 3 (code cell 2) failed: // this cell fails on purpose");
    expect(r.stderr).toContain("Error: deliberate failure 42");
    expect(r.stderr).not.toMatch(/Traceback \(most recent call last\)/);
    // the partial executed copy shows the first cell ran and the third did not
    const nb = JSON.parse(fs.readFileSync(path.join(out, "failing-cell", "notebooks", "failing-cell.ipynb"), "utf8"));
    expect(JSON.stringify(nb.cells[1].outputs)).toContain("first cell runs");
    expect(nb.cells[3].outputs).toEqual([]);
  });

  it("reports a type error against the library's declarations (cells are type-checked)", () => {
    const r = results["type-error"];
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("type-error.ipynb: cell 3 (code cell 2) failed");
    expect(r.stderr).toContain("Expected 2-3 arguments, but got 4.");
  });

  it("runs a notebook that imports the library by name with typed values, and passes NSAD_SCALE to the kernel", () => {
    const r = results["typed-import"];
    expect(r.code, r.output).toBe(0);
    expect(r.stdout).toMatch(/typed-import\.ipynb \.\.\. ok \(\d+\.\d s\)/);
    const nb = JSON.parse(fs.readFileSync(path.join(out, "typed-import", "notebooks", "typed-import.ipynb"), "utf8"));
    expect(JSON.stringify(nb.cells[2].outputs)).toContain(`NSAD_SCALE=${SCALE}`);
  });

  it("reports a kernel that dies", () => {
    const r = results["dead-kernel"];
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "dead-kernel.ipynb: the kernel died while running cell 3 (code cell 2): // kill the kernel on purpose",
    );
    expect(r.stderr).not.toMatch(/Traceback|DeadKernelError/);
  });

  it("reports a timeout naming the cell", () => {
    const r = results["slow-cell"];
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("slow-cell.ipynb: timed out in cell 2 (code cell 1): // sleeps 60 s on purpose");
    expect(r.stderr).toContain("time limit is 3 s");
  });

  it("rejects a nonexistent notebook, a bad option and a bad timeout with one clear line each", async () => {
    const missing = await node("scripts/workbook.mjs", ["--no-prerequisites", "--no-build", "notebooks/no-such.ipynb"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe("workbook: notebooks/no-such.ipynb: no such notebook");
    const opt = await node("scripts/workbook.mjs", ["--frobnicate"]);
    expect(opt.code).toBe(2);
    expect(opt.stderr).toContain('unknown option "--frobnicate"');
    const t = await node("scripts/workbook.mjs", ["--timeout", "soon"]);
    expect(t.code).toBe(2);
    expect(t.stderr).toContain('the timeout must be a positive number of seconds (got "soon")');
  });

  it("rejects a notebook that does not name the nonsmooth-ad kernel", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nsad-wrong-kernel-"));
    const nb = JSON.parse(fs.readFileSync(path.join(FIXTURES, "typed-import.ipynb"), "utf8"));
    nb.metadata.kernelspec.name = "tslab";
    fs.writeFileSync(path.join(dir, "wrong.ipynb"), JSON.stringify(nb));
    const r = await node("scripts/workbook.mjs", ["--no-prerequisites", "--no-build", path.join(dir, "wrong.ipynb")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('metadata.kernelspec.name is "tslab", expected "nonsmooth-ad"');
  });

  it("the notebook client reports a kernel that is not installed", async () => {
    const r = await run("/usr/bin/python3", [
      "scripts/run_notebook.py",
      path.join(FIXTURES, "typed-import.ipynb"),
      path.join(out, "x.ipynb"),
      "--kernel",
      "no-such-kernel",
    ]);
    expect(r.code).toBe(6);
    expect(r.stderr).toContain("Jupyter kernel 'no-such-kernel' is not installed");
    expect(r.stderr).not.toContain("Traceback");
  });

  it("the notebook client names the missing Jupyter modules and the install command", async () => {
    // -S keeps Debian's dist-packages (where Jupyter lives) off the module path: a Python without Jupyter.
    const r = await run("/usr/bin/python3", [
      "-S",
      "scripts/run_notebook.py",
      path.join(FIXTURES, "typed-import.ipynb"),
      path.join(out, "y.ipynb"),
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^Jupyter's Python modules are missing \(No module named '\w+'\)/);
    expect(r.stderr).toContain("apt-get install -y --no-install-recommends python3-nbclient");
    expect(r.stderr).not.toContain("Traceback");
  });
});
