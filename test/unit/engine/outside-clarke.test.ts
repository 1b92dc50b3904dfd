// Policies outside the Clarke set by explicit opt-in (policies.custom(..., { outsideClarke: true })): relu'(0) = s
// for any finite s, as in the experiments of Bertoin, Bolte, Gerchinovitz and Pauwels (NeurIPS 2021). The values
// flow through every mode unchanged: exact at the kink in forward and reverse mode, on tensors, on the scalar tape
// and in compiled code (bitwise the same); the policy is flagged (its name, outsideClarkeChoices, the kink report).
import { describe, expect, it } from "vitest";
import * as N from "../../../src";
import {
  compileValueAndGrad,
  grad,
  jacobian,
  jvp,
  kinkReport,
  outsideClarkeChoices,
  policies,
  valueAndGrad,
} from "../../../src";
import type { Value } from "../../../src";
import { valueAndGradOnNodes } from "../../../src/engine/transforms";

const bits = (x: number | readonly number[]): string =>
  (typeof x === "number" ? [x] : [...x]).map((v) => (Object.is(v, -0) ? "-0" : String(v))).join(",");

/** A scalar result, whether the call returns it as a number or as a 0-d tensor. */
const num = (x: unknown): number => (typeof x === "number" ? x : (x as N.Tensor).item());

// f(t) = 3 relu(t) + relu(-t): at 0 backprop gives 3 s - s = 2 s
const f = (t: Value) => N.add(N.mul(N.relu(t), 3), N.relu(N.neg(t)));
// g(x, y) = relu(x) + 2 relu(x + y), at (0, 0): gradient (3 s, 2 s)
const g = (v: Value) => N.add(N.relu(N.at(v, 0)), N.mul(N.relu(N.add(N.at(v, 0), N.at(v, 1))), 2));
// the same program on two scalar inputs (the scalar tape and compiled code take lists of scalars)
const gList = (v: Value[]) => N.add(N.relu(v[0]), N.mul(N.relu(N.add(v[0], v[1])), 2));

