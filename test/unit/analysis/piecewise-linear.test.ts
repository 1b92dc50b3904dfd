import { describe, it, expect } from "vitest";
import {
  piecewiseLinearization,
  evaluateAbsNormal,
  activeJacobian,
  piecewiseLinearError,
  lexicographicJacobian,
  clarkeInterval,
  clarkeSubdifferential,
  minNormElement,
  randomProgram,
  relu,
  abs,
  maximum,
  minimum,
  max,
  min,
  clip,
  hinge,
  softshrink,
  leakyRelu,
  at,
  add,
  sub,
  mul,
  neg,
  sin,
  exp,
  tanh,
  sqrt,
  norm,
  sign,
  tensor,
  matmul,
  sum,
  definePrimitive,
  Rng,
  square,
} from "../../../src";
import type { Value } from "../../../src";
import { relu2, zero, randomPL } from "./programs";

const dist = (g: number[], gens: number[][]): number => minNormElement(gens.map((p) => p.map((v, i) => v - g[i]))).norm;

describe("piecewise linearization and the abs-normal form", () => {
  it("writes the talk's relu, relu2 and zero in abs-normal form at 0", () => {
    const r = piecewiseLinearization(relu, 0).absNormal;
    expect([r.s, r.Z, r.L, r.J, r.Y]).toEqual([1, [[0.5]], [[0]], [[0.5]], [[1]]]);
    const r2 = piecewiseLinearization(relu2, 0).absNormal;
    expect([r2.s, r2.Z, r2.J, r2.Y]).toEqual([1, [[-0.5]], [[0.5]], [[1]]]);
    const z = piecewiseLinearization(zero, 0).absNormal;
    expect(z.s).toBe(2);
    expect(z.J).toEqual([[0]]);
    expect(z.Y).toEqual([[1, -1]]);
    // |z_1| = |z_2| for every Δt: the model is identically 0
    for (const t of [-1, -0.3, 0.2, 2]) expect(evaluateAbsNormal(z, t).y).toEqual([0]);
    expect(activeJacobian(z, 1).jacobian).toEqual([[0]]);
    expect(activeJacobian(z, -1).jacobian).toEqual([[0]]);
  });

  it("has no active switch away from kinks; the model is then the tangent map near the point", () => {
    const f = (t: Value) => mul(relu(t), sin(t));
    const pl = piecewiseLinearization(f, 1);
    expect(pl.activeSwitches).toBe(0);
    expect(pl.absNormal.J[0][0]).toBeCloseTo(Math.sin(1) + Math.cos(1), 14);
    expect(pl.model(0.01)[0]).toBeCloseTo(0.01 * (Math.sin(1) + Math.cos(1)), 15);
  });

  it("is exact for piecewise-linear programs near the point, and agrees with its abs-normal form there", () => {
    const rng = new Rng(11);
    for (let k = 0; k < 30; k++) {
      const f = randomPL(rng, 3);
      const pl = piecewiseLinearization(f, [0, 0]);
      for (let j = 0; j < 5; j++) {
        const d = [rng.uniform(-1, 1), rng.uniform(-1, 1)];
        const exact = piecewiseLinearization(f, d).value[0];
        expect(pl.model(d)[0]).toBeCloseTo(exact - pl.value[0], 12);
        expect(evaluateAbsNormal(pl.absNormal, d).y[0]).toBeCloseTo(exact, 12);
      }
    }
  });

  it("has second-order error on random programs at random points (log-log slope >= 2)", () => {
    const rng = new Rng(5);
    let checked = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const p = randomProgram({ seed });
      const x = [rng.uniform(-1, 1), rng.uniform(-1, 1)];
      const e = piecewiseLinearError(p.f, x, { direction: [rng.uniform(-1, 1), rng.uniform(-1, 1)] });
      if (e.errors.every((v) => v < 1e-13)) continue; // piecewise linear along this ray: exact
      checked++;
      expect(e.slope).toBeGreaterThan(1.9);
    }
    expect(checked).toBeGreaterThan(3);
    // a kink on the point's own switch: relu(x^2 - y) + sin(x) at a point on the parabola
    const g = (v: Value) => add(relu(sub(square(at(v, 0)), at(v, 1))), sin(at(v, 0)));
    const e = piecewiseLinearError(g, [0.5, 0.25], { direction: [1, 0.3] });
    expect(piecewiseLinearization(g, [0.5, 0.25]).activeSwitches).toBe(1);
    expect(e.slope).toBeGreaterThan(1.9);
    expect(e.slope).toBeLessThan(2.1);
  });

  it("directionally active gradients lie in the exact 1-D Clarke interval", () => {
    const fs: ((t: Value) => Value)[] = [
      (t) => add(relu(neg(t)), mul(2, abs(t))),
      (t) => maximum(sin(t), mul(-1, t)),
      (t) => sub(clip(t, -1, 0), hinge(add(t, 1))),
      (t) => add(leakyRelu(t, 0.1), softshrink(sub(t, 0.5), 0.5)),
      (t) => minimum(abs(t), relu(sub(0, t))),
    ];
    for (const f of fs) {
      const { interval } = clarkeInterval(f, 0);
      const form = piecewiseLinearization(f, 0).absNormal;
      for (const d of [1, -1]) {
        const g = activeJacobian(form, d).jacobian[0][0];
        expect(g).toBeGreaterThanOrEqual(interval[0] - 1e-12);
        expect(g).toBeLessThanOrEqual(interval[1] + 1e-12);
      }
    }
  });

  it("directionally active gradients lie in the sampled Clarke set in 2-D, and equal the lexicographic ones", () => {
    const rng = new Rng(3);
    for (let k = 0; k < 10; k++) {
      const f = randomPL(rng, 3);
      const form = piecewiseLinearization(f, [0, 0]).absNormal;
      const cs = clarkeSubdifferential(f, [0, 0], { seed: k, samples: 400, radius: 1e-6 });
      const gens = cs.generators;
      for (const d of [
        [1, 0.3],
        [-0.2, 1],
        [-1, -1],
      ]) {
        const g = activeJacobian(form, d).jacobian[0];
        expect(dist(g, gens)).toBeLessThan(1e-8);
      }
      // along e_1, e_2 the active Jacobian is the lexicographic one (M = I)
      expect(activeJacobian(form).jacobian).toEqual(lexicographicJacobian(f, [0, 0]).jacobian);
    }
  });

  it("reads max/min reductions with ties and vector outputs", () => {
    const f = (v: Value) => add(max(v), mul(0.5, min(v)));
    const form = piecewiseLinearization(f, [1, 1, 1]).absNormal;
    expect(form.s).toBe(4); // two switches per 3-way tie
    for (const d of [
      [1, 0, 0],
      [0, -1, 2],
      [0.3, 0.2, -0.1],
    ]) {
      const exact = Math.max(1 + d[0], 1 + d[1], 1 + d[2]) + 0.5 * Math.min(1 + d[0], 1 + d[1], 1 + d[2]);
      expect(evaluateAbsNormal(form, d).y[0]).toBeCloseTo(exact, 13);
    }
    const g = (v: Value) =>
      relu(
        matmul(
          tensor([
            [1, -1],
            [1, 1],
          ]),
          v,
        ),
      );
    const pl = piecewiseLinearization(g, [1, 1]);
    expect(pl.activeSwitches).toBe(1);
    expect(pl.absNormal.m).toBe(2);
    expect(evaluateAbsNormal(pl.absNormal, [0.1, 0.3]).y).toEqual(pl.model([0.1, 0.3]).map((v, i) => v + pl.value[i]));
  });

  it("refuses what has no abs-normal form, naming the primitive", () => {
    expect(() => piecewiseLinearization(sqrt, 0)).toThrow(/"sqrt" at its kink/);
    expect(() => piecewiseLinearization(norm, [0, 0])).toThrow(
      /"norm" at its kink: it is nonsmooth in several variables/,
    );
    expect(() => piecewiseLinearization(sign, 0)).toThrow(/"sign"/);
    expect(piecewiseLinearization(sqrt, 4).absNormal.J).toEqual([[0.25]]);
    const shrink = definePrimitive({
      name: "pwShrink",
      arity: 1,
      value: (x) => Math.sign(x) * Math.max(Math.abs(x) - 1, 0),
      partials: (x) => [Math.abs(x) > 1 ? 1 : 0],
      kink: { at: (x) => Math.abs(x) === 1, range: [0, 1], default: 0, partials: (s) => [s] },
    });
    expect(() => piecewiseLinearization((t: Value) => shrink(t), 1)).toThrow(/unsupported primitive "pwShrink"/);
    expect(() => piecewiseLinearization(relu, NaN)).toThrow(/finite/);
    expect(() => piecewiseLinearization(relu, 0).model([1, 2])).toThrow(/dimension mismatch/);
    void exp;
    void tanh;
    void sum;
  });
});
