// The paper-scale ReLU'(0) protocol: deterministic, float64 never parts, float16 does, zero counts only in
// count-only mode, the prediction's order of magnitude, and bad input.
import { describe, expect, it } from "vitest";
import { paperBifurcation, scaleParting, wilsonInterval } from "../../../src";

const small = { depth: 2, width: 32, runs: 2, seed: 3, digits: 512, batchSize: 128 } as const;

describe("paperBifurcation", () => {
  it("is deterministic", () => {
    const a = paperBifurcation({ ...small, model: "float16" });
    const b = paperBifurcation({ ...small, model: "float16" });
    expect(a).toEqual(b);
  });

  it("float16 parts and counts zeros near the prediction; float64 never parts", () => {
    const f16 = paperBifurcation({ ...small, model: "float16", stopAtFirst: false });
    expect(f16.every((r) => r.parted && r.firstBatch >= 0 && r.batches === 4)).toBe(true);
    const zeros = f16.reduce((s, r) => s + r.zeros, 0);
    const predicted = f16.reduce((s, r) => s + r.predictedZeros, 0);
    expect(zeros).toBeGreaterThan(predicted / 3);
    expect(zeros).toBeLessThan(predicted * 3);
    const f64 = paperBifurcation({ ...small, model: "float64" });
    expect(f64.every((r) => !r.parted && r.zeros === 0 && r.batches === 4)).toBe(true);
  });

  it("stops at the first parting mini-batch unless asked; countOnly never runs the backward passes", () => {
    const first = paperBifurcation({ ...small, model: "bfloat16" });
    expect(first.every((r) => r.parted && r.batches === r.firstBatch + 1)).toBe(true);
    const counted = paperBifurcation({ ...small, model: "bfloat16", countOnly: true });
    expect(counted.every((r) => !r.parted && r.zeros > 0 && r.batches === 4)).toBe(true);
  });

  it("splits runs: firstRun picks the same runs as a longer call", () => {
    const all = paperBifurcation({ ...small, runs: 3, model: "float16", countOnly: true });
    const last = paperBifurcation({ ...small, runs: 1, firstRun: 2, model: "float16", countOnly: true });
    expect(last[0]).toEqual(all[2]);
  });

  it("rejects bad input", () => {
    expect(() => paperBifurcation({ ...small, model: "float8" as "float16" })).toThrow(
      /^paperBifurcation: unknown model "float8": expected one of float64, .*float16-tensor-core/,
    );
    expect(() => paperBifurcation({ ...small, model: { storage: "float32", accumulation: "float16" } })).toThrow(
      /^paperBifurcation: model: accumulation float16 is less precise than storage/,
    );
    expect(() => paperBifurcation({ ...small, model: "float32", batchSize: 1024 })).toThrow(
      /larger than the 512 digits/,
    );
    expect(() => paperBifurcation({ ...small, model: "float32", depth: 0 })).toThrow(/depth/);
  });
});

describe("scaleParting and wilsonInterval", () => {
  it("compute what they say", () => {
    expect(scaleParting(0, 10000, 60000)).toBe(0);
    expect(scaleParting(1, 10000, 60000)).toBe(1);
    expect(scaleParting(0.5, 100, 200)).toBeCloseTo(0.75, 15);
    const [lo, hi] = wilsonInterval(50, 100);
    expect(lo).toBeCloseTo(0.4038, 3);
    expect(hi).toBeCloseTo(0.5962, 3);
    expect(wilsonInterval(100, 100)[1]).toBe(1);
  });
  it("reject bad input", () => {
    expect(() => scaleParting(1.5, 10, 20)).toThrow(/share/);
    expect(() => wilsonInterval(5, 4)).toThrow(/k = 5 successes out of n = 4/);
    expect(() => wilsonInterval(1, 0)).toThrow(/n/);
  });
});
