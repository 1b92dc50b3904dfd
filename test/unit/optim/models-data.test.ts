import { describe, expect, it } from "vitest";
import {
  batchIndices,
  datasets,
  loadIris,
  mlp,
  takeRows,
  tensor,
  trainTestSplit,
  valueAndGrad,
  policies,
  evaluate,
  Tensor,
} from "../../../src";

describe("mlp", () => {
  it("lays out W_l then b_l in one flat vector", () => {
    const net = mlp({ sizes: [3, 4, 2] });
    expect(net.paramCount).toBe(3 * 4 + 4 + 4 * 2 + 2);
    expect(net.layers.map((l) => [l.weightOffset, l.biasOffset])).toEqual([
      [0, 12],
      [16, 24],
    ]);
    expect(mlp({ sizes: [3, 4, 2], bias: false }).paramCount).toBe(20);
  });

  it("computes sigma(W x + b) layer by layer", () => {
    // 1 -> 2 -> 1 with hand-set weights: h = relu([2, -1] x + [0, 1]); out = [1, 3] . h + 0.5
    const net = mlp({ sizes: [1, 2, 1], activation: "relu" });
    const w = [2, -1, 0, 1, 1, 3, 0.5];
    const out = net.predict(w, tensor([[1], [-2]]));
    expect(out.toArray()).toEqual([[2 + 0 + 0.5], [0 + 3 * 3 + 0.5]]);
    const talk = mlp({ sizes: [1, 1], activation: "relu", outputActivation: true });
    expect(talk.predict([-1, 0], tensor([[2]])).toArray()).toEqual([[0]]);
  });

  it("initializations: uniform in [-1, 1], PyTorch within 1/sqrt(fan_in), He with std sqrt(2/fan_in), seeded", () => {
    const net = mlp({ sizes: [100, 50, 10] });
    const u = net.init(1, { scheme: "uniform" });
    expect(Math.max(...u.map(Math.abs))).toBeLessThanOrEqual(1);
    expect(Math.max(...u.map(Math.abs))).toBeGreaterThan(0.99);
    const p = net.init(1, { scheme: "pytorch" });
    const L0 = net.layers[0];
    const firstLayer = p.subarray(0, L0.biasOffset + 50);
    expect(Math.max(...firstLayer.map(Math.abs))).toBeLessThanOrEqual(0.1);
    const h = net.init(2, { scheme: "he" });
    const W = h.subarray(0, 5000);
    const sd = Math.sqrt(W.reduce((s, v) => s + v * v, 0) / W.length);
    expect(Math.abs(sd - Math.sqrt(2 / 100))).toBeLessThan(0.01);
    expect(Array.from(h.subarray(5000, 5050))).toEqual(new Array(50).fill(0));
    expect(Array.from(net.init(3))).toEqual(Array.from(net.init(3)));
    const z = net.init(1, { scheme: "uniform", biases: "zero" });
    expect(z[5000]).toBe(0);
  });

  it("losses: squared (the talk's J) and cross-entropy, as functions of the flat vector", () => {
    const data = datasets.twoMoons(0, 20);
    const net = mlp({ sizes: [2, 5, 2], seed: 1 });
    const w = net.init();
    const ce = valueAndGrad(net.loss(data, { loss: "crossEntropy" }), w);
    expect(ce.value).toBeGreaterThan(0);
    expect(ce.grad.length).toBe(net.paramCount);
    // squared error with one-hot targets, checked by hand from the predictions
    const P = net.predict(w, data.X);
    let J = 0;
    (data.y as number[]).forEach((c, i) => {
      for (let j = 0; j < 2; j++) J += (P.data[2 * i + j] - (j === c ? 1 : 0)) ** 2;
    });
    const sq = evaluate(net.loss(data, { loss: "squared" }), w).value.item();
    expect(sq).toBeCloseTo(J / 20, 12);
    expect(net.accuracy(w, data)).toBeGreaterThanOrEqual(0);
  });

  it("every activation differentiates, with the kink policy applied", () => {
    for (const activation of ["relu", "leakyRelu", "abs", "tanh"] as const) {
      const net = mlp({ sizes: [1, 1], activation, outputActivation: true, bias: false });
      const g = valueAndGrad(net.loss({ name: "t", X: tensor([[1]]), y: tensor([[-1]]) }), [0], {
        policy: policies.reluAt(1),
      });
      expect(Number.isFinite(g.grad[0])).toBe(true);
    }
  });

  it("rejects bad options and mismatched data", () => {
    expect(() => mlp({ sizes: [3] })).toThrow(/at least the input and output widths/);
    expect(() => mlp({ sizes: [3, 0] })).toThrow(/sizes\[1\] must be an integer >= 1/);
    expect(() => mlp({ sizes: [3, 2], activation: "gelu" as any })).toThrow(/activation must be one of/);
    const net = mlp({ sizes: [3, 2] });
    expect(() => net.loss(datasets.twoMoons(0, 10))).toThrow(/2 input features but the network expects 3/);
    expect(() => mlp({ sizes: [1, 1] }).loss(datasets.regression(0, 5), { loss: "crossEntropy" })).toThrow(
      /cross-entropy needs class labels/,
    );
    expect(() => net.forward([1, 2], tensor([[1, 2, 3]]))).toThrow(/parameter vector must have shape \[8\]/);
    expect(() => net.loss({ name: "empty", X: new Tensor(new Float64Array(0), [0, 3]), y: [], numClasses: 2 })).toThrow(
      /is empty/,
    );
  });
});

