// Tier 3: precision emulation. float32 rounding against values stored through a Float32Array; float16 rounding
// against a table of known cases and against a reference written here by bit manipulation; emulated float32 and
// float16 dot products against a hand-rolled sequential accumulation.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import * as N from "../../../src";
import { evaluate, f16round, grad, matmul, rounding, tensor } from "../../../src";

const f32 = new Float32Array(1);
const storeF32 = (x: number): number => {
  f32[0] = x;
  return f32[0];
};

/** Reference float16 rounding: float64 bits -> binary16 bits (round to nearest, ties to even) -> value. */
export function f16bits(x: number): number {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  const bits = dv.getBigUint64(0);
  const sign = Number(bits >> 63n);
  const exp = Number((bits >> 52n) & 0x7ffn);
  const mant = bits & ((1n << 52n) - 1n);
  const s16 = sign << 15;
  if (exp === 0x7ff) return mant === 0n ? s16 | 0x7c00 : 0x7e00; // infinity, NaN
  if (exp === 0 && mant === 0n) return s16; // ±0
  // |x| = sig * 2^(e - 52) with sig an integer of at most 53 bits
  const e = exp === 0 ? -1022 : exp - 1023;
  const sig = exp === 0 ? mant : (1n << 52n) | mant;
  // binary16 exponent of the result, clamped at the subnormal exponent -14; quantum 2^(eh - 10)
  const eh = Math.max(e, -14);
  const shift = eh - 10 - (e - 52); // bits of sig below the quantum (>= 42)
  let n: bigint;
  if (shift >= 64) n = 0n;
  else {
    const sh = BigInt(shift);
    n = sig >> sh;
    const rem = sig & ((1n << sh) - 1n);
    const half = 1n << (sh - 1n);
    if (rem > half || (rem === half && (n & 1n) === 1n)) n += 1n;
  }
  // n is the significand in units of the quantum: < 2^11, or = 2^11 after a carry
  let expField: number;
  let frac: number;
  if (n >= 1n << 10n) {
    let ee = eh;
    let nn = Number(n);
    if (nn === 1 << 11) {
      nn = 1 << 10;
      ee += 1;
    }
    expField = ee + 15;
    frac = nn - (1 << 10);
    if (expField >= 31) return s16 | 0x7c00; // overflow to infinity
  } else {
    expField = 0; // subnormal (or zero)
    frac = Number(n);
  }
  return s16 | (expField << 10) | frac;
}

/** Value of binary16 bits. */
export function f16value(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0x1f) return f === 0 ? sign * Infinity : NaN;
  if (e === 0) return sign * f * 2 ** -24;
  return sign * (1 + f / 1024) * 2 ** (e - 15);
}

const f16ref = (x: number): number => f16value(f16bits(x));

const same = (a: number, b: number): boolean => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

describe("float32 rounding", () => {
  it("rounding('float32') equals storing through a Float32Array, on many random doubles", () => {
    const r = rounding("float32");
    fc.assert(
      fc.property(
        fc.oneof(fc.double(), fc.double({ min: -1e-40, max: 1e-40 }), fc.double({ min: -4e38, max: 4e38 })),
        (x) => {
          expect(same(r(x), storeF32(x))).toBe(true);
        },
      ),
      { numRuns: 5000, seed: 1 },
    );
  });
  it("every elementwise op in float32 gives the Float32Array-stored result of the float64 op on float32 inputs", () => {
    const xs = [0.1, -1.7, 3.3, 1e-3, 123.456];
    const ys = [0.2, 2.9, -0.7, 7.1, 1e-2];
    const ops: [string, (a: any, b: any) => any, (a: number, b: number) => number][] = [
      ["add", N.add, (a, b) => a + b],
      ["sub", N.sub, (a, b) => a - b],
      ["mul", N.mul, (a, b) => a * b],
      ["div", N.div, (a, b) => a / b],
      ["maximum", N.maximum, (a, b) => Math.max(a, b)],
    ];
    for (const [name, op, ref] of ops) {
      const out = evaluate((v: any) => op(v, tensor(ys)), xs, { precision: "float32" }).value.toFlat();
      expect(out, name).toEqual(xs.map((x, i) => storeF32(ref(storeF32(x), storeF32(ys[i])))));
    }
    const unary: [string, (a: any) => any, (a: number) => number][] = [
      ["exp", N.exp, Math.exp],
      ["sin", N.sin, Math.sin],
      ["tanh", N.tanh, Math.tanh],
      ["square", N.square, (a) => a * a],
      ["sqrt(abs)", (a) => N.sqrt(N.abs(a)), (a) => Math.sqrt(Math.abs(a))],
    ];
    for (const [name, op, ref] of unary) {
      const out = evaluate((v: any) => op(v), xs, { precision: "float32" }).value.toFlat();
      expect(out, name).toEqual(xs.map((x) => storeF32(ref(storeF32(x)))));
    }
  });
  it("a float32 gradient is made of float32 numbers", () => {
    const f = (v: any) => N.sum(N.mul(N.sin(v), N.exp(N.mul(v, 0.3))));
    const g = grad(f, [0.1, 0.7, -1.3], { precision: "float32" }) as number[];
    for (const v of g) expect(storeF32(v)).toBe(v);
  });
  it("tangents and cotangents given to a float32 call are rounded too (the results are float32 numbers)", () => {
    // add has partials 1: without rounding the seed, 0.1 passes through unrounded
    const t = N.jvp((v: any) => N.add(v, 1), 1, 0.1, { precision: "float32" }).tangent as number;
    expect(t).toBe(Math.fround(0.1));
    const c = N.vjp((v: any) => N.add(v, 1), [1, 2], [0.1, 0.2], { precision: "float32" }).vjp as number[];
    expect(c).toEqual([Math.fround(0.1), Math.fround(0.2)]);
  });
});

