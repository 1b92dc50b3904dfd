import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  bifurcationExperiment,
  summarizeBifurcation,
  oscillationCompensation,
  policies,
  reluZeroProbability,
  deadLayerProbability,
  schedules,
  sgd,
  sweep,
  tensor,
  Tensor,
  trainingRun,
  train,
} from "../../../src";
import type { TrainingRunConfig } from "../../../src";

const moons: TrainingRunConfig = {
  model: { sizes: [2, 8, 2], activation: "relu" },
  data: { kind: "twoMoons", seed: 0, n: 64 },
  optimizer: { name: "sgd" },
  schedule: 0.5,
  steps: 40,
  batchSize: 16,
  seed: 3,
  policy: policies.pytorch,
};

describe("trainingRun", () => {
  it("records one row per step, lowers the loss, reports accuracy for labels", () => {
    const rows = trainingRun({ ...moons, evalEvery: 39 });
    expect(rows.length).toBe(40);
    expect(rows[39].fullLoss).toBeLessThan(rows[0].fullLoss);
    expect(rows[39].accuracy).toBeGreaterThan(0.7);
    expect(Number.isNaN(rows[1].fullLoss)).toBe(true);
    expect(rows.every((r) => r.stepSize === 0.5)).toBe(true);
  });

  it("the same seed gives identical rows; another seed does not", () => {
    expect(trainingRun(moons)).toEqual(trainingRun(moons));
    expect(trainingRun({ ...moons, seed: 4 })).not.toEqual(trainingRun(moons));
  });

  it("runs every optimizer spec and precision, and accepts optimizer objects", () => {
    for (const optimizer of [
      { name: "heavyBall" as const, beta: 0.5 },
      { name: "adam" as const },
      { name: "inna" as const, initialization: "keras" as const },
    ]) {
      const rows = trainingRun({ ...moons, optimizer, schedule: 0.05, steps: 5, precision: "float32" });
      expect(rows.every((r) => Number.isFinite(r.loss))).toBe(true);
    }
    const r = train({
      ...moons,
      optimizer: sgd({ stepSize: schedules.polynomial(0.5, 0.5) }),
      schedule: undefined,
      steps: 3,
    });
    expect(r.rows.map((x) => x.stepSize)).toEqual([0.5, 0.5 / Math.SQRT2, 0.5 / Math.sqrt(3)]);
    expect(r.state.count).toBe(3);
  });

  it("stops with an error naming the step and the last finite loss when training diverges", () => {
    expect(() =>
      trainingRun({
        ...moons,
        data: { kind: "regression", seed: 0, n: 32 },
        model: { sizes: [1, 16, 16, 1] },
        schedule: 50,
        steps: 200,
        batchSize: 8,
      }),
    ).toThrow(
      /trainingRun: the (loss is (NaN|Infinity)|gradient is not finite.*) at step \d+; the last finite loss was \S+ at step \d+\. Lower the step size/,
    );
  });

  it("rejects empty data, a batch larger than the data, and inconsistent arguments", () => {
    const empty = { name: "empty", X: new Tensor(new Float64Array(0), [0, 2]), y: [] as number[], numClasses: 2 };
    expect(() => trainingRun({ ...moons, data: empty })).toThrow(/data set "empty" is empty/);
    expect(() => trainingRun({ ...moons, batchSize: 65 })).toThrow(
      /batch size 65 is larger than the data set \(64 rows\)/,
    );
    expect(() => trainingRun({ ...moons, optimizer: sgd(), schedule: 0.1 })).toThrow(
      /pass the schedule to the optimizer/,
    );
    expect(() => trainingRun({ ...moons, schedule: -1 })).toThrow(/step size must be a finite number > 0/);
    expect(() => trainingRun({ ...moons, precision: "float8" as any })).toThrow(
      /^trainingRun: unknown precision "float8": expected one of float64, float32, float16, bfloat16/,
    );
    expect(() =>
      trainingRun({ ...moons, data: { name: "d", X: tensor([[1, 2]]), y: tensor([[1]]) }, batchSize: 1 }),
    ).toThrow(/cross-entropy needs class labels|targets have 1 columns/);
  });
});

