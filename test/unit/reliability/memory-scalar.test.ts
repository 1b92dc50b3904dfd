// The gradient of a long scalar program runs on the scalar tape (flat typed arrays, one number per value): a
// 1e6-operation program stays within 300 MB of peak resident memory for the whole process, and nothing of the tape
// is retained once the call has returned. Measured in a child process (node --expose-gc) running the compiled
// library, as peak RSS and retained heap, never as time.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../../..");
const PEAK_MB = 300;
/** A retained size far below one tape (tens of MB) and above the noise of a collection. */
const RETAINED = 2 * 2 ** 20;

function probe(ops: number, mode: "tape" | "nodes"): { peakMB: number; retained: number; grad: number } {
  const r = spawnSync(
    process.execPath,
    ["--expose-gc", path.join(__dirname, "memory-scalar-probe.cjs"), path.join(ROOT, "dist"), String(ops), mode],
    { encoding: "utf8", timeout: 180_000 },
  );
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { peakMB: number; retained: number; grad: number };
}

describe("memory: a long scalar program's gradient", () => {
  it("1e6 operations: peak resident memory at most 300 MB, nothing retained after the call", () => {
    const r = probe(1e6, "tape");
    expect(r.peakMB).toBeLessThanOrEqual(PEAK_MB);
    expect(r.retained).toBeLessThan(RETAINED);
    expect(r.grad).toBeCloseTo(0.999999 ** 5e5, 12);
  });
  it("the probe can fail: the node list it replaces exceeds the limit on 6e5 operations (negative control)", () => {
    const r = probe(6e5, "nodes");
    expect(r.peakMB).toBeGreaterThan(PEAK_MB);
  });
});
