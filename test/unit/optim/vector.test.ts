// The Euclidean norm the optimizers and runners use to tell a finite gradient from a diverged one.
import { describe, expect, it } from "vitest";
import { norm2 } from "../../../src/optim/vector";

describe("norm2", () => {
  it("is the plain sum of squares where it does not overflow", () => {
    expect(norm2([3, 4])).toBe(5);
    expect(norm2([])).toBe(0);
    expect(norm2(Float64Array.of(1e-200, 0))).toBe(1e-200);
  });

  it("stays finite when the squares overflow but the norm does not", () => {
    expect(norm2([3e200, 4e200])).toBeCloseTo(5e200, -190);
    expect(Number.isFinite(norm2([1e160, -1e160]))).toBe(true);
    // negative control: the unscaled sum of squares overflows on the same vector
    expect(Math.sqrt(3e200 ** 2 + 4e200 ** 2)).toBe(Infinity);
  });

  it("is Infinity for an infinite entry and NaN for a NaN entry", () => {
    expect(norm2([1, -Infinity])).toBe(Infinity);
    expect(norm2([1e300, 1e300, Infinity])).toBe(Infinity);
    expect(norm2([1, Number.NaN])).toBeNaN();
    expect(norm2([1e300, 1e300, Number.NaN])).toBeNaN();
  });
});