describe("reluZeroProbability", () => {
  it("finds no exact zero with one layer, many in deep narrow nets with zero biases, none in float64 with continuous biases", () => {
    const rows = reluZeroProbability({ widths: [2, 4], depths: [1, 5], samples: 100, seed: 1 });
    const p = (w: number, d: number) => rows.find((r) => r.width === w && r.depth === d)!.probability;
    expect(p(2, 1)).toBe(0);
    expect(p(2, 5)).toBeGreaterThan(0.2);
    expect(p(2, 5)).toBeGreaterThan(p(4, 5));
    const cont = reluZeroProbability({ widths: 4, depths: 5, biases: "uniform", samples: 100, seed: 1 });
    expect(cont[0].probability).toBe(0);
  });
  it("matches the dead-layer prediction 1 - (1 - 2^-width)^(depth - 1) with zero biases", () => {
    expect(deadLayerProbability(2, 1)).toBe(0);
    expect(deadLayerProbability(2, 3)).toBe(1 - 0.75 ** 2);
    expect(() => deadLayerProbability(0, 2)).toThrow(/width must be an integer >= 1/);
    const rows = reluZeroProbability({ widths: [2, 3], depths: [2, 4], samples: 400, seed: 5 });
    for (const r of rows) {
      const p = deadLayerProbability(r.width, r.depth);
      expect(Math.abs(r.probability - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / r.samples) + 1 / r.samples);
      expect(r.inputsPerSample).toBe(1);
    }
  });
  it("counts per batch with several inputs per network: more hits, the same networks", () => {
    const one = reluZeroProbability({ widths: 3, depths: 3, samples: 200, seed: 2 });
    const batch = reluZeroProbability({ widths: 3, depths: 3, samples: 200, seed: 2, inputsPerSample: 16 });
    expect(batch[0].inputsPerSample).toBe(16);
    expect(batch[0].hits).toBeGreaterThan(one[0].hits);
    expect(() => reluZeroProbability({ widths: 3, depths: 3, samples: 2, seed: 2, inputsPerSample: 0 })).toThrow(
      /inputsPerSample must be an integer >= 1/,
    );
  });
  it("takes inputs from a data set", () => {
    const rows = reluZeroProbability({
      widths: 3,
      depths: 2,
      inputs: { kind: "twoMoons", seed: 0, n: 20 },
      samples: 10,
      seed: 0,
      precision: ["float64", "float32"],
    });
    expect(rows.map((r) => [r.inputs, r.precision])).toEqual([
      ["twoMoons", "float64"],
      ["twoMoons", "float32"],
    ]);
  });
});

describe("bifurcationExperiment", () => {
  // A small case: one hidden layer of 32 relus, 1-D inputs, 64 rows per batch, 5 steps, 10 runs.
  const small = {
    depth: 1,
    width: 32,
    batchSize: 64,
    runs: 10,
    steps: 5,
    seed: 0,
    data: { kind: "regression" as const, seed: 0, n: 256, inputDim: 1 },
  };
  it("finds no disagreement in float64", () => {
    const rows = bifurcationExperiment({ ...small, precision: "float64" });
    expect(rows.length).toBe(10);
    expect(rows.every((r) => !r.differ && r.firstStep === -1 && r.differingSteps === 0 && r.reluZeros === 0)).toBe(
      true,
    );
  });
  it("finds disagreements in more than half of the float16 runs, caused by relu evaluated at exactly 0", () => {
    const rows = bifurcationExperiment({ ...small, precision: "float16" });
    const differing = rows.filter((r) => r.differ);
    expect(differing.length).toBeGreaterThan(5);
    const [summary] = summarizeBifurcation(rows);
    expect(summary).toMatchObject({
      precision: "float16",
      depth: 1,
      width: 32,
      runs: 10,
      shareDiffering: differing.length / 10,
    });
    for (const r of differing) {
      expect(r.firstStep).toBeGreaterThanOrEqual(0);
      expect(r.differingSteps).toBeGreaterThan(0);
      expect(r.reluZeros).toBeGreaterThan(0);
      expect(r.maxDifference).toBeGreaterThan(0);
    }
  });
});

