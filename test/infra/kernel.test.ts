import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { node, run } from "./exec";
import { REPO_ROOT } from "./workbook-build";

describe("kernel spec", () => {
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), "nsad-kernel-test-"));
  const specFile = path.join(prefix, "share", "jupyter", "kernels", "nonsmooth-ad", "kernel.json");

  it("installs into a given prefix and names an existing node and this checkout's tslab", async () => {
    const r = await node("kernel/install.mjs", ["--prefix", prefix]);
    expect(r.code, r.output).toBe(0);
    expect(r.stdout).toContain(path.dirname(specFile));
    const spec = JSON.parse(fs.readFileSync(specFile, "utf8"));
    expect(spec.display_name).toBe("TypeScript (nonsmooth-ad)");
    expect(spec.language).toBe("typescript");
    const [nodeBin, tslab, ...rest] = spec.argv as string[];
    expect(path.isAbsolute(nodeBin)).toBe(true);
    expect(fs.existsSync(nodeBin), `node binary ${nodeBin}`).toBe(true);
    expect(tslab).toBe(path.join(REPO_ROOT, "node_modules", "tslab", "bin", "tslab"));
    expect(fs.existsSync(tslab), `tslab binary ${tslab}`).toBe(true);
    expect(rest).toEqual(["kernel", "--config-path", "{connection_file}"]);
    // The argv really is a tslab launcher: it answers --version.
    const v = await run(nodeBin, [tslab, "--version"]);
    expect(v.stdout).toMatch(/^tslab \d+\.\d+\.\d+/);
  });

  it("is found by Jupyter's own kernel spec manager through JUPYTER_PATH", async () => {
    const code =
      "from jupyter_client.kernelspec import KernelSpecManager as K\n" +
      "s = K().get_kernel_spec('nonsmooth-ad')\nprint(s.resource_dir)\nprint(s.display_name)";
    const r = await run("/usr/bin/python3", ["-c", code], {
      env: { ...process.env, JUPYTER_PATH: path.join(prefix, "share", "jupyter") },
    });
    expect(r.code, r.output).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual([path.dirname(specFile), "TypeScript (nonsmooth-ad)"]);
  });

  it("installs into the user's data folder given by JUPYTER_DATA_DIR by default", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "nsad-data-"));
    const r = await node("kernel/install.mjs", [], { env: { ...process.env, JUPYTER_DATA_DIR: dataDir } });
    expect(r.code, r.output).toBe(0);
    expect(fs.existsSync(path.join(dataDir, "kernels", "nonsmooth-ad", "kernel.json"))).toBe(true);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("rejects an unknown option or a missing --prefix value with a clear message", async () => {
    const bad = await node("kernel/install.mjs", ["--bogus"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('unknown argument "--bogus"');
    const noValue = await node("kernel/install.mjs", ["--prefix"]);
    expect(noValue.code).toBe(1);
    expect(noValue.stderr).toContain("--prefix needs a folder");
  });
});

describe("prerequisites", () => {
  it("finds Jupyter's Python parts, Chromium and the fonts on this machine, quickly", async () => {
    const t0 = Date.now();
    const r = await node("scripts/prerequisites.mjs", ["--check"]);
    expect(r.code, r.output).toBe(0);
    expect(r.stdout).toContain("are present");
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
