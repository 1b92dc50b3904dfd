// The differentiation calls accept every documented input kind and return gradients of the same kind.
import { describe, expect, it } from "vitest";
import * as N from "../../../src";
import { Tensor, grad, hvp, jvp, tensor, valueAndGrad, vjp } from "../../../src";

const f = (x: any) => N.sum(N.mul(x, x));

describe("inputs and gradients have the same kind", () => {
  it("number", () => {
    expect(grad(f, 3)).toBe(6);
    expect(hvp(f, 3, 1)).toBe(2);
    expect(jvp(f, 3, 1)).toMatchObject({ value: 9, tangent: 6 });
  });
  it("number[]", () => {
    const g = grad(f, [1, 2]);
    expect(Array.isArray(g)).toBe(true);
    expect(g).toEqual([2, 4]);
    expect(hvp(f, [1, 2], [1, 0])).toEqual([2, 0]);
  });
  it("Float64Array (a copy: the caller's array is not shared)", () => {
    const x = Float64Array.of(1, 2);
    const g = grad(f, x);
    expect(g).toBeInstanceOf(Float64Array);
    expect(Array.from(g)).toEqual([2, 4]);
    expect(g).not.toBe(x);
  });
  it("Tensor of any shape", () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    const g = grad(f, x);
    expect(g).toBeInstanceOf(Tensor);
    expect(g.shape).toEqual([2, 2]);
    expect(g.toArray()).toEqual([
      [2, 4],
      [6, 8],
    ]);
  });
  it("Tensor[] (several arguments), including an argument the output does not use", () => {
    const h = (xs: any) => N.add(N.sum(N.mul(xs[0], xs[1])), 0);
    const g = grad(h, [tensor([1, 2]), tensor([3, 4]), tensor(5)]);
    expect(g.map((t) => t.toArray())).toEqual([[3, 4], [1, 2], 0]);
    const r = vjp((xs: any) => N.mul(xs[0], xs[1]), [tensor([1, 2]), tensor([3, 4])], [1, 1]);
    expect(r.vjp.map((t) => t.toFlat())).toEqual([
      [3, 4],
      [1, 2],
    ]);
    const t = jvp((xs: any) => N.mul(xs[0], xs[1]), [tensor([1, 2]), tensor([3, 4])], [tensor([1, 0]), tensor([0, 1])]);
    expect((t.tangent as Tensor).toFlat()).toEqual([3, 2]);
  });
  it("a function that ignores its input has a zero gradient, not an error", () => {
    expect(grad(() => 3, 1)).toBe(0);
    expect(grad(() => tensor(3), [1, 2])).toEqual([0, 0]);
    expect(valueAndGrad(() => 3, 1).value).toBe(3);
    expect(jvp(() => tensor([1, 2]), 1, 1).tangent).toEqual(tensor([0, 0]));
  });
  it("the tracer shows its place on the tape", () => {
    let s = "";
    grad(
      (x: any) => {
        s = String(N.mul(x, 2));
        return N.sum(x);
      },
      [1, 2],
    );
    expect(s).toBe("Tracer(%1, shape=[2])");
  });
});
