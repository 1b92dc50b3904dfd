// The engine in the arithmetic models: every reduction and contraction (matmul forward and backward, sum over
// all or one axis, sumTo, norm, squaredError, logsumexp, softmaxCrossEntropy) is bitwise the exact reference
// dotReference of the model (BigInt arithmetic, the IEEE 754 definition), on random shapes with 0 and 1 extents
// and K not a multiple of the block; elementwise results are rounded to storage; the three precisions keep their
// own kernels; bad options and overflowing inputs are refused. Matrix products are checked on the JavaScript loops
// (small products) and, forced at every size, on the WebAssembly kernels of the models that have one. Negative
// controls: a wrong summation order and a double-rounded FMA are caught by the same comparison.
import { describe, expect, it } from "vitest";
import * as N from "../../../src";
import { ARITHMETIC_MODELS, Rng, arithmeticModel, dotReference, evaluate, roundTo, tensor, vjp } from "../../../src";
import type { ArithmeticModel, PrecisionOption, Tensor, Value } from "../../../src";
import { setKernelBackend } from "../../../src/kernels";
import { wasmModelProducts } from "../../../src/wasm/dense";

const MODELS: readonly ArithmeticModel[] = [
  ...Object.values(ARITHMETIC_MODELS),
  arithmeticModel({ storage: "float32", fma: true, order: "blocked", block: 5 }),
  arithmeticModel({ storage: "bfloat16", accumulation: "float32", order: "blocked", block: 5 }),
  arithmeticModel({ storage: "float16", fma: true, order: "blocked", block: 3 }),
  arithmeticModel({ storage: "float32", accumulation: "float64", order: "pairwise" }),
  arithmeticModel({ storage: "float16", accumulation: "float32", order: "pairwise" }),
];

/** Random values of a storage format: mixed magnitudes, exact zeros and -0 included. */
function values(rng: Rng, n: number, model: ArithmeticModel): number[] {
  const r = roundTo(model.storage);
  return Array.from({ length: n }, () => {
    const u = rng.uniform(0, 1);
    if (u < 0.05) return 0;
    if (u < 0.08) return -0;
    return r(rng.normal() * 2 ** Math.floor(rng.uniform(-6, 6)));
  });
}

const same = (a: number, b: number): boolean => Object.is(a, b);
const row = (d: readonly number[], i: number, c: number): number[] => d.slice(i * c, (i + 1) * c);
const col = (d: readonly number[], j: number, r: number, c: number): number[] =>
  Array.from({ length: r }, (_, i) => d[i * c + j]);
const ones = (n: number): number[] => new Array<number>(n).fill(1);

/** Both cotangents of op(A) [m, k] times B [k, n] under the model (random operands), each entry its dotReference. */
function expectMatmulCotangents(model: ArithmeticModel, rng: Rng, m: number, k: number, n: number): void {
  const A = values(rng, m * k, model);
  const B = values(rng, k * n, model);
  const G = values(rng, m * n, model);
  const opts = { precision: model };
  const gA = vjp((x: Value) => N.matmul(x, tensor(B, [k, n])), tensor(A, [m, k]), tensor(G, [m, n]), opts)
    .vjp as Tensor;
  for (let i = 0; i < m; i++)
    for (let p = 0; p < k; p++)
      expect(same(gA.data[i * k + p], dotReference(model, row(G, i, n), row(B, p, n))), model.name).toBe(true);
  const gB = vjp((x: Value) => N.matmul(tensor(A, [m, k]), x), tensor(B, [k, n]), tensor(G, [m, n]), opts)
    .vjp as Tensor;
  for (let p = 0; p < k; p++)
    for (let j = 0; j < n; j++)
      expect(same(gB.data[p * n + j], dotReference(model, col(A, p, m, k), col(G, j, m, n))), model.name).toBe(true);
}

/** Shapes m x k x n with 0 and 1 extents, k across block boundaries (and past 256 for float32-blas). */
function shapes(model: ArithmeticModel): [number, number, number][] {
  const ks = [0, 1, 2, 5, 7, 16, 17, 33];
  if (model.block > 33) ks.push(model.block + 44);
  const out: [number, number, number][] = [];
  for (const k of ks)
    for (const [m, n] of [
      [0, 3],
      [1, 1],
      [2, 4],
      [3, 1],
      [1, 0],
      [5, 9],
    ] as const)
      out.push([m, k, n]);
  return out;
}

