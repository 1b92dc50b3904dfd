// Arithmetic models: float16 and bfloat16 rounding exhaustively against the IEEE 754 definition (exact BigInt
// arithmetic), every model's dot product bitwise against its slow reference, and bad input.
import { describe, expect, it } from "vitest";
import {
  ARITHMETIC_MODELS,
  Rng,
  arithmeticModel,
  bf16round,
  denseLayer,
  dotReference,
  f16round,
  modelDot,
  roundReference,
  roundTo,
  ulpOf,
} from "../../../src";
import type { ArithmeticModel, NumberFormat } from "../../../src";

/** The value of a 16-bit pattern of a format with `m` fraction bits and exponent bias `bias` (decoded from the bits). */
function decode16(bitsPattern: number, m: number, bias: number): number {
  const e = bitsPattern >>> m;
  const f = bitsPattern & ((1 << m) - 1);
  return e === 0 ? f * 2 ** (1 - bias - m) : (1 + f / 2 ** m) * 2 ** (e - bias);
}

/** Checks round(x) === reference(x) on every value of the format, every tie between neighbours, just above and below each tie, and their negatives. */
function exhaustive(
  format: NumberFormat,
  round: (x: number) => number,
  m: number,
  bias: number,
  maxPattern: number,
): number {
  let checked = 0;
  const check = (x: number): void => {
    for (const y of [x, -x]) {
      const got = round(y);
      const want = roundReference(y, format);
      if (!Object.is(got, want)) throw new Error(`${format}: round(${y}) = ${got}, reference ${want}`);
      checked++;
    }
  };
  for (let p = 0; p <= maxPattern; p++) {
    const v = decode16(p, m, bias);
    const next = p === maxPattern ? 2 ** (bias + 1) : decode16(p + 1, m, bias); // past the largest: 2^(emax+1)
    const tie = (v + next) / 2;
    check(v);
    check(tie);
    check(tie + ulpOf(tie, "float64"));
    check(tie - ulpOf(tie, "float64") / (tie === 2 ** Math.floor(Math.log2(tie)) ? 2 : 1));
    check(v + (next - v) / 4);
  }
  return checked;
}

describe("rounding to a format", () => {
  it("the reference agrees with Math.fround (the reference checked against hardware)", () => {
    const rng = new Rng(1);
    for (let i = 0; i < 20000; i++) {
      const x = rng.uniform(-1, 1) * 2 ** Math.floor(rng.uniform(-160, 140)) * (1 + rng.uniform(0, 1) * 2 ** -24);
      expect(Object.is(roundReference(x, "float32"), Math.fround(x))).toBe(true);
    }
    for (const x of [2 ** -149, 2 ** -150, 3 * 2 ** -151, (2 - 2 ** -24) * 2 ** 127, 3.4028235677973366e38, 1e39])
      expect(roundReference(x, "float32")).toBe(Math.fround(x));
  });

  it("float16: every value, tie, near-tie, subnormal and the overflow threshold", () => {
    expect(exhaustive("float16", f16round, 10, 15, 0x7bff)).toBeGreaterThan(5 * 63000);
    expect(f16round(65519.99)).toBe(65504);
    expect(f16round(65520)).toBe(Infinity);
    expect(f16round(1 + 2 ** -11 + 2 ** -40)).toBe(1 + 2 ** -10); // rounding twice (through float32) gives 1
  });

  it("bfloat16: every value, tie, near-tie, subnormal and the overflow threshold", () => {
    expect(exhaustive("bfloat16", bf16round, 7, 127, 0x7f7f)).toBeGreaterThan(5 * 63000);
    expect(bf16round(2 ** -134)).toBe(0); // half the smallest subnormal: a tie, to even (0)
    expect(bf16round(3 * 2 ** -134)).toBe(2 ** -132);
    expect(bf16round(-(2 - 2 ** -8) * 2 ** 127)).toBe(-Infinity);
    expect(bf16round(1 + 2 ** -8 + 2 ** -40)).toBe(1 + 2 ** -7);
    expect(Number.isNaN(bf16round(NaN))).toBe(true);
    expect(Object.is(bf16round(-0), -0)).toBe(true);
  });

  it("roundTo names every format and rejects others", () => {
    expect(roundTo("float32")).toBe(Math.fround);
    expect(() => roundTo("float8" as NumberFormat)).toThrow(/unknown format "float8"/);
  });
});

/** Random values of the storage format, with a spread of magnitudes and exact zeros. */
function values(rng: Rng, n: number, round: (x: number) => number): number[] {
  return Array.from({ length: n }, () =>
    rng.uniform(0, 1) < 0.1 ? 0 : round(rng.uniform(-1, 1) * 2 ** Math.floor(rng.uniform(-6, 4))),
  );
}