describe("oscillationCompensation", () => {
  it("the field keeps jumping across the kink while its weighted average near the limit tends to 0", () => {
    const rows = oscillationCompensation({
      f: "absPlusHalfSquare",
      x0: [0.9, 1],
      steps: 2000,
      schedule: schedules.polynomial(0.5, 0.5),
      radius: 0.05,
    });
    const tail = rows.slice(-100);
    expect(new Set(tail.map((r) => r.v_0)).size).toBe(2); // +1 and -1
    expect(rows[rows.length - 1].averageNorm).toBeLessThan(1e-3);
    expect(rows[200].averageNorm).toBeGreaterThan(rows[1999].averageNorm);
    expect(() => oscillationCompensation({ f: "nope" as any, x0: [0], steps: 1, schedule: 1 })).toThrow(
      /unknown test function "nope"/,
    );
  });
});

describe("sweep", () => {
  const configs = [0, 1, 2].map((seed) => ({ ...moons, policy: undefined, seed, steps: 10 }));
  it("gives the same results sequentially and on worker threads, in config order, with progress", async () => {
    const seen: number[] = [];
    const seq = await sweep(configs, "trainingRun", { workers: 1 });
    const par = await sweep(configs, "trainingRun", { workers: 2, onProgress: (p) => seen.push(p.done) });
    expect(par).toEqual(seq);
    expect(seq[1]).toEqual(trainingRun(configs[1]));
    expect(seen).toEqual([1, 2, 3]);
  }, 30_000);
  it("sends policies and data sets to workers", async () => {
    const cfg = {
      ...moons,
      policy: policies.reluAt(1),
      data: {
        name: "m",
        X: tensor([
          [0, 0],
          [1, 1],
          [2, 0],
          [0, 2],
        ]),
        y: [0, 1, 0, 1],
        numClasses: 2,
      },
      batchSize: 2,
      steps: 4,
    };
    const [par] = await sweep([cfg, cfg], "trainingRun", { workers: 2 });
    expect(par).toEqual(trainingRun(cfg));
  }, 30_000);
  it("runs a user runner named by module path and export", async () => {
    const runner = { module: path.join(__dirname, "fixtures", "square-runner.cjs"), export: "square" };
    const out = await sweep([{ x: 2 }, { x: 3 }, { x: 4 }], runner, { workers: 2 });
    expect(out.flat()).toEqual([
      { x: 2, y: 4 },
      { x: 3, y: 9 },
      { x: 4, y: 16 },
    ]);
    await expect(sweep([{ x: 1 }], { module: runner.module, export: "cube" }, { workers: 1 })).rejects.toThrow(
      /has no function export "cube"/,
    );
  }, 30_000);
  it("reports failures and refuses functions on workers", async () => {
    await expect(sweep([{ ...moons, batchSize: 1000 }], "trainingRun", { workers: 1 })).rejects.toThrow(
      /configuration 0 failed: .*batch size 1000/,
    );
    await expect(sweep([moons, { ...moons, batchSize: 1000 }], "trainingRun", { workers: 2 })).rejects.toThrow(
      /configuration 1 failed/,
    );
    await expect(sweep([1], (c: number) => c, { workers: 2 })).rejects.toThrow(
      /a function cannot be sent to worker threads/,
    );
    await expect(sweep([1], "nope" as any)).rejects.toThrow(/unknown runner "nope"/);
    expect(await sweep([1, 2], (c: number) => c * 2, { workers: 1 })).toEqual([2, 4]);
  }, 30_000);
});
