// The declarations of the one-variable and two-variable kinks (src/engine/primitives.ts): a NaN input gives a NaN
// value, never a silent number, and the one-sided derivatives at each kink, read by the lexicographic mode (Khan and
// Barton 2015), are the function's own: f'(x; d) = lim (f(x + t d) - f(x)) / t, exact values.
import { describe, expect, it } from "vitest";
import {
  abs,
  directionalDerivative,
  hinge,
  leakyRelu,
  maximum,
  minimum,
  relu,
  sign,
  softshrink,
  tensor,
} from "../../../src";
import type { Tensor, Value } from "../../../src";

const values = (t: Value): number[] => Array.from((t as Tensor).toFlat());

describe("a NaN input gives NaN", () => {
  it("one-variable kinks", () => {
    const x = tensor([Number.NaN]);
    for (const [name, y] of [
      ["relu", relu(x)],
      ["leakyRelu", leakyRelu(x, 0.1)],
      ["abs", abs(x)],
      ["sign", sign(x)],
      ["hinge", hinge(x)],
      ["softshrink", softshrink(x, 0.5)],
    ] as const) {
      expect(values(y), name).toEqual([Number.NaN]);
    }
  });
  it("maximum and minimum, in either argument", () => {
    const nan = tensor([Number.NaN]);
    const one = tensor([1]);
    for (const y of [maximum(nan, one), maximum(one, nan), minimum(nan, one), minimum(one, nan)]) {
      expect(values(y)).toEqual([Number.NaN]);
    }
  });
  it("and the values off NaN: sign is -1, 0, 1; hinge and softshrink by piece", () => {
    expect(values(sign(tensor([-2, 0, 3])))).toEqual([-1, 0, 1]);
    expect(values(hinge(tensor([0.5, 1, 2])))).toEqual([0.5, 0, 0]);
    expect(values(softshrink(tensor([-2, -0.5, 0.25, 0.5, 2]), 0.5))).toEqual([-1.5, 0, 0, 0, 1.5]);
    expect(values(leakyRelu(tensor([-2, 0, 3]), 0.1))).toEqual([-0.2, 0, 3]);
  });
});

describe("one-sided derivatives at the kinks, along +1 and -1", () => {
  const both = (f: (t: Value) => Value, x: number): [number, number] => [
    directionalDerivative(f, x, 1) + 0,
    directionalDerivative(f, x, -1) + 0,
  ];
  it("relu, leaky relu (slope 0.1), abs at 0", () => {
    expect(both(relu, 0)).toEqual([1, 0]);
    expect(both((t) => leakyRelu(t, 0.1), 0)).toEqual([1, -0.1]);
    expect(both(abs, 0)).toEqual([1, 1]);
  });
  it("hinge at 1: 0 to the right, 1 along -1 (the slope -1 of 1 - t)", () => {
    expect(both(hinge, 1)).toEqual([0, 1]);
  });
  it("maximum(t, 0) and minimum(t, 0) at 0, and with the arguments swapped", () => {
    const zero = tensor(0);
    expect(both((t) => maximum(t, zero), 0)).toEqual([1, 0]);
    expect(both((t) => maximum(zero, t), 0)).toEqual([1, 0]);
    expect(both((t) => minimum(t, zero), 0)).toEqual([0, -1]);
    expect(both((t) => minimum(zero, t), 0)).toEqual([0, -1]);
  });
  it("softshrink (λ = 0.5) at -λ and λ", () => {
    expect(both((t) => softshrink(t, 0.5), 0.5)).toEqual([1, 0]);
    expect(both((t) => softshrink(t, 0.5), -0.5)).toEqual([0, -1]);
  });
});