describe("float16 rounding", () => {
  const table: [string, number, number][] = [
    ["smallest subnormal 2^-24", 2 ** -24, 2 ** -24],
    ["2^-25 is a tie between 0 and 2^-24: to even, 0", 2 ** -25, 0],
    ["just above 2^-25 rounds up to 2^-24", 2 ** -25 * (1 + 2 ** -20), 2 ** -24],
    ["3 * 2^-25 is a tie between 2^-24 and 2^-23: to even, 2^-23", 3 * 2 ** -25, 2 ** -23],
    ["5 * 2^-25 is a tie between 2^-23 and 3 * 2^-24: to even, 2^-23", 5 * 2 ** -25, 2 ** -23],
    ["2^-26 underflows to 0", 2 ** -26, 0],
    ["largest subnormal", 1023 * 2 ** -24, 1023 * 2 ** -24],
    ["tie between the largest subnormal and 2^-14: to even, 2^-14", 1023.5 * 2 ** -24, 2 ** -14],
    ["smallest normal 2^-14", 2 ** -14, 2 ** -14],
    ["1 + 2^-11 is a tie: to even, 1", 1 + 2 ** -11, 1],
    ["1 + 3 * 2^-11 is a tie: to even, 1 + 2^-9", 1 + 3 * 2 ** -11, 1 + 2 ** -9],
    ["1 + 2^-11 + 2^-30 rounds up", 1 + 2 ** -11 + 2 ** -30, 1 + 2 ** -10],
    ["2049 is a tie between 2048 and 2050: 2048", 2049, 2048],
    ["2051 is a tie between 2050 and 2052: 2052", 2051, 2052],
    ["0.1", 0.1, 0.0999755859375],
    ["1/3", 1 / 3, 0.333251953125],
    ["largest finite 65504", 65504, 65504],
    ["65519.99 rounds down to 65504", 65519.99, 65504],
    ["65520 overflows to Infinity", 65520, Infinity],
    ["-65520 overflows to -Infinity", -65520, -Infinity],
    ["1e10 overflows", 1e10, Infinity],
    ["Infinity", Infinity, Infinity],
    ["-Infinity", -Infinity, -Infinity],
    ["NaN", NaN, NaN],
    ["0", 0, 0],
    ["negative zero stays -0", -0, -0],
    ["-2^-25 rounds to -0", -(2 ** -25), -0],
    ["-2^-26 rounds to -0", -(2 ** -26), -0],
    ["a float64 subnormal rounds to 0", 5e-324, 0],
    ["-3 * 2^-25 to -2^-23", -3 * 2 ** -25, -(2 ** -23)],
  ];
  for (const [what, x, y] of table) {
    it(what, () => {
      expect(same(f16round(x), y)).toBe(true);
      expect(same(f16ref(x), y)).toBe(true); // the reference agrees with the table too
    });
  }
  it("agrees with the bit-level reference on many random doubles over the whole range", () => {
    fc.assert(
      fc.property(fc.double(), (x) => same(f16round(x), f16ref(x))),
      { numRuns: 5000, seed: 2 },
    );
  });
  it("agrees with the reference in the float16 range and in the subnormal range", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double({ min: -70000, max: 70000 }),
          fc.double({ min: -(2 ** -13), max: 2 ** -13 }),
          fc.double({ min: -2, max: 2 }),
        ),
        (x) => same(f16round(x), f16ref(x)),
      ),
      { numRuns: 20000, seed: 3 },
    );
  });
  it("agrees with the reference at every exact tie and its neighbours (all 63488 finite binary16 pairs)", () => {
    for (let h = 0; h < 0x7bff; h++) {
      const a = f16value(h);
      const b = f16value(h + 1);
      const mid = (a + b) / 2; // exact in float64
      for (const x of [mid, -mid, mid * (1 + 2 ** -40), mid * (1 - 2 ** -40), a, -a]) {
        if (!same(f16round(x), f16ref(x)))
          throw new Error(`f16round(${x}) = ${f16round(x)}, reference ${f16ref(x)} (h = ${h})`);
      }
    }
  });
  it("the reference round-trips every binary16 value", () => {
    for (let h = 0; h < 0x7c00; h++) expect(f16bits(f16value(h))).toBe(h);
  });
});

