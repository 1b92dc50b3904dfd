import { describe, it, expect } from "vitest";
import { randomProgram, adField, allChoicesField, circulation, loops, policies, Rng, evaluate } from "../../../src";

describe("randomProgram", () => {
  it("is seeded: the same seed gives the same program; a passed Rng advances", () => {
    const a = randomProgram({ seed: 11, kinkLines: [[1, 0]] });
    const b = randomProgram({ seed: 11, kinkLines: [[1, 0]] });
    expect(a.description).toBe(b.description);
    expect(a.value([0.3, -0.4])).toBe(b.value([0.3, -0.4]));
    const r = new Rng(5);
    expect(randomProgram({ seed: r }).description).not.toBe(randomProgram({ seed: r }).description);
    expect(evaluate(a.f, [0.3, -0.4]).value.item()).toBe(a.value([0.3, -0.4]));
  });

  it("hits a kink at every point of its kink lines: AD has a choice to make there", () => {
    // depth 0: the program is one kinky leaf; the field of all choices is a segment on its line, a vector off it
    const kinds = new Set<string>();
    for (let seed = 0; seed < 12; seed++) {
      const p = randomProgram({ seed, depth: 0, kinkLines: [[1, -1]] });
      kinds.add(p.description.replace(/\(.*\)|\|.*\|/, "(.)"));
      expect(allChoicesField(p.f)([0.43, 0.43]).generators.length, p.description).toBe(2);
      expect(allChoicesField(p.f)([0.43, 0.44]).generators.length, p.description).toBe(1);
    }
    expect([...kinds].sort()).toEqual(["(.)", "max(.)", "relu(.)", "relu2(.)"]);
    // depth 3: the first three leaves are kinky leaves of x, y and x - y, in that order
    const p = randomProgram({
      seed: 3,
      kinkLines: [
        [1, 0],
        [0, 1],
        [1, -1],
      ],
    });
    expect(p.kinkLines).toEqual([
      [1, 0],
      [0, 1],
      [1, -1],
    ]);
    const leaves = [...p.description.matchAll(/(?:\|(x|y|x - y)\||relu2?\((x|y|x - y)\)|max\((x|y|x - y), 0\))/g)].map(
      (m) => m[1] ?? m[2] ?? m[3],
    );
    expect(leaves.slice(0, 3)).toEqual(["x", "y", "x - y"]);
  });

  it("its AD field has zero circulation along loops inside its kink lines (the semi-algebraic theorem)", () => {
    for (let seed = 0; seed < 6; seed++) {
      const p = randomProgram({
        seed: 100 + seed,
        kinkLines: [
          [1, 0],
          [0, 1],
          [1, -1],
        ],
      });
      for (const loop of [
        loops.rectangle([0, 0.7], [0, 0.9]),
        loops.polygon([
          [-0.6, -0.6],
          [0.9, 0.9],
          [0.9, -0.3],
        ]),
      ]) {
        const c = circulation(adField(p.f, policies.random(seed)), loop, { tolerance: 1e-9 });
        expect(Math.abs(c.value), p.description).toBeLessThanOrEqual(Math.max(c.errorEstimate, 1e-12));
      }
    }
  });

  it("checks its options", () => {
    expect(() =>
      randomProgram({
        seed: 1,
        depth: 1,
        kinkLines: [
          [1, 0],
          [0, 1],
          [1, 1],
        ],
      }),
    ).toThrow(/at most 2\^depth = 2/);
    expect(() => randomProgram({ seed: 1, kinkLines: [[0, 0]] })).toThrow(/non-zero normal/);
    expect(() => randomProgram({ seed: 1, depth: -1 })).toThrow(/depth/);
    expect(() => randomProgram({ seed: NaN })).toThrow(/seed/);
  });
});
