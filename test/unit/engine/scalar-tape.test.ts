// The scalar tape (programs whose inputs are all scalars run on plain numbers in flat typed arrays) against the
// node list it replaces: on random programs at random and kink points, under every preset, random and
// per-application policies and in every precision, value, gradient, kink report and errors are bitwise the same,
// including programs that leave the tape midway (norm has no scalar rule: the tape spills into nodes).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import * as N from "../../../src";
import { evaluate, grad, kinkReport, scalar, valueAndGrad } from "../../../src";
import type { Tensor, Value } from "../../../src";
import { valueAndGradOnNodes } from "../../../src/engine/transforms";
import { setStraightAfter, straightSweepsGenerated } from "../../../src/engine/scalar-tape";
import {
  POLICIES,
  PRECISIONS_ALL,
  bits,
  outcome,
  pointArb,
  programArb,
  runProgram,
  showProgram,
} from "./scalar-programs";

const asInputs = (x: readonly number[]): Tensor[] => x.map((v) => scalar(v));

describe("scalar tape: bitwise the node list", () => {
  it("random programs at grid and random points, every policy and precision: same value, gradient, kink report, errors", () => {
    fc.assert(
      fc.property(
        programArb(),
        pointArb,
        fc.nat(POLICIES.length - 1),
        fc.constantFrom(...PRECISIONS_ALL),
        (p, x, k, precision) => {
          const f = (v: Value[]) => runProgram(p, v);
          const opts = { policy: POLICIES[k], precision };
          const fast = outcome(() => valueAndGrad(f, asInputs(x), opts));
          const ref = outcome(() => valueAndGradOnNodes(f, asInputs(x), opts));
          expect(fast, `${showProgram(p)} at ${x.map(bits)}`).toBe(ref);
        },
      ),
      { numRuns: 600, seed: 20261130 },
    );
  });

  it("a program called again and again (its sweep becomes straight-line code, here after 8 calls): the node list's results at every call", () => {
    const before = straightSweepsGenerated();
    const after = setStraightAfter(8);
    try {
      fc.assert(
        fc.property(
          programArb(),
          fc.array(pointArb, { minLength: 12, maxLength: 12 }),
          fc.nat(POLICIES.length - 1),
          fc.constantFrom(...PRECISIONS_ALL),
          (p, xs, k, precision) => {
            const f = (v: Value[]) => runProgram(p, v);
            const opts = { policy: POLICIES[k], precision };
            for (const x of xs) {
              const fast = outcome(() => valueAndGrad(f, asInputs(x), opts));
              const ref = outcome(() => valueAndGradOnNodes(f, asInputs(x), opts));
              expect(fast, `${showProgram(p)} at ${x.map(bits)}`).toBe(ref);
            }
          },
        ),
        { numRuns: 150, seed: 20261201 },
      );
    } finally {
      setStraightAfter(after);
    }
    // the straight-line sweeps did run (the comparison above is not only the fused sweep's)
    expect(straightSweepsGenerated()).toBeGreaterThan(before);
  });

  it("one program called under changing policies and precisions after its straight-line sweep exists: the node list's results at every call (the sweep and the branch tables are shared by every policy of a precision)", () => {
    const before = straightSweepsGenerated();
    const after = setStraightAfter(2);
    try {
      fc.assert(
        fc.property(
          programArb(),
          fc.array(fc.tuple(pointArb, fc.nat(POLICIES.length - 1), fc.constantFrom(...PRECISIONS_ALL)), {
            minLength: 12,
            maxLength: 12,
          }),
          (p, calls) => {
            const f = (v: Value[]) => runProgram(p, v);
            for (const [x, k, precision] of calls) {
              const opts = { policy: POLICIES[k], precision };
              const fast = outcome(() => valueAndGrad(f, asInputs(x), opts));
              const ref = outcome(() => valueAndGradOnNodes(f, asInputs(x), opts));
              expect(fast, `${showProgram(p)} at ${x.map(bits)}, ${POLICIES[k].name}, ${String(precision)}`).toBe(ref);
            }
          },
        ),
        { numRuns: 150, seed: 20261202 },
      );
    } finally {
      setStraightAfter(after);
    }
    expect(straightSweepsGenerated()).toBeGreaterThan(before);
  });

  it("the comparison can fail: a node list run under another policy differs at a kink (negative control)", () => {
    const f = (v: Value[]) => N.add(N.relu(v[0]), N.abs(v[1]));
    const a = outcome(() => valueAndGrad(f, asInputs([0, 0, 0]), { policy: N.presets.pytorch }));
    const b = outcome(() => valueAndGradOnNodes(f, asInputs([0, 0, 0]), { policy: N.presets.jax }));
    expect(a).not.toBe(b);
  });

  it("a single number input: grad, valueAndGrad, evaluate and kinkReport agree with the node list, -0 included", () => {
    const f = (t: Value) => N.add(N.mul(N.relu(t), 3), N.abs(N.neg(t)));
    for (const x of [-0, 0, 1, -1]) {
      for (const policy of POLICIES) {
        const a = valueAndGrad(f, x, { policy });
        const b = valueAndGradOnNodes(f, x, { policy });
        expect(bits(a.grad)).toBe(bits(b.grad));
        expect(bits(a.value)).toBe(bits(b.value));
        expect(a.kinks.entries).toEqual(b.kinks.entries);
        expect(bits(grad(f, x, { policy }))).toBe(bits(b.grad));
        expect(evaluate(f, x, { policy }).kinks.entries).toEqual(b.kinks.entries);
        expect(kinkReport(f, x, { policy }).total).toBe(b.kinks.total);
      }
    }
  });

  it("NaN and Infinity inputs, overflowing constants and foreign traced values: the same errors", () => {
    const f = (v: Value[]) => N.mul(v[0], v[1]);
    for (const bad of [Number.NaN, Infinity, -Infinity]) {
      const a = outcome(() => valueAndGrad(f, asInputs([1, bad])));
      expect(a).toMatch(/non-finite value/);
      expect(a).toBe(outcome(() => valueAndGradOnNodes(f, asInputs([1, bad]))));
    }
    // one number (read without a tensor on the tape): the same messages, and a program that leaves the tape
    const h = (t: Value) => N.mul(N.relu(t), 2);
    /** The message of a grad call that must fail, as outcome words it. */
    const gradError = (run: () => unknown): string => {
      try {
        run();
      } catch (e) {
        return `error: ${(e as Error).message}`;
      }
      return "no error";
    };
    for (const bad of [Number.NaN, Infinity, -Infinity]) {
      const a = outcome(() => valueAndGrad(h, bad));
      expect(a).toMatch(/non-finite value/);
      expect(a).toBe(outcome(() => valueAndGradOnNodes(h, bad)));
      expect(gradError(() => grad(h, bad))).toBe(a.replace("valueAndGrad", "grad"));
    }
    const o16 = gradError(() => grad(h, 70000, { precision: "float16" }));
    expect(o16).toMatch(/grad: the input 70000 at flat index 0 overflows float16/);
    expect(o16).toBe(
      outcome(() => valueAndGradOnNodes(h, 70000, { precision: "float16" })).replace("valueAndGrad", "grad"),
    );
    const spill = (t: Value) => N.sum(N.mul(N.tensor([1, 2]), t));
    expect(bits(grad(spill, 1.5))).toBe(bits(valueAndGradOnNodes(spill, 1.5).grad));
    const big = (v: Value[]) => N.mul(v[0], 70000);
    const o = outcome(() => valueAndGrad(big, asInputs([1]), { precision: "float16" }));
    expect(o).toMatch(/overflows float16/);
    expect(o).toBe(outcome(() => valueAndGradOnNodes(big, asInputs([1]), { precision: "float16" })));
    let leaked: Value = 0;
    grad((t: Value) => {
      leaked = N.mul(t, 2);
      return leaked;
    }, 1);
    const g = outcome(() => valueAndGrad((v: Value[]) => N.add(v[0], leaked), asInputs([1])));
    expect(g).toMatch(/two different traces|outside its differentiation call/);
    const ids = (s: string) => s.replace(/trace \d+/g, "trace #");
    expect(ids(g)).toBe(ids(outcome(() => valueAndGradOnNodes((v: Value[]) => N.add(v[0], leaked), asInputs([1])))));
  });

  it("a call made inside the program, or inside a user primitive's partials, leaves the outer call's tape intact", () => {
    const inner = (u: Value) => N.mul(N.relu(u), u);
    const f = (v: Value[]) => N.mul(N.abs(v[0]), grad(inner, 3) as number);
    expect(outcome(() => valueAndGrad(f, asInputs([0, 1, 2])))).toBe(
      outcome(() => valueAndGradOnNodes(f, asInputs([0, 1, 2]))),
    );
    // a user primitive whose partial itself differentiates (on the scalar tape) while the outer sweep runs
    const nested = N.definePrimitive({
      name: "nestedSquare",
      arity: 1,
      value: (a) => a * a,
      partials: (a) => [grad((u: Value) => N.mul(N.relu(u), 2), a === 0 ? 1 : a) * a],
    });
    const h = (v: Value[]) => N.add(N.relu(nested(v[0])), N.abs(v[1]));
    for (const policy of [N.presets.pytorch, N.policies.random(3)])
      expect(outcome(() => valueAndGrad(h, asInputs([1.5, 0, 1]), { policy }))).toBe(
        outcome(() => valueAndGradOnNodes(h, asInputs([1.5, 0, 1]), { policy })),
      );
  });

  it("a traced value read in the program (tracer.value) is the primal, on the tape as on nodes", () => {
    const seen: number[] = [];
    const f = (t: Value) => {
      const y = N.sin(t);
      seen.push(N.valueOf(y).item());
      return y;
    };
    valueAndGrad(f, 0.5);
    valueAndGradOnNodes(f, 0.5);
    expect(seen[0]).toBe(seen[1]);
    expect(seen[0]).toBe(Math.sin(0.5));
  });
  it("more primitives than one fused backward sweep holds (user primitives made in a loop): the same gradients as the node list", () => {
    // 100 user primitives, each its own opcode: past the fused sweep's capacity they get kernels of their own
    const prims = Array.from({ length: 100 }, (_, k) =>
      N.definePrimitive({
        name: `loopScale${k}`,
        arity: 1,
        value: (x) => (k + 1) * Math.abs(x),
        partials: (x) => [(k + 1) * Math.sign(x)],
        kink: { at: (x) => x === 0, range: [-(k + 1), k + 1], default: 0, partials: (s) => [s] },
      }),
    );
    for (let k = 0; k < prims.length; k++) {
      const f = (v: Value[]) => N.mul(prims[k](N.sub(v[0], 0.5)), prims[(k * 7) % prims.length](v[1]));
      for (const x of [
        [1.25, -2],
        [0.5, 3],
      ]) {
        const a = valueAndGrad(f, asInputs(x));
        const b = valueAndGradOnNodes(f, asInputs(x));
        expect(outcome(() => a)).toBe(outcome(() => b));
      }
    }
  });
});