/** A product op(A) op(B) in the engine and its entries by the reference of `reference` (mismatches counted). */
function matmulMismatches(
  engine: PrecisionOption,
  reference: ArithmeticModel,
  seed: number,
): { checked: number; wrong: number } {
  const rng = new Rng(seed);
  let checked = 0;
  let wrong = 0;
  for (const [m, k, n] of shapes(reference)) {
    const A = values(rng, m * k, reference);
    const B = values(rng, k * n, reference);
    const C = N.evaluate((x: Value) => N.matmul(x, tensor(B, [k, n])), tensor(A, [m, k]), { precision: engine }).value;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        checked++;
        if (!same(C.data[i * n + j], dotReference(reference, row(A, i, k), col(B, j, k, n)))) wrong++;
      }
  }
  return { checked, wrong };
}

describe("contractions in the arithmetic models: bitwise the exact reference", () => {
  it("matmul, every named model and specs (FMA or not, blocked, pairwise, float64 accumulation)", () => {
    for (const [t, model] of MODELS.entries()) {
      const r = matmulMismatches(model, model, 100 + t);
      expect(r.wrong, model.name).toBe(0);
      expect(r.checked).toBeGreaterThan(100);
    }
  });

  it("the same through the engine with the WebAssembly kernels at every size (forward and both cotangents)", () => {
    const before = setKernelBackend("wasm");
    const ran = wasmModelProducts();
    try {
      for (const [t, model] of MODELS.entries()) {
        const r = matmulMismatches(model, model, 150 + t);
        expect(r.wrong, model.name).toBe(0);
        expectMatmulCotangents(model, new Rng(160 + t), 6, Math.max(model.block, 16) + 3, 9);
      }
      // the named models but float64/float32/float16 (their own kernels) and the FMA and bfloat16 specs ran there
      expect(wasmModelProducts() - ran).toBeGreaterThan(100);
    } finally {
      setKernelBackend(before);
    }
  });

  it("negative controls: the comparison catches a wrong summation order and a double-rounded FMA", () => {
    const blocked = arithmeticModel({ storage: "float32", fma: true, order: "blocked", block: 5 });
    // the engine ran blocks of 5; a reference that adds sequentially disagrees
    expect(matmulMismatches(blocked, { ...blocked, order: "sequential" }, 7).wrong).toBeGreaterThan(0);
    // the engine fused each multiply-add (one rounding); a reference rounding the product first disagrees
    const blas = ARITHMETIC_MODELS["float32-blas"];
    expect(matmulMismatches(blas, { ...blas, fma: false }, 8).wrong).toBeGreaterThan(0);
    // and the model changes results: float16 sums in float16 where the tensor core sums in float32
    expect(matmulMismatches("float16", ARITHMETIC_MODELS["float16-tensor-core"], 9).wrong).toBeGreaterThan(0);
  });

  it("the fused step at the overflow threshold of float32: a sum just below it stays finite", () => {
    // max + p with p = (1 - 2^-46) 2^103: float64 rounds the sum onto the threshold (max + 2^103, a tie of float32
    // that rounds to Infinity); the exact sum lies below it, so the fused multiply-add gives max
    const max = N.FORMATS.float32.max;
    const a = (1 - 2 ** -23) * 2 ** 52;
    const b = (1 + 2 ** -23) * 2 ** 51;
    const model = ARITHMETIC_MODELS["float32-blas"];
    const got = evaluate((x: Value) => N.matmul(x, tensor([1, b], [2, 1])), tensor([max, a], [1, 2]), {
      precision: model,
    }).value.item();
    expect(got).toBe(max);
    expect(dotReference(model, [max, a], [1, b])).toBe(max);
    expect(Math.fround(max + a * b)).toBe(Infinity); // the naive rounding overflows (the case is a real one)
  });

  it("a zero times an infinite constant is NaN in the models too (zero terms are skipped only when that is exact)", () => {
    const f = (x: Value): Value => N.matmul(x, tensor([Infinity, 1], [2, 1]));
    for (const p of ["float64", "float16-tensor-core", "bfloat16-tensor-core", "float32-blas"] as const)
      expect(evaluate(f, tensor([0, 1], [1, 2]), { precision: p }).value.toFlat(), p).toEqual([NaN]);
  });

  it("the backward pass: both matmul cotangents and sumTo (a broadcast bias) are contractions of the model", () => {
    for (const [t, model] of MODELS.entries()) {
      const rng = new Rng(200 + t);
      for (const [m, k, n] of [
        [3, 17, 4],
        [1, 6, 2],
        [2, 0, 3],
      ] as const) {
        expectMatmulCotangents(model, rng, m, k, n);
        const G = values(rng, m * n, model);
        const opts = { precision: model };
        const bias = values(rng, n, model);
        const M = values(rng, m * n, model);
        const gb = vjp((b: Value) => N.add(tensor(M, [m, n]), b), tensor(bias, [n]), tensor(G, [m, n]), opts)
          .vjp as Tensor;
        for (let j = 0; j < n; j++)
          expect(same(gb.data[j], dotReference(model, col(G, j, m, n), ones(m))), model.name).toBe(true);
      }
    }
  });

  it("sum (all, one axis), mean, norm, squaredError, logsumexp and softmaxCrossEntropy", () => {
    for (const [t, model] of MODELS.entries()) {
      const rng = new Rng(300 + t);
      const rS = roundTo(model.storage);
      const opts = { precision: model };
      const [r, c] = [3, 21];
      const X = values(rng, r * c, model);
      const Y = values(rng, r * c, model);
      const x = tensor(X, [r, c]);
      const ev = (f: (v: Value) => Value): Tensor => evaluate(f, x, opts).value;
      expect(same(ev((v) => N.sum(v)).item(), dotReference(model, X, ones(r * c))), model.name).toBe(true);
      const rows = ev((v) => N.sum(v, 1));
      const cols = ev((v) => N.sum(v, 0));
      for (let i = 0; i < r; i++) expect(same(rows.data[i], dotReference(model, row(X, i, c), ones(c)))).toBe(true);
      for (let j = 0; j < c; j++) expect(same(cols.data[j], dotReference(model, col(X, j, r, c), ones(r)))).toBe(true);
      // mean: the sum, times 1/n rounded to storage, the product rounded to storage
      const mean = ev((v) => N.mean(v, 1));
      for (let i = 0; i < r; i++)
        expect(same(mean.data[i], rS(dotReference(model, row(X, i, c), ones(c)) * rS(1 / c)))).toBe(true);
      expect(same(ev((v) => N.norm(v)).item(), rS(Math.sqrt(dotReference(model, X, X))))).toBe(true);
      const se = ev((v) => N.squaredError(v, tensor(Y, [r, c])));
      for (let i = 0; i < r; i++) {
        const d = row(X, i, c).map((v, j) => rS(v - Y[i * c + j]));
        expect(same(se.data[i], dotReference(model, d, d))).toBe(true);
      }
      const lse = (z: number[]): number => {
        const m = Math.max(...z);
        const s = dotReference(
          model,
          z.map((v) => rS(Math.exp(rS(v - m)))),
          ones(z.length),
        );
        return rS(m + rS(Math.log(s)));
      };
      const L = ev((v) => N.logsumexp(v, 1));
      for (let i = 0; i < r; i++) expect(same(L.data[i], lse(row(X, i, c)))).toBe(true);
      const labels = [0, 5, 20];
      const ce = ev((v) => N.softmaxCrossEntropy(v, labels));
      for (let i = 0; i < r; i++) {
        const z = row(X, i, c);
        const l = lse(z);
        const y = z.map((_, j) => (j === labels[i] ? 1 : 0));
        expect(
          same(
            ce.data[i],
            dotReference(
              model,
              y,
              z.map((v) => rS(l - v)),
            ),
          ),
        ).toBe(true);
      }
    }
  });

  it("elementwise results are rounded to storage only (a tensor core's float32 accumulator is not an elementwise format)", () => {
    const v = 1 + 2 ** -11; // between float16 neighbours 1 and 1 + 2^-10: a tie, to even
    for (const p of ["float16", "float16-tensor-core"] as const) {
      expect(evaluate((x: Value) => N.add(x, 2 ** -11), 1, { precision: p }).value.item()).toBe(1);
      expect(evaluate((x: Value) => N.mul(x, 1), v, { precision: p }).value.item()).toBe(1);
    }
    expect(evaluate((x: Value) => N.exp(x), 0.1, { precision: "bfloat16" }).value.item()).toBe(
      N.bf16round(Math.exp(N.bf16round(0.1))),
    );
  });
});

