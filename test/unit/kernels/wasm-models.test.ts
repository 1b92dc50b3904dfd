// The WebAssembly kernels of the arithmetic models (src/wasm/kernels.wat modes 4-8, chosen by src/kernels-model.ts)
// against the JavaScript loops of modelMatmul2d and the exact reference dotReference (BigInt arithmetic, the IEEE
// 754 definition): bitwise equal on random shapes with 0 and 1 extents, K across block boundaries (16 for the
// tensor cores, 256 for float32-blas, and specs with other blocks), the four transposition layouts, operands full
// of ties (few significant bits), both bfloat16 roundings (bounded operands, then large ones overflowing to
// Infinity), and the midpoint cases of the fused multiply-add (subnormal range included); split over worker
// threads as on one thread; operands the kernels cannot take exactly go to the JavaScript loops. Negative
// controls: the same comparison catches an unblocked sum under a blocked model, a fused step rounded without the
// round-to-odd correction, and a bfloat16 rounding that goes through float32 first. Needs `npm run build`.
import { afterAll, describe, expect, it } from "vitest";
import {
  ARITHMETIC_MODELS,
  FORMATS,
  Rng,
  Tensor,
  arithmeticModel,
  bf16round,
  dotReference,
  roundTo,
} from "../../../src";
import type { ArithmeticModel } from "../../../src";
import { modelMatmul2d } from "../../../src/kernels-model";
import { setKernelBackend } from "../../../src/kernels";
import {
  THREAD_THRESHOLD,
  setWasmThreads,
  startWasmThreads,
  wasmAvailable,
  wasmJobsHandedOff,
  wasmModelProducts,
} from "../../../src/wasm/dense";
import { exactOf, roundExact } from "../../../src/arithmetic/reference";

/** The models with a WebAssembly kernel: the four named ones and specs with other blocks or the sequential order. */
const FAST: readonly ArithmeticModel[] = [
  ARITHMETIC_MODELS.bfloat16,
  ARITHMETIC_MODELS["float16-tensor-core"],
  ARITHMETIC_MODELS["bfloat16-tensor-core"],
  ARITHMETIC_MODELS["float32-blas"],
  arithmeticModel({ storage: "bfloat16", accumulation: "float32", fma: true, order: "blocked", block: 5 }),
  arithmeticModel({ storage: "float16", accumulation: "float32", fma: true, order: "sequential" }),
  arithmeticModel({ storage: "float32", fma: true, order: "blocked", block: 7 }),
  arithmeticModel({ storage: "float32", fma: true, order: "sequential" }),
];

type Layout = readonly [transA: boolean, transB: boolean];
const LAYOUTS: readonly Layout[] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];

/** Values of the storage format: random magnitudes, or few significant bits (sums full of ties); zeros, -0. */
function values(rng: Rng, n: number, model: ArithmeticModel, ties: boolean): number[] {
  const r = roundTo(model.storage);
  return Array.from({ length: n }, () => {
    const u = rng.uniform(0, 1);
    if (u < 0.05) return 0;
    if (u < 0.08) return -0;
    const e = Math.floor(rng.uniform(-4, 4));
    if (ties) return (rng.uniform(0, 1) < 0.5 ? -1 : 1) * (1 + Math.floor(rng.uniform(0, 8)) / 8) * 2 ** e;
    return r(rng.normal() * 2 ** e);
  });
}

/** op(A) op(B) under the model on one backend. */
function product(backend: "wasm" | "js", a: Tensor, b: Tensor, [tA, tB]: Layout, model: ArithmeticModel): Tensor {
  const before = setKernelBackend(backend);
  try {
    return modelMatmul2d(a, b, tA, tB, model);
  } finally {
    setKernelBackend(before);
  }
}

