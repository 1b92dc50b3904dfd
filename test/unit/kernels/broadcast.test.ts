// The elementwise kernels around the matrix products (a bias added to every row, a bias gradient summed over the
// rows) take a path without index arrays when one operand repeats along leading axes; it must give bitwise the
// results of the general broadcasting path in every precision (checked against an explicit broadcast first).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Tensor, rounding } from "../../../src";
import type { Precision } from "../../../src";
import { broadcastTo, map1, map2, roundArrayFinite, sumTo } from "../../../src/kernels";

const PRECISIONS: readonly Precision[] = ["float64", "float32", "float16"];
const same = (x: Float64Array, y: Float64Array) => x.length === y.length && x.every((v, i) => Object.is(v, y[i]));
const sub = (a: number, b: number) => a - b;

const shapes = fc
  .tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 7 }))
  .chain(([lead, mid, last]) =>
    fc.constantFrom<[number[], number[]]>(
      [[lead, mid, last], [last]], // a bias over the last axis
      [
        [lead, mid, last],
        [1, mid, last],
      ],
      [
        [lead, mid, last],
        [mid, last],
      ],
      [
        [mid, last],
        [1, 1, last],
      ], // the small operand has more axes (all 1 but the suffix): not a suffix case
    ),
  );
const data = (shape: number[], seed: number) => {
  let s = seed + 1;
  return new Tensor(
    Float64Array.from(
      { length: shape.reduce((a, b) => a * b, 1) },
      () => ((s = (s * 16807) % 2147483647) / 2147483647) * 8 - 4,
    ),
    shape,
  );
};

describe("row broadcasting without index arrays", () => {
  for (const precision of PRECISIONS) {
    it(`map2 and sumTo equal the explicit broadcast, ${precision}`, () => {
      const round = rounding(precision);
      fc.assert(
        fc.property(shapes, fc.integer({ min: 0, max: 1000 }), ([bigShape, smallShape], seed) => {
          // operands already in the precision, as the engine hands them over
          const big = map1(data(bigShape, seed), round, round);
          const small = map1(data(smallShape, seed + 7), round, round);
          const c = map2("sub", big, small, sub, round);
          const out = c.shape;
          // reference: both operands broadcast explicitly, then the same-shape path
          const ref = map2("sub", broadcastTo(big, out), broadcastTo(small, out), sub, round);
          expect(same(c.data, ref.data)).toBe(true);
          const swapped = map2("sub", small, big, sub, round);
          const refSwapped = map2("sub", broadcastTo(small, out), broadcastTo(big, out), sub, round);
          expect(same(swapped.data, refSwapped.data)).toBe(true);
          if (smallShape.length <= bigShape.length) {
            // the transpose: summing rows, each entry's terms in increasing row order
            const summed = sumTo(big, smallShape, round);
            const inner = small.data.length;
            const expected = new Float64Array(inner);
            for (let o = 0; o < big.data.length; o += inner)
              for (let j = 0; j < inner; j++) expected[j] = round(expected[j] + big.data[o + j]);
            expect(same(summed.data, expected)).toBe(true);
          }
        }),
        { numRuns: 80, seed: 42 },
      );
    });
  }

  it("map1 with a built-in rounding equals the rounding called through a function value", () => {
    for (const precision of ["float32", "float16"] as const) {
      const round = rounding(precision);
      const x = data([37], 3);
      const viaValue = (v: number) => round(v);
      expect(same(map1(x, round, round).data, map1(x, viaValue, viaValue).data)).toBe(true);
      const relu = (a: number) => (a > 0 ? a : 0);
      expect(
        same(
          map1(x, relu, round).data,
          Float64Array.from(x.data, (v) => round(relu(v))),
        ),
      ).toBe(true);
    }
  });

  it("negative control: the comparison sees a bias added along the wrong axis", () => {
    const big = data([3, 4], 1);
    const small = data([4], 2);
    const c = map2("sub", big, small, sub, rounding("float64"));
    const wrong = Float64Array.from(big.data, (v, i) => v - small.data[Math.floor(i / 4) % 4]);
    expect(same(c.data, wrong)).toBe(false);
  });
});

describe("roundArrayFinite: the rounded copy", () => {
  it("equals Float64Array.map with the rounding, in every precision", () => {
    let s = 9;
    const d = Float64Array.from(
      { length: 257 },
      () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * 2 ** ((s % 60) - 30),
    );
    for (const precision of PRECISIONS) {
      const round = rounding(precision);
      expect(same(roundArrayFinite(d, round).out, d.map(round))).toBe(true);
    }
    // negative control: float16 is not float32
    expect(same(roundArrayFinite(d, rounding("float16")).out, d.map(rounding("float32")))).toBe(false);
  });
});

describe("roundArrayFinite: the finiteness flag", () => {
  const round = (p: (typeof PRECISIONS)[number]) => rounding(p);
  it("rounds as Float64Array.map with the rounding does, and says whether every rounded value is finite", () => {
    const d = Float64Array.of(0.1, -0, 65519, -1e-30, -65519.9, 1 + 2 ** -11);
    for (const precision of PRECISIONS) {
      const r = roundArrayFinite(d, round(precision));
      expect(same(r.out, d.map(round(precision)))).toBe(true);
      expect(r.finite).toBe(true);
      expect(Object.is(r.out[1], -0)).toBe(true);
    }
    expect(roundArrayFinite(new Float64Array(0), Math.fround).finite).toBe(true);
  });
  it("is false when a finite value overflows the format, or when the data already holds an infinity or NaN", () => {
    expect(roundArrayFinite(Float64Array.of(1, 70000), round("float16")).finite).toBe(false);
    expect(roundArrayFinite(Float64Array.of(1, 70000), round("float32")).finite).toBe(true);
    expect(roundArrayFinite(Float64Array.of(1, 1e39), Math.fround).finite).toBe(false);
    expect(roundArrayFinite(Float64Array.of(-Infinity, 1), Math.fround).finite).toBe(false);
    expect(roundArrayFinite(Float64Array.of(2, Number.NaN), round("float16")).finite).toBe(false);
    // any rounding function, not only the two called by name
    expect(roundArrayFinite(Float64Array.of(1, 2), (x) => (x > 1.5 ? Infinity : x)).finite).toBe(false);
  });
});
