// Batch normalization built from the engine's operations: its values (columns of mean 0 and variance 1), its
// gradient against finite differences at a smooth point, and the mlp option that inserts it before each hidden
// activation.
import { describe, expect, it } from "vitest";
import {
  batchNormalize,
  mlp,
  reshape,
  sum,
  mul,
  tensor,
  valueAndGrad,
  valueOf as primalOf,
  datasets as data,
} from "../../../src";
import type { Tracer } from "../../../src";

describe("batchNormalize", () => {
  it("centres and scales each column by its batch statistics", () => {
    const Z = tensor([
      [1, -2, 5],
      [3, 0, 5.5],
      [8, 4, 7],
    ]);
    const out = primalOf(batchNormalize(Z, 0));
    for (let j = 0; j < 3; j++) {
      const col = [0, 1, 2].map((i) => out.data[i * 3 + j]);
      const m = col.reduce((a, b) => a + b, 0) / 3;
      const v = col.reduce((a, b) => a + (b - m) ** 2, 0) / 3;
      expect(m).toBeCloseTo(0, 12);
      expect(v).toBeCloseTo(1, 12);
    }
  });
  it("its gradient matches finite differences at a smooth point", () => {
    const weights = tensor([
      [0.3, -1.2],
      [2.0, 0.7],
      [-0.4, 1.1],
    ]);
    const f = (z: Tracer) => sum(mul(batchNormalize(reshape(z, [3, 2])), weights));
    const z0 = [0.1, 0.5, -0.3, 0.2, 0.9, -0.8];
    const g = valueAndGrad(f, z0);
    const h = 1e-6;
    for (let k = 0; k < 6; k++) {
      const p = [...z0],
        q = [...z0];
      p[k] += h;
      q[k] -= h;
      const fp = valueAndGrad(f, p).value;
      const fq = valueAndGrad(f, q).value;
      expect(Math.abs(g.grad[k] - (fp - fq) / (2 * h))).toBeLessThan(1e-6);
    }
  });
  it("refuses what is not a batch of pre-activations, and a negative eps", () => {
    expect(() => batchNormalize(tensor([1, 2, 3]))).toThrow(/Z must be a matrix \[B, N\]/);
    expect(() => batchNormalize(tensor([[1, 2]]), -1)).toThrow(/eps must be a finite number > 0/);
  });
});

describe('mlp with normalization: "batch"', () => {
  it("normalizes each hidden layer's pre-activations before the activation, not the output layer", () => {
    const plain = mlp({ sizes: [2, 4, 3], seed: 1 });
    const bn = mlp({ sizes: [2, 4, 3], seed: 1, normalization: "batch" });
    const rows = data.regression(0, 8, { inputDim: 2 });
    const w = plain.init();
    const a = plain.predict(w, rows.X);
    const b = bn.predict(w, rows.X);
    expect(b.shape).toEqual([8, 3]);
    expect([...a.data]).not.toEqual([...b.data]);
    // the hidden layer's normalized pre-activations are invariant to its bias: shifting b1 changes nothing
    const shifted = Float64Array.from(w);
    for (const o of [bn.layers[0].biasOffset]) for (let j = 0; j < 4; j++) shifted[o + j] += 0.37;
    const c = bn.predict(shifted, rows.X);
    for (let i = 0; i < b.data.length; i++) expect(c.data[i]).toBeCloseTo(b.data[i], 10);
    expect(() => mlp({ sizes: [2, 3], normalization: "layer" as never })).toThrow(/normalization must be one of/);
  });
});
