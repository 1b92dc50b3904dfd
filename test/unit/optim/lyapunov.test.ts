import { describe, expect, it } from "vitest";
import {
  abs,
  add,
  at,
  benaimSeries,
  conservativeFlow,
  iterate,
  lyapunovBalance,
  mul,
  schedules,
  square,
  sum,
} from "../../../src";
import type { Tracer } from "../../../src";

const quad = (x: Tracer) => mul(0.5, sum(square(x)));

describe("lyapunovBalance", () => {
  it("both sides agree up to (L/2) Σ h² |v|² for a conservative field, exactly at the first row", () => {
    const rows = iterate(conservativeFlow({ f: quad, stepSize: 0.01 }), [1, -2], 200);
    const b = lyapunovBalance(rows);
    expect(b.length).toBe(200);
    expect(b[0]).toEqual({ step: 0, time: 0, decrease: 0, dissipation: 0, gap: 0, curvature: 0 });
    for (const r of b) expect(Math.abs(r.gap)).toBeLessThanOrEqual(0.5 * r.curvature + 1e-14);
    expect(b[199].time).toBeCloseTo(1.99, 12);
    expect(b[199].dissipation).toBeGreaterThan(1);
  });

  it("on the gradient flow of |x| + y²/2 before the kink the gap is second order in the step", () => {
    const f = (x: Tracer) => add(abs(at(x, 0)), mul(0.5, square(at(x, 1))));
    const b = lyapunovBalance(iterate(conservativeFlow({ f, stepSize: 1e-3 }), [1, 1], 500));
    const last = b[b.length - 1];
    expect(Math.abs(last.gap)).toBeLessThanOrEqual(0.5 * last.curvature + 1e-12);
  });

  it("a rotated field (not conservative for f) leaves a first-order gap", () => {
    const c = Math.cos(0.5),
      s = Math.sin(0.5);
    const rotated = conservativeFlow({
      f: quad,
      stepSize: 0.01,
      selection: (x) => [c * x[0] - s * x[1], s * x[0] + c * x[1]],
    });
    const last = lyapunovBalance(iterate(rotated, [1, -2], 200))[199];
    expect(last.gap).toBeGreaterThan(10 * last.curvature);
    expect(last.gap / last.dissipation).toBeCloseTo(1 - c, 1);
  });

  it("rejects empty, non-finite and non-consecutive rows", () => {
    expect(() => lyapunovBalance([])).toThrow(/non-empty/);
    const rows = iterate(conservativeFlow({ f: quad, stepSize: 0.1 }), [1], 3);
    expect(() => lyapunovBalance([rows[0], rows[2]])).toThrow(/consecutive/);
    expect(() => lyapunovBalance([{ ...rows[0], value: NaN }])).toThrow(/value = NaN/);
  });
});

describe("benaimSeries", () => {
  it("converges for 1/sqrt(k+1), diverges like log K for 1/log(k+2)", () => {
    const sqrt = schedules.polynomial(0.3, 0.5);
    const log = schedules.logarithmic(0.3);
    expect(benaimSeries(sqrt, 0.3, 1e5) - benaimSeries(sqrt, 0.3, 1e3)).toBeLessThan(1e-10);
    // exp(-log(k+2)) = 1/(k+2): the harmonic series
    expect(benaimSeries(log, 0.3, 1e4) - benaimSeries(log, 0.3, 1e2)).toBeCloseTo(Math.log(10001 / 101), 1);
    expect(benaimSeries(schedules.constant(0.3), 0.3, 100)).toBeCloseTo(100 * Math.exp(-1), 10);
  });

  it("rejects a bad c or number of terms", () => {
    expect(() => benaimSeries(0.1, 0, 10)).toThrow(/c must be/);
    expect(() => benaimSeries(0.1, 1, 0)).toThrow(/terms must be/);
  });
});