/** A[i, :] and B[:, j] of the logical (untransposed) operands. */
function operands(rng: Rng, m: number, k: number, n: number, [tA, tB]: Layout, model: ArithmeticModel, ties: boolean) {
  const A = values(rng, m * k, model, ties); // logical [m, k], row-major
  const B = values(rng, k * n, model, ties); // logical [k, n]
  const a = tA
    ? new Tensor(
        Float64Array.from({ length: m * k }, (_, q) => A[(q % m) * k + Math.floor(q / m)]),
        [k, m],
      )
    : new Tensor(Float64Array.from(A), [m, k]);
  const b = tB
    ? new Tensor(
        Float64Array.from({ length: k * n }, (_, q) => B[(q % k) * n + Math.floor(q / k)]),
        [n, k],
      )
    : new Tensor(Float64Array.from(B), [k, n]);
  const rowA = (i: number) => A.slice(i * k, (i + 1) * k);
  const colB = (j: number) => Array.from({ length: k }, (_, p) => B[p * n + j]);
  return { a, b, rowA, colB };
}

/** Entries of `got` (an m x n product) that differ bitwise from the reference of `reference`. */
function mismatches(
  got: Float64Array,
  m: number,
  n: number,
  reference: ArithmeticModel,
  rowA: (i: number) => number[],
  colB: (j: number) => number[],
): number {
  let wrong = 0;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) if (!Object.is(got[i * n + j], dotReference(reference, rowA(i), colB(j)))) wrong++;
  return wrong;
}

/** A [4, 2] of identical rows x and B [2, 8] of identical columns y: one full register block of x . y. */
function registerBlock(x: readonly number[], y: readonly number[]): [Tensor, Tensor] {
  return [
    new Tensor(
      Float64Array.from({ length: 8 }, (_, q) => x[q % 2]),
      [4, 2],
    ),
    new Tensor(
      Float64Array.from({ length: 16 }, (_, q) => y[q >> 3]),
      [2, 8],
    ),
  ];
}

/** K across the model's block boundaries (one block for the sequential order). */
function ks(model: ArithmeticModel): number[] {
  const b = model.block || 16;
  return [...new Set([0, 1, 2, b - 1, b, b + 1, 2 * b + 3, 33])].filter((k) => k >= 0 && k <= 600);
}

