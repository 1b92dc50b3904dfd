// A user-declared primitive (definePrimitive) passes tier 1 (finite differences, adjointness) and tier 2 (exact
// values at its kinks from the policy, validation of the policy value, kink report, random draws in range).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import * as N from "../../../src";
import { definePrimitive, grad, hvp, jacobian, jvp, kinkReport, policies, Tensor } from "../../../src";
import type { Value } from "../../../src";
import { awayFrom, checkDerivatives, cut, sizeOf, uniforms } from "./helpers";
import type { Domain } from "./helpers";

// soft threshold sign(x) max(|x| - 1, 0): kinks at ±1 with Clarke set [0, 1] for the derivative
const shrinkU = definePrimitive({
  name: "shrinkU",
  arity: 1,
  value: (x) => Math.sign(x) * Math.max(Math.abs(x) - 1, 0),
  partials: (x) => [Math.abs(x) > 1 ? 1 : 0],
  kink: { at: (x) => Math.abs(x) === 1, range: [0, 1], default: 0, partials: (s) => [s] },
});

// a binary one: f(x, y) = max(x, y)^2 (kink on x = y only where the value is nonzero... its Clarke set at a tie
// is {(2 m w, 2 m (1 - w)) : w in [0, 1]}, m the common value)
const maxSqU = definePrimitive({
  name: "maxSqU",
  arity: 2,
  value: (x, y) => Math.max(x, y) ** 2,
  partials: (x, y) => (x > y ? [2 * x, 0] : [0, 2 * y]),
  kink: { at: (x, y) => x === y, range: [0, 1], default: 0.5, partials: (w, x) => [2 * x * w, 2 * x * (1 - w)] },
});

// a smooth one without kinks, of three inputs
const fmaU = definePrimitive({
  name: "fmaU",
  arity: 3,
  value: (x, y, z) => x * y + Math.sin(z),
  partials: (x, y, z) => [y, x, Math.cos(z)],
});

describe("definePrimitive: tier 1 at smooth points", () => {
  const cases: {
    name: string;
    shapes: number[][];
    f: (...xs: any[]) => Value;
    domains?: Domain[];
    pre?: (xs: Tensor[]) => boolean;
  }[] = [
    { name: "shrinkU", shapes: [[2, 3]], f: shrinkU, domains: [awayFrom([-1, 1], -3, 3)] },
    {
      name: "shrinkU in a program",
      shapes: [[4]],
      f: (x: Value) => N.sum(N.mul(shrinkU(N.mul(x, 2)), N.sin(x))),
      domains: [awayFrom([-0.5, 0.5], -2, 2)],
    },
    {
      name: "maxSqU with broadcasting",
      shapes: [[2, 3], [3]],
      f: maxSqU,
      pre: (xs) => {
        const [a, b] = xs;
        for (let i = 0; i < 2; i++)
          for (let j = 0; j < 3; j++) if (Math.abs(a.data[i * 3 + j] - b.data[j]) < 1e-3) return false;
        return true;
      },
    },
    { name: "fmaU", shapes: [[3], [3], [3]], f: fmaU },
    { name: "fmaU broadcast", shapes: [[2, 1], [1, 3], []], f: fmaU },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const nIn = c.shapes.reduce((a, s) => a + sizeOf(s), 0);
      const outShape = (c.f(...cut(new Array(nIn).fill(0.3), c.shapes)) as Tensor).shape;
      fc.assert(
        fc.property(uniforms(nIn), uniforms(nIn), uniforms(sizeOf(outShape)), (p, v, w) => {
          const xs = cut(p, c.shapes, c.domains ?? c.shapes.map(() => (u: number) => 2 * u));
          if (c.pre && !c.pre(xs)) return;
          checkDerivatives(c.name, c.f, xs, cut(v, c.shapes), new Tensor(Float64Array.from(w), [w.length]));
        }),
        { numRuns: 40, seed: 31 },
      );
    });
  }
});

