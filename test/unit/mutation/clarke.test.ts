// The Clarke subdifferential tools (src/analysis/clarke.ts): the exact interval of a function of one variable
// (between its one-sided derivatives) and the sampled estimate, with its options, its counts and its refusals.
// Exact values at kinks only; each "critical" claim next to a point that is not.
import { describe, expect, it } from "vitest";
import {
  abs,
  add,
  at,
  clarkeInterval,
  clarkeSubdifferential,
  grad,
  mul,
  neg,
  norm,
  policies,
  relu,
  sqrt,
  sub,
} from "../../../src";
import type { Value } from "../../../src";

describe("clarkeInterval: [min, max] of the one-sided derivatives, and its distance to 0", () => {
  it("an interval to the right of 0: the distance is its lower end", () => {
    const c = clarkeInterval((t: Value) => add(mul(2, t), abs(t)), 0); // 3 on the right, 1 on the left
    expect(c).toEqual({ left: 1, right: 3, interval: [1, 3], distance: 1, critical: false });
  });
  it("an interval to the left of 0: the distance is minus its upper end", () => {
    const c = clarkeInterval((t: Value) => sub(abs(t), mul(3, t)), 0); // -2 on the right, -4 on the left
    expect(c).toEqual({ left: -4, right: -2, interval: [-4, -2], distance: 2, critical: false });
  });
  it("a concave kink: the left derivative above the right one, 0 inside, critical", () => {
    const c = clarkeInterval((t: Value) => neg(abs(t)), 0);
    expect(c).toEqual({ left: 1, right: -1, interval: [-1, 1], distance: 0, critical: true });
  });
  it("an interval ending at 0 has distance +0 and is critical", () => {
    const c = clarkeInterval((t: Value) => relu(neg(t)), 0); // -1 on the left, 0 on the right
    expect(c.interval).toEqual([-1, 0]);
    expect(Object.is(c.distance, 0) && c.critical).toBe(true);
  });
  it("one-sided derivatives of 0 are +0, not -0", () => {
    const c = clarkeInterval((t: Value) => relu(neg(t)), 1);
    expect(Object.is(c.left, 0) && Object.is(c.right, 0)).toBe(true);
  });
  it("refuses a point that is not a finite number", () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, "0"]) {
      expect(() => clarkeInterval(abs, bad as number)).toThrow(
        `clarkeInterval: x must be a finite number (a function of one variable), got ${String(bad)}`,
      );
    }
  });
});

