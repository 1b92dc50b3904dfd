// softshrink(x, λ), the proximal map of λ|x|, added as a declaration, an op and preset values only: its kinks at ±λ
// through every interpreter (the registry walk covers the presets; here the other policies, the Clarke range from
// the one-sided derivatives, and the op's errors).
import { describe, expect, it } from "vitest";
import * as N from "../../../src";
import { grad, jacobian, jvp, kinkReport, policies, presets } from "../../../src";
import type { KinkPolicy, Value } from "../../../src";

const LAMBDA = 0.75;
const f = (t: Value) => N.softshrink(t, LAMBDA);

/** Reverse and forward mode at a point: they must agree exactly. */
function derivative(x: number, policy: KinkPolicy): number {
  const r = grad(f, x, { policy });
  expect(jvp(f, x, 1, { policy }).tangent).toBe(r);
  return r;
}

describe("softshrink", () => {
  it("values: x - λ sign(x) off [-λ, λ], 0 on it", () => {
    expect(N.valueOf(N.softshrink(N.tensor([-2, -0.75, -0.5, 0, 0.5, 0.75, 2]), LAMBDA)).toArray()).toEqual([
      -1.25, 0, 0, 0, 0, 0, 1.25,
    ]);
    expect(N.valueOf(N.softshrink(N.tensor([-1, 1]))).toArray()).toEqual([-0.5, 0.5]); // λ = 0.5 by default, as PyTorch
  });

  it("the Clarke set at ±λ is [0, 1]: the interval between the one-sided derivatives", () => {
    for (const x of [-LAMBDA, LAMBDA]) expect(N.clarkeInterval(f, x).interval).toEqual([0, 1]);
    expect(N.directionalDerivative(f, LAMBDA, 1)).toBe(1);
    expect(N.directionalDerivative(f, LAMBDA, -1)).toBe(0);
    expect(N.directionalDerivative(f, -LAMBDA, -1)).toBe(-1); // slope 1 times the direction -1
    expect(N.directionalDerivative(f, -LAMBDA, 1)).toBe(0);
  });

  it("each bound takes its own policy choice, in both modes", () => {
    const p = policies.custom({ softshrink: { lower: 0.25, upper: 1 } });
    expect([derivative(-LAMBDA, p), derivative(LAMBDA, p)]).toEqual([0.25, 1]);
    const q = policies.custom({ softshrink: 0.5 });
    expect([derivative(-LAMBDA, q), derivative(LAMBDA, q)]).toEqual([0.5, 0.5]);
    for (const name of ["pytorch", "jax", "tensorflow", "tfjs"] as const)
      expect([derivative(-LAMBDA, presets[name]), derivative(LAMBDA, presets[name])]).toEqual([0, 0]);
  });

  it("the random policy draws in [0, 1] at each bound, the same draw in both modes; per-application choices use softshrink.lower / .upper", () => {
    const r = policies.random(3);
    for (const x of [-LAMBDA, LAMBDA]) {
      const g = derivative(x, r);
      expect(g).toBeGreaterThanOrEqual(0);
      expect(g).toBeLessThanOrEqual(1);
    }
    const keys: string[] = [];
    const per = policies.perKink(
      presets.pytorch,
      (s) => (keys.push(s.key), s.key === "softshrink.upper" ? 0.75 : undefined),
    );
    expect(derivative(LAMBDA, per)).toBe(0.75);
    expect(derivative(-LAMBDA, per)).toBe(0);
    expect(new Set(keys)).toEqual(new Set(["softshrink.lower", "softshrink.upper"]));
    const bad = policies.perKink(presets.pytorch, () => 2);
    expect(() => grad(f, LAMBDA, { policy: bad })).toThrow(
      "policy perKink(pytorch): the choice 2 for softshrink.upper is outside the Clarke set: allowed range is [0, 1]",
    );
  });

  it("a vector at both kinks: the extreme choices span the square [0, 1]^2, the report counts two hits", () => {
    const g = (v: Value) => N.sum(N.softshrink(v, LAMBDA));
    const x = [-LAMBDA, LAMBDA, 2];
    expect(N.allChoicesField(g)(x).generators.length).toBe(4);
    expect(jacobian(g, x, { mode: "forward" }).toFlat()).toEqual(grad(g, x) as number[]);
    const r = kinkReport(g, x, { policy: presets.jax });
    expect(r.byKey.softshrink).toBe(2);
    expect(r.entries[0].choice).toBe("softshrink lower = 0, upper = 0");
    expect(r.outsideClarke).toEqual([]);
  });

  it("policies.custom refuses a choice outside [0, 1] and an unknown bound; the op refuses a bad λ", () => {
    expect(() => policies.custom({ softshrink: 2 })).toThrow(
      "policies.custom: softshrink = 2 is outside the Clarke set: allowed range is [0, 1]",
    );
    expect(() => policies.custom({ softshrink: { upper: -0.5 } })).toThrow(
      "policies.custom: softshrink.upper = -0.5 is outside the Clarke set: allowed range is [0, 1]",
    );
    expect(() => N.softshrink(1, 0)).toThrow("softshrink: lambda must be a positive finite number, got 0");
    expect(() => N.softshrink(1, NaN)).toThrow("softshrink: lambda must be a positive finite number, got NaN");
  });

  it("the artificial critical point search finds the kinks at ±λ by bisection and judges them by the Clarke set", () => {
    // t -> softshrink(t) - t/2 has Clarke set [-1/2, 1/2] at ±λ, which contains 0: genuine, not artificial
    const h = (t: Value) => N.sub(f(t), N.mul(0.5, t));
    const r = N.findArtificialCriticalPoints(h, N.allChoicesField(h), { interval: [-1.3, 1.1], points: 7 });
    expect(r.genuine.map((p) => p.x[0])).toEqual([-LAMBDA, LAMBDA]);
    expect(r.artificial).toEqual([]);
  });
});
