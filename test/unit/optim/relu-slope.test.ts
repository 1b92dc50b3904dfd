// reluSlopeAccuracy: the same network, initial weights and mini-batches trained for each s = relu'(0) (Bertoin,
// Bolte, Gerchinovitz and Pauwels, NeurIPS 2021, Section 4). Checks: without kink hits (float64) every s trains
// the same network bit for bit, whatever s; with kink hits (float16) a large s changes the result and spikes the
// backprop output; divergence is reported, not passed on as NaN; configuration errors and the time budget.
import { describe, expect, it } from "vitest";
import { datasets, reluSlopeAccuracy } from "../../../src";
import type { ExperimentProgress, ReluSlopeRow } from "../../../src";

const data = datasets.twoMoons(0, 256);
const testData = datasets.twoMoons(1, 256);
const base = {
  slopes: [0, 1, 1000],
  hidden: [32],
  data,
  testData,
  steps: 30,
  batchSize: 64,
  runs: 3,
  seed: 0,
  methods: [
    { optimizer: "sgd" as const, stepSize: 0.5 },
    { optimizer: "adam" as const, stepSize: 0.01, normalization: "batch" as const },
  ],
};

/** The check of "the same training": the same final weights' accuracy and loss, the same spikes, no difference. */
const sameTraining = (a: ReluSlopeRow, b: ReluSlopeRow): void => {
  expect([a.testAccuracy, a.finalLoss, a.maxGradNorm, a.kinks, a.steps]).toEqual([
    b.testAccuracy,
    b.finalLoss,
    b.maxGradNorm,
    b.kinks,
    b.steps,
  ]);
  expect(b.firstDifference).toBe(-1);
};
const rowsOf = (rows: ReluSlopeRow[], s: number) => rows.filter((r) => r.s === s);