describe("WebAssembly model kernels: bitwise the JavaScript loops and the exact reference", () => {
  it("the WebAssembly kernels are loaded (else every comparison below compares JavaScript with itself)", () => {
    expect(wasmAvailable()).toBe(true);
  });

  for (const [t, model] of FAST.entries()) {
    it(`${model.name}: random shapes with 0 and 1 extents, K across blocks, every layout, ties`, () => {
      const rng = new Rng(500 + t);
      const ran = wasmModelProducts();
      let checked = 0;
      for (const k of ks(model))
        for (const [m, n] of [
          [0, 3],
          [1, 1],
          [3, 0],
          [5, 9],
          [4, 8],
          [9, 13],
        ] as const)
          for (const [l, layout] of LAYOUTS.entries()) {
            const { a, b, rowA, colB } = operands(rng, m, k, n, layout, model, (k + l) % 2 === 0);
            const wasm = product("wasm", a, b, layout, model).data;
            const js = product("js", a, b, layout, model).data;
            expect(Array.from(wasm), `${model.name} ${m}x${k}x${n} ${layout}`).toEqual(Array.from(js));
            expect(mismatches(wasm, m, n, model, rowA, colB), `${model.name} ${m}x${k}x${n}`).toBe(0);
            checked += m * n;
          }
      expect(checked).toBeGreaterThan(1000);
      // every product above ran in WebAssembly (none fell back to the loops it is compared with)
      expect(wasmModelProducts() - ran).toBe(ks(model).length * 6 * LAYOUTS.length);
    });
  }

  it("float32-blas: the fused step on a float32 midpoint (round to odd) and at the overflow threshold", () => {
    const model = ARITHMETIC_MODELS["float32-blas"];
    // acc = 1 + 2^-23 (odd last bit), p = 2^-24 (1 - 2^-46): float64 rounds acc + p onto the float32 midpoint
    // 1 + 2^-23 + 2^-24, which ties to even (up); the exact sum lies below it, so the fused step gives 1 + 2^-23
    const a = [1 + 2 ** -23, 2 ** -24 * (1 + 2 ** -23)];
    const b = [1, 1 - 2 ** -23];
    const max = FORMATS.float32.max;
    // max + p with p just below 2^103: float64 rounds onto the overflow tie; the exact sum is below it: max
    const a2 = [max, (1 - 2 ** -23) * 2 ** 52];
    const b2 = [1, (1 + 2 ** -23) * 2 ** 51];
    for (const [x, y, want] of [
      [a, b, 1 + 2 ** -23],
      [a2, b2, max],
    ] as const) {
      const [A, B] = registerBlock(x, y);
      expect(dotReference(model, [...x], [...y])).toBe(want);
      expect(Array.from(product("wasm", A, B, [false, false], model).data)).toEqual(new Array(32).fill(want));
      expect(Math.fround(x[0] * y[0] + x[1] * y[1]) === want).toBe(false); // the case is real: naive rounding differs
    }
  });

  it("float32-blas: sums in float32's subnormal range (the kernel that watches them), a midpoint there", () => {
    const model = ARITHMETIC_MODELS["float32-blas"];
    // acc = (2^23 - 1) 2^-149 (the largest subnormal, odd), p = (2^47 - 1) 2^-197 = 10610063 2^-99 x 13264529 2^-98
    // = 2^-150 - 2^-197: float64 rounds acc + p onto the midpoint acc + 2^-150, ties to even would go up to 2^-126;
    // the exact sum is below it: acc
    const acc = (2 ** 23 - 1) * 2 ** -149;
    const x = [acc, 10610063 * 2 ** -99];
    const y = [1, 13264529 * 2 ** -98];
    expect(x[1] * y[1]).toBe(2 ** -150 - 2 ** -197);
    expect(dotReference(model, x, y)).toBe(acc);
    expect(Math.fround(x[0] * y[0] + x[1] * y[1])).toBe(2 ** -126); // the naive rounding differs
    const [A, B] = registerBlock(x, y);
    expect(Array.from(product("wasm", A, B, [false, false], model).data)).toEqual(new Array(32).fill(acc));
    // a partial sum that rounds to -0 (0 + (-2^-200) in float32), in each of two blocks: the output is +0, as the
    // model's round_storage(round_acc(s + 0)) and the loops give it
    const blocks = arithmeticModel({ storage: "float32", fma: true, order: "blocked", block: 1 });
    const [Az, Bz] = registerBlock([2 ** -100, 2 ** -100], [-(2 ** -100), -(2 ** -100)]);
    expect(Object.is(dotReference(blocks, [2 ** -100, 2 ** -100], [-(2 ** -100), -(2 ** -100)]), 0)).toBe(true);
    for (const mdl of [model, blocks]) {
      const got = product("wasm", Az, Bz, [false, false], mdl).data;
      expect(Array.from(got, (v) => Object.is(v, 0))).toEqual(new Array(32).fill(true));
      expect(Array.from(product("js", Az, Bz, [false, false], mdl).data, (v) => Object.is(v, 0))).toEqual(
        new Array(32).fill(true),
      );
    }
    // random products near 2^-150, summed in the subnormal range
    const rng = new Rng(650);
    const ran = wasmModelProducts();
    for (const [m, k, n] of [
      [5, 300, 9],
      [4, 17, 8],
    ] as const) {
      const { a, b, rowA, colB } = operands(rng, m, k, n, [false, false], model, false);
      for (let q = 0; q < a.data.length; q++) a.data[q] *= 2 ** -75;
      for (let q = 0; q < b.data.length; q++) b.data[q] = Math.fround(b.data[q] * 2 ** -72);
      const A2 = (i: number) => rowA(i).map((v) => v * 2 ** -75);
      const B2 = (j: number) => colB(j).map((v) => Math.fround(v * 2 ** -72));
      const wasm = product("wasm", a, b, [false, false], model).data;
      expect(mismatches(wasm, m, n, model, A2, B2)).toBe(0);
      expect(Array.from(wasm)).toEqual(Array.from(product("js", a, b, [false, false], model).data));
    }
    expect(wasmModelProducts() - ran).toBe(2);
  });

  it("bfloat16: both roundings (mode 8 on bounded operands, mode 4 beyond), overflow to +-Infinity", () => {
    const model = ARITHMETIC_MODELS.bfloat16;
    const rng = new Rng(620);
    const [m, k, n] = [5, 40, 9];
    const run = (scale: number) => {
      const { a, b, rowA, colB } = operands(rng, m, k, n, [false, false], model, true);
      for (const t of [a, b]) for (let q = 0; q < t.data.length; q++) t.data[q] = bf16round(t.data[q] * scale);
      const [m4, m8] = [wasmModelProducts(4), wasmModelProducts(8)];
      const wasm = product("wasm", a, b, [false, false], model).data;
      expect(Array.from(wasm)).toEqual(Array.from(product("js", a, b, [false, false], model).data));
      return { wasm, rowA: (i: number) => rowA(i).map((v) => bf16round(v * scale)), colB, m4, m8 };
    };
    // unit magnitudes: the cheaper rounding (mode 8), the exact reference
    let r = run(1);
    expect([wasmModelProducts(4) - r.m4, wasmModelProducts(8) - r.m8]).toEqual([0, 1]);
    expect(mismatches(r.wasm, m, n, model, r.rowA, (j) => r.colB(j).map((v) => bf16round(v)))).toBe(0);
    // products near 2^100: the integer rounding (mode 4), still the exact reference
    r = run(2 ** 50);
    expect([wasmModelProducts(4) - r.m4, wasmModelProducts(8) - r.m8]).toEqual([1, 0]);
    expect(mismatches(r.wasm, m, n, model, r.rowA, (j) => r.colB(j).map((v) => bf16round(v * 2 ** 50)))).toBe(0);
    // products up to 2^127.8: partial sums overflow to +-Infinity, as in the loops
    r = run(2 ** 60);
    expect(wasmModelProducts(4) - r.m4).toBe(1);
    const kinds = new Set(Array.from(r.wasm, (v) => (Number.isNaN(v) ? "NaN" : Number.isFinite(v) ? "finite" : v)));
    expect([...kinds].sort()).toEqual([-Infinity, Infinity, "finite"].sort());
  });

  it("operands the kernels cannot take exactly go to the JavaScript loops (same results)", () => {
    const rng = new Rng(600);
    for (const [model, bad] of [
      // a bfloat16 product below 2^-126 would be rounded in float32 (then twice): the loops run
      [ARITHMETIC_MODELS.bfloat16, 2 ** -70],
      [ARITHMETIC_MODELS["bfloat16-tensor-core"], 2 ** -70],
      // values that are not of the storage format, and infinities
      [ARITHMETIC_MODELS["bfloat16-tensor-core"], 1 + 2 ** -10],
      [ARITHMETIC_MODELS["float16-tensor-core"], 1 + 2 ** -12],
      [ARITHMETIC_MODELS["float32-blas"], 0.1],
      [ARITHMETIC_MODELS["float32-blas"], Infinity],
      [ARITHMETIC_MODELS.bfloat16, -Infinity],
    ] as const) {
      const { a, b } = operands(rng, 6, 20, 9, [false, false], model, false);
      a.data[7] = bad;
      b.data[3] = bad;
      const ran = wasmModelProducts();
      const wasm = product("wasm", a, b, [false, false], model).data;
      expect(wasmModelProducts(), `${model.name} ${bad}`).toBe(ran);
      expect(Array.from(wasm)).toEqual(Array.from(product("js", a, b, [false, false], model).data));
    }
  });
});

