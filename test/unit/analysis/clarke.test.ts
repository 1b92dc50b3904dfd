import { describe, it, expect } from "vitest";
import {
  clarkeSubdifferential,
  clarkeInterval,
  abs,
  maximum,
  at,
  sqrt,
  relu,
  add,
  mul,
  grad,
  policies,
  presets,
  Rng,
  minNormElement,
} from "../../../src";
import { relu2, zero, idMinusZero, kinkyNet } from "./programs";

describe("clarkeSubdifferential (sampled estimate)", () => {
  it("|x| at 0 is [-1, 1]", () => {
    const c = clarkeSubdifferential(abs, 0);
    expect(c.interval).toEqual([-1, 1]);
    expect(c.critical).toBe(true);
    expect(c.exact).toBe(false);
    expect(c.dimension).toBe(1);
  });

  it("max(x, y) at x = y is the segment between (1, 0) and (0, 1)", () => {
    const c = clarkeSubdifferential((v: any) => maximum(at(v, 0), at(v, 1)), [0.5, 0.5]);
    expect(c.polygon).toEqual([
      [0, 1],
      [1, 0],
    ]);
    expect(c.minNormElement[0]).toBeCloseTo(0.5, 15);
    expect(c.distance).toBeCloseTo(Math.SQRT1_2, 15);
    expect(c.critical).toBe(false);
  });

  it("relu2 at 0 is [0, 1], zero at 0 is {0}", () => {
    expect(clarkeSubdifferential(relu2, 0).interval).toEqual([0, 1]);
    const z = clarkeSubdifferential(zero, 0);
    expect(z.interval).toEqual([0, 0]);
    expect(z.generators).toEqual([[0]]);
  });

  it("|x| + |y| at 0 is the square [-1, 1]^2, as an ordered polygon", () => {
    const c = clarkeSubdifferential((v: any) => add(abs(at(v, 0)), abs(at(v, 1))), [0, 0], { samples: 100 });
    expect(c.polygon).toEqual([
      [-1, -1],
      [1, -1],
      [1, 1],
      [-1, 1],
    ]);
    expect(c.distance).toBe(0);
  });

  it("is exactly {grad f(x)} where no kink is hit", () => {
    const c = clarkeSubdifferential((v: any) => add(abs(at(v, 0)), mul(3, relu(at(v, 1)))), [0.25, -0.5]);
    expect(c.exact).toBe(true);
    expect(c.generators).toEqual([[1, 0]]);
  });

  it("contains every preset's AD value for a separable program at its kink (a qualified case)", () => {
    const f = (v: any) => add(abs(at(v, 0)), mul(3, relu(at(v, 1))));
    const est = clarkeSubdifferential(f, [0, 0], { samples: 200 });
    expect(est.polygon).toEqual([
      [-1, 0],
      [1, 0],
      [1, 3],
      [-1, 3],
    ]);
    for (const p of Object.values(presets)) {
      const g = grad(f, [0, 0], { policy: p }) as number[];
      const shifted = est.generators.map((q) => q.map((v, i) => v - g[i]));
      expect(minNormElement(shifted).norm).toBe(0);
    }
    // and the estimate is really an estimate: for the unqualified zero = relu2 - relu, pytorch's 1 lies outside {0}
    expect(grad(zero, 0, { policy: policies.pytorch })).toBe(1);
    expect(clarkeSubdifferential(zero, 0).interval).toEqual([0, 0]);
  });

  it("reports non-Lipschitz points clearly", () => {
    const f = (t: any) => sqrt(abs(t));
    expect(() => clarkeSubdifferential(f, 0)).toThrow(/not locally Lipschitz at \[0\].*sqrt/);
    expect(() => clarkeSubdifferential(f, 1e-20)).toThrow(/does not look locally Lipschitz.*maxGradient/);
    expect(() => clarkeSubdifferential(f, 1e-6, { exactWhenSmooth: false, radius: 1e-6, maxGradient: 1e3 })).toThrow(
      /does not look locally Lipschitz/,
    );
  });

  it("checks its arguments", () => {
    expect(() => clarkeSubdifferential(abs, [] as number[])).toThrow(/non-empty array/);
    expect(() => clarkeSubdifferential(abs, 0, { radius: -1 })).toThrow(/radius must be a positive/);
    expect(() => clarkeSubdifferential(abs, [1, 2], { scalarInput: true })).toThrow(/scalarInput needs a 1-D point/);
  });

  it("is reproducible for a seed", () => {
    const f = kinkyNet(5);
    const a = clarkeSubdifferential(f, [0, 0], { seed: 9, samples: 50 });
    const b = clarkeSubdifferential(f, [0, 0], { seed: 9, samples: 50 });
    expect(a.gradients).toEqual(b.gradients);
    void policies;
    void Rng;
  });
});

describe("clarkeInterval (exact, 1-D)", () => {
  it("is the interval between the one-sided derivatives", () => {
    expect(clarkeInterval(abs, 0).interval).toEqual([-1, 1]);
    expect(clarkeInterval(relu2, 0).interval).toEqual([0, 1]);
    expect(clarkeInterval(zero, 0).interval).toEqual([0, 0]);
    const t = clarkeInterval(idMinusZero, 0);
    expect(t.interval).toEqual([1, 1]);
    expect(t.critical).toBe(false);
    expect(t.distance).toBe(1);
    expect(clarkeInterval(relu, 2)).toMatchObject({ left: 1, right: 1, interval: [1, 1] });
  });
});