describe("dot products under each model", () => {
  const models: ArithmeticModel[] = [
    ...Object.values(ARITHMETIC_MODELS),
    arithmeticModel({ storage: "float32", order: "pairwise" }),
    arithmeticModel({ storage: "float16", accumulation: "float32", order: "sequential" }),
    arithmeticModel({ storage: "float16", accumulation: "float32", order: "pairwise" }),
    arithmeticModel({ storage: "float32", accumulation: "float64", fma: true, order: "blocked", block: 5 }),
    arithmeticModel({ storage: "float16", fma: true, order: "blocked", block: 3 }),
    arithmeticModel({ storage: "bfloat16", accumulation: "float32", order: "blocked", block: 7 }),
  ];
  for (const model of models) {
    it(`${model.name}: bitwise equal to the exact reference`, () => {
      const rng = new Rng(7);
      const rS = roundTo(model.storage);
      for (const K of [1, 2, 3, 16, 17, 33, 300, 520]) {
        for (let t = 0; t < (K > 100 ? 3 : 20); t++) {
          const a = values(rng, K, rS);
          const b = values(rng, K, rS);
          const c = rS(rng.uniform(-2, 2));
          expect(Object.is(modelDot(model, a, b, c), dotReference(model, a, b, c))).toBe(true);
          // the bias equal to minus the sum: the exact zeros this work is about
          const s = modelDot(model, a, b, 0);
          if (Number.isFinite(s))
            expect(Object.is(modelDot(model, a, b, -s), dotReference(model, a, b, -s))).toBe(true);
        }
      }
    });
  }

  it("FMA rounds once: a case where rounding the float64 sum to float32 is wrong", () => {
    // acc = 2^30 + 128 (odd float32 significand); a b = 64 - 2^-30; float64 rounds acc + a b to the float32 tie 2^30 + 192
    const a = [1, 64 * (1 - 2 ** -18)],
      b = [2 ** 30 + 128, 1 + 2 ** -18];
    const m = arithmeticModel({ storage: "float32", fma: true });
    expect(modelDot(m, a, b)).toBe(2 ** 30 + 128);
    expect(dotReference(m, a, b)).toBe(2 ** 30 + 128);
    expect(Math.fround(2 ** 30 + 128 + a[1] * b[1])).toBe(2 ** 30 + 256); // the naive method rounds twice
  });

  it("the models differ where they should", () => {
    const a = [1, 2 ** -11, 2 ** -11],
      b = [1, 1, 1];
    expect(modelDot(ARITHMETIC_MODELS.float16, a, b)).toBe(1);
    expect(modelDot(ARITHMETIC_MODELS["float16-tensor-core"], a, b)).toBe(1 + 2 ** -10);
    // float16 storage, float32 accumulation: a sum of float32 size is zero in float16 only when it underflows
    expect(modelDot(ARITHMETIC_MODELS["float16-tensor-core"], [2 ** -14], [2 ** -12], 0)).toBe(0);
  });
});

describe("bad input", () => {
  it("names the problem", () => {
    expect(() => arithmeticModel("float8" as "float16")).toThrow(/model must be one of/);
    expect(() => arithmeticModel({ storage: "float32", accumulation: "float16" })).toThrow(
      /accumulation float16 is less precise than storage float32/,
    );
    expect(() => arithmeticModel({ storage: "float16", accumulation: "bfloat16" })).toThrow(/less precise/);
    expect(() => arithmeticModel({ storage: "bfloat16", accumulation: "float16" })).toThrow(/less precise/);
    expect(() => arithmeticModel({ storage: "float64", fma: true })).toThrow(/not emulated/);
    expect(() => arithmeticModel({ storage: "float32", fma: true, order: "pairwise" })).toThrow(/pairwise/);
    expect(() => arithmeticModel({ storage: "float32", order: "blocked", block: 0 })).toThrow(/block/);
  });
});

describe("the engine's precisions are the named models float64, float32, float16", () => {
  it("a matrix product plus bias in the engine equals modelDot bitwise", async () => {
    const { evaluate, matmul, add, Tensor } = await import("../../../src");
    const rng = new Rng(3);
    for (const name of ["float64", "float32", "float16"] as const) {
      const model = ARITHMETIC_MODELS[name];
      const r = roundTo(model.storage);
      const X = values(rng, 5 * 37, r),
        W = values(rng, 37 * 6, r),
        bias = values(rng, 6, r);
      const Z = evaluate(
        (w) => add(matmul(new Tensor(Float64Array.from(X), [5, 37]), w), new Tensor(Float64Array.from(bias), [6])),
        new Tensor(Float64Array.from(W), [37, 6]),
        { precision: name },
      ).value;
      for (let i = 0; i < 5; i++)
        for (let j = 0; j < 6; j++)
          expect(Object.is(Z.data[i * 6 + j], modelDot(model, X, W, bias[j], 37, i * 37, 1, j, 6))).toBe(true);
    }
  });
});

describe("denseLayer (the fast kernel) equals modelDot entry by entry", () => {
  const models: ArithmeticModel[] = [
    ...Object.values(ARITHMETIC_MODELS),
    arithmeticModel({ storage: "float32", order: "pairwise" }),
    arithmeticModel({ storage: "float32", accumulation: "float64", fma: true, order: "blocked", block: 5 }),
    arithmeticModel({ storage: "float16", fma: true, order: "blocked", block: 3 }),
    arithmeticModel({ storage: "bfloat16", accumulation: "float32", order: "blocked", block: 7 }),
  ];
  for (const model of models) {
    it(model.name, () => {
      const rng = new Rng(11);
      const r = roundTo(model.storage);
      for (const [B, K, N] of [
        [3, 40, 5],
        [2, 300, 3],
        [1, 1, 1],
      ]) {
        const H = Float64Array.from(values(rng, B * K, r).map((v, i) => (i % 3 === 0 ? 0 : v)));
        const Wt = Float64Array.from(values(rng, N * K, r));
        const b = Float64Array.from(values(rng, N, r));
        const Z = denseLayer(model, H, B, K, Wt, N, b);
        for (let i = 0; i < B; i++)
          for (let j = 0; j < N; j++)
            expect(Object.is(Z[i * N + j], modelDot(model, H, Wt, b[j], K, i * K, 1, j * K, 1))).toBe(true);
      }
    });
  }
});
