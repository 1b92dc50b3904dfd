import { describe, expect, it } from "vitest";
import {
  abs,
  add,
  at,
  conservativeFlow,
  gradientSampling,
  iterate,
  mlp,
  mul,
  policies,
  relu,
  schedules,
  square,
  sub,
  sum,
  tensor,
  trainingRun,
} from "../../../src";
import type { Tracer } from "../../../src";

const C = tensor([1, -2]);
const quadratic = (x: Tracer) => mul(0.5, sum(square(sub(x, C))));
const absPlus = (x: Tracer) => add(abs(at(x, 0)), mul(0.5, square(at(x, 1))));
const xs = Array.from({ length: 21 }, (_, i) => -1 + i / 10);
const teacher = mlp({ sizes: [1, 1], outputActivation: true }).loss({
  name: "teacher",
  X: tensor(xs.map((x) => [x])),
  y: tensor(xs.map((x) => [Math.max(0, 1.5 * x - 0.2)])),
});

const last = (rows: { x: number[] }[]) => rows[rows.length - 1].x;

describe("gradientSampling", () => {
  it("reaches the minimizer of a smooth quadratic within 1e-6", () => {
    const x = last(iterate(gradientSampling({ f: quadratic, seed: 0 }), [4, 3], 80));
    expect(Math.abs(x[0] - 1)).toBeLessThan(1e-6);
    expect(Math.abs(x[1] + 2)).toBeLessThan(1e-6);
  });
  it("reaches (0, 0) on |x| + y²/2 within 1e-5", () => {
    const x = last(iterate(gradientSampling({ f: absPlus, seed: 1 }), [1.3, -0.7], 60));
    expect(Math.abs(x[0])).toBeLessThan(1e-5);
    expect(Math.abs(x[1])).toBeLessThan(1e-5);
  });
  it("fits the relu teacher to (1.5, -0.2) within 1e-3", () => {
    const x = last(iterate(gradientSampling({ f: teacher, seed: 2, radius: 0.01 }), [1, 0.1], 150));
    expect(Math.abs(x[0] - 1.5)).toBeLessThan(1e-3);
    expect(Math.abs(x[1] + 0.2)).toBeLessThan(1e-3);
  });
  it("is pure and reproducible: a step depends only on the state and the seed", () => {
    const gs = gradientSampling({ f: absPlus, seed: 3 });
    const s0 = gs.init([0.5, 0.5]);
    const a = gs.step(s0);
    const b = gs.step(s0);
    expect(Array.from(a.state.x)).toEqual(Array.from(b.state.x));
    expect(Array.from(s0.x)).toEqual([0.5, 0.5]);
    expect(iterate(gs, [1, 1], 10)).toEqual(iterate(gs, [1, 1], 10));
  });
  it("rejects invalid options", () => {
    expect(() => gradientSampling({ f: absPlus, radius: 0 })).toThrow(/radius must be a finite number > 0/);
    expect(() => gradientSampling({ f: absPlus, radiusReduction: 1 })).toThrow(/radiusReduction must be in \(0, 1\)/);
    expect(() => gradientSampling({ f: absPlus, samples: 0 })).toThrow(/samples must be an integer >= 1/);
  });
});

describe("conservativeFlow (explicit Euler for x' ∈ -D_f(x))", () => {
  it("reaches the minimizer of a quadratic with a constant step", () => {
    const x = last(iterate(conservativeFlow({ f: quadratic, stepSize: 0.5 }), [4, 3], 60));
    expect(Math.abs(x[0] - 1)).toBeLessThan(1e-12);
    expect(Math.abs(x[1] + 2)).toBeLessThan(1e-12);
  });
  it("reaches (0, 0) on |x| + y²/2 with vanishing steps, within the last step size", () => {
    // Across the kink x oscillates with an amplitude of at most the current step g_k = 0.5/sqrt(k+1).
    const g = schedules.polynomial(0.5, 0.5);
    const x = last(iterate(conservativeFlow({ f: absPlus, stepSize: g }), [1.3, -0.7], 2000));
    expect(Math.abs(x[0])).toBeLessThanOrEqual(g(1998));
    expect(Math.abs(x[1])).toBeLessThan(1e-10);
  });
  it("fits the relu teacher within 1e-3", () => {
    const x = last(iterate(conservativeFlow({ f: teacher, stepSize: 0.5 }), [1, 0.1], 600));
    expect(Math.abs(x[0] - 1.5)).toBeLessThan(1e-3);
    expect(Math.abs(x[1] + 0.2)).toBeLessThan(1e-3);
  });
  it("the selection is a choice: a policy or a callback", () => {
    const f = (x: Tracer) => sum(relu(x));
    const stay = conservativeFlow({ f, stepSize: 0.1, selection: policies.reluAt(0) });
    const move = conservativeFlow({ f, stepSize: 0.1, selection: policies.reluAt(1) });
    expect(stay.step(stay.init([0])).state.x[0]).toBe(0);
    expect(move.step(move.init([0])).state.x[0]).toBeCloseTo(-0.1, 15);
    const half = conservativeFlow({
      f,
      stepSize: 0.1,
      selection: (x) => Array.from(x, (v) => (v > 0 ? 1 : v < 0 ? 0 : 0.5)),
    });
    expect(half.step(half.init([0])).state.x[0]).toBeCloseTo(-0.05, 15);
    const bad = conservativeFlow({ f, stepSize: 0.1, selection: () => [1, 2] });
    expect(() => bad.step(bad.init([0]))).toThrow(/selection returned 2 entries for a point of dimension 1/);
  });
});

describe("distance of 0 to the Clarke estimate along a training run", () => {
  it("is recorded every clarkeEvery steps and shrinks as training proceeds", () => {
    const rows = trainingRun({
      model: { sizes: [1, 1], outputActivation: true },
      data: { name: "teacher", X: tensor(xs.map((x) => [x])), y: tensor(xs.map((x) => [Math.max(0, 1.5 * x - 0.2)])) },
      optimizer: { name: "sgd" },
      schedule: 0.5,
      steps: 301,
      batchSize: 21,
      seed: 0,
      params: [1, 0.1],
      clarkeEvery: 100,
      evalEvery: 0,
    });
    const measured = rows.filter((r) => !Number.isNaN(r.clarkeDistance));
    expect(measured.map((r) => r.step)).toEqual([0, 100, 200, 300]);
    expect(measured[3].clarkeDistance).toBeLessThan(1e-4);
    expect(measured[0].clarkeDistance).toBeGreaterThan(1e-2);
  });
});
