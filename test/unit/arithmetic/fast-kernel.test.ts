// The fast kernels pinned to the exact reference: fma32 (round32 of an exact float64 sum, the TwoSum computed only
// on float32 midpoints) on random and midpoint-heavy inputs, and denseLayer's outer-product order against modelDot
// on shapes that exercise every loop (N not a multiple of anything, blocks with and without terms, 16-bit storage).
import { describe, expect, it } from "vitest";
import { ARITHMETIC_MODELS, FORMATS, Rng, arithmeticModel, denseLayer, fma32, modelDot, roundTo } from "../../../src";
import type { ArithmeticModel } from "../../../src";
import { exactAdd, exactMul, exactOf, roundExact } from "../../../src/arithmetic/reference";

/** round_float32(acc + a b) by the definition (exact BigInt arithmetic). */
function fmaReference(acc: number, a: number, b: number): number {
  return roundExact(exactAdd(exactOf(acc), exactMul(exactOf(a), exactOf(b))), "float32");
}

describe("fma32 equals the exact reference", () => {
  it("on random float32 operands of mixed magnitudes", () => {
    const rng = new Rng(5);
    const f = (): number => Math.fround(rng.uniform(-1, 1) * 2 ** Math.floor(rng.uniform(-30, 30)));
    for (let t = 0; t < 20000; t++) {
      const acc = f(),
        a = f(),
        b = f();
      expect(Object.is(fma32(acc, a * b), fmaReference(acc, a, b))).toBe(true);
    }
  });

  it("on sums at, just above and just below float32 midpoints (where rounding the float64 sum twice goes wrong)", () => {
    const rng = new Rng(6);
    let midpointsHit = 0;
    let naiveWrong = 0;
    for (let t = 0; t < 20000; t++) {
      // acc a float32 with its last bit random; p = half its spacing times (1 ± 2^-2j), a product of two float32
      const e = Math.floor(rng.uniform(-20, 20));
      const acc =
        Math.fround((1 + Math.floor(rng.uniform(0, 2 ** 23)) * 2 ** -23) * 2 ** e) * (rng.uniform(0, 1) < 0.5 ? -1 : 1);
      const half = 2 ** (e - 24);
      const j = Math.floor(rng.uniform(8, 24));
      const sign = rng.uniform(0, 1) < 0.5 ? -1 : 1;
      const eps = rng.uniform(0, 1) < 0.3 ? 0 : 2 ** -j;
      const a = Math.fround(half * (1 + eps)) * sign;
      const b = Math.fround(1 - eps * (rng.uniform(0, 1) < 0.5 ? 1 : -1));
      const want = fmaReference(acc, a, b);
      const q = acc + a * b;
      const r = Math.fround(q);
      if (r !== q && Math.fround(2 * q - r) === 2 * q - r && 2 * q - r !== r) midpointsHit++;
      if (!Object.is(r, want)) naiveWrong++;
      expect(Object.is(fma32(acc, a * b), want)).toBe(true);
    }
    // the test reaches the hard case, and there the naive fround(acc + a b) is wrong
    expect(midpointsHit).toBeGreaterThan(1000);
    expect(naiveWrong).toBeGreaterThan(100);
  });
});

describe("denseLayer's outer-product order equals modelDot entry by entry", () => {
  const models: ArithmeticModel[] = [
    ...Object.values(ARITHMETIC_MODELS),
    arithmeticModel({ storage: "float16", accumulation: "float32", fma: true, order: "sequential" }),
    arithmeticModel({ storage: "float32", fma: true, order: "blocked", block: 4 }),
    arithmeticModel({ storage: "bfloat16", accumulation: "float32", fma: true, order: "blocked", block: 5 }),
  ];
  for (const model of models) {
    it(model.name, () => {
      const rng = new Rng(12);
      const r = roundTo(model.storage);
      for (const [B, K, N, zeros] of [
        [4, 37, 9, 0.5],
        [2, 70, 17, 0.9],
        [3, 11, 1, 0],
      ]) {
        // runs of zeros leave whole blocks without terms
        const H = Float64Array.from({ length: B * K }, (_, i) =>
          rng.uniform(0, 1) < zeros || i % 13 < 4 ? 0 : r(rng.uniform(0, 1) * 2 ** Math.floor(rng.uniform(-8, 3))),
        );
        const Wt = Float64Array.from({ length: N * K }, () =>
          r(rng.uniform(-1, 1) * 2 ** Math.floor(rng.uniform(-8, 3))),
        );
        const b = Float64Array.from({ length: N }, () => r(rng.uniform(-1, 1)));
        const Z = denseLayer(model, H, B, K, Wt, N, b);
        for (let i = 0; i < B; i++)
          for (let j = 0; j < N; j++)
            expect(Object.is(Z[i * N + j], modelDot(model, H, Wt, b[j], K, i * K, 1, j * K, 1))).toBe(true);
        // and a bias equal to minus an output's sum: exact zeros
        const b2 = Float64Array.from({ length: N }, (_, j) => -modelDot(model, H, Wt, 0, K, 0, 1, j * K, 1));
        const Z2 = denseLayer(model, H, B, K, Wt, N, b2);
        for (let j = 0; j < N; j++)
          expect(Object.is(Z2[j], modelDot(model, H, Wt, b2[j], K, 0, 1, j * K, 1))).toBe(true);
      }
    });
  }
});

describe("the fused multiply-add at float32's overflow threshold", () => {
  // max + p with p = (1 - 2^-46) 2^103: float64 rounds the exact sum (just below max + 2^103, the midpoint between
  // float32's largest value and 2^128) onto that midpoint, which fround sends to infinity; the exact sum rounds to max
  const max = FORMATS.float32.max;
  const a = (1 - 2 ** -23) * 2 ** 52;
  const b = (1 + 2 ** -23) * 2 ** 51;
  it("fma32, modelDot and denseLayer give max, as the exact reference does, on both signs", () => {
    for (const sign of [1, -1]) {
      expect(fmaReference(sign * max, sign * a, b)).toBe(sign * max);
      expect(fma32(sign * max, sign * a * b)).toBe(sign * max);
      for (const model of [ARITHMETIC_MODELS["float32-blas"], arithmeticModel({ storage: "float32", fma: true })]) {
        expect(modelDot(model, [sign * max, sign * a], [1, b])).toBe(sign * max);
        const Z = denseLayer(
          model,
          Float64Array.of(sign * max, sign * a),
          1,
          2,
          Float64Array.of(1, b),
          1,
          Float64Array.of(0),
        );
        expect(Z[0]).toBe(sign * max);
      }
    }
  });
  it("the case is real: rounding the float64 sum overflows; a sum past the midpoint still overflows", () => {
    expect(Math.fround(max + a * b)).toBe(Infinity);
    // max + 2^103 (1 + 2^-46): past the midpoint, infinity by the reference and by fma32
    const c = (1 + 2 ** -23) * 2 ** 52;
    expect(fmaReference(max, c, b)).toBe(Infinity);
    expect(fma32(max, c * b)).toBe(Infinity);
  });
});
