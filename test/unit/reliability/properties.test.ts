// Issue 15, standing checks: property tests over random programs (fast-check, seeded). Each kind of check is a
// named function that throws an AssertionError, run on the random programs (the claim) and once on a
// counterexample built to violate it (its negative control), whose failure is asserted.
//  - at smooth points, forward mode, reverse mode and central differences agree;
//  - at smooth points of smooth programs, hvp agrees with central differences of grad;
//  - at kinks, forward and reverse pick the same element under per-application random policies (the presets,
//    random and custom policies are covered in test/unit/engine/forward-reverse.test.ts);
//  - the lexicographic derivative of a 1-D piecewise-linear program lies in its exact Clarke interval, the hull
//    of the one-sided derivatives (Clarke 1983, for piecewise-smooth functions of one variable).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import * as m from "../../../src";
import {
  AssertionError,
  assertFails,
  evaluate,
  grad,
  hvp,
  jacobian,
  keyedUniform,
  lexicographicGradient,
  policies,
  CLARKE_RANGES,
} from "../../../src";
import type { KinkPolicy, KinkSlot, Value } from "../../../src";
import { FINITE_UNARY, exprArb, gridPoint, interpret, realPoint, show } from "../engine/programs";
import type { Expr } from "../engine/programs";

const close = (a: number, b: number, tol: number): boolean =>
  a === b || Math.abs(a - b) <= tol * (1 + Math.max(Math.abs(a), Math.abs(b)));

function check(ok: boolean, what: string): void {
  if (!ok) throw new AssertionError(what);
}

/** f(x) as a flat array. */
const valueAt = (f: (v: Value) => Value, x: number[]): number[] => evaluate(f, x).value.toFlat();

/** Central differences of f at x with step h: one column per input. */
function centralJacobian(f: (v: Value) => Value, x: number[], h: number): number[][] {
  return x.map((_, j) => {
    const xp = [...x];
    const xm = [...x];
    xp[j] += h;
    xm[j] -= h;
    const a = valueAt(f, xp);
    const b = valueAt(f, xm);
    return a.map((v, k) => (v - b[k]) / (2 * h));
  });
}

/** The claim at a smooth point: forward = reverse (to rounding) = central differences (to 1e-5). */
function modesAndDifferencesAgree(f: (v: Value) => Value, x: number[], label: string): void {
  const fwd = jacobian(f, x, { mode: "forward" }).toFlat();
  const rev = jacobian(f, x, { mode: "reverse" }).toFlat();
  const cols = centralJacobian(f, x, 1e-6);
  const n = x.length;
  fwd.forEach((v, i) => {
    check(close(v, rev[i], 1e-12), `${label}: forward ${v} vs reverse ${rev[i]} at entry ${i}`);
    const fd = cols[i % n][Math.floor(i / n)];
    check(close(v, fd, 1e-5), `${label}: AD ${v} vs central difference ${fd} at entry ${i}`);
  });
}

/**
 * A point where the program is smooth, as far as the check can see: no kink hit, and along each axis the forward
 * and backward differences with step 1e-4 agree (a kink within 1e-4 along the axis would make them differ), so
 * central differences with step 1e-6 cross no kink.
 */
function smoothAt(f: (v: Value) => Value, x: number[]): boolean {
  if (evaluate(f, x).kinks.total > 0) return false;
  const h = 1e-4;
  const f0 = valueAt(f, x);
  return x.every((_, j) => {
    const xp = [...x];
    const xm = [...x];
    xp[j] += h;
    xm[j] -= h;
    const a = valueAt(f, xp);
    const b = valueAt(f, xm);
    return a.every((v, k) => Number.isFinite(v) && close((v - f0[k]) / h, (f0[k] - b[k]) / h, 1e-2));
  });
}

/**
 * Points uniform in [-2, 2]^3 (not fast-check's doubles, which favour 0 and subnormals: a program can be smooth
 * in a ball of radius 1e-323 only, where no difference quotient sees its derivative).
 */
const uniformPoint = fc.integer({ min: 0, max: 2 ** 31 }).map((seed) => {
  const r = new m.Rng(seed);
  return [r.uniform(-2, 2), r.uniform(-2, 2), r.uniform(-2, 2)];
});

describe("standing check: forward, reverse and central differences agree at smooth points", () => {
  it("on random programs at random points", () => {
    let checked = 0;
    fc.assert(
      fc.property(exprArb(4, FINITE_UNARY), uniformPoint, (e, x) => {
        const f = (v: Value) => interpret(e, v);
        fc.pre(smoothAt(f, x));
        checked++;
        modesAndDifferencesAgree(f, x, `${show(e)} at [${x}]`);
      }),
      { numRuns: 200, seed: 151 },
    );
    expect(checked).toBeGreaterThan(100);
  });
  it("negative control: at a kink (relu at 0) AD and central differences disagree, and the check says so", () => {
    const why = assertFails(() => modesAndDifferencesAgree((v) => m.sum(m.relu(v)), [0, 1], "relu at [0, 1]"));
    expect(why).toMatch(/^relu at \[0, 1\]: AD 0 vs central difference 0\.49999/);
  });
});