describe("the three precisions and their specs keep the kernels they had", () => {
  it("a spec with accumulation = storage, no FMA, sequential order gives bitwise the named precision's results", () => {
    const rng = new Rng(400);
    for (const p of ["float32", "float16"] as const) {
      const model = ARITHMETIC_MODELS[p];
      const A = values(rng, 24 * 40, model);
      const B = values(rng, 40 * 24, model);
      const f = (x: Value): Value => N.sum(N.relu(N.matmul(x, tensor(B, [40, 24]))));
      const named = N.valueAndGrad(f, tensor(A, [24, 40]), { precision: p });
      const spec = N.valueAndGrad(f, tensor(A, [24, 40]), { precision: { storage: p } });
      expect(same(named.value, spec.value)).toBe(true);
      expect((spec.grad as Tensor).data).toEqual((named.grad as Tensor).data);
      // and the named precision is the model's sequential accumulation (the kernels it always had)
      expect(matmulMismatches(p, model, 410).wrong).toBe(0);
    }
  });
});

describe("rounding: one implementation for precisions, models and formats", () => {
  it("rounding(name) is roundTo(storage format)", () => {
    expect(N.rounding("float16")).toBe(N.f16round);
    expect(N.rounding("float16")).toBe(roundTo("float16"));
    expect(N.rounding("bfloat16")).toBe(N.bf16round);
    expect(N.rounding("bfloat16-tensor-core")).toBe(roundTo("bfloat16"));
    expect(N.rounding({ storage: "float32", accumulation: "float64" })).toBe(Math.fround);
    expect(() => N.rounding("float8" as never)).toThrow(
      /^rounding: unknown precision "float8": expected one of float64/,
    );
  });
});

