// Whether a SLURM cluster answers (scripts/slurm/cluster.sh start runs one on localhost). Without one the SLURM
// tests are skipped with a message saying how to start it; with NSAD_REQUIRE_SLURM=1 (CI) its absence fails them.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";

const LOCAL_CONF = `${process.env.NSAD_SLURM_DIR ?? "/tmp/nsad-slurm"}/slurm.conf`;
if (!process.env.SLURM_CONF && fs.existsSync(LOCAL_CONF)) process.env.SLURM_CONF = LOCAL_CONF;

function ping(): string | undefined {
  const r = spawnSync("scontrol", ["ping"], { encoding: "utf8", timeout: 20_000 });
  if (r.error) return `SLURM is not installed (${r.error.message})`;
  if (r.status !== 0 || !/UP/.test(r.stdout)) return `no SLURM controller answers (${(r.stdout + r.stderr).trim()})`;
  return undefined;
}

const why = ping();
export const required = process.env.NSAD_REQUIRE_SLURM === "1";
if (why && required) throw new Error(`NSAD_REQUIRE_SLURM=1 but ${why}`);
if (why)
  console.warn(
    `SLURM tests skipped: ${why}. Start a one-node cluster with scripts/slurm/cluster.sh start (root; apt-get install slurm-wlm munge).`,
  );
/** True when a cluster answers. */
export const clusterUp = why === undefined;

/** Cancels one array task (`scancel JOB_TASK`). */
export function cancelTask(jobId: string, task: number): void {
  const r = spawnSync("scancel", [`${jobId}_${task}`], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`scancel failed: ${r.stderr}`);
}
