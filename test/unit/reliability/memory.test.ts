// Issue 15, defect 4 and the standing memory check: a result keeps only what it shows, never the tape. Measured as
// retained heap size after full collections (node --expose-gc in a child process running the compiled library),
// not as time. A 50k-operation program's tape takes about 50 MB: before the fix a kept valueAndGrad result,
// its kink report, a kinkReport(), an evaluate(), a jvp() or a vjp() result retained all of it.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../../..");
/** A retained size far below one tape (50+ MB) and above the noise of a collection (tens of kB). */
const LIMIT = 2 * 2 ** 20;

describe("memory: results do not keep the tape", () => {
  it("grad of a 50k-operation program leaves the heap where it started, and keeping a result of every kind keeps no tape", () => {
    const r = spawnSync(
      process.execPath,
      ["--expose-gc", "--single-threaded", path.join(__dirname, "memory-probe.cjs"), path.join(ROOT, "dist"), "50000"],
      {
        encoding: "utf8",
        timeout: 120_000,
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const retained = JSON.parse(r.stdout) as Record<string, number>;
    expect(Object.keys(retained).length).toBe(20);
    for (const [kind, bytes] of Object.entries(retained))
      expect(bytes, `${kind} retains ${bytes} bytes`).toBeLessThan(LIMIT);
  });
  it("the probe can fail: a result that keeps its tape is measured as such (negative control)", () => {
    // the same measurement on a value that does keep a tape: the recording of makeTape holds every node
    const script = `
      const m = require(${JSON.stringify(path.join(ROOT, "dist"))});
      const heap = () => { global.gc(); global.gc(); return process.memoryUsage().heapUsed; };
      const before = heap();
      const kept = m.makeTape((x) => { let y = x; for (let i = 0; i < 50000; i++) y = m.add(m.mul(y, 0.999999), 0.000001); return m.sum(y); }, [1, 2, 3, 4]);
      console.log(heap() - before, kept.entries.length);`;
    const r = spawnSync(process.execPath, ["--expose-gc", "--single-threaded", "-e", script], {
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const [bytes, entries] = r.stdout.trim().split(" ").map(Number);
    expect(entries).toBeGreaterThan(100_000);
    expect(bytes).toBeGreaterThan(LIMIT);
  });
});