describe("bad precisions and inputs: clear errors", () => {
  const id = (x: Value) => x;
  const message = (run: () => unknown): string => {
    try {
      run();
    } catch (e) {
      return (e as Error).message;
    }
    return "no error";
  };
  it("an unknown name lists the valid ones", () => {
    expect(message(() => N.grad(id, 1, { precision: "float8" as never }))).toBe(
      'grad: unknown precision "float8": expected one of float64, float32, float16, bfloat16, float32-blas, float16-tensor-core, bfloat16-tensor-core, or an arithmetic model spec { storage, accumulation, fma, order, block }',
    );
    // a list (the runners' form) is not one precision: the same message, not a complaint about a field "0"
    expect(message(() => N.grad(id, 1, { precision: ["float16"] as never }))).toBe(
      'grad: unknown precision ["float16"]: expected one of float64, float32, float16, bfloat16, float32-blas, float16-tensor-core, bfloat16-tensor-core, or an arithmetic model spec { storage, accumulation, fma, order, block }',
    );
  });
  it("a spec accumulating in a format less precise than storage, or with an unknown field, names the option", () => {
    expect(message(() => N.evaluate(id, [1], { precision: { storage: "float32", accumulation: "float16" } }))).toBe(
      "evaluate: precision: accumulation float16 is less precise than storage float32; sums must be accumulated in a format at least as precise as the values",
    );
    expect(
      message(() => N.grad(id, 1, { precision: { storage: "float16", acumulation: "float32" } as never })),
    ).toMatch(/^grad: precision: unknown field "acumulation" of an arithmetic model spec/);
    expect(message(() => N.compileValueAndGrad(id, { precision: { storage: "float9" } as never }))).toMatch(
      /^compileValueAndGrad: precision: storage must be one of/,
    );
  });
  it("an input overflowing the storage format is refused (7e4: fine in bfloat16, not in float16; 1e39 overflows bfloat16)", () => {
    expect(N.evaluate(id, 7e4, { precision: "bfloat16" }).value.item()).toBe(70144);
    expect(N.evaluate(id, tensor([7e4]), { precision: "bfloat16-tensor-core" }).value.toFlat()).toEqual([70144]);
    for (const p of ["float16", "float16-tensor-core"] as const) {
      expect(message(() => N.grad(id, 7e4, { precision: p }))).toBe(
        "grad: the input 70000 at flat index 0 overflows float16 (it rounds to Infinity; the largest finite float16 is 65504)",
      );
      expect(message(() => N.valueAndGrad((x: Value) => N.sum(x), [1, 7e4], { precision: p }))).toMatch(
        /^valueAndGrad: the input 70000 at flat index 1 overflows float16/,
      );
    }
    expect(message(() => N.evaluate(id, 1e39, { precision: "bfloat16" }))).toBe(
      "evaluate: the input 1e+39 at flat index 0 overflows bfloat16 (it rounds to Infinity; the largest finite bfloat16 is 3.3895313892515355e+38)",
    );
    expect(message(() => N.compileValueAndGrad(id, { precision: "bfloat16" })(1e39))).toMatch(
      /^compileValueAndGrad: the input 1e\+39 at flat index 0 overflows bfloat16/,
    );
    // a constant too
    expect(message(() => N.grad((x: Value) => N.mul(x, 1e39), 1, { precision: "bfloat16-tensor-core" }))).toMatch(
      /the constant 1e\+39 at flat index 0 overflows bfloat16/,
    );
  });
});

describe("results name the arithmetic that ran", () => {
  it("the kink report records the precision or model name", () => {
    const f = (x: Value) => N.relu(x);
    expect(N.kinkReport(f, 0).precision).toBe("float64");
    expect(N.kinkReport(f, 0).toString()).toBe(N.kinkReport(f, 0, { precision: "float64" }).toString());
    const r = N.valueAndGrad(f, 0, { precision: "float16-tensor-core" }).kinks;
    expect(r.precision).toBe("float16-tensor-core");
    expect(r.toString()).toMatch(/^1 kink hit\(s\) under policy pytorch in float16-tensor-core:/);
    expect(N.evaluate(f, 1, { precision: { storage: "bfloat16", accumulation: "float32" } }).kinks.toString()).toBe(
      "no kink hit (policy pytorch in bfloat16/float32/sequential)",
    );
    expect(N.compileValueAndGrad(f, { precision: "bfloat16" })(0).kinks.precision).toBe("bfloat16");
  });
});
