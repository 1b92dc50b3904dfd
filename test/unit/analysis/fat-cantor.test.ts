import { describe, it, expect } from "vitest";
import { fatCantor, clarkeInterval, grad, chainRuleCheck, clarkeField, paths } from "../../../src";

describe("fatCantor", () => {
  it("builds 2^n intervals of equal length with dyadic endpoints and the right measures", () => {
    const c = fatCantor(2);
    expect(c.intervals).toEqual([
      [0, 5 / 32],
      [7 / 32, 3 / 8],
      [5 / 8, 25 / 32],
      [27 / 32, 1],
    ]);
    expect(c.gaps.map((g) => [g.a, g.b, g.step])).toEqual([
      [5 / 32, 7 / 32, 2],
      [3 / 8, 5 / 8, 1],
      [25 / 32, 27 / 32, 2],
    ]);
    for (const n of [1, 3, 6, 10]) {
      const d = fatCantor(n);
      expect(d.intervals.length).toBe(2 ** n);
      expect(d.measure).toBe(0.5 + 2 ** -(n + 1));
      const gapTotal = d.gaps.reduce((s, g) => s + (g.b - g.a), 0);
      expect(1 - gapTotal).toBe(d.measure);
      expect(d.limitMeasure).toBe(0.5);
    }
  });

  it("the approximant, its program and the limit's values agree where exact", () => {
    const c = fatCantor(4);
    for (const t of [0, 0.03, 0.2, 0.5, 0.77, 1]) {
      const v = c.program(t);
      expect(typeof v === "object" && "item" in v ? v.item() : NaN).toBeCloseTo(c.approximant(t), 14);
      const [lo, hi] = c.limitValue(t);
      expect(lo).toBeLessThanOrEqual(hi);
      // F <= F_n and F_n - F <= |C_n| - |C| = 2^-(n+1): the enclosure meets [F_n - 2^-(n+1), F_n]
      expect(lo).toBeLessThanOrEqual(c.approximant(t) + 1e-15);
      expect(c.approximant(t) - hi).toBeLessThanOrEqual(2 ** -5 + 1e-15);
    }
    expect(c.limitValue(1)).toEqual([0.5, 0.5]);
    expect(c.limitValue(0.5)).toEqual([0.25, 0.25]);
  });

  it("the limit's Clarke set: {0} in gaps, [0, 1] at points of C, undecided inside intervals", () => {
    const c = fatCantor(3);
    expect(c.limitClarke(0.5)).toEqual([0, 0]);
    expect(c.limitClarke(c.intervals[2][1])).toEqual([0, 1]);
    expect(c.limitClarke((c.intervals[2][0] + c.intervals[2][1]) / 2)).toBeNull();
  });

  it("difference quotients near a point of C tend to 1 over intervals and are 0 over gaps inside them", () => {
    const c = fatCantor(8);
    const t = c.intervals[77][0];
    const q = c.quotientsAt(t);
    expect(q.length).toBe(7);
    q.forEach((s) => {
      expect(s.intervalQuotient).toBe(1 / (1 + 2 ** -s.step));
      expect(s.interval[0] <= t && t <= s.interval[1]).toBe(true);
      expect(s.interval[0] <= s.gap[0] && s.gap[1] <= s.interval[1]).toBe(true);
      expect(s.gapQuotient).toBe(0);
    });
    expect(() => c.quotientsAt(0.5)).toThrow(/lies in a gap/);
  });

  it("the approximant is definable: Clarke singletons off the endpoints, and the chain rule holds along t", () => {
    const c = fatCantor(3);
    for (const t of [0.01, 0.2, 0.5, 0.9]) {
      const [lo, hi] = clarkeInterval(c.program, t).interval;
      expect(lo).toBe(hi);
      expect(grad(c.program, t)).toBe(lo);
    }
    expect(clarkeInterval(c.program, c.intervals[1][0]).interval).toEqual([0, 1]);
    const r = chainRuleCheck(c.program, clarkeField(c.program), paths.segment([0], [1]), {
      points: 41,
      selection: "min",
    });
    expect(r.mismatches).toEqual([]);
  });

  it("rejects bad input", () => {
    expect(() => fatCantor(0)).toThrow(/depth must be an integer in \[1, 20\]/);
    expect(() => fatCantor(2.5)).toThrow(/depth/);
    expect(() => fatCantor(2).limitClarke(1.5)).toThrow(/\[0, 1\]/);
    expect(() => fatCantor(2).approximant(NaN)).toThrow(/finite/);
  });
});