describe("data", () => {
  it("synthetic sets are pure functions of the seed", () => {
    expect(datasets.twoMoons(4, 30).X.toArray()).toEqual(datasets.twoMoons(4, 30).X.toArray());
    expect(datasets.spirals(4, 30).X.toArray()).not.toEqual(datasets.spirals(5, 30).X.toArray());
    const r = datasets.regression(1, 10, { inputDim: 2 });
    expect(r.X.shape).toEqual([10, 2]);
    const labels = datasets.spirals(0, 90, { classes: 3 }).y as number[];
    expect([0, 1, 2].map((c) => labels.filter((l) => l === c).length)).toEqual([30, 30, 30]);
  });

  it("batches are uniform draws without repetition, pure in (seed, k)", () => {
    const b = batchIndices(1, 5, 10, 10);
    expect([...b].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(batchIndices(1, 6, 100, 8)).not.toEqual(batchIndices(1, 5, 100, 8));
    const counts = new Array(10).fill(0);
    for (let k = 0; k < 2000; k++) for (const i of batchIndices(3, k, 10, 2)) counts[i]++;
    for (const c of counts) expect(Math.abs(c - 400)).toBeLessThan(80);
    expect(() => batchIndices(0, 0, 5, 6)).toThrow(/batch size 6 is larger than the data set \(5 rows\)/);
    expect(() => batchIndices(0, 0, 0, 1)).toThrow(/empty/);
  });

  it("takeRows and trainTestSplit", () => {
    const d = datasets.twoMoons(2, 10);
    const t = takeRows(d, [3, 3, 0]);
    expect(t.y as number[]).toEqual([(d.y as number[])[3], (d.y as number[])[3], (d.y as number[])[0]]);
    const { train, test } = trainTestSplit(d, 0.3, 1);
    expect([train.X.shape[0], test.X.shape[0]]).toEqual([7, 3]);
    expect(() => trainTestSplit(d, 1, 1)).toThrow(/test fraction must be in \(0, 1\)/);
    expect(() => trainTestSplit(d, 0.01, 1)).toThrow(/leaves an empty part/);
  });

  it("loadIris reads the optional package", () => {
    const iris = loadIris();
    expect(iris.X.shape).toEqual([150, 4]);
    expect(iris.numClasses).toBe(3);
    const col0 = Array.from({ length: 150 }, (_, i) => iris.X.data[4 * i]);
    expect(Math.abs(col0.reduce((a, b) => a + b) / 150)).toBeLessThan(1e-12);
  });
});
