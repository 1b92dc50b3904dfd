// Value semantics the engine must keep: signed zeros of constants, NaN never silently turned into a number,
// non-finite values flowing through every op as IEEE arithmetic says.
import { describe, expect, it } from "vitest";
import * as N from "../../../src";
import { evaluate, grad, tensor } from "../../../src";

describe("number constants keep their sign of zero", () => {
  it("div(1, -0) is -Infinity, also after div(1, 0) was computed", () => {
    expect(N.div(1, 0).item()).toBe(Infinity);
    expect(N.div(1, -0).item()).toBe(-Infinity);
    expect(N.div(tensor([1, -1]), -0).toFlat()).toEqual([-Infinity, Infinity]);
  });
  it("mul(1, -0) is -0 and add(-0, -0) is -0", () => {
    expect(Object.is(N.mul(tensor(1), 0).item(), 0)).toBe(true);
    expect(Object.is(N.mul(tensor(1), -0).item(), -0)).toBe(true);
    expect(Object.is(N.add(-0, -0).item(), -0)).toBe(true);
  });
  it("inside a differentiation call too", () => {
    const v = evaluate((x: any) => N.add(x, N.div(1, -0)), 1).value.item();
    expect(v).toBe(-Infinity);
    // d/dx x / (-0 + ...) is not the point: the constant's sign must survive in the gradient as well
    expect(grad((x: any) => N.mul(x, N.div(1, N.add(-0, -0))), 1)).toBe(-Infinity);
  });
});

describe("NaN is never silently a number", () => {
  it("relu, abs, maximum, max, clip of NaN are NaN and so are their derivatives", () => {
    const nanOf = (x: any) => N.log(N.sub(x, 2)); // log of a negative number: NaN inside the program
    for (const f of [
      (x: any) => N.relu(nanOf(x)),
      (x: any) => N.abs(nanOf(x)),
      (x: any) => N.maximum(nanOf(x), 0),
      (x: any) => N.max(N.concat([N.reshape(nanOf(x), [1]), tensor([0])])),
      (x: any) => N.clip(nanOf(x), -1, 1),
      (x: any) => N.hinge(nanOf(x)),
      (x: any) => N.leakyRelu(nanOf(x), 0.1),
    ]) {
      const r = N.valueAndGrad(f, 1);
      expect(r.value).toBeNaN();
      expect(r.grad).toBeNaN();
    }
  });
});

describe("norm far from 0 but with tiny or huge entries", () => {
  it("the gradient is the unit vector even when the squared norm underflows", () => {
    const g = grad(N.norm, [1e-200, 1e-200]) as number[];
    expect(g[0]).toBeCloseTo(Math.SQRT1_2, 15);
    expect(g[1]).toBeCloseTo(Math.SQRT1_2, 15);
    const h = grad(N.norm, [1e200, -1e200]) as number[];
    expect(h[0]).toBeCloseTo(Math.SQRT1_2, 15);
    expect(h[1]).toBeCloseTo(-Math.SQRT1_2, 15);
  });
});