/** Smooth programs only (no kink anywhere): sums, products and smooth unary ops of x. */
type Smooth =
  | { op: "x" }
  | { op: "c"; v: number }
  | { op: "sin" | "tanh" | "square" | "softplus" | "mix"; a: Smooth }
  | { op: "add" | "mul" | "sub"; a: Smooth; b: Smooth };
const smoothArb: fc.Arbitrary<Smooth> = fc.letrec<{ s: Smooth }>((tie) => ({
  s: fc.oneof(
    { maxDepth: 4, depthSize: "small" },
    fc.constant<Smooth>({ op: "x" }),
    fc.integer({ min: -4, max: 4 }).map((k): Smooth => ({ op: "c", v: k / 4 })),
    fc.record({
      op: fc.constantFrom("sin" as const, "tanh" as const, "square" as const, "softplus" as const, "mix" as const),
      a: tie("s"),
    }) as fc.Arbitrary<Smooth>,
    fc.record({
      op: fc.constantFrom("add" as const, "mul" as const, "sub" as const),
      a: tie("s"),
      b: tie("s"),
    }) as fc.Arbitrary<Smooth>,
  ),
})).s;
const MIX = m.tensor([
  [0.5, -1, 0.25],
  [1, 0.5, 0],
  [0, -0.5, 1],
]);
function runSmooth(e: Smooth, x: Value): Value {
  switch (e.op) {
    case "x":
      return x;
    case "c":
      return e.v;
    case "mix":
      return m.matmul(MIX, m.add(m.mul(runSmooth(e.a, x), 0), x));
    case "add":
    case "mul":
    case "sub":
      return m[e.op](runSmooth(e.a, x), runSmooth(e.b, x));
    default:
      return m[e.op](runSmooth(e.a, x));
  }
}

/** The claim: H(x) v equals (grad f(x + h v) - grad f(x - h v)) / 2h to 1e-5. */
function hvpMatchesGradDifferences(f: (v: Value) => Value, x: number[], v: number[], label: string): void {
  const h = 1e-5;
  const Hv = hvp(f, x, v) as number[];
  const gp = grad(
    f,
    x.map((xi, i) => xi + h * v[i]),
  ) as number[];
  const gm = grad(
    f,
    x.map((xi, i) => xi - h * v[i]),
  ) as number[];
  Hv.forEach((a, i) =>
    check(
      close(a, (gp[i] - gm[i]) / (2 * h), 1e-5),
      `${label}: hvp ${a} vs difference of grad ${(gp[i] - gm[i]) / (2 * h)} at entry ${i}`,
    ),
  );
}

describe("standing check: hvp agrees with differences of grad on smooth programs", () => {
  it("on random smooth programs, points and directions", () => {
    fc.assert(
      fc.property(smoothArb, realPoint, realPoint, (e, x, v) => {
        const f = (t: Value) => m.sum(runSmooth(e, t));
        hvpMatchesGradDifferences(f, x, v, `sum(${JSON.stringify(e)}) at [${x}] along [${v}]`);
      }),
      { numRuns: 150, seed: 152 },
    );
  });
  it("negative control: at a kink (|x| at 0, outside the hypothesis) hvp and differences of grad disagree", () => {
    const f = (t: Value) => m.sum(m.abs(t));
    expect(assertFails(() => hvpMatchesGradDifferences(f, [0, 1, 2], [1, 0, 0], "|x| at 0"))).toMatch(
      /^\|x\| at 0: hvp 0 vs difference of grad 99999\.99/,
    );
  });
});

/** A per-application random policy: every kink hit takes its own element of its Clarke set, keyed by its place. */
function perApplicationPolicy(seed: number): KinkPolicy {
  const ranges = CLARKE_RANGES as Readonly<Record<string, readonly [number, number]>>;
  return policies.perKink(policies.pytorch, (s: KinkSlot) => {
    const u = keyedUniform(seed, s.node, s.element, s.key.length);
    if (s.ties !== undefined) return Math.min(s.ties - 1, Math.floor(u * s.ties));
    const base = s.key.endsWith(".lower") || s.key.endsWith(".upper") ? s.key.slice(0, s.key.lastIndexOf(".")) : s.key;
    if (base !== s.key) return u; // bounds: [0, 1]
    const r = ranges[base];
    return r ? r[0] + (r[1] - r[0]) * u : undefined;
  });
}

/** The claim at a kink: forward and reverse Jacobians are the same element (to rounding). */
function modesPickTheSameElement(fwd: number[], rev: number[], label: string): void {
  fwd.forEach((a, i) => check(close(a, rev[i], 1e-12), `${label}: forward ${a} vs reverse ${rev[i]} at entry ${i}`));
}

