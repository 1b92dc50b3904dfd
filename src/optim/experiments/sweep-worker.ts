/**
 * The worker thread of {@link sweep}: it loads the compiled library, receives (index, runner, configuration)
 * messages, runs them one at a time and posts the results back.
 *
 * @module
 */
import { parentPort } from "node:worker_threads";
import { resolveRunner } from "./runners";
import type { ModuleRunner, RunnerName } from "./runners";

interface Task {
  readonly index: number;
  readonly runner: RunnerName | ModuleRunner;
  readonly config: unknown;
}

if (parentPort) {
  const port = parentPort;
  port.on("message", (task: Task) => {
    try {
      const result = resolveRunner(task.runner)(task.config);
      port.postMessage({ index: task.index, result });
    } catch (e) {
      const err = e as Error;
      port.postMessage({ index: task.index, error: err?.message ?? String(e), stack: err?.stack });
    }
  });
}
