import { spawn } from "node:child_process";
import { REPO_ROOT } from "./workbook-build";

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout then stderr */
  output: string;
}

/** Runs a command (no shell) in the repository root and collects its output. */
export function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd ?? REPO_ROOT,
      env: opts.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr, output: `${stdout}\n${stderr}` }));
  });
}

/** Runs a Node script of the repository with this test's Node binary. */
export function node(script: string, args: string[] = [], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return run(process.execPath, [script, ...args], opts);
}
