// compileValueAndGrad: generated JavaScript for the value and gradient of a scalar program, with each kink's
// branch guarded. On random programs traced at random and kink points, under every preset, random and
// per-application policies and in every precision, every later call at any point either equals valueAndGrad
// bitwise (value, gradient, kink report) or refuses with the branch error; at the traced point it never refuses.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import * as N from "../../../src";
import { compileValueAndGrad, scalar, valueAndGrad } from "../../../src";
import type { Tensor, Value } from "../../../src";
import {
  GRID,
  POLICIES,
  PRECISIONS_ALL,
  TAPE_OPS,
  bits,
  outcome,
  pointArb,
  programArb,
  runProgram,
  showProgram,
} from "./scalar-programs";

const asInputs = (x: readonly number[]): Tensor[] => x.map((v) => scalar(v));
/** Error messages name the call: the compiled function's first call traces under its own name. */
const sameCall = (s: string): string => s.replace(/compileValueAndGrad(\(anonymous\))?/g, "valueAndGrad");

describe("compileValueAndGrad: bitwise the traced mode, or a refusal", () => {
  it("random programs, every policy and precision: each call equals valueAndGrad or refuses another branch", () => {
    let refused = 0;
    let equal = 0;
    fc.assert(
      fc.property(
        programArb(TAPE_OPS),
        pointArb,
        fc.array(fc.array(fc.constantFrom(...GRID), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 4 }),
        fc.nat(POLICIES.length - 1),
        fc.constantFrom(...PRECISIONS_ALL),
        (p, x, others, k, precision) => {
          const f = (v: Value[]) => runProgram(p, v);
          const opts = { policy: POLICIES[k], precision };
          const compiled = compileValueAndGrad(f, opts);
          const where = `${showProgram(p)} traced at ${x.map(bits)}`;
          // at the traced point: never a refusal
          expect(sameCall(outcome(() => compiled(asInputs(x)))), where).toBe(
            outcome(() => valueAndGrad(f, asInputs(x), opts)),
          );
          for (const y of [x, ...others]) {
            const got = outcome(() => compiled(asInputs(y)));
            if (/another branch than the traced program/.test(got)) {
              refused++;
              continue;
            }
            equal++;
            expect(sameCall(got), `${where}, called at ${y.map(bits)}`).toBe(
              outcome(() => valueAndGrad(f, asInputs(y), opts)),
            );
          }
        },
      ),
      { numRuns: 300, seed: 20261130 },
    );
    // both outcomes occur: the property is not vacuous
    expect(refused).toBeGreaterThan(10);
    expect(equal).toBeGreaterThan(300);
  });

  it("refuses a call whose kink branch differs from the trace, where answering with the traced branch would be wrong (negative control)", () => {
    const f = (t: Value) => N.mul(N.relu(N.sub(t, 1)), t);
    const compiled = compileValueAndGrad(f);
    expect(compiled(3).grad).toBe(valueAndGrad(f, 3).grad); // traced at 3: relu's input > 0
    expect(compiled(2.5).grad).toBe(valueAndGrad(f, 2.5).grad);
    // at 0.25 relu's input is < 0 and at 1 it is 0: the traced branch's formula (2t - 1) would give -0.5 and 1
    for (const t of [0.25, 1]) {
      expect(() => compiled(t)).toThrow(/another branch than the traced program at %\d+ \(relu\)/);
      expect(valueAndGrad(f, t).grad).not.toBe(2 * t - 1);
    }
    // traced at the kink itself: only the kink is its branch
    const atKink = compileValueAndGrad(f, { policy: N.policies.reluAt(1) });
    expect(atKink(1).grad).toBe(valueAndGrad(f, 1, { policy: N.policies.reluAt(1) }).grad);
    expect(atKink(1).kinks.total).toBe(1);
    expect(() => atKink(1.5)).toThrow(/traced with its switching quantities = 0 \(at a kink\), now > 0/);
  });

  it("maximum's tie and a clamp's bounds are branches too; a random policy draws as the traced mode", () => {
    const f = (v: Value[]) => N.add(N.maximum(v[0], v[1]), N.clip(v[1], -1, 1));
    const policy = N.policies.random(5);
    const compiled = compileValueAndGrad(f, { policy });
    const at = (a: number, b: number) => outcome(() => compiled(asInputs([a, b])));
    // traced at a tie on the clamp's upper bound; every tie at b = 1 is the same branch
    expect(sameCall(at(1, 1))).toBe(outcome(() => valueAndGrad(f, asInputs([1, 1]), { policy })));
    expect(at(2, 1)).toMatch(/another branch.*\(maximum\)/);
    expect(at(0.5, 0.5)).toMatch(/another branch.*\(clip\)/);
  });

  it("refuses another input form, non-scalar programs and programs that read a traced value", () => {
    const f = (t: Value) => N.sin(t);
    const c = compileValueAndGrad(f);
    expect(c(1).grad).toBe(Math.cos(1));
    expect(() => c([scalar(1)] as never)).toThrow(/another form than at the first call/);
    const g = compileValueAndGrad((v: Value[]) => N.add(v[0], v[1]));
    g(asInputs([1, 2]));
    expect(() => g(asInputs([1, 2, 3]))).toThrow(/another form/);
    expect(() => compileValueAndGrad((t: Value) => N.norm(t))(1)).toThrow(/programs of scalars only/);
    expect(() => compileValueAndGrad((t: Value) => N.sum(t))(N.tensor([1, 2]) as never)).toThrow(
      /programs of scalars only/,
    );
    const branches = (t: Value) => (N.valueOf(t).item() > 0 ? N.relu(t) : N.abs(t));
    expect(() => compileValueAndGrad(branches)(1)).toThrow(/read a traced value/);
    expect(() => compileValueAndGrad(f)(Number.NaN)).toThrow(/non-finite value/);
    expect(() => compileValueAndGrad(f, { precision: "float16" })(70000)).toThrow(/overflows float16/);
    expect(() => compileValueAndGrad(f, { policy: 3 } as never)).toThrow();
    expect(() => compileValueAndGrad(3 as never)).toThrow(/must be the function/);
  });

  it("a list of numbers is a list of scalars: the results of scalar tensors, gradients as numbers", () => {
    const f = (v: Value[]) => N.mul(N.maximum(v[0], v[1]), v[2]);
    const c = compileValueAndGrad(f);
    const r = c([1, 1, 3]);
    const ref = valueAndGrad(f, asInputs([1, 1, 3]));
    expect(r.grad.map(bits)).toEqual(ref.grad.map((t) => bits(t.data[0])));
    expect(r.kinks.entries).toEqual(ref.kinks.entries);
    // the same compiled code takes scalar tensors too (another tie: the traced branch)
    const t = c(asInputs([4, 4, 3]));
    expect(t.grad.map((v) => bits(v.data[0]))).toEqual(
      valueAndGrad(f, asInputs([4, 4, 3])).grad.map((v) => bits(v.data[0])),
    );
    expect(() => c([1, scalar(2), 3] as never)).toThrow(/another form/);
  });

  it("a constant function: its value and a zero gradient", () => {
    const c = compileValueAndGrad((_t: Value) => 3);
    expect(c(1).value).toBe(3);
    expect(c(1).grad).toBe(0);
  });
});
