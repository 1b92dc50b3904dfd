import { describe, it, expect } from "vitest";
import {
  projectionFormulaCheck,
  lexicographicField,
  signedPermutationDirections,
  curvePoints,
  enclosedArea,
  allChoicesField,
  adField,
  fieldFromFormula,
  clarkeSubdifferential,
  circulation,
  loops,
  paths,
  policies,
  reluNetwork,
  abs,
  at,
  add,
  maximum,
  minimum,
  sqrt,
} from "../../../src";
import type { Value } from "../../../src";

const l1 = (v: Value) => add(abs(at(v, 0)), abs(at(v, 1)));
const sorted = (ps: number[][]) => [...ps].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
const net = reluNetwork({
  sizes: [2, 8, 8],
  seed: 2021,
  kinkRows: [
    [1, 0],
    [0, 1],
    [1, -1],
  ],
});

describe("projectionFormulaCheck", () => {
  it("holds for AD and all-choices fields of a relu network on its first-layer kink lines", () => {
    for (const seg of [
      paths.segment([0, 0.1], [0, 1.3]),
      paths.segment([0.1, 0], [1.2, 0]),
      paths.segment([-0.9, -0.9], [-0.1, -0.1]),
    ]) {
      for (const field of [
        allChoicesField(net.f),
        adField(net.f, policies.reluAt(1)),
        adField(net.f, policies.random(3)),
      ]) {
        const r = projectionFormulaCheck(field, net.f, seg, { points: 7 });
        expect(r.holds).toBe(true);
        expect(r.maxTangentialError).toBeLessThanOrEqual(1e-12);
      }
      // the normal parts differ between choices somewhere on the line
      expect(projectionFormulaCheck(allChoicesField(net.f), net.f, seg).maxNormalSpread).toBeGreaterThan(0.01);
    }
  });

  it("catches a tangential error, and that field has nonzero circulation along the line", () => {
    const bump = fieldFromFormula((x) => {
      const g = adField(net.f)(x).generators[0];
      return x[0] === 0 ? [g[0], g[1] + 0.5] : g;
    });
    const seg = paths.segment([0, 0.1], [0, 1.3]);
    const r = projectionFormulaCheck(bump, net.f, seg);
    expect(r.holds).toBe(false);
    expect(r.maxTangentialError).toBeCloseTo(0.5, 12);
    // the rectangle's left edge runs down x = 0 over length 0.5: circulation -0.25
    expect(circulation(bump, loops.rectangle([0, 0.75], [0, 0.5])).value).toBeCloseTo(-0.25, 12);
  });

  it("skips points where f has a kink along the curve and validates its arguments", () => {
    // along y = 0.5 the l1 norm is smooth except where the segment crosses x = 0
    const r = projectionFormulaCheck(allChoicesField(l1), l1, paths.segment([-1, 0.5], [1, 0.5]), { points: 3 });
    expect(r.skipped).toEqual([0.5]);
    expect(r.holds).toBe(true);
    expect(() => projectionFormulaCheck(allChoicesField(l1), l1, paths.segment([0, 0], [0, 1]), { points: 0 })).toThrow(
      /points must be a positive integer/,
    );
    expect(() => projectionFormulaCheck(allChoicesField(l1), l1, paths.segment([0, 0], [0, 0]))).toThrow(
      /velocity vanishes/,
    );
    expect(() =>
      projectionFormulaCheck(
        fieldFromFormula(() => [1, 2, 3]),
        l1,
        paths.segment([0, 0], [0, 1]),
      ),
    ).toThrow(/dimension mismatch/);
  });
});

describe("lexicographicField", () => {
  it("gives 2^n n! direction matrices", () => {
    expect(signedPermutationDirections(1)).toEqual([[[1]], [[-1]]]);
    expect(signedPermutationDirections(2).length).toBe(8);
    expect(signedPermutationDirections(3).length).toBe(48);
    expect(() => signedPermutationDirections(5)).toThrow(/n must be an integer in \[1, 4\]/);
  });

  it("is exact for coordinate kinks and inside the sampled Clarke estimate elsewhere", () => {
    expect(sorted(lexicographicField(l1)([0, 0]).generators)).toEqual([
      [-1, -1],
      [-1, 1],
      [1, -1],
      [1, 1],
    ]);
    const mn = (v: Value) => minimum(abs(at(v, 0)), abs(at(v, 1)));
    expect(sorted(lexicographicField(mn)([0, 0]).generators)).toEqual([
      [-1, 0],
      [0, -1],
      [0, 1],
      [1, 0],
    ]);
    const mx = (v: Value) => maximum(at(v, 0), at(v, 1));
    expect(sorted(lexicographicField(mx)([1, 1]).generators)).toEqual([
      [0, 1],
      [1, 0],
    ]);
    // on the relu network's kink line x = y, the same segment as a sampled estimate
    const lex = sorted(lexicographicField(net.f)([0.3, 0.3]).generators);
    const cl = sorted(clarkeSubdifferential(net.f, [0.3, 0.3], { samples: 64, radius: 1e-9 }).generators);
    expect(lex.length).toBe(2);
    lex.forEach((g, i) => g.forEach((v, j) => expect(v).toBeCloseTo(cl[i][j], 12)));
  });

  it("refuses bad input", () => {
    expect(() => lexicographicField(l1, { extraDirections: [[[1, 0]]] })([0, 0])).toThrow(
      /extraDirections\[0\] must be 2 directions/,
    );
    expect(() => lexicographicField((t: Value) => sqrt(abs(t)))([0])).toThrow(/not locally Lipschitz/);
  });
});

describe("curvePoints and enclosedArea", () => {
  it("samples pieces with their breaks and measures areas", () => {
    expect(curvePoints(paths.segment([0, 0], [2, 0]), 2)).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
    ]);
    expect(
      enclosedArea(
        loops.polygon([
          [0, 0],
          [2, 0],
          [0, 1],
        ]),
      ),
    ).toBe(1);
    expect(
      enclosedArea(
        loops.polygon([
          [0, 0],
          [0, 1],
          [2, 0],
        ]),
      ),
    ).toBe(-1); // clockwise
    expect(Math.abs(enclosedArea(loops.circle([1, 1], 2), 5000) - 4 * Math.PI)).toBeLessThan(1e-5);
    expect(() => enclosedArea(paths.segment([0, 0], [1, 1]))).toThrow(/closed loop/);
    expect(() => curvePoints(loops.circle([0, 0], 1), 0)).toThrow(/perPiece/);
  });
});
