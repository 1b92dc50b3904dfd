import * as N from "../../../src";
import { describe, it, expect } from "vitest";
import {
  adField,
  allChoicesField,
  clarkeField,
  fieldFromFormula,
  fieldArrows,
  fieldSets,
  selectElement,
  policies,
  presets,
  abs,
  at,
  add,
  relu,
  maximum,
  minimum,
  mul,
  sqrt,
  hinge,
  clip,
  grad,
} from "../../../src";
import { relu2, zero, kinkyNet } from "./programs";

describe("set-valued fields", () => {
  it("adField returns the AD value under the policy", () => {
    for (const s of [0, 0.5, 1])
      expect(adField(zero, policies.reluAt(s))([0]).generators[0][0]).toBeCloseTo(1 - 2 * s, 15);
    const f = kinkyNet(1);
    const g = grad(f, [0.3, -0.2]) as number[];
    expect(adField(f)([0.3, -0.2])).toEqual({ generators: [g], value: g });
  });

  it("allChoicesField spans the extreme choices of the keys hit", () => {
    expect(allChoicesField(relu2)([0]).generators).toEqual([[0], [1]]);
    expect(allChoicesField(zero)([0]).generators).toEqual([[-1], [1]]); // 1 - 2s, s in {0, 1}
    const m = (v: any) => maximum(at(v, 0), at(v, 1));
    expect(allChoicesField(m)([1, 1]).generators).toEqual([
      [0, 1],
      [1, 0],
    ]);
    const sq = (v: any) => add(abs(at(v, 0)), abs(at(v, 1)));
    // choices are made per application: the two abs choose independently, so the hull is the square [-1, 1]^2
    const sorted = (ps: number[][]) => [...ps].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(sorted(allChoicesField(sq)([0, 0]).generators)).toEqual([
      [-1, -1],
      [-1, 1],
      [1, -1],
      [1, 1],
    ]);
    // max(x, y, x) at x = y: three tied entries, one of which takes the whole derivative
    const m3 = (v: any) => N.max(N.concat([v, N.reshape(N.at(v, 0), [1])]));
    expect(sorted(allChoicesField(m3)([1, 1]).generators)).toEqual([
      [0, 1],
      [1, 0],
    ]);
    // bounds and hinge
    expect(allChoicesField((t: any) => clip(t, -1, 1))([1]).generators).toEqual([[0], [1]]);
    expect(allChoicesField(hinge)([1]).generators).toEqual([[-1], [0]]);
    // smooth points: one generator
    expect(allChoicesField(sq)([0.5, -2]).generators).toEqual([[1, -1]]);
    // the value is the policy's
    expect(allChoicesField(zero, { policy: presets.pytorch })([0]).value).toEqual([1]);
  });

  it("allChoicesField refuses too many combinations and non-Lipschitz points", () => {
    const many = (v: any) =>
      add(add(relu(at(v, 0)), abs(at(v, 1))), add(maximum(at(v, 0), at(v, 1)), minimum(at(v, 0), mul(2, at(v, 1)))));
    expect(allChoicesField(many)([0, 0]).generators.length).toBeGreaterThan(1);
    expect(() => allChoicesField(many, { maxCombinations: 8 })([0, 0])).toThrow(
      /16 combinations of kink choices .* exceed maxCombinations = 8/,
    );
    expect(() => allChoicesField((t: any) => sqrt(abs(t)))([0])).toThrow(/not locally Lipschitz/);
  });

  it("clarkeField is exact in 1-D and estimated above", () => {
    expect(clarkeField(relu2)([0]).generators).toEqual([[0], [1]]);
    expect(clarkeField(zero)([0]).generators).toEqual([[0]]);
    const m = (v: any) => maximum(at(v, 0), at(v, 1));
    expect(clarkeField(m)([2, 2]).generators).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });

  it("fieldFromFormula accepts vectors, generator lists and FieldValues, and checks them", () => {
    expect(fieldFromFormula(([x, y]) => [y, x])([1, 2]).generators).toEqual([[2, 1]]);
    expect(
      fieldFromFormula(() => [
        [1, 0],
        [0, 1],
      ])([0, 0]).generators,
    ).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(fieldFromFormula(() => ({ generators: [[3]], value: [3] }))([0]).value).toEqual([3]);
    expect(() => fieldFromFormula(() => [[1, 2, 3]])([0, 0])).toThrow(/dimension mismatch: the field's generator 0/);
    expect(() => fieldFromFormula(() => "no" as never)([0])).toThrow(/expected a vector/);
    expect(() => fieldFromFormula(() => [NaN])([0])).toThrow(/not finite/);
  });

  it("selects elements by rule", () => {
    const v = {
      generators: [
        [1, 0],
        [0, 1],
        [-1, -1],
      ],
      value: [0, 1],
    };
    expect(selectElement(v, [1, 0], "max")).toEqual([1, 0]);
    expect(selectElement(v, [1, 0], "min")).toEqual([-1, -1]);
    expect(selectElement(v, [1, 0], "policy")).toEqual([0, 1]);
    const r = selectElement(v, [1, 0], "random", 3, 0.25);
    expect(r).toEqual(selectElement(v, [1, 0], "random", 3, 0.25));
    expect(r[0] + r[1]).toBeGreaterThanOrEqual(-1);
  });

  it("turns fields on grids into plain chart records", () => {
    const arrows = fieldArrows(
      fieldFromFormula(([x, y]) => [-y, x]),
      { x: [0, 1], y: [0, 1], n: 2 },
    );
    expect(arrows).toEqual([
      { x: 0, y: 0, u: 0, v: 0 },
      { x: 1, y: 0, u: 0, v: 1 },
      { x: 0, y: 1, u: -1, v: 0 },
      { x: 1, y: 1, u: -1, v: 1 },
    ]);
    const sq = (v: any) => add(abs(at(v, 0)), abs(at(v, 1)));
    const sets = fieldSets(clarkeField(sq, { samples: 100 }), { x: [0, 1], y: [0, 0], n: [2, 1] });
    expect(sets).toEqual([
      {
        x: 0,
        y: 0,
        vertices: [
          [-1, -1],
          [1, -1],
          [1, 1],
          [-1, 1],
        ],
      },
      {
        x: 1,
        y: 0,
        vertices: [
          [1, -1],
          [1, 1],
        ],
      },
    ]);
    expect(() => fieldSets(adField(sq), { x: [1, 0], y: [0, 1] })).toThrow(/x0 <= x1/);
  });
});

describe("combineFields", () => {
  const sq = (v: any) => add(abs(at(v, 0)), abs(at(v, 1)));
  it("is the Minkowski combination of the terms' sets, with the combined policy value", () => {
    const D = N.combineFields([
      { weight: 2, field: allChoicesField(sq) },
      { weight: -1, field: adField((v: any) => relu(at(v, 0)), policies.reluAt(1)) },
    ]);
    const r = D([0, 0]);
    const sorted = [...r.generators].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    // 2 [-1, 1]^2 - {(1, 0)}
    expect(sorted).toEqual([
      [-3, -2],
      [-3, 2],
      [1, -2],
      [1, 2],
    ]);
    expect(r.value).toEqual([2 * 0 - 1, 0]); // pytorch's abs'(0) = 0 for the first term, relu'(0) = 1 for the second
  });
  it("of conservative fields is conservative: zero circulation on a loop along the kinks", () => {
    const D = N.combineFields([
      { weight: 1.5, field: allChoicesField(sq) },
      { weight: -0.5, field: adField(kinkyNet(2), presets.tfjs) },
    ]);
    for (const selection of ["max", "min"] as const) {
      const c = N.circulation(D, N.loops.rectangle([0, 0.7], [0, 0.9]), { selection, tolerance: 1e-9 });
      expect(Math.abs(c.value)).toBeLessThanOrEqual(Math.max(c.errorEstimate, 1e-12));
    }
  });
  it("refuses empty lists and non-finite weights", () => {
    expect(() => N.combineFields([])).toThrow(/non-empty list/);
    expect(() => N.combineFields([{ weight: NaN, field: adField(relu) }])).toThrow(
      "combineFields: terms[0].weight must be a finite number, got NaN",
    );
  });
});
