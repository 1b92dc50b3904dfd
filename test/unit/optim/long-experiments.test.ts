// The long experiments' configuration checks and time budget: unknown keys refused by name, seeds taken on all
// their bits (no silent truncation to 32), an estimate reported before the work and a refusal when it exceeds the
// budget (unless allowLong), progress after each run; and the arithmetic kernels' refusal of out-of-range input.
import { describe, expect, it } from "vitest";
import {
  arithmeticModel,
  bifurcationExperiment,
  denseLayer,
  dotReference,
  modelDot,
  paperBifurcation,
} from "../../../src";
import type { ExperimentProgress } from "../../../src";

const bif = {
  depth: 1,
  width: 8,
  precision: "float16" as const,
  batchSize: 16,
  runs: 3,
  steps: 3,
  seed: 1,
  data: { kind: "regression" as const, seed: 0, n: 64, inputDim: 1 },
};
const paper = { depth: 1, width: 8, model: "float16" as const, runs: 2, seed: 1, digits: 256, batchSize: 64 };

describe("configuration checks", () => {
  it("unknown keys are refused, naming the key", () => {
    expect(() => bifurcationExperiment({ ...bif, stepsize: 0.1 } as never)).toThrow(/unknown option "stepsize"/);
    expect(() => paperBifurcation({ ...paper, width2: 3 } as never)).toThrow(/unknown option "width2"/);
  });
  it("seeds must be integers of magnitude below 2^53", () => {
    expect(() => bifurcationExperiment({ ...bif, seed: 0.5 })).toThrow(/seed must be an integer in/);
    expect(() => paperBifurcation({ ...paper, seed: 2 ** 53 })).toThrow(/seed must be an integer in/);
  });
  it("seeds that agree modulo 2^32 give different runs (no truncation)", () => {
    const key = (rows: { maxDifference: number; reluZeros: number }[]) =>
      rows.map((r) => [r.maxDifference, r.reluZeros]);
    // a case where float16 runs differ (experiments.test.ts): the rows carry the largest gradient difference
    const wide = { ...bif, width: 32, batchSize: 64, runs: 4, steps: 5, data: { ...bif.data, n: 256 } };
    const a = bifurcationExperiment({ ...wide, seed: 5 });
    const b = bifurcationExperiment({ ...wide, seed: 2 ** 32 + 5 });
    expect(a.some((r) => r.differ)).toBe(true);
    expect(key(a)).not.toEqual(key(b));
    const p = paperBifurcation({ ...paper, seed: 5, stopAtFirst: false });
    const q = paperBifurcation({ ...paper, seed: 2 ** 32 + 5, stopAtFirst: false });
    expect(p.map((r) => r.predictedZeros)).not.toEqual(q.map((r) => r.predictedZeros));
    // and a seed below 2^32 is used as before: the same seed twice, the same rows
    expect(key(bifurcationExperiment({ ...wide, seed: 5 }))).toEqual(key(a));
  });
});

describe("time budget", () => {
  it("reports the estimate before the runs, then progress after each run", () => {
    for (const run of [
      (onProgress: (p: ExperimentProgress) => void) => bifurcationExperiment({ ...bif, onProgress }),
      (onProgress: (p: ExperimentProgress) => void) => paperBifurcation({ ...paper, runs: 3, onProgress }),
    ]) {
      const seen: ExperimentProgress[] = [];
      run((p) => seen.push(p));
      expect(seen.map((p) => [p.done, p.total])).toEqual([
        [0, 3],
        [1, 3],
        [2, 3],
        [3, 3],
      ]);
      expect(seen.every((p) => p.estimatedSeconds >= 0 && p.elapsedSeconds >= 0)).toBe(true);
    }
  });
  it("refuses before the runs when the estimate exceeds maxMinutes, unless allowLong", () => {
    const tiny = 1e-12; // minutes: any real estimate exceeds it
    let calls = 0;
    expect(() => bifurcationExperiment({ ...bif, maxMinutes: tiny, onProgress: () => calls++ })).toThrow(
      /would take about .* minutes here .*more than maxMinutes = 1e-12; pass allowLong: true/,
    );
    expect(calls).toBe(0); // stopped before any run
    expect(() => paperBifurcation({ ...paper, maxMinutes: tiny })).toThrow(/would take about .* pass allowLong: true/);
    expect(bifurcationExperiment({ ...bif, maxMinutes: tiny, allowLong: true }).length).toBe(3);
    expect(paperBifurcation({ ...paper, maxMinutes: tiny, allowLong: true }).length).toBe(2);
  });
  it("checks the budget options", () => {
    expect(() => bifurcationExperiment({ ...bif, maxMinutes: -1 })).toThrow(/maxMinutes must be a finite number > 0/);
    expect(() => paperBifurcation({ ...paper, allowLong: "yes" as never })).toThrow(/allowLong must be true or false/);
  });
});

describe("input beyond the storage format's range", () => {
  const f16 = arithmeticModel("float16");
  it("is refused with its place and the format's largest value", () => {
    expect(() => modelDot(f16, [1, 70000], [1, 1])).toThrow(
      /modelDot: a\[1\] = 70000 overflows float16 \(its largest finite value is 65504\)/,
    );
    expect(() => dotReference(f16, [1], [1], 1e5)).toThrow(/dotReference: c\[0\] = 100000 overflows float16/);
    expect(() => denseLayer(f16, Float64Array.of(NaN), 1, 1, Float64Array.of(1), 1, Float64Array.of(0))).toThrow(
      /denseLayer: H\[0\] is NaN, not a number/,
    );
    // the largest value itself is accepted
    expect(modelDot(f16, [65504], [1])).toBe(65504);
  });
});