describe("negative controls: the comparison catches what the kernels must not do", () => {
  it("an unblocked sum under a blocked model (the tensor cores' blocks of 16, float32-blas' panels of 256)", () => {
    for (const model of [ARITHMETIC_MODELS["float16-tensor-core"], ARITHMETIC_MODELS["float32-blas"]]) {
      // terms 2048 (last of block 1), then a block of 2^-13 each, then -2048: sequentially each 2^-13 is a tie
      // of float32 at 2048 (to even: lost) and the sum is 0; in blocks their sum (bl 2^-13) is exact and survives
      const bl = model.block;
      const k = 2 * bl + 1;
      const x = Array.from({ length: k }, (_, p) =>
        p === bl - 1 ? 2048 : p === 2 * bl ? -2048 : p >= bl ? 2 ** -7 : 0,
      );
      const y = Array.from({ length: k }, (_, p) => (p >= bl && p < 2 * bl ? 2 ** -6 : 1));
      const a = new Tensor(
        Float64Array.from({ length: 8 * k }, (_, q) => x[q % k]),
        [8, k],
      );
      const b = new Tensor(
        Float64Array.from({ length: k * 16 }, (_, q) => y[Math.floor(q / 16)]),
        [k, 16],
      );
      const rowA = () => x;
      const colB = () => y;
      expect(dotReference(model, x, y)).toBe(bl * 2 ** -13);
      const unblocked = { ...model, order: "sequential" as const };
      const wasm = product("wasm", a, b, [false, false], unblocked).data;
      expect(mismatches(wasm, 8, 16, unblocked, rowA, colB)).toBe(0); // right for its own model (0)
      expect(mismatches(wasm, 8, 16, model, rowA, colB)).toBe(128); // caught against the blocked one
      expect(mismatches(product("wasm", a, b, [false, false], model).data, 8, 16, model, rowA, colB)).toBe(0);
    }
  });

  it("a bfloat16 rounding through float32 (twice)", () => {
    // 1 + 2^-8 + 2^-40 goes to the tie 1 + 2^-8 in float32, then to even (1), where one rounding gives 1 + 2^-7;
    // the kernels round to bfloat16 only float32 values that are exact (products) or sums of two bfloat16 values
    // (innocuous: 24 >= 2 x 8 + 2)
    const x = 1 + 2 ** -8 + 2 ** -40;
    const exact = roundExact(exactOf(x), "bfloat16");
    expect(bf16round(x)).toBe(exact);
    expect(bf16round(Math.fround(x))).not.toBe(exact);
  });

  it("a fused step rounded without the round-to-odd correction", () => {
    // the float32 fused step as a float64 sum rounded once to float32: wrong on the midpoint case above
    const blas = ARITHMETIC_MODELS["float32-blas"];
    const a = [1 + 2 ** -23, 2 ** -24 * (1 + 2 ** -23)];
    const b = [1, 1 - 2 ** -23];
    const naive = Math.fround(Math.fround(a[0] * b[0]) + a[1] * b[1]);
    expect(naive).not.toBe(dotReference(blas, a, b));
  });
});