describe("clarkeSubdifferential: options and counts", () => {
  it("samples 50 gradients in 1-D, 200 in 2-D, 100 n above; only 1-D has an interval and only 2-D a polygon", () => {
    const c1 = clarkeSubdifferential(abs, 0);
    const c2 = clarkeSubdifferential((v: Value) => abs(at(v, 0)), [0, 1]);
    const c3 = clarkeSubdifferential((v: Value) => abs(at(v, 0)), [0, 1, 2]);
    expect([c1.gradients.length, c2.gradients.length, c3.gradients.length]).toEqual([50, 200, 300]);
    expect([c1.interval !== undefined, c2.interval !== undefined, c3.interval !== undefined]).toEqual([
      true,
      false,
      false,
    ]);
    expect([c1.polygon !== undefined, c2.polygon !== undefined, c3.polygon !== undefined]).toEqual([
      false,
      true,
      false,
    ]);
    expect(c3.dimension).toBe(3);
    expect(clarkeSubdifferential(abs, 0, { samples: 7 }).gradients.length).toBe(7);
  });
  it("a smooth point: exact by default, sampled on request (then not exact), never critical when the gradient is not 0", () => {
    const f = (t: Value) => mul(3, t);
    const exact = clarkeSubdifferential(f, 0.5);
    expect([exact.exact, exact.gradients, exact.critical, exact.distance]).toEqual([true, [[3]], false, 3]);
    const sampled = clarkeSubdifferential(f, 0.5, { exactWhenSmooth: false, samples: 5 });
    expect([sampled.exact, sampled.gradients.length, sampled.interval]).toEqual([false, 5, [3, 3]]);
    expect(clarkeSubdifferential(f, 0.5, { exactWhenSmooth: true }).exact).toBe(true);
  });
  it("critical up to the tolerance: the distance is compared with it, bound included", () => {
    const f = (t: Value) => mul(1e-3, t);
    expect(clarkeSubdifferential(f, 0.5).critical).toBe(false);
    expect(clarkeSubdifferential(f, 0.5, { tolerance: 1e-3 }).critical).toBe(true);
  });
  it("adValue is the policy's AD value at the point", () => {
    expect(clarkeSubdifferential(abs, 0, { policy: policies.jax }).adValue).toEqual([1]);
    expect(clarkeSubdifferential(abs, 0, { policy: policies.tfjs }).adValue).toEqual([-1]);
    expect(clarkeSubdifferential(abs, 0).adValue).toEqual([grad(abs, 0)]);
  });
  it("a kink set with interior: every sample hits a kink and contributes its lexicographic derivative", () => {
    const f = (t: Value) => add(relu(sub(t, t)), t); // relu(0) everywhere: a kink hit at every point
    const c = clarkeSubdifferential(f, 0.5, { samples: 10 });
    expect([c.kinkSamples, c.discarded, c.interval]).toEqual([10, 0, [1, 1]]);
    expect(clarkeSubdifferential(abs, 0, { samples: 10 }).kinkSamples).toBe(0);
  });
  it("a kink set with interior and no lexicographic rule: the samples are discarded, then a clear error", () => {
    const f = (v: Value) => add(norm(sub(v, v)), at(v, 0)); // the norm at 0 at every point
    expect(() => clarkeSubdifferential(f, [0.5, 0.5], { samples: 1 })).toThrow(
      "clarkeSubdifferential: 120 of 120 sampled points hit a kink and the program has no lexicographic rule: the ball of radius 0.000001 seems to lie in a kink set; try another radius",
    );
  });
  it("refuses a radius or a sample count out of range, and a gradient past maxGradient", () => {
    for (const radius of [0, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => clarkeSubdifferential(abs, 0, { radius })).toThrow(
        `clarkeSubdifferential: radius must be a positive finite number, got ${radius}`,
      );
    }
    for (const samples of [0, 1.5]) {
      expect(() => clarkeSubdifferential(abs, 0, { samples })).toThrow(
        `clarkeSubdifferential: samples must be a positive integer, got ${samples}`,
      );
    }
    expect(() => clarkeSubdifferential((t: Value) => mul(10, t), 1, { maxGradient: 10 })).not.toThrow();
    expect(() => clarkeSubdifferential((t: Value) => mul(10, t), 1, { maxGradient: 9 })).toThrow(
      "clarkeSubdifferential: f does not look locally Lipschitz near [1]: gradient [10] (norm 10) at [1] exceeds maxGradient = 9",
    );
  });
  it("the default radius scales with the point: samples stay within 1e-6 max(1, |x|) of it", () => {
    const f = (t: Value) => mul(t, t); // f'(y) = 2y: the sampled gradients tell where the samples were
    const far = clarkeSubdifferential(f, 1e3, { exactWhenSmooth: false, samples: 50 });
    const spread = Math.max(...far.gradients.map((g) => Math.abs(g[0] - 2e3)));
    expect(spread).toBeLessThanOrEqual(2 * 1e-3 + 1e-9);
    expect(spread).toBeGreaterThan(2 * 1e-3 * 0.5); // of the order of the radius, not of 1e-6
  });
  it("the samples are uniform in the ball: a quarter of them within half the radius in 2-D", () => {
    // f = |v|^2 / 2 has gradient v: the sampled gradients are the sampled points
    const f = (v: Value) => mul(0.5, add(mul(at(v, 0), at(v, 0)), mul(at(v, 1), at(v, 1))));
    const c = clarkeSubdifferential(f, [1, 0], { exactWhenSmooth: false, samples: 400, radius: 1e-3 });
    const dist = c.gradients.map((g) => Math.hypot(g[0] - 1, g[1]));
    expect(Math.max(...dist)).toBeLessThanOrEqual(1e-3 * (1 + 1e-9));
    const inner = dist.filter((d) => d < 0.5e-3).length / dist.length; // area ratio 1/4 for uniform points
    expect(inner).toBeGreaterThan(0.15);
    expect(inner).toBeLessThan(0.35);
  });
  it("an unknown option is refused by name; the known ones are accepted", () => {
    expect(() => clarkeSubdifferential(abs, 0, { radious: 1 } as unknown as { radius: number })).toThrow(
      /^clarkeSubdifferential: unknown option "radious": the options are "radius", "samples", "seed", "policy"/,
    );
  });
  it("a point where f is not locally Lipschitz: every such kink named, with the point", () => {
    const f = (v: Value) => add(sqrt(abs(at(v, 0))), sqrt(abs(at(v, 1))));
    expect(() => clarkeSubdifferential(f, [0, 0])).toThrow(
      /^clarkeSubdifferential: f is not locally Lipschitz at \[0, 0\]: sqrt: [^;]+; sqrt: [^;]+; the Clarke subdifferential is only defined for locally Lipschitz functions$/,
    );
  });
});