describe("emulated dot products (matmul of 1xK and Kx1)", () => {
  const seqDot = (a: number[], b: number[], round: (x: number) => number): number => {
    const ra = a.map(round);
    const rb = b.map(round);
    let acc = 0;
    for (let k = 0; k < a.length; k++) acc = round(acc + round(ra[k] * rb[k]));
    return acc;
  };
  const dot = (a: number[], b: number[], precision: "float64" | "float32" | "float16"): number =>
    evaluate((v: any) => matmul(v, tensor(b, [b.length, 1])), tensor(a, [1, a.length]), { precision }).value.item();

  it("float32 gives an exact zero where float64 does not: [1, 2^-30, -1] . [1, 1, 1]", () => {
    const a = [1, 2 ** -30, -1];
    const b = [1, 1, 1];
    expect(dot(a, b, "float64")).toBe(2 ** -30);
    expect(dot(a, b, "float32")).toBe(0);
    expect(dot(a, b, "float16")).toBe(0);
  });
  it("float32 differs from float64 on a cancelling sum, and equals the sequential Math.fround accumulation", () => {
    const a = [1e8, 1, -1e8, 0.1];
    const b = [1, 1, 1, 3];
    expect(dot(a, b, "float64")).toBeCloseTo(1.3, 12);
    expect(dot(a, b, "float32")).toBe(seqDot(a, b, Math.fround));
    expect(dot(a, b, "float32")).not.toBe(dot(a, b, "float64"));
  });
  it("float32 equals the sequential Math.fround accumulation exactly, on random vectors", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 40 })
          .chain((k) =>
            fc.tuple(
              fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: k, maxLength: k }),
              fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: k, maxLength: k }),
            ),
          ),
        ([a, b]) => {
          expect(dot(a, b, "float32")).toBe(seqDot(a, b, Math.fround));
        },
      ),
      { numRuns: 300, seed: 4 },
    );
  });
  it("float16 equals the sequential accumulation with the reference rounding, on random vectors", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 30 })
          .chain((k) =>
            fc.tuple(
              fc.array(fc.double({ min: -8, max: 8, noNaN: true }), { minLength: k, maxLength: k }),
              fc.array(fc.double({ min: -8, max: 8, noNaN: true }), { minLength: k, maxLength: k }),
            ),
          ),
        ([a, b]) => {
          expect(same(dot(a, b, "float16"), seqDot(a, b, f16ref))).toBe(true);
        },
      ),
      { numRuns: 300, seed: 5 },
    );
  });
  it("float64 differs from the float32 result for generic random vectors (the emulation is not a no-op)", () => {
    const a = Array.from({ length: 50 }, (_, i) => Math.sin(i + 1) * 3);
    const b = Array.from({ length: 50 }, (_, i) => Math.cos(i * 1.7));
    expect(dot(a, b, "float32")).not.toBe(dot(a, b, "float64"));
    expect(Math.abs(dot(a, b, "float32") - dot(a, b, "float64"))).toBeLessThan(1e-4);
  });
  it("the same holds for the promoted 1-D matmul (a vector dot product) and for sum", () => {
    const a = [0.1, 0.2, 0.3, 0.4, 0.5];
    const b = [1.1, -2.2, 3.3, -4.4, 5.5];
    const v = evaluate((x: any) => matmul(x, tensor(b)), a, { precision: "float32" }).value.item();
    expect(v).toBe(seqDot(a, b, Math.fround));
    const s = evaluate((x: any) => N.sum(x), a, { precision: "float32" }).value.item();
    expect(s).toBe(seqDot(a, [1, 1, 1, 1, 1], Math.fround));
  });
  it("the gradient of a float32 dot product: relu'(0) is hit through an exact zero created by rounding", () => {
    // relu(a . b) with a . b = 2^-30 in float64 (derivative 1) and exactly 0 in float32 (relu'(0) = s)
    const b = tensor([1, 1, 1], [3, 1]);
    const f = (v: any) => N.sum(N.relu(matmul(v, b)));
    const x = tensor([1, 2 ** -30, -1], [1, 3]);
    expect((grad(f, x) as N.Tensor).toFlat()).toEqual([1, 1, 1]);
    expect((grad(f, x, { precision: "float32" }) as N.Tensor).toFlat()).toEqual([0, 0, 0]);
    expect((grad(f, x, { precision: "float32", policy: N.policies.reluAt(1) }) as N.Tensor).toFlat()).toEqual([
      1, 1, 1,
    ]);
    expect(N.kinkReport(f, x, { precision: "float32" }).byKey.relu).toBe(1);
  });
});