describe("threaded model kernels equal the one-thread product", () => {
  afterAll(() => setWasmThreads(Number.MAX_SAFE_INTEGER));

  it("rows split over worker threads, every kernel, ragged shapes, transposed operands", () => {
    const ready = startWasmThreads(20_000);
    const rng = new Rng(800);
    for (const model of FAST.filter((m) => Object.values(ARITHMETIC_MODELS).includes(m))) {
      for (const [m, k, n, layout] of [
        [130, 129, 131, [false, false]],
        [257, 64, 130, [true, true]],
      ] as const) {
        expect(m * k * n).toBeGreaterThanOrEqual(THREAD_THRESHOLD);
        const { a, b } = operands(rng, m, k, n, layout, model, false);
        setWasmThreads(1);
        const one = product("wasm", a, b, layout, model).data;
        setWasmThreads(8);
        const before = wasmJobsHandedOff();
        for (let attempt = 0; attempt < 50 && (attempt === 0 || wasmJobsHandedOff() === before); attempt++)
          expect(Array.from(product("wasm", a, b, layout, model).data)).toEqual(Array.from(one));
        expect(wasmJobsHandedOff() > before).toBe(ready > 0);
        expect(Array.from(product("js", a, b, layout, model).data)).toEqual(Array.from(one));
      }
    }
  });
});
