// Tier 3: forward and reverse mode agree on random programs (fast-check expression trees over the primitives,
// smooth and nonsmooth mixed) at random points, kinks included (half-integer grids give exact zeros and ties),
// under every preset, custom policies and random policies. Both modes are built from the same partials, so the
// Jacobians must agree to rounding: within 1e-12 relative, with an absolute floor of 1e-12.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import * as N from "../../../src";
import { evaluate, jacobian, jvp, policies, presets, vjp } from "../../../src";
import type { KinkPolicy } from "../../../src";
import { FINITE_UNARY, exprArb, gridPoint, interpret, realPoint, show } from "./programs";
import type { Expr } from "./programs";

/** Tolerances: float64 to 1e-12; float32 and float16 sum in different orders in the two modes, so to rounding. */
const TOL = { float64: 1e-12, float32: 1e-5, float16: 3e-2 } as const;

function agree(a: number, b: number, tol: number = TOL.float64): boolean {
  if (Object.is(a, b) || a === b) return true;
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  return Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b)) + tol;
}

/** True when the program hits the NaN norm gradient (JAX, tfjs presets): such programs are checked separately. */
function hitsNaNNorm(e: Expr, x: number[], policy: KinkPolicy): boolean {
  return (
    policy.norm === "nan" &&
    policy.randomSeed === undefined &&
    (evaluate((v: any) => interpret(e, v), x).kinks.byKey.norm ?? 0) > 0
  );
}

function check(
  e: Expr,
  x: number[],
  policy: KinkPolicy,
  precision: "float64" | "float32" | "float16" = "float64",
): void {
  const f = (v: any) => interpret(e, v);
  if (hitsNaNNorm(e, x, policy)) return;
  const fwd = jacobian(f, x, { policy, precision, mode: "forward" }).toFlat();
  const rev = jacobian(f, x, { policy, precision, mode: "reverse" }).toFlat();
  if (fwd.length !== rev.length) throw new Error(`sizes differ: ${fwd.length} vs ${rev.length}`);
  for (let i = 0; i < fwd.length; i++) {
    if (!agree(fwd[i], rev[i], TOL[precision])) {
      throw new Error(
        `${show(e)} at [${x}] under ${policy.name} (${precision}): forward ${fwd[i]} vs reverse ${rev[i]} at entry ${i}\nforward ${fwd}\nreverse ${rev}`,
      );
    }
  }
}

const policyArb: fc.Arbitrary<KinkPolicy> = fc.oneof(
  fc.constantFrom(...Object.values(presets)),
  fc.integer({ min: 0, max: 1_000_000 }).map((s) => policies.random(s)),
  fc
    .record({
      relu: fc.double({ min: 0, max: 1, noNaN: true }),
      abs: fc.double({ min: -1, max: 1, noNaN: true }),
      maximum: fc.double({ min: 0, max: 1, noNaN: true }),
      minimum: fc.double({ min: 0, max: 1, noNaN: true }),
      hinge: fc.double({ min: -1, max: 0, noNaN: true }),
      leakyRelu: fc.double({ min: 0, max: 1, noNaN: true }),
      clip: fc.double({ min: 0, max: 1, noNaN: true }),
      maxTies: fc.constantFrom("split" as const, "first" as const, "last" as const),
      minTies: fc.constantFrom("split" as const, "first" as const, "last" as const),
    })
    .map((o) => policies.custom(o)),
);

