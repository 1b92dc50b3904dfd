import { describe, it, expect } from "vitest";
import {
  nonsmoothNewton,
  implicitJacobian,
  policies,
  minimum,
  maximum,
  sub,
  add,
  mul,
  at,
  square,
  relu,
  softshrink,
  jacobian,
  reshape,
  concat,
  lexicographicJacobian,
  abs,
} from "../../../src";
import type { Value } from "../../../src";

/** min(x, G(x)) with G(x) = 2 - x - (x - 1)^2: a tie at x = 1 where G'(1) = -1; the root x* = golden ratio. */
const G = (x: Value) => sub(sub(2, x), square(sub(x, 1)));
const F1 = (v: Value) => minimum(at(v, 0), G(at(v, 0)));
const PHI = (1 + Math.sqrt(5)) / 2;

describe("nonsmooth Newton", () => {
  it("converges quadratically from the kink with the lexicographic Jacobian", () => {
    const r = nonsmoothNewton(F1, [1], { solution: [PHI] });
    expect(r.converged).toBe(true);
    const e = r.errors!;
    expect(e[e.length - 1]).toBeLessThan(1e-12);
    // quadratic: e_{k+1} <= C e_k^2 once close
    for (let k = 2; k + 1 < e.length && e[k + 1] > 1e-15; k++) expect(e[k + 1]).toBeLessThan(2 * e[k] ** 2);
  });

  it("the piecewise-linear model's active Jacobian gives the same iterates", () => {
    const a = nonsmoothNewton(F1, [1]);
    const b = nonsmoothNewton(F1, [1], { jacobian: "piecewise-linear" });
    expect(b.iterates).toEqual(a.iterates);
  });

  it("fails at the kink with AD under PyTorch's tie rule (a singular average), with a clear error", () => {
    expect(() => nonsmoothNewton(F1, [1], { jacobian: { policy: policies.pytorch } })).toThrow(
      /the AD \(pytorch\) Jacobian is singular at iteration 0 \(x = \[1\], J = \[\[0\]\]\)/,
    );
    // TensorFlow gives the tie to x: J = 1, a Clarke element, but the step lands on the other root 0
    const tf = nonsmoothNewton(F1, [1], { jacobian: { policy: policies.tensorflow } });
    expect(tf.x).toEqual([0]);
  });

  it("solves a 2-D complementarity problem and reports stalls and bad input", () => {
    const F = (v: Value) => {
      const x = at(v, 0),
        y = at(v, 1);
      return concat(
        [minimum(x, sub(add(mul(2, x), y), 1)), minimum(y, sub(add(x, mul(3, y)), 2))].map((t) => reshape(t, [1])),
      );
    };
    const r = nonsmoothNewton(F, [1, 1]);
    expect(r.converged).toBe(true);
    const capped = nonsmoothNewton(F1, [1], { maxIterations: 1 });
    expect(capped.converged).toBe(false);
    expect(capped.iterations).toBe(1);
    expect(() => nonsmoothNewton(F1, [1, 2])).toThrow(/R\^n to R\^n/);
    expect(() => nonsmoothNewton(F1, [NaN])).toThrow(/x0/);
    expect(() => nonsmoothNewton(F1, [1], { jacobian: "nope" as never })).toThrow(/jacobian must be/);
    expect(() => nonsmoothNewton((v: Value) => abs(at(v, 0)), [0.5], { tol: 1e-300 })).not.toThrow();
  });
});

/** x*(θ) = argmin q x^2 / 2 - θ x + λ|x|, as the fixed point of the proximal gradient map. */
const q = 2,
  lam = 1,
  gamma = 0.25;
const T = (x: Value, th: Value) => softshrink(sub(x, mul(gamma, sub(mul(q, x), th))), gamma * lam);
const Fprox = (x: Value, th: Value) => sub(x, T(x, th));
const xstar = (th: number) => (Math.sign(th) * Math.max(Math.abs(th) - lam, 0)) / q;

describe("implicit differentiation", () => {
  it("agrees with finite differences at smooth points", () => {
    for (const th of [-3, -0.4, 0.7, 2.5]) {
      const r = implicitJacobian(Fprox, [xstar(th)], [th]);
      const h = 1e-6;
      expect(r.jacobian[0][0]).toBeCloseTo((xstar(th + h) - xstar(th - h)) / (2 * h), 8);
    }
  });

  it("unrolled iterations converge to it linearly", () => {
    const th = 2.5;
    const unrolled = (K: number) =>
      jacobian(
        (v: Value) => {
          let x: Value = mul(0, v);
          for (let k = 0; k < K; k++) x = T(x, v);
          return x;
        },
        [th],
      ).data[0];
    const imp = implicitJacobian(Fprox, [xstar(th)], [th]).jacobian[0][0];
    expect(Math.abs(unrolled(60) - imp)).toBeLessThan(1e-10);
    expect(Math.abs(unrolled(5) - imp)).toBeGreaterThan(1e-3);
  });

  it("refuses a non-solution and a singular x-block with clear errors", () => {
    expect(() => implicitJacobian(Fprox, [1], [2.5])).toThrow(/does not solve/);
    // q = 0: F(x, θ) = x - softshrink(x + γθ, γλ) has A = 0 where the shrink is active
    const flat = (x: Value, th: Value) => sub(x, softshrink(add(x, mul(gamma, th)), gamma * lam));
    expect(() => implicitJacobian(flat, [1], [1])).toThrow(/invertibility condition/);
    // at the kink θ = λ the one-sided elements have A = γq and A = 1: both invertible, same sign
    const r = implicitJacobian(Fprox, [0], [lam]);
    expect(r.determinants.every((d) => d > 0)).toBe(true);
    // x = relu(2 x - θ + ...) style counterexample: A changes sign between the two sides
    const bad = (x: Value, th: Value) => sub(x, maximum(mul(2, x), th));
    expect(() => implicitJacobian(bad, [0], [0])).toThrow(/invertibility condition .* a convex combination/);
    void relu;
    void lexicographicJacobian;
  });
});
