/**
 * Node modules the browser kernel does not have (worker threads, os): importing works, using them throws a
 * clear error. `sweep` falls back to running in the page (see its `workers` option).
 */
function unsupported(what: string): never {
  throw new Error(`nonsmooth-ad in the browser: ${what} is not available (it needs Node); run the workbook in Jupyter with the tslab kernel for that`);
}
export class Worker {
  constructor() {
    unsupported("worker_threads");
  }
}
export const parentPort = null;
export const isMainThread = true;
export function cpus(): unknown[] {
  return [{}];
}
export function availableParallelism(): number {
  return 1;
}
export function tmpdir(): string {
  return unsupported("os.tmpdir");
}
export default { Worker, parentPort, isMainThread, cpus, availableParallelism, tmpdir };
// sweep's slurm backend runs SLURM's commands (sbatch, squeue): not in a browser
export function spawnSync(): never {
  return unsupported("child_process (the slurm backend of sweep)");
}
