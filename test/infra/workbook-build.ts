// Where the integration project's globalSetup put its workbook run, and how it went. Tests of the executed
// notebooks and of the site (test/site/**) import from here.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The build folder of the test run: executed notebooks in notebooks/, site in site/. */
export const TEST_BUILD = process.env.NSAD_TEST_BUILD ?? path.join(REPO_ROOT, "build", "test");
export const RESULT_FILE = path.join(TEST_BUILD, "workbook-result.json");

export interface WorkbookResult {
  /** true when the runner exited 0 */
  ok: boolean;
  exitCode: number | null;
  /** the runner's combined stdout and stderr */
  output: string;
  /** the command that ran */
  command: string[];
  /** the temporary Jupyter prefix the kernel spec was installed in (JUPYTER_PATH = kernelPrefix/share/jupyter) */
  kernelPrefix: string;
  seconds: number;
}

/** The result of globalSetup's workbook run; throws with a clear message when there is none. */
export function workbookResult(): WorkbookResult {
  if (!fs.existsSync(RESULT_FILE)) {
    throw new Error(
      `no workbook result at ${RESULT_FILE}: the integration project's globalSetup (test/infra/global-setup.ts) did not run`,
    );
  }
  return JSON.parse(fs.readFileSync(RESULT_FILE, "utf8")) as WorkbookResult;
}

/** Throws with the runner's own message unless globalSetup's workbook run succeeded. */
export function requireWorkbookSuccess(): WorkbookResult {
  const r = workbookResult();
  if (!r.ok) {
    throw new Error(`the workbook run in globalSetup failed (exit ${r.exitCode}):\n${r.output.trim()}`);
  }
  return r;
}
