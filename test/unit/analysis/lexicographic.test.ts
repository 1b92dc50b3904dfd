import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  lexicographicGradient,
  lexicographicJacobian,
  lexicographicForward,
  directionalDerivative,
  compassDifference,
  clarkeSubdifferential,
  minNormElement,
  grad,
  valueAndGrad,
  policies,
  relu,
  abs,
  maximum,
  minimum,
  at,
  add,
  mul,
  sub,
  neg,
  exp,
  sin,
  tanh,
  norm,
  hinge,
  clip,
  leakyRelu,
  max,
  matmul,
  tensor,
  sum,
  definePrimitive,
  sqrt,
  Rng,
} from "../../../src";
import { relu2, zero, randomPL, kinkyNet } from "./programs";

/** Distance from g to the hull of the generators. */
function distToHull(g: number[], generators: number[][]): number {
  return minNormElement(generators.map((p) => p.map((v, i) => v - g[i]))).norm;
}

describe("lexicographic derivatives", () => {
  it("zero'(0) = 0 where every AD policy gives 1 - 2s; relu2'(0) lies in [0, 1]", () => {
    for (const s of [0, 0.25, 0.5, 1]) expect(grad(zero, 0, { policy: policies.reluAt(s) })).toBeCloseTo(1 - 2 * s, 15);
    expect(lexicographicGradient(zero, 0)).toBe(0);
    const r2 = lexicographicGradient(relu2, 0);
    expect(r2).toBeGreaterThanOrEqual(0);
    expect(r2).toBeLessThanOrEqual(1);
  });

  it("agrees with reverse mode at smooth points (random points of a relu network and a smooth program)", () => {
    const f = kinkyNet(2);
    const rng = new Rng(4);
    for (let k = 0; k < 20; k++) {
      const x = [rng.uniform(-1, 1), rng.uniform(-1, 1)];
      const r = valueAndGrad(f, x);
      expect(r.kinks.total).toBe(0);
      const l = lexicographicGradient(f, x);
      l.forEach((v, i) => expect(v).toBeCloseTo(r.grad[i], 12));
    }
    const g = (v: any) => add(mul(exp(at(v, 0)), sin(at(v, 1))), tanh(mul(at(v, 0), at(v, 1))));
    const x = [0.3, -0.7];
    const a = lexicographicGradient(g, x);
    const b = grad(g, x) as number[];
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 14));
  });

  it("lies in the Clarke estimate for random piecewise-linear programs at their kinks (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 4 }), (seed, depth) => {
        const f = randomPL(new Rng(seed), depth);
        const x = [0, 0];
        const lex = lexicographicGradient(f, x);
        const est = clarkeSubdifferential(f, x, { samples: 400, seed });
        expect(distToHull(lex, est.generators)).toBeLessThan(1e-9);
        // so does the compass difference (n <= 2)
        expect(distToHull(compassDifference(f, x), est.generators)).toBeLessThan(1e-9);
        // and other direction matrices give Clarke elements too
        const j = lexicographicJacobian(f, x, {
          directions: [
            [1, 1],
            [-1, 2],
          ],
        }).jacobian[0];
        expect(distToHull(j, est.generators)).toBeLessThan(1e-9);
      }),
      { seed: 11, numRuns: 60 },
    );
  });

  it("gives exact one-sided directional derivatives", () => {
    expect(directionalDerivative(abs, 0, 1)).toBe(1);
    expect(directionalDerivative(abs, 0, -2)).toBe(2);
    expect(directionalDerivative(zero, 0, 1)).toBe(0);
    const m = (v: any) => maximum(at(v, 0), at(v, 1));
    expect(directionalDerivative(m, [1, 1], [0.5, 2])).toBe(2);
    expect(directionalDerivative(m, [1, 1], [-1, -3])).toBe(-1);
    expect(directionalDerivative(hinge, 1, -1)).toBe(1);
    expect(directionalDerivative((t: any) => clip(t, -1, 1), 1, 1)).toBe(0);
    expect(directionalDerivative((t: any) => clip(t, -1, 1), 1, -1)).toBe(-1);
    expect(directionalDerivative((t: any) => leakyRelu(t, 0.1), 0, -1)).toBeCloseTo(-0.1, 15);
    expect(directionalDerivative((t: any) => minimum(t, neg(t)), 0, 1)).toBe(-1);
  });

  it("handles reductions, matmul and several directions", () => {
    // max over an axis: the lexicographically largest entry wins
    const f = (v: any) => max(abs(v));
    expect(lexicographicGradient(f, [0, 0, 0])).toEqual([1, 0, 0]);
    const A = tensor([
      [1, 2],
      [3, 4],
    ]);
    const r = lexicographicJacobian((v: any) => matmul(A, relu(v)), [0, -1]);
    expect(r.jacobian).toEqual([
      [1, 0],
      [3, 0],
    ]);
    const fw = lexicographicForward((v: any) => sum(relu(v)), [0, 0], {
      directions: [
        [-1, 1],
        [1, 0],
      ],
    });
    // relu(v0) is left along (-1, 1) first (fsign < 0), relu(v1) is entered: U = [1, 0], J = U M^-1 = [0, 1]
    expect(fw.tangents.map((t) => t.toFlat()[0])).toEqual([1, 0]);
    expect(
      lexicographicJacobian((v: any) => sum(relu(v)), [0, 0], {
        directions: [
          [-1, 1],
          [1, 0],
        ],
      }).jacobian,
    ).toEqual([[0, 1]]);
  });

  it("the compass difference of a 2-D function is in its Clarke set", () => {
    const f = (v: any) => add(abs(at(v, 0)), mul(2, relu(at(v, 1))));
    expect(compassDifference(f, [0, 0])).toEqual([0, 1]);
    expect(() => compassDifference((v: any) => sum(v), [0, 0, 0])).toThrow(/n <= 2/);
  });

  it("refuses unsupported primitives, non-Lipschitz points and bad directions with clear messages", () => {
    expect(() => lexicographicGradient((v: any) => norm(v), [0, 0])).toThrow(/unsupported primitive "norm" at 0/);
    expect(lexicographicGradient((v: any) => norm(v), [3, 4])).toEqual([0.6, 0.8]);
    const shrink = definePrimitive({
      name: "lexShrinkTest",
      arity: 1,
      value: (x) => Math.sign(x) * Math.max(Math.abs(x) - 1, 0),
      partials: (x) => [Math.abs(x) > 1 ? 1 : 0],
      kink: { at: (x) => Math.abs(x) === 1, range: [0, 1], default: 0, partials: (s) => [s] },
    });
    expect(() => lexicographicGradient((t: any) => shrink(t), 2)).toThrow(/unsupported primitive "lexShrinkTest"/);
    expect(() => lexicographicGradient((t: any) => sqrt(abs(t)), 0)).toThrow(/sqrt at 0.*not locally Lipschitz/);
    expect(() =>
      lexicographicJacobian(abs, [1, 2], {
        directions: [
          [1, 0, 0],
          [0, 1, 0],
        ],
      }),
    ).toThrow(/dimension mismatch: direction 0 must be 2/);
    expect(() =>
      lexicographicJacobian(abs, [1, 2], {
        directions: [
          [1, 1],
          [2, 2],
        ],
      }),
    ).toThrow(/linearly dependent/);
    expect(() => lexicographicGradient((v: any) => v, [1, 2])).toThrow(/must return a scalar/);
    void sub;
  });
});
