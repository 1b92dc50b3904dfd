import { describe, it, expect } from "vitest";
import {
  alterFieldOnLine,
  adField,
  fieldFromFormula,
  circulation,
  chainRuleCheck,
  loops,
  paths,
  potential,
} from "../../../src";
import { kinkyNet } from "./programs";

describe("alterFieldOnLine", () => {
  it("changes the field on the line only", () => {
    const D = fieldFromFormula(([x, y]) => [y, x]);
    const bad = alterFieldOnLine(D, { normal: [1, -1], shifts: [[1, 1]] });
    expect(bad([0.3, 0.3])).toEqual({ generators: [[1.3, 1.3]], value: [1.3, 1.3] });
    expect(bad([0.3, 0.30001]).generators).toEqual([[0.30001, 0.3]]);
    // two shifts enlarge the set into a segment
    const wide = alterFieldOnLine(D, {
      normal: [0, 1],
      offset: 0.5,
      shifts: [
        [0, 0],
        [2, 0],
      ],
    });
    expect(wide([1, 0.5]).generators).toEqual([
      [0.5, 1],
      [2.5, 1],
    ]);
  });

  it("a tangential change on a kink line: zero circulation on loops crossing it, not on loops along it", () => {
    const N = kinkyNet(3);
    const bad = alterFieldOnLine(adField(N), { normal: [1, 0], shifts: [[0, 0.25]] });
    const along = circulation(bad, loops.rectangle([0, 0.7], [0, 0.9]), { tolerance: 1e-10 });
    expect(along.value).toBeCloseTo(-0.25 * 0.9, 9); // the edge from (0, 0.9) down to (0, 0)
    const across = circulation(bad, loops.randomSmooth(5, { radius: 1 }), { tolerance: 1e-10 });
    expect(Math.abs(across.value)).toBeLessThanOrEqual(Math.max(across.errorEstimate, 1e-12));
    // its chain rule fails on the whole edge, a set of positive measure
    const r = chainRuleCheck(N, bad, paths.segment([0, -0.5], [0, 0.5]), { points: 21 });
    expect(r.mismatches.length).toBeGreaterThanOrEqual(15); // of 21: all but the ends and kinks of N along the edge
    // and its "potential" depends on the path
    const straight = potential(bad, [0, 1], { x0: [0, 0] });
    const around = potential(bad, [0, 1], {
      x0: [0, 0],
      path: paths.polyline([
        [0, 0],
        [0.5, 0.5],
        [0, 1],
      ]),
    });
    expect(straight.value - around.value).toBeCloseTo(0.25, 9);
  });

  it("checks its arguments", () => {
    const D = fieldFromFormula(([x, y]) => [y, x]);
    expect(() => alterFieldOnLine(D, { normal: [0, 0], shifts: [[1, 0]] })).toThrow(/zero vector/);
    expect(() => alterFieldOnLine(D, { normal: [1, 0], shifts: [] })).toThrow(/non-empty list/);
    expect(() => alterFieldOnLine(D, { normal: [1, 0], shifts: [[1, 0, 0]] })).toThrow(/dimension mismatch/);
    expect(() => alterFieldOnLine(D, { normal: [1, 0], offset: NaN, shifts: [[1, 0]] })).toThrow(/offset/);
    expect(() => alterFieldOnLine(D, { normal: [1, 0, 0], shifts: [[1, 0, 0]] })([1, 2])).toThrow(/dimension mismatch/);
  });
});