describe("definePrimitive: tier 2 at kinks", () => {
  it("the declared default, and the policy's primitives[name], in both modes", () => {
    for (const x of [-1, 1]) {
      expect(grad(shrinkU, x)).toBe(0);
      expect(jvp(shrinkU, x, 1).tangent).toBe(0);
      for (const s of [0, 0.3, 1]) {
        const policy = policies.custom({ primitives: { shrinkU: s } });
        expect(grad(shrinkU, x, { policy })).toBe(s);
        expect(jvp(shrinkU, x, 1, { policy }).tangent).toBe(s);
      }
    }
    const tie = (v: any) => maxSqU(N.at(v, 0), N.at(v, 1));
    expect(grad(tie, [2, 2])).toEqual([2, 2]); // default w = 1/2: (2 m w, 2 m (1 - w)), m = 2
    const policy = policies.custom({ primitives: { maxSqU: 1 } });
    expect(grad(tie, [2, 2], { policy })).toEqual([4, 0]);
    expect(jacobian(tie, [2, 2], { policy, mode: "forward" }).toFlat()).toEqual([4, 0]);
  });
  it("a policy value outside the declared range is refused, naming the primitive and the range", () => {
    const policy = policies.custom({ primitives: { shrinkU: 2 } });
    expect(() => grad(shrinkU, 1, { policy })).toThrow(
      "primitives.shrinkU = 2 is outside the Clarke set: allowed range is [0, 1]",
    );
    // the kink report flags it without differentiating
    const r = kinkReport(shrinkU, 1, { policy });
    expect(r.outsideClarke.map((e) => e.key)).toEqual(["primitives.shrinkU"]);
    // off the kink the value is never used
    expect(grad(shrinkU, 2, { policy })).toBe(1);
  });
  it("the kink report counts its kinks under its key", () => {
    const r = kinkReport((v: any) => N.sum(shrinkU(v)), [1, -1, 0.5, 2, 1]);
    expect(r.byKey["primitives.shrinkU"]).toBe(3);
    expect(r.byOp.shrinkU).toBe(3);
    expect(r.outsideClarke).toEqual([]);
    expect(r.entries[0].choice).toMatch(/default/);
  });
  it("the random policy draws inside the declared range, deterministically, the same in both modes", () => {
    const x = [1, -1, 1, -1, 1, -1, 1, -1];
    const f = (v: any) => shrinkU(v);
    for (const seed of [1, 2, 3]) {
      const policy = policies.random(seed);
      const rev = jacobian(f, x, { policy });
      const fwd = jacobian(f, x, { policy, mode: "forward" });
      expect(fwd.toFlat()).toEqual(rev.toFlat());
      const diag = (rev.toArray() as number[][]).map((r, i) => r[i]);
      expect(diag.every((s) => s >= 0 && s <= 1)).toBe(true);
      expect(new Set(diag).size).toBeGreaterThan(1);
      expect(jacobian(f, x, { policy }).toFlat()).toEqual(rev.toFlat());
    }
  });
  it("declarations are validated", () => {
    const base = { arity: 1, value: (x: number) => x, partials: () => [1] };
    expect(() => definePrimitive({ ...base, name: "bad name" })).toThrow("definePrimitive: name must be an identifier");
    expect(() => definePrimitive({ ...base, name: "a4", arity: 4 })).toThrow("arity must be 1, 2 or 3");
    expect(() =>
      definePrimitive({
        ...base,
        name: "a5",
        kink: { at: () => false, range: [1, 0], default: 0, partials: () => [0] },
      }),
    ).toThrow("is empty");
    expect(() =>
      definePrimitive({
        ...base,
        name: "a6",
        kink: { at: () => false, range: [0, 1], default: 2, partials: () => [0] },
      }),
    ).toThrow("kink.default = 2 is outside its range [0, 1]");
    expect(() => shrinkU(1, 2)).toThrow("shrinkU: expected 1 argument(s), got 2");
  });
  it("partials returning the wrong count are reported", () => {
    const wrong = definePrimitive({ name: "wrongU", arity: 2, value: (x, y) => x + y, partials: () => [1] });
    expect(() => grad((v: any) => wrong(N.at(v, 0), N.at(v, 1)), [1, 2])).toThrow(
      "definePrimitive(wrongU): partials must return 2 number(s)",
    );
  });
  it("hvp through a user primitive is refused: its partials are numbers", () => {
    expect(() => hvp((v: any) => N.sum(shrinkU(v)), [2, 3], [1, 1])).toThrow(
      'hvp: primitive "shrinkU" declares its partials as numbers',
    );
  });
});
