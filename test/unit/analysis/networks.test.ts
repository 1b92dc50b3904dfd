import { describe, it, expect } from "vitest";
import { reluNetwork, evaluate, grad, policies, Rng, tensor, relu, add, matmul, mul, sum } from "../../../src";
import type { Value } from "../../../src";

describe("reluNetwork", () => {
  it("draws layer after layer (rows of W, then b), then w, from the seed", () => {
    // an independent construction with the documented draw order
    const r = new Rng(7);
    const W1 = [[1, -1], ...Array.from({ length: 2 }, () => [r.uniform(-1, 1), r.uniform(-1, 1)])];
    const b1 = [0, r.uniform(-0.5, 0.5), r.uniform(-0.5, 0.5)];
    const W2 = Array.from({ length: 2 }, () => Array.from({ length: 3 }, () => r.uniform(-1, 1)));
    const b2 = Array.from({ length: 2 }, () => r.uniform(-0.5, 0.5));
    const w = Array.from({ length: 2 }, () => r.uniform(-1, 1));
    const byHand = (x: Value) =>
      sum(mul(tensor(w), relu(add(matmul(tensor(W2), relu(add(matmul(tensor(W1), x), tensor(b1)))), tensor(b2)))));
    const net = reluNetwork({ sizes: [2, 3, 2], seed: 7, kinkRows: [[1, -1]] });
    expect(net.layers[0].W.toArray()).toEqual(W1);
    expect(net.out.toArray()).toEqual(w);
    for (const p of [
      [0.3, -0.7],
      [1, 1],
      [-0.2, 0.9],
    ]) {
      expect(net.value(p)).toBe(evaluate(byHand, p).value.item());
      expect(grad(net.f, p, { policy: policies.reluAt(1) })).toEqual(grad(byHand, p, { policy: policies.reluAt(1) }));
    }
    expect(net.description).toBe("relu net 2-3-2-1");
  });

  it("bias-free networks are positively homogeneous; a passed Rng advances", () => {
    const net = reluNetwork({ sizes: [3, 5, 4], seed: 1, biases: "none" });
    expect(net.layers.every((l) => l.b.toFlat().every((v) => v === 0))).toBe(true);
    const p = [0.2, -0.4, 0.9];
    expect(net.value(p.map((v) => 2.5 * v))).toBeCloseTo(2.5 * net.value(p), 14);
    const rng = new Rng(3);
    const a = reluNetwork({ sizes: [2, 3], seed: rng });
    const b = reluNetwork({ sizes: [2, 3], seed: rng });
    expect(a.layers[0].W.toArray()).not.toEqual(b.layers[0].W.toArray());
    expect(reluNetwork({ sizes: [2, 3], seed: 3 }).layers[0].W.toArray()).toEqual(a.layers[0].W.toArray());
  });

  it("kink rows put exact kinks through the origin", () => {
    const net = reluNetwork({
      sizes: [2, 6, 6],
      seed: 4,
      kinkRows: [
        [1, 0],
        [0, 1],
        [1, -1],
      ],
    });
    // on x = y the third unit of the first layer sits at its kink: relu'(0) = 0 and = 1 may give different outputs,
    // and both are exact; off the kink lines the two policies agree bitwise
    const off = [0.31, -0.17];
    expect(grad(net.f, off, { policy: policies.reluAt(0) })).toEqual(grad(net.f, off, { policy: policies.reluAt(1) }));
    const report = evaluate(net.f, [0.4, 0.4]).kinks;
    expect(report.entries.some((e) => e.op === "relu" && e.count >= 1)).toBe(true);
  });

  it("rejects bad options with a clear message", () => {
    expect(() => reluNetwork({ sizes: [2], seed: 1 })).toThrow(/sizes must list at least two/);
    expect(() => reluNetwork({ sizes: [2, 0], seed: 1 })).toThrow(/sizes/);
    expect(() => reluNetwork({ sizes: [2, 3], seed: 1, weights: [1, -1] })).toThrow(/weights must be an interval/);
    expect(() => reluNetwork({ sizes: [2, 3], seed: 1, biases: [0, NaN] })).toThrow(/biases/);
    expect(() =>
      reluNetwork({
        sizes: [2, 1],
        seed: 1,
        kinkRows: [
          [1, 0],
          [0, 1],
        ],
      }),
    ).toThrow(/do not fit/);
    expect(() => reluNetwork({ sizes: [2, 3], seed: 1, kinkRows: [[1, 0, 0]] })).toThrow(/kinkRows\[0\] must hold 2/);
  });
});