describe("reluSlopeAccuracy", () => {
  const f64 = reluSlopeAccuracy({ ...base, precision: "float64" });
  const f16 = reluSlopeAccuracy({ ...base, precision: "float16" });

  it("one row per (method, run, s), in that order, with the method named and s outside [0, 1] flagged", () => {
    expect(f64.length).toBe(2 * 3 * 3);
    expect(f64.slice(0, 3).map((r) => [r.method, r.run, r.s, r.outsideClarke])).toEqual([
      ["SGD", 0, 0, false],
      ["SGD", 0, 1, false],
      ["SGD", 0, 1000, true],
    ]);
    expect(f64[f64.length - 1]).toMatchObject({
      method: "Adam + batch norm",
      optimizer: "adam",
      normalization: "batch",
    });
    for (const r of f64) expect([r.diverged, r.divergedAt, r.steps]).toEqual([false, -1, 30]);
  });

  it("float64: no kink is hit, so s = 0, s = 1 and s = 1000 train the same network bit for bit", () => {
    for (const r of f64) expect(r.kinks).toBe(0);
    const zero = rowsOf(f64, 0);
    for (const s of [1, 1000]) rowsOf(f64, s).forEach((r, i) => sameTraining(zero[i], r));
  });

  it("every s of a run starts from the same weights", () => {
    for (const method of ["SGD", "Adam + batch norm"])
      for (const run of [0, 1, 2]) {
        const initial = new Set(
          f16.filter((r) => r.run === run && r.method === method).map((r) => r.initialTestAccuracy),
        );
        expect(initial.size).toBe(1);
      }
    // negative control: different runs start from different weights
    expect(new Set(rowsOf(f16, 0).map((r) => r.initialTestAccuracy)).size).toBeGreaterThan(1);
  });

  it("float16: kinks are hit, and then s = 1000 changes the training and spikes the backprop output", () => {
    const zero = rowsOf(f16, 0);
    const big = rowsOf(f16, 1000);
    expect(zero.some((r) => r.kinks > 0)).toBe(true);
    const parted = big.filter((r) => r.firstDifference >= 0);
    expect(parted.length).toBeGreaterThan(0);
    for (const r of parted) {
      const ref = zero[big.indexOf(r)];
      expect(r.finalLoss).not.toBe(ref.finalLoss);
      expect(r.maxGradNorm).toBeGreaterThan(ref.maxGradNorm);
    }
    // a run parts only through a kink hit: a run without hits never parts
    for (const r of big) if (r.kinks === 0 && zero[big.indexOf(r)].kinks === 0) expect(r.firstDifference).toBe(-1);
  });

  it("negative control: the same-training check fails on the float16 runs that parted", () => {
    const zero = rowsOf(f16, 0);
    const big = rowsOf(f16, 1000);
    const i = big.findIndex((r) => r.firstDifference >= 0);
    expect(i).toBeGreaterThanOrEqual(0);
    expect(() => sameTraining(zero[i], big[i])).toThrow();
  });

  it("a diverging run is reported (divergedAt, the updates made), with finite accuracy and no NaN passed on", () => {
    const rows = reluSlopeAccuracy({
      ...base,
      precision: "float16",
      runs: 1,
      slopes: [0, 1e4],
      methods: [{ optimizer: "sgd", stepSize: 1e4 }],
    });
    const gone = rows.filter((r) => r.diverged);
    expect(gone.length).toBeGreaterThan(0);
    for (const r of gone) {
      expect(r.divergedAt).toBeGreaterThanOrEqual(0);
      expect(r.steps).toBe(r.divergedAt);
      expect(Number.isFinite(r.testAccuracy)).toBe(true);
      expect(Number.isFinite(r.maxGradNorm)).toBe(true);
    }
    // negative control: the same configuration with a small step does not diverge
    const calm = reluSlopeAccuracy({ ...base, precision: "float16", runs: 1, slopes: [0, 1e4], steps: 5 });
    expect(calm.every((r) => !r.diverged && r.divergedAt === -1)).toBe(true);
  });

  it("refuses bad configurations by name", () => {
    const ok = { ...base, precision: "float64" as const, steps: 1, runs: 1 };
    expect(() => reluSlopeAccuracy({ ...ok, stepSize: 1 } as never)).toThrow(
      /^reluSlopeAccuracy: unknown option "stepSize"/,
    );
    expect(() => reluSlopeAccuracy({ ...ok, slopes: [] })).toThrow(/slopes must be a non-empty array/);
    expect(() => reluSlopeAccuracy({ ...ok, slopes: [0, NaN] })).toThrow(/slopes\[1\]/);
    expect(() => reluSlopeAccuracy({ ...ok, hidden: [0] })).toThrow(/hidden\[0\]/);
    expect(() => reluSlopeAccuracy({ ...ok, methods: [{ optimizer: "lbfgs", stepSize: 1 }] } as never)).toThrow(
      /methods\[0\]\.optimizer/,
    );
    expect(() => reluSlopeAccuracy({ ...ok, methods: [{ optimizer: "sgd", stepSize: -1 }] })).toThrow(
      /methods\[0\]\.stepSize/,
    );
    expect(() =>
      reluSlopeAccuracy({ ...ok, methods: [{ optimizer: "sgd", stepSize: 1, momentum: 0.9 }] } as never),
    ).toThrow(/unknown option "momentum"/);
    expect(() => reluSlopeAccuracy({ ...ok, precision: "float8" } as never)).toThrow(/precision/);
    expect(() => reluSlopeAccuracy({ ...ok, data: datasets.regression(0, 64) })).toThrow(/class labels/);
    expect(() => reluSlopeAccuracy({ ...ok, batchSize: 1000 })).toThrow(/larger than the data set/);
  });

  it("time budget: the estimate before the runs, progress after each, a refusal beyond maxMinutes", () => {
    const seen: ExperimentProgress[] = [];
    reluSlopeAccuracy({ ...base, precision: "float64", steps: 2, runs: 1, onProgress: (p) => seen.push(p) });
    expect(seen.map((p) => p.done)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(seen.every((p) => p.total === 6 && p.estimatedSeconds > 0)).toBe(true);
    expect(() => reluSlopeAccuracy({ ...base, precision: "float64", steps: 1e6, maxMinutes: 1e-6 })).toThrow(
      /^reluSlopeAccuracy: this configuration would take about .* minutes here/,
    );
  });
});