describe("policies outside the Clarke set, by opt-in", () => {
  for (const s of [50, -10, 2.5, 1e6]) {
    const p = policies.reluAt(s, { outsideClarke: true });
    it(`relu'(0) = ${s}: exact values at the kink in reverse and forward mode, on tensors`, () => {
      expect(grad(N.relu, 0, { policy: p })).toBe(s);
      expect(jvp(N.relu, 0, 1, { policy: p }).tangent).toBe(s);
      expect(grad(f, 0, { policy: p })).toBe(2 * s);
      expect(jvp(f, 0, 1, { policy: p }).tangent).toBe(2 * s);
      expect(grad(g, [0, 0], { policy: p })).toEqual([3 * s, 2 * s]);
      expect(jacobian(g, [0, 0], { policy: p, mode: "forward" }).toFlat()).toEqual([3 * s, 2 * s]);
      // a tensor program: sum(relu(v)) at (0, 1, -1)
      const h = (v: Value) => N.sum(N.mul(N.relu(v), N.tensor([1, 2, 3])));
      expect(grad(h, N.tensor([0, 1, -1]), { policy: p }).toFlat()).toEqual([s, 2, 0]);
      // off the kink the choice is never used
      expect(grad(f, 1, { policy: p })).toBe(3);
    });
    it(`relu'(0) = ${s}: the scalar tape and the compiled code agree bitwise with the node list`, () => {
      for (const precision of ["float64", "float32", "float16"] as const) {
        const opts = { policy: p, precision };
        const inputs = [N.scalar(0), N.scalar(0)];
        const ref = valueAndGradOnNodes(gList, inputs, opts);
        const fast = valueAndGrad(gList, inputs, opts);
        const compiled = compileValueAndGrad(gList, opts)(inputs);
        const flat = (r: { grad: readonly unknown[] }) => bits(r.grad.map(num));
        // 3 s and 2 s are exact in every format, except that 3e6 and 2e6 overflow float16 (largest 65504)
        const overflow = precision === "float16" && Math.abs(3 * s) > 65504;
        expect(flat(ref)).toBe(overflow ? "Infinity,Infinity" : bits([3 * s, 2 * s]));
        expect(flat(fast)).toBe(flat(ref));
        expect(flat(compiled)).toBe(flat(ref));
        expect(bits(num(fast.value))).toBe(bits(num(ref.value)));
        expect(fast.kinks.entries).toEqual(ref.kinks.entries);
        const one = valueAndGrad(f, 0, opts);
        const oneRef = valueAndGradOnNodes(f, 0, opts);
        expect(bits(one.grad)).toBe(bits(oneRef.grad));
        expect(bits(compileValueAndGrad(f, opts)(0).grad)).toBe(bits(oneRef.grad));
      }
    });
  }

  it("is flagged: its name, outsideClarkeChoices and the kink report", () => {
    const p = policies.custom({ relu: 50, abs: 0.5 }, { outsideClarke: true });
    expect(p.name).toBe("custom [outside the Clarke set]");
    expect(policies.reluAt(50, { outsideClarke: true }).name).toBe("relu'(0)=50 [outside the Clarke set]");
    expect(policies.custom({ name: "mine", relu: -1 }, { outsideClarke: true }).name).toBe(
      "mine [outside the Clarke set]",
    );
    expect(outsideClarkeChoices(p)).toEqual(["relu=50"]);
    const r = kinkReport(f, 0, { policy: p });
    expect(r.total).toBe(2);
    expect(r.outsideClarke.map((e) => [e.key, e.count])).toEqual([
      ["relu", 1],
      ["relu", 1],
    ]);
    expect(r.toString()).toContain("relu = 50  [outside the Clarke set]");
    // the abs choice lies in [-1, 1]: its hits are not flagged
    const ra = kinkReport((t: Value) => N.abs(t), 0, { policy: p });
    expect([ra.total, ra.outsideClarke.length]).toEqual([1, 0]);
  });

  it("negative control: with the opt-in, choices inside the Clarke set are not flagged, and the policy is unchanged", () => {
    for (const s of [0, 0.5, 1]) {
      const p = policies.reluAt(s, { outsideClarke: true });
      expect(p.name).toBe(`relu'(0)=${s}`);
      expect(outsideClarkeChoices(p)).toEqual([]);
      expect(kinkReport(f, 0, { policy: p }).outsideClarke).toEqual([]);
      expect(p).toEqual(policies.reluAt(s));
    }
    expect(policies.custom({ relu: 1 }, { outsideClarke: false }).name).toBe("custom");
  });

  it("without the opt-in the choice is refused, naming the opt-in; ties and the norm follow the same rule", () => {
    expect(() => policies.custom({ relu: 50 })).toThrow(
      "policies.custom: relu = 50 is outside the Clarke set: allowed range is [0, 1]; pass { outsideClarke: true } as the second argument to allow it",
    );
    expect(() => policies.reluAt(-0.5, { outsideClarke: false })).toThrow("relu = -0.5 is outside the Clarke set");
    expect(() => policies.custom({ clip: { lower: 2 } })).toThrow("pass { outsideClarke: true }");
    expect(() => policies.custom({ maxTies: "each" })).toThrow("pass { outsideClarke: true }");
    expect(() => policies.custom({ norm: "nan" })).toThrow("pass { outsideClarke: true }");
    const t = policies.custom({ maxTies: "each", norm: "nan", clip: { lower: 2 } }, { outsideClarke: true });
    expect(outsideClarkeChoices(t)).toEqual(["clip.lower=2", "maxTies=each", "norm=nan"]);
    expect(grad((v: Value) => N.max(v), [3, 1, 3], { policy: t })).toEqual([1, 0, 1]);
    expect(grad((x: Value) => N.clip(x, 0, 1), 0, { policy: t })).toBe(2);
  });

  it("refuses non-finite choices and malformed opt-ins even so", () => {
    expect(() => policies.custom({ relu: NaN }, { outsideClarke: true })).toThrow("relu = NaN must be a finite number");
    expect(() => policies.reluAt(Infinity, { outsideClarke: true })).toThrow("relu = Infinity must be a finite number");
    expect(() => policies.custom({ relu: 2 }, null as never)).toThrow(
      "the second argument must be { outsideClarke: true }",
    );
    expect(() => policies.custom({ relu: 2 }, { outsideClarke: 1 } as never)).toThrow(
      "outsideClarke must be true or false",
    );
    expect(() => policies.custom({ norm: "inf" as never }, { outsideClarke: true })).toThrow('norm = "inf"');
  });
});
