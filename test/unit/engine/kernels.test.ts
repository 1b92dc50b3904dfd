// The matmul kernel in all four transposition layouts (the backward pass uses all of them): bitwise equal to a
// naive loop that adds the k products in increasing order from 0, in float64 and with float32 / float16 rounding
// after every product and every addition (the documented summation order of src/kernels.ts), at shapes that
// exercise the register blocking's edges.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ARITHMETIC_MODELS, Tensor, rounding } from "../../../src";
import { matmul2d } from "../../../src/kernels";
import { modelMatmul2d } from "../../../src/kernels-model";

function naive(a: Tensor, b: Tensor, tA: boolean, tB: boolean, round: (x: number) => number): Float64Array {
  const m = tA ? a.shape[1] : a.shape[0];
  const k = tA ? a.shape[0] : a.shape[1];
  const n = tB ? b.shape[0] : b.shape[1];
  const A = (i: number, p: number) => (tA ? a.data[p * a.shape[1] + i] : a.data[i * a.shape[1] + p]);
  const B = (p: number, j: number) => (tB ? b.data[j * b.shape[1] + p] : b.data[p * b.shape[1] + j]);
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s = round(s + round(A(i, p) * B(p, j)));
      C[i * n + j] = s;
    }
  return C;
}

const dims = fc.record({
  m: fc.integer({ min: 1, max: 11 }),
  k: fc.integer({ min: 0, max: 9 }),
  n: fc.integer({ min: 1, max: 11 }),
});
const values = (len: number, scale: number) =>
  fc.array(fc.double({ min: -scale, max: scale, noNaN: true }), { minLength: len, maxLength: len });

describe("matmul2d: same summation order in every layout and precision", () => {
  for (const precision of ["float64", "float32", "float16"] as const) {
    for (const [tA, tB] of [
      [false, false],
      [false, true],
      [true, false],
      [true, true],
    ] as const) {
      it(`${precision}, transA=${tA}, transB=${tB}`, () => {
        const round = rounding(precision);
        const scale = precision === "float16" ? 4 : 1e3;
        fc.assert(
          fc.property(
            dims.chain(({ m, k, n }) => fc.tuple(fc.constant({ m, k, n }), values(m * k, scale), values(k * n, scale))),
            ([{ m, k, n }, av, bv]) => {
              const a = new Tensor(Float64Array.from(av, round), tA ? [k, m] : [m, k]);
              const b = new Tensor(Float64Array.from(bv, round), tB ? [n, k] : [k, n]);
              const C = matmul2d(a, b, tA, tB, round);
              expect(C.shape).toEqual([m, n]);
              const ref = naive(a, b, tA, tB, round);
              for (let i = 0; i < ref.length; i++) {
                if (!Object.is(C.data[i], ref[i]) && !(C.data[i] === 0 && ref[i] === 0)) {
                  throw new Error(`entry ${i}: kernel ${C.data[i]} vs sequential ${ref[i]} (m=${m} k=${k} n=${n})`);
                }
              }
            },
          ),
          { numRuns: 150, seed: 51 },
        );
      });
    }
  }
  it("names the shapes when the inner dimensions differ", () => {
    const r = rounding("float64");
    expect(() =>
      matmul2d(new Tensor(new Float64Array(6), [2, 3]), new Tensor(new Float64Array(6), [2, 3]), false, false, r),
    ).toThrow("matmul: inner dimensions differ: [2, 3] times [2, 3] (3 vs 2)");
    // the model kernels check their operands with the same function (one message)
    const model = ARITHMETIC_MODELS["float16-tensor-core"];
    const [a, b] = [new Tensor(new Float64Array(6), [2, 3]), new Tensor(new Float64Array(6), [3, 2])];
    expect(() => modelMatmul2d(a, b, true, false, model)).toThrow(
      "matmul: inner dimensions differ: transpose of [2, 3] times [3, 2] (2 vs 3)",
    );
    expect(modelMatmul2d(a, b, false, false, model).shape).toEqual([2, 2]);
  });
});
