import { describe, it, expect } from "vitest";
import {
  circulation,
  fieldFromFormula,
  adField,
  allChoicesField,
  clarkeField,
  loops,
  paths,
  presets,
  policies,
  grad,
  abs,
  at,
  add,
  sub,
  relu,
  maximum,
  mul,
} from "../../../src";
import { reluNet, kinkyNet } from "./programs";

const rotation = fieldFromFormula(([x, y]) => [-y, x]);

describe("circulation", () => {
  it("of the rotation field (-y, x) is 2π on the unit circle, and 2·area on other loops", () => {
    const c = circulation(rotation, loops.circle([0, 0], 1));
    expect(Math.abs(c.value - 2 * Math.PI)).toBeLessThan(1e-9);
    expect(c.evaluations).toBeGreaterThan(0);
    // a square of side 2 has area 4; the circle of radius 3 around (1, 2): 2π·9
    expect(circulation(rotation, loops.rectangle([-1, 1], [-1, 1])).value).toBeCloseTo(8, 12);
    expect(circulation(rotation, loops.circle([1, 2], 3)).value).toBeCloseTo(18 * Math.PI, 9);
    // fixed mode: the quadrature is exact for polynomials of degree <= 22 on each smooth piece
    const poly = fieldFromFormula(([x, y]) => [x ** 4 * y ** 3, -(y ** 5) * x]);
    const a = circulation(poly, loops.rectangle([0, 1], [0, 2]), { points: 68 });
    // ∮ P dx + Q dy over ∂([0,1]x[0,2]) = ∬ (Q_x - P_y) = ∬ (-y^5 - 3 x^4 y^2) = -64/6 - 3·(1/5)·(8/3)
    expect(a.value).toBeCloseTo(-64 / 6 - 8 / 5, 12);
    expect(a.evaluations).toBe(68);
  });

  it("is zero for gradient fields and for AD fields of random relu networks under every preset policy", () => {
    const grad2 = fieldFromFormula(([x, y]) => [2 * x * y + Math.cos(x), x * x - Math.exp(-y)]);
    const g = circulation(grad2, loops.randomSmooth(1));
    expect(Math.abs(g.value)).toBeLessThanOrEqual(g.errorEstimate + 1e-13);
    for (const seed of [1, 2]) {
      const f = reluNet(seed, [8, 8]);
      for (const policy of [...Object.values(presets), policies.random(seed)]) {
        for (const loop of [
          loops.randomSmooth(seed + 10, { radius: 1.5 }),
          loops.randomPolygon(seed + 20, { radius: 1.5 }),
        ]) {
          const c = circulation(adField(f, policy), loop, { tolerance: 1e-6 });
          expect(Math.abs(c.value)).toBeLessThanOrEqual(Math.max(c.errorEstimate, 1e-12));
          expect(c.errorEstimate).toBeLessThan(1e-6);
        }
      }
    }
  });

  it("is zero on loops forced through kinks, whatever the selection", () => {
    const f = kinkyNet(4);
    // the rectangle's left edge lies on x = 0 and its bottom edge on y = 0: kink lines of the first layer
    const rect = loops.rectangle([0, 0.75], [0, 0.5]);
    // a triangle with an edge on x = y
    const tri = loops.polygon([
      [-0.5, -0.5],
      [0.5, 0.5],
      [0.5, -0.25],
    ]);
    for (const policy of Object.values(presets)) {
      for (const loop of [rect, tri]) {
        const c = circulation(adField(f, policy), loop, { tolerance: 1e-8 });
        expect(Math.abs(c.value)).toBeLessThanOrEqual(Math.max(c.errorEstimate, 1e-12));
      }
    }
    // the whole set of extreme choices: every selection integrates to 0 on the kink edges too
    for (const selection of ["max", "min", "random", "policy"] as const) {
      const c = circulation(allChoicesField(f), rect, { selection, tolerance: 1e-8 });
      expect(Math.abs(c.value)).toBeLessThanOrEqual(Math.max(c.errorEstimate, 1e-12));
    }
  });

  it("sees a policy's choice on a kink edge: the edges integrate the AD value there", () => {
    // f = relu(x) + |y|: on the edge x = 0 going up, ⟨D f, γ'⟩ = ±1 from |y| whatever relu'(0) is
    const f = (v: any) => add(relu(at(v, 0)), abs(at(v, 1)));
    for (const p of Object.values(presets)) {
      const c = circulation(
        adField(f, p),
        loops.polygon([
          [0, -1],
          [1, -1],
          [1, 1],
          [0, 1],
        ]),
      );
      expect(Math.abs(c.value)).toBeLessThan(1e-12);
    }
  });

  it("of a non-conservative selection is not zero (the test can fail)", () => {
    // a field that is the gradient of |x| except on x = 0, where it is (0, x + 1): not conservative along x = 0
    const bad = fieldFromFormula(([x, y]) => (x === 0 ? [0, 1 + y * 0 + 1] : [Math.sign(x), 0]));
    const c = circulation(bad, loops.rectangle([0, 1], [-1, 1]));
    expect(Math.abs(c.value)).toBeGreaterThan(1);
  });

  it("refuses open paths, dimension mismatches and bad selections", () => {
    expect(() => circulation(rotation, paths.segment([0, 0], [1, 1]))).toThrow(/not a closed loop/);
    const f = (v: any) => maximum(at(v, 0), mul(2, at(v, 1)));
    const threeD = loops.polygon([
      [0, 0, 0],
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(() => circulation(rotation, threeD)).toThrow(
      /dimension mismatch: the field's generator 0 at \[.*\] has 2 coordinate\(s\), expected 3/,
    );
    // a program of 2 variables (at(v, 1)) runs on 3-D points too, and is conservative there
    expect(Math.abs(circulation(adField(f), threeD).value)).toBeLessThan(1e-12);
    expect(() =>
      loops.polygon([
        [0, 0],
        [1, 0, 0],
      ]),
    ).toThrow(/dimension mismatch/);
    expect(() => circulation(rotation, loops.circle([0, 0], 1), { selection: "best" as never })).toThrow(
      /selection must be/,
    );
    expect(() => loops.circle([0, 0, 0], 1)).toThrow(/dimension mismatch/);
    expect(() => loops.custom({ point: (t) => [t, t * t], velocity: (t) => [1, 2 * t] })).toThrow(/not a closed loop/);
    void clarkeField;
    void sub;
    void grad;
  });
});
