import { describe, it, expect } from "vitest";
import {
  findArtificialCriticalPoints,
  adField,
  allChoicesField,
  clarkeField,
  presets,
  policies,
  at,
  add,
  abs,
  sub,
  relu,
  sin,
  mul,
  square,
} from "../../../src";
import type { Value } from "../../../src";
import { idMinusZero, zero } from "./programs";

describe("artificial critical points", () => {
  it("t - zero(t) at 0 under relu'(0) = 0: reported, and 0 is not Clarke critical there", () => {
    const r = findArtificialCriticalPoints(idMinusZero, adField(idMinusZero, presets.pytorch), 0);
    expect(r.artificial).toHaveLength(1);
    expect(r.artificial[0]).toMatchObject({
      x: [0],
      fieldDistance: 0,
      clarkeDistance: 1,
      clarkeGenerators: [[1]],
      exact: true,
    });
    // not under relu'(0) = 1 (AD gives 1 - (1 - 2) = 2 there... any s != 1/2 is non-zero)
    expect(
      findArtificialCriticalPoints(idMinusZero, adField(idMinusZero, policies.reluAt(1)), 0).artificial,
    ).toHaveLength(0);
  });

  it("scans an interval: the kink at 0 is found even when no grid point hits it", () => {
    for (const interval of [
      [-1, 1],
      [-0.95, 1.05],
      [-0.3, 0.71],
    ] as [number, number][]) {
      const r = findArtificialCriticalPoints(idMinusZero, adField(idMinusZero), { interval, points: 7 });
      expect(r.artificial.map((p) => p.x)).toEqual([[0]]);
    }
    // zero itself: every point is Clarke critical, so nothing is artificial; its D-critical points are genuine
    const z = findArtificialCriticalPoints(zero, adField(zero, policies.reluAt(0.5)), { interval: [-1, 1], points: 5 });
    expect(z.artificial).toEqual([]);
    expect(z.genuine.length).toBe(5);
    // the Clarke field has no artificial critical point, by definition
    expect(
      findArtificialCriticalPoints(idMinusZero, clarkeField(idMinusZero), { interval: [-1, 1], points: 5 }).artificial,
    ).toEqual([]);
  });

  it("in a box, reaches the crossing of two kink lines", () => {
    const g = (v: any) => add(idMinusZero(at(v, 1)), abs(at(v, 0))); // Clarke at 0: [-1, 1] x {1}
    const r = findArtificialCriticalPoints(g, adField(g, presets.pytorch), {
      box: [
        [-1, 1.1],
        [-0.9, 1],
      ],
      points: 6,
    });
    expect(r.artificial.map((p) => p.x)).toEqual([[0, 0]]);
    expect(r.artificial[0].clarkeDistance).toBeCloseTo(1, 9);
    // with every choice allowed the set at 0 is [-1, 1] x [-1, 3]: contains 0, still artificial
    const all = findArtificialCriticalPoints(g, allChoicesField(g), [0, 0]);
    expect(all.artificial).toHaveLength(1);
    // a genuine one: |x| + |y| at 0
    const h = (v: any) => add(abs(at(v, 0)), abs(at(v, 1)));
    const gen = findArtificialCriticalPoints(h, adField(h), [0, 0]);
    expect(gen.genuine.map((p) => p.x)).toEqual([[0, 0]]);
    expect(gen.artificial).toEqual([]);
    void sub;
    void relu;
  });

  it("checks its region", () => {
    expect(() => findArtificialCriticalPoints(zero, adField(zero), { interval: [1, 0] } as never)).toThrow(
      /region.interval must be/,
    );
    expect(() => findArtificialCriticalPoints(zero, adField(zero), "x" as never)).toThrow(/region must be/);
  });
});

describe("artificial critical points: zeros of the field between grid points", () => {
  it("finds the zeros of a continuous piece of D by bisection on its sign (no candidates given)", () => {
    const r = findArtificialCriticalPoints(sin, adField(sin), { interval: [-4, 4], points: 9 });
    expect(r.artificial).toEqual([]);
    expect(r.genuine.map((p) => p.x[0])).toHaveLength(2);
    r.genuine.forEach((p, i) => expect(Math.abs(p.x[0] - [-Math.PI / 2, Math.PI / 2][i])).toBeLessThan(1e-12));
    // a sign change across a jump (|t| at 0, AD gives 0 there under PyTorch) is a kink, found either way
    const a = findArtificialCriticalPoints(abs, adField(abs, presets.pytorch), { interval: [-1, 0.7], points: 4 });
    expect(a.genuine.map((p) => p.x)).toEqual([[0]]);
  });

  it("reports a critical point once when a candidate, a grid point and a bisection all describe it", () => {
    // the zero of cos near pi/2 is given as a candidate and also bracketed by the bisection: one point, the float
    // where |D| is smallest (Math.PI / 2 itself, cos = 6.1e-17)
    const r = findArtificialCriticalPoints(
      sin,
      adField(sin),
      { interval: [-3, 3], points: 13 },
      { candidates: [[-Math.PI / 2], [Math.PI / 2]] },
    );
    expect(r.genuine.map((p) => p.x[0])).toEqual([-Math.PI / 2, Math.PI / 2]);
    // distinct critical points 5e-7 apart are all kept: (t - a)^2 (t - b)^2 has critical points a, (a + b) / 2, b
    const [a, b] = [0.5, 0.500001];
    const twin = (t: Value) => mul(square(sub(t, a)), square(sub(t, b)));
    const q = findArtificialCriticalPoints(
      twin,
      adField(twin),
      { interval: [0, 1], points: 3 },
      { candidates: [[a], [(a + b) / 2], [b]] },
    );
    expect(q.genuine.map((p) => p.x[0])).toEqual([a, (a + b) / 2, b]);
  });
});
