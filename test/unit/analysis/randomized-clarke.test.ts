import { describe, it, expect } from "vitest";
import {
  randomizedClarkeGradient,
  lexicographicGradient,
  clarkeInterval,
  grad,
  policies,
  presets,
  relu,
  abs,
  maximum,
  max,
  at,
  add,
  sub,
  mul,
  neg,
  matmul,
  tensor,
  sum,
  norm,
  Rng,
  minNormElement,
  clip,
  softshrink,
  leakyRelu,
  sqrt,
  sign,
  definePrimitive,
} from "../../../src";
import type { Value } from "../../../src";
import { relu2, zero, randomPL } from "./programs";

/** Completes d to a basis: d first, then the unit vectors except the one d leans on most. */
function basisFrom(d: number[]): number[][] {
  const k = d.reduce((b, v, i) => (Math.abs(v) > Math.abs(d[b]) ? i : b), 0);
  return [d, ...d.flatMap((_, i) => (i === k ? [] : [d.map((_, j) => (j === i ? 1 : 0))]))];
}

describe("randomizedClarkeGradient (Kakade and Lee 2018)", () => {
  it("gets the Part I programs right at 0, where fixed relu'(0) policies do not", () => {
    for (const seed of [0, 1, 2, 3]) {
      expect(randomizedClarkeGradient(zero, 0, { seed }).gradient).toEqual([0]);
      const r2 = randomizedClarkeGradient(relu2, 0, { seed }).gradient[0];
      const [lo, hi] = clarkeInterval(relu2, 0).interval;
      expect(r2 >= lo && r2 <= hi).toBe(true);
    }
    expect(grad(zero, 0, { policy: policies.reluAt(0) })).toBe(1);
  });

  it("equals the lexicographic derivative for a direction matrix with first column d (the mechanism of the proof)", () => {
    let inert = 0;
    for (let seed = 0; seed < 40; seed++) {
      const f = randomPL(new Rng(seed), 1 + (seed % 4));
      const r = randomizedClarkeGradient(f, [0, 0], { seed });
      expect(r.guaranteed).toBe(true);
      inert += r.inert;
      const lex = lexicographicGradient(f, [0, 0], { directions: basisFrom(r.direction) });
      r.gradient.forEach((v, i) => expect(v).toBeCloseTo(lex[i], 12));
      // <gradient, d> = f'(x; d)
      expect(r.gradient[0] * r.direction[0] + r.gradient[1] * r.direction[1]).toBeCloseTo(r.directional, 12);
    }
    expect(inert).toBeGreaterThan(0); // relu(relu(.)) and the like: kinks whose argument does not move at all
  });

  it("decides max and min reductions, maximum, abs and clip by the sign along d", () => {
    const f = (v: Value) =>
      max(
        matmul(
          tensor([
            [1, 0],
            [0, 1],
            [1, 1],
          ]),
          v,
        ),
      ); // max(x, y, x + y) at 0
    const r = randomizedClarkeGradient(f, [0, 0], { direction: [1, -2] });
    expect(r.gradient).toEqual([1, 0]); // along (1, -2): x = 1, y = -2, x + y = -1: x wins
    expect(
      randomizedClarkeGradient((v: Value) => maximum(at(v, 0), at(v, 1)), [1, 1], { direction: [-1, 2] }).gradient,
    ).toEqual([0, 1]);
    expect(randomizedClarkeGradient(abs, 0, { direction: [-3] }).gradient).toEqual([-1]);
    expect(randomizedClarkeGradient((t: Value) => clip(t, 0, 1), 1, { direction: [-1] }).gradient).toEqual([1]);
    expect(randomizedClarkeGradient((t: Value) => clip(t, 0, 1), 1, { direction: [1] }).gradient).toEqual([0]);
  });

  it("decides softshrink from its declaration: the exact branch at ±λ along each direction, inside the Clarke interval", () => {
    const lambda = 0.75;
    const f = (t: Value) => softshrink(t, lambda);
    // at λ the program leaves the dead zone moving up (slope 1) and stays in it moving down (slope 0); at -λ the reverse
    const cases: [number, number, number][] = [
      [lambda, 1, 1],
      [lambda, -1, 0],
      [-lambda, 1, 0],
      [-lambda, -1, 1],
    ];
    for (const [x, d, g] of cases) {
      const r = randomizedClarkeGradient(f, x, { direction: [d] });
      expect([r.gradient, r.decided, r.guaranteed], `at ${x} along ${d}`).toEqual([[g], 1, true]);
      const [lo, hi] = clarkeInterval(f, x).interval;
      expect([lo, hi]).toEqual([0, 1]);
      expect(g >= lo && g <= hi).toBe(true);
    }
    // the bound it sits on is the slot: a tie of softshrink(x - y) at x - y = λ along (1, 1) is reported as the upper bound
    const diff = (v: Value) => softshrink(sub(at(v, 0), at(v, 1)), lambda);
    expect(
      randomizedClarkeGradient(diff, [1.75, 1], { direction: [1, 1], onTie: "flag" }).ties.map((s) => s.key),
    ).toEqual(["softshrink.upper"]);
    expect(
      randomizedClarkeGradient(diff, [0.25, 1], { direction: [1, 1], onTie: "flag" }).ties.map((s) => s.key),
    ).toEqual(["softshrink.lower"]);
  });

  it("maps the branch to the policy's choice through the declared partials (leakyRelu: the slope is the choice 0)", () => {
    expect(randomizedClarkeGradient((t: Value) => leakyRelu(t, 0.2), 0, { direction: [-1] }).gradient).toEqual([0.2]);
    expect(randomizedClarkeGradient((t: Value) => leakyRelu(t, 0.2), 0, { direction: [1] }).gradient).toEqual([1]);
  });

  it("refuses, naming the primitive, what has no branch rule: user primitives, non-Lipschitz kinks the program moves across", () => {
    const shrink = definePrimitive({
      name: "rcShrink",
      arity: 1,
      value: (x) => Math.sign(x) * Math.max(Math.abs(x) - 1, 0),
      partials: (x) => [Math.abs(x) > 1 ? 1 : 0],
      kink: { at: (x) => Math.abs(x) === 1, range: [0, 1], default: 0, partials: (s) => [s] },
    });
    expect(() => randomizedClarkeGradient(shrink, 1, { seed: 1 })).toThrow(/randomizedClarkeGradient: .*"rcShrink"/);
    expect(() => randomizedClarkeGradient((t: Value) => mul(sign(t), t), 0, { seed: 1 })).toThrow(/sign jumps at 0/);
    expect(() => randomizedClarkeGradient(sqrt, 0, { seed: 1 })).toThrow(/sqrt at 0/);
    // a still argument is no crossing: sqrt(relu(t)) is 0 near -1, and the element is 0
    expect(randomizedClarkeGradient((t: Value) => sqrt(relu(t)), -1, { seed: 1 }).gradient).toEqual([0]);
    // but reverse mode's +inf there meets the derivatives 1 and -1 of t - t: refused, not a silent NaN
    expect(() => randomizedClarkeGradient((t: Value) => sqrt(sub(t, t)), 0, { seed: 1 })).toThrow(/not finite.*sqrt/);
  });

  it("reports ties instead of answering silently: a direction that does not cross the kink, a kink no direction crosses", () => {
    const g = (v: Value) => abs(sub(at(v, 0), at(v, 1)));
    expect(() => randomizedClarkeGradient(g, [1, 1], { direction: [1, 1] })).toThrow(/ties at 1 kink hit/);
    const flagged = randomizedClarkeGradient(g, [1, 1], { direction: [1, 1], onTie: "flag" });
    expect(flagged.guaranteed).toBe(false);
    expect(flagged.ties.map((s) => s.key)).toEqual(["abs"]);
    const hidden = (t: Value) => relu(zero(t)); // relu of the null function: its argument never moves, the kink is inert
    for (const seed of [0, 1, 2]) {
      const h = randomizedClarkeGradient(hidden, 0, { seed });
      expect([h.gradient, h.inert, h.guaranteed]).toEqual([[0], 1, true]);
    }
    const tiedMax = (v: Value) =>
      max(
        matmul(
          tensor([
            [1, 0],
            [0, 1],
            [1, 0],
          ]),
          v,
        ),
      ); // max(x, y, x): the two x always tie
    expect(
      randomizedClarkeGradient(tiedMax, [0.5, 0.5], { direction: [1, 0.5], policy: presets.tfjs }).gradient,
    ).toEqual([1, 0]);
    // along (1, 1) x and y tie too: flagged, and tfjs's "1 to each tied entry" then lands outside the Clarke set
    const m = randomizedClarkeGradient(tiedMax, [0.5, 0.5], { direction: [1, 1], onTie: "flag", policy: presets.tfjs });
    expect(m.ties.map((s) => s.key)).toEqual(["maxTies"]);
    expect(m.gradient).toEqual([2, 1]);
  });

  it("counts a constant cost whatever n", () => {
    for (const n of [2, 16]) {
      const r = new Rng(n);
      const W = tensor(
        Array.from({ length: 4 * n }, () => r.uniform(-1, 1)),
        [4, n],
      );
      const f = (x: Value) => sum(relu(matmul(W, x)));
      expect(randomizedClarkeGradient(f, new Array(n).fill(0), { seed: 1 }).cost).toEqual({
        evaluations: 2,
        tangentColumns: 2,
        reverseSweeps: 1,
      });
    }
  });

  it("refuses bad input with clear errors", () => {
    expect(() => randomizedClarkeGradient(abs, 0, { onTie: "maybe" as "flag" })).toThrow(/onTie/);
    expect(() => randomizedClarkeGradient(abs, 0, { direction: [0] })).toThrow(/must not be 0/);
    expect(() => randomizedClarkeGradient(abs, [0, 0], { direction: [1] })).toThrow(/dimension mismatch/);
    expect(() => randomizedClarkeGradient((v: Value) => norm(v), [0, 0])).toThrow(/norm/);
    expect(() => randomizedClarkeGradient((v: Value) => v, [0, 0])).toThrow(/scalar/);
    expect(() => randomizedClarkeGradient(abs, 0, { seeds: 1 } as never)).toThrow(/unknown option/);
  });

  it("lands in the Clarke set where every fixed policy may not (a positively homogeneous relu net at 0)", () => {
    const rng = new Rng(3);
    const W1 = tensor(
      Array.from({ length: 12 }, () => rng.uniform(-1, 1)),
      [6, 2],
    );
    const w2 = tensor(Array.from({ length: 6 }, () => rng.uniform(-1, 1)));
    const f = (x: Value) => sum(mul(w2, relu(matmul(W1, x))));
    const e = randomizedClarkeGradient(f, [0, 0], { seed: 5 }).gradient;
    // every element of the hull of lexicographic derivatives over many direction matrices is a Clarke element
    const lex = Array.from({ length: 64 }, (_, k) => {
      const a = (2 * Math.PI * k) / 64;
      return lexicographicGradient(f, [0, 0], {
        directions: [
          [Math.cos(a), Math.sin(a)],
          [-Math.sin(a), Math.cos(a)],
        ],
      });
    });
    expect(minNormElement(lex.map((p) => [p[0] - e[0], p[1] - e[1]])).norm).toBeLessThan(1e-12);
    void add;
    void neg;
  });
});
