// globalSetup of the integration project: runs the workbook once, into build/test/ (executed notebooks in
// build/test/notebooks/, student site in build/test/site/, instructor site in build/test/site-instructor/), with
// the kernel spec in a temporary Jupyter prefix.
// It never throws on a failing run: it records the runner's output in build/test/workbook-result.json, and the
// tests report it (requireWorkbookSuccess), so a failure reads as the runner's message, not as a crashed setup.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { REPO_ROOT, TEST_BUILD, RESULT_FILE, type WorkbookResult } from "./workbook-build";

declare module "vitest" {
  export interface ProvidedContext {
    nsadTestBuild: string;
    nsadKernelPrefix: string;
  }
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", (e) => resolve({ code: null, output: `${output}\ncould not start ${cmd}: ${e.message}` }));
    child.on("close", (code) => resolve({ code, output }));
  });
}

export default async function setup(project: TestProject) {
  const kernelPrefix = fs.mkdtempSync(path.join(os.tmpdir(), "nsad-kernel-"));
  fs.rmSync(TEST_BUILD, { recursive: true, force: true });
  fs.mkdirSync(TEST_BUILD, { recursive: true });
  // scripts/test.mjs has already checked the prerequisites and built dist/; a bare `vitest run` has not.
  const prepared = process.env.NSAD_PREPARED === "1";
  const command = [
    process.execPath,
    "scripts/workbook.mjs",
    "--out",
    TEST_BUILD,
    "--kernel-dir",
    kernelPrefix,
    "--with-solutions",
    ...(prepared ? ["--no-prerequisites", "--no-build"] : []),
  ];
  const t0 = Date.now();
  const { code, output } = await run(command[0], command.slice(1), process.env);
  const result: WorkbookResult = {
    ok: code === 0,
    exitCode: code,
    output,
    command,
    kernelPrefix,
    seconds: (Date.now() - t0) / 1000,
  };
  fs.writeFileSync(RESULT_FILE, JSON.stringify(result, null, 2));
  console.log(
    `globalSetup: workbook ${result.ok ? "ran" : `FAILED (exit ${code})`} in ${result.seconds.toFixed(1)} s into ${path.relative(REPO_ROOT, TEST_BUILD)}`,
  );

  process.env.NSAD_TEST_BUILD = TEST_BUILD;
  project.provide("nsadTestBuild", TEST_BUILD);
  project.provide("nsadKernelPrefix", kernelPrefix);
  return () => {
    fs.rmSync(kernelPrefix, { recursive: true, force: true });
  };
}
