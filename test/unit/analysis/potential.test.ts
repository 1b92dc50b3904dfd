import { describe, it, expect } from "vitest";
import {
  potential,
  potentialGrid,
  pathIndependenceCheck,
  chainRuleCheck,
  adField,
  allChoicesField,
  clarkeField,
  fieldFromFormula,
  paths,
  loops,
  presets,
  evaluate,
  abs,
  at,
  add,
  relu,
  sub,
  Rng,
} from "../../../src";
import { reluNet, kinkyNet, idMinusZero, zero } from "./programs";

const value = (f: any, x: number[]) => evaluate(f, x).value.data[0];

describe("potentials", () => {
  it("reconstruct relu networks from their AD fields under every preset, to the quadrature error", () => {
    const f = reluNet(3, [8, 8]);
    const rng = new Rng(5);
    const x0 = [0.1, -0.2];
    for (const policy of Object.values(presets)) {
      for (let k = 0; k < 3; k++) {
        const x = [rng.uniform(-1.5, 1.5), rng.uniform(-1.5, 1.5)];
        const r = potential(adField(f, policy), x, { x0, f0: value(f, x0), tolerance: 1e-8 });
        expect(Math.abs(r.value - value(f, x))).toBeLessThanOrEqual(Math.max(r.errorEstimate, 1e-12));
      }
    }
  });

  it("max and min selections give the same potential (formulas (2) and (3))", () => {
    const f = kinkyNet(2);
    const field = allChoicesField(f);
    // a path along the kink line x = 0, then across x = y
    const path = paths.polyline([
      [0, -1],
      [0, 0.5],
      [0.7, 0.2],
    ]);
    const hi = potential(field, [0.7, 0.2], { path, selection: "max", f0: value(f, [0, -1]), tolerance: 1e-9 });
    const lo = potential(field, [0.7, 0.2], { path, selection: "min", f0: value(f, [0, -1]), tolerance: 1e-9 });
    expect(Math.abs(hi.value - lo.value)).toBeLessThanOrEqual(hi.errorEstimate + lo.errorEstimate + 1e-12);
    expect(Math.abs(hi.value - value(f, [0.7, 0.2]))).toBeLessThanOrEqual(hi.errorEstimate + 1e-12);
  });

  it("on a grid, match f", () => {
    const f = (v: any) => add(abs(at(v, 0)), relu(sub(at(v, 1), at(v, 0))));
    const g = potentialGrid(adField(f), { x: [-1, 1], y: [-1, 1], n: 5 }, { x0: [0, 0] });
    g.z.forEach((row, j) => row.forEach((z, i) => expect(z).toBeCloseTo(value(f, [g.x[i], g.y[j]]), 12)));
  });

  it("path independence holds for AD fields and fails for the rotation field", () => {
    const f = reluNet(4, [8, 8]);
    const r = pathIndependenceCheck(adField(f), [-1, 0.5], [1.2, -0.3], { paths: 4, tolerance: 1e-8 });
    expect(r.independent).toBe(true);
    const rot = pathIndependenceCheck(
      fieldFromFormula(([x, y]) => [-y, x]),
      [-1, 0.5],
      [1.2, -0.3],
    );
    expect(rot.independent).toBe(false);
  });

  it("check their paths", () => {
    const rot = fieldFromFormula(([x, y]) => [-y, x]);
    expect(() => potential(rot, [1, 1], { x0: [0, 0], path: paths.segment([0, 0], [1, 2]) })).toThrow(
      /the path runs from/,
    );
    expect(() => potential(rot, [1, 1], { x0: [0, 0, 0] })).toThrow(/dimension mismatch/);
    void loops;
  });
});

describe("chain rule along curves", () => {
  it("holds for AD fields except on a null set (the artificial derivative of t - zero(t) at 0)", () => {
    const r = chainRuleCheck(idMinusZero, adField(idMinusZero, presets.pytorch), paths.segment([-1], [1]), {
      points: 41,
    });
    expect(r.mismatches).toEqual([0.5]);
    expect(r.maxAgreeingDiscrepancy).toBeLessThan(1e-6);
    // the Clarke field (exact in 1-D) has no mismatch for the max selection... and D = {1} there anyway
    expect(
      chainRuleCheck(idMinusZero, clarkeField(idMinusZero), paths.segment([-1], [1]), { points: 41 }).mismatches,
    ).toEqual([]);
    // a 2-D network along a curve through kinks: mismatches only where kinks are hit exactly
    const f = kinkyNet(3);
    const c = chainRuleCheck(f, adField(f), loops.randomSmooth(2, { radius: 0.8 }), { points: 101 });
    expect(c.mismatches).toEqual([]);
    expect(c.kinks.length).toBeGreaterThan(0);
  });

  it("detects a non-conservative selection", () => {
    const bad = fieldFromFormula(([t]) => [t === 0 ? 5 : 1]);
    const r = chainRuleCheck((t: any) => t, bad, paths.segment([-1], [1]), { points: 3 });
    expect(r.mismatches).toEqual([0.5]);
    void zero;
  });
});