describe("standing check: at kinks, forward and reverse pick the same element under per-application random policies", () => {
  it("on random programs at half-integer points", () => {
    fc.assert(
      fc.property(exprArb(4, FINITE_UNARY), gridPoint, fc.integer({ min: 0, max: 2 ** 31 }), (e: Expr, x, seed) => {
        const f = (v: Value) => interpret(e, v);
        const p = perApplicationPolicy(seed);
        const fwd = jacobian(f, x, { policy: p, mode: "forward" }).toFlat();
        const rev = jacobian(f, x, { policy: p, mode: "reverse" }).toFlat();
        modesPickTheSameElement(fwd, rev, `${show(e)} at [${x}] under perKink(${seed})`);
      }),
      { numRuns: 250, seed: 153 },
    );
  });
  it("negative control: two different elements (relu'(0) = 0 and 1) are told apart", () => {
    const f = (v: Value) => m.relu(v);
    const a = jacobian(f, [0], { policy: policies.reluAt(0) }).toFlat();
    const b = jacobian(f, [0], { policy: policies.reluAt(1), mode: "forward" }).toFlat();
    expect(assertFails(() => modesPickTheSameElement(a, b, "relu at 0"))).toBe(
      "relu at 0: forward 0 vs reverse 1 at entry 0",
    );
  });
});

/** 1-D piecewise-linear programs: relu, abs, max and min of affine pieces of t, with half-integer coefficients. */
type PL =
  | { op: "t" }
  | { op: "c"; v: number }
  | { op: "relu" | "abs" | "neg"; a: PL }
  | { op: "scale"; k: number; a: PL }
  | { op: "add" | "sub" | "maximum" | "minimum"; a: PL; b: PL };
const plArb: fc.Arbitrary<PL> = fc.letrec<{ p: PL }>((tie) => ({
  p: fc.oneof(
    { maxDepth: 5, depthSize: "small" },
    fc.constant<PL>({ op: "t" }),
    fc.integer({ min: -4, max: 4 }).map((k): PL => ({ op: "c", v: k / 2 })),
    fc.record({
      op: fc.constantFrom("relu" as const, "abs" as const, "neg" as const),
      a: tie("p"),
    }) as fc.Arbitrary<PL>,
    fc.record({
      op: fc.constant("scale" as const),
      k: fc.integer({ min: -4, max: 4 }).map((k) => k / 2),
      a: tie("p"),
    }) as fc.Arbitrary<PL>,
    fc.record({
      op: fc.constantFrom("add" as const, "sub" as const, "maximum" as const, "minimum" as const),
      a: tie("p"),
      b: tie("p"),
    }) as fc.Arbitrary<PL>,
  ),
})).p;
function runPL(e: PL, t: Value): Value {
  switch (e.op) {
    case "t":
      return t;
    case "c":
      return m.add(m.mul(t, 0), e.v);
    case "scale":
      return m.mul(runPL(e.a, t), e.k);
    case "relu":
    case "abs":
    case "neg":
      return m[e.op](runPL(e.a, t));
    default:
      return m[e.op](runPL(e.a, t), runPL(e.b, t));
  }
}

/** The claim: a derivative at t lies in [min(l, r), max(l, r)], l and r the exact one-sided derivatives. */
function inClarkeInterval(f: (t: Value) => Value, t: number, d: number, label: string): void {
  const h = 2 ** -20; // breakpoints of these programs are dyadic with small denominators: farther than h from t or at t
  const at = (s: number): number => evaluate(f, s).value.item();
  const right = (at(t + h) - at(t)) / h;
  const left = (at(t) - at(t - h)) / h;
  const lo = Math.min(left, right);
  const hi = Math.max(left, right);
  check(d >= lo - 1e-9 && d <= hi + 1e-9, `${label}: ${d} is outside the Clarke interval [${lo}, ${hi}]`);
}

describe("standing check: lexicographic derivatives lie in the exact 1-D Clarke interval", () => {
  it("on random piecewise-linear programs at half-integer points (kinks frequent)", () => {
    let atKinks = 0;
    fc.assert(
      fc.property(
        plArb,
        fc.integer({ min: -4, max: 4 }).map((k) => k / 2),
        (e, t) => {
          const f = (s: Value) => runPL(e, s);
          if (evaluate(f, t).kinks.total > 0) atKinks++;
          inClarkeInterval(f, t, lexicographicGradient(f, t), `${JSON.stringify(e)} at ${t}`);
        },
      ),
      { numRuns: 300, seed: 154 },
    );
    expect(atKinks).toBeGreaterThan(25);
  });
  it("negative control: formal AD of relu(t) - relu(-t) (= t) at 0 under relu'(0) = 0 gives 0, outside {1}", () => {
    const f = (s: Value) => m.sub(m.relu(s), m.relu(m.neg(s)));
    expect(lexicographicGradient(f, 0)).toBe(1);
    const ad = grad(f, 0, { policy: policies.pytorch });
    expect(assertFails(() => inClarkeInterval(f, 0, ad, "AD of relu(t) - relu(-t) at 0"))).toBe(
      "AD of relu(t) - relu(-t) at 0: 0 is outside the Clarke interval [1, 1]",
    );
  });
});