describe("tier 3: forward and reverse Jacobians agree on random programs", () => {
  for (const name of Object.keys(presets) as (keyof typeof presets)[]) {
    it(`at kinks (half-integer grid) under ${name}`, () => {
      fc.assert(
        fc.property(exprArb(4, FINITE_UNARY), gridPoint, (e, x) => check(e, x, presets[name])),
        { numRuns: 300, seed: 11 + name.length },
      );
    });
  }
  it("at kinks under random and custom policies", () => {
    fc.assert(
      fc.property(exprArb(4, FINITE_UNARY), gridPoint, policyArb, (e, x, p) => check(e, x, p)),
      { numRuns: 400, seed: 5 },
    );
  });
  it("at random points under random policies", () => {
    fc.assert(
      fc.property(exprArb(4, FINITE_UNARY), realPoint, policyArb, (e, x, p) => check(e, x, p)),
      { numRuns: 300, seed: 6 },
    );
  });
  it("in float32 and float16 arithmetic, at kinks", () => {
    fc.assert(
      fc.property(
        exprArb(3, FINITE_UNARY),
        gridPoint,
        policyArb,
        fc.constantFrom("float32" as const, "float16" as const),
        (e, x, p, prec) => check(e, x, p, prec),
      ),
      { numRuns: 200, seed: 8 },
    );
  });
  it("the generator does hit kinks (a sanity check of the property's reach)", () => {
    let withKinks = 0;
    fc.assert(
      fc.property(exprArb(4, FINITE_UNARY), gridPoint, (e, x) => {
        const f = (v: any) => interpret(e, v);
        const { kinks } = evaluate(f, x);
        if (kinks.total > 0) withKinks++;
      }),
      { numRuns: 200, seed: 9 },
    );
    if (withKinks < 80) throw new Error(`only ${withKinks} of 200 programs hit a kink`);
    console.log(`${withKinks} of 200 generated programs hit a kink at a grid point`);
  });
});

// Non-finite partials: sqrt'(0) = +inf and the NaN norm gradient of the JAX and tfjs presets. A Jacobian entry of
// an output that does not depend on an input is 0; the linear maps multiply partials by tangents and cotangents
// elementwise, so a zero tangent (or cotangent) element meeting an infinite or NaN partial gives NaN (0 * inf),
// and forward and reverse mode used to put those NaNs in different entries; the engine forms strong-zero products.
describe("tier 3: forward and reverse agree when partials are not finite (sqrt at 0, NaN norm)", () => {
  it("jacobian of sqrt at [0, 1]: [[inf, 0], [0, 0.5]] in both modes", () => {
    const expected = [Infinity, 0, 0, 0.5];
    expect(jacobian(N.sqrt, [0, 1], { mode: "reverse" }).toFlat()).toEqual(expected);
    expect(jacobian(N.sqrt, [0, 1], { mode: "forward" }).toFlat()).toEqual(expected);
  });
  it("vjp of sqrt at [0, 1] with cotangent [0, 1] is [0, 0.5]: no 0 * inf", () => {
    expect(vjp(N.sqrt, [0, 1], [0, 1]).vjp).toEqual([0, 0.5]);
    expect((jvp(N.sqrt, [0, 1], [0, 1]).tangent as N.Tensor).toFlat()).toEqual([0, 0.5]);
  });
  it("norm of x[0] at 0 under jax: the NaN gradient makes the derivative of the input that reaches it NaN, in both modes", () => {
    // JAX itself gives [NaN, NaN, NaN] in forward mode (NaN · 0) and [NaN, 0, 0] in reverse mode; here both modes
    // give the derivative of an input upstream of a NaN norm as NaN, whatever cancels on the way (see norm(v - v))
    const f = (v: any) => N.norm(N.at(v, 0));
    const rev = jacobian(f, [0, 0, 0], { policy: policies.jax }).toFlat();
    const fwd = jacobian(f, [0, 0, 0], { policy: policies.jax, mode: "forward" }).toFlat();
    expect(rev).toEqual([NaN, NaN, NaN]);
    expect(fwd).toEqual([NaN, NaN, NaN]);
    expect(jacobian(f, [0, 0, 0], { policy: policies.pytorch, mode: "forward" }).toFlat()).toEqual([0, 0, 0]);
  });
  it("random programs with sqrt(|.|) and norms, at kinks, under every preset", () => {
    fc.assert(
      fc.property(exprArb(3), gridPoint, fc.constantFrom(...Object.values(presets)), (e, x, p) => {
        const f = (v: any) => interpret(e, v);
        const fwd = jacobian(f, x, { policy: p, mode: "forward" }).toFlat();
        const rev = jacobian(f, x, { policy: p, mode: "reverse" }).toFlat();
        fwd.forEach((a, i) => {
          if (!agree(a, rev[i]))
            throw new Error(`${show(e)} at [${x}] under ${p.name}: forward ${fwd} vs reverse ${rev}`);
        });
      }),
      { numRuns: 300, seed: 12 },
    );
  });
});
