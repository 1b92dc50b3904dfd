// The WebAssembly SIMD matrix product (src/wasm) against the JavaScript kernel of src/kernels.ts: bitwise the same
// results in float64, float32 and float16, on random shapes with empty and one-element dimensions and extents that
// are not multiples of the 4 x 8 register block, in all four transposition layouts; the float16 paths that the
// WebAssembly side hands back to JavaScript (overflow, operands that are not float16 values) still agree; and a
// product split over worker threads equals the one-thread product. Needs `npm run build` (the assembled .wasm).
import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { Tensor, rounding } from "../../../src";
import type { Precision } from "../../../src";
import { matmul2d, setKernelBackend } from "../../../src/kernels";
import {
  THREAD_THRESHOLD,
  setWasmThreads,
  startWasmThreads,
  wasmAvailable,
  wasmJobsHandedOff,
} from "../../../src/wasm/dense";
import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";

type Layout = readonly [transA: boolean, transB: boolean];
const LAYOUTS: readonly Layout[] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];
const PRECISIONS: readonly Precision[] = ["float64", "float32", "float16"];

/** The product on one backend. */
function product(backend: "wasm" | "js", a: Tensor, b: Tensor, [tA, tB]: Layout, precision: Precision): Tensor {
  const before = setKernelBackend(backend);
  try {
    return matmul2d(a, b, tA, tB, rounding(precision));
  } finally {
    setKernelBackend(before);
  }
}

/** The first entry where two results differ bitwise (NaN equals NaN; +0 and -0 differ), or null. */
function firstDifference(x: Float64Array, y: Float64Array): string | null {
  if (x.length !== y.length) return `lengths ${x.length} vs ${y.length}`;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return `entry ${i}: ${x[i]} vs ${y[i]}`;
  return null;
}

function operands(
  m: number,
  k: number,
  n: number,
  [tA, tB]: Layout,
  av: number[],
  bv: number[],
  round: (x: number) => number,
) {
  return {
    a: new Tensor(Float64Array.from(av, round), tA ? [k, m] : [m, k]),
    b: new Tensor(Float64Array.from(bv, round), tB ? [n, k] : [k, n]),
  };
}

const dims = fc.record({
  m: fc.integer({ min: 0, max: 19 }),
  k: fc.integer({ min: 0, max: 21 }),
  n: fc.integer({ min: 0, max: 27 }),
});
const values = (len: number, scale: number) =>
  fc.array(fc.double({ min: -scale, max: scale, noNaN: true }), { minLength: len, maxLength: len });

describe("WebAssembly matmul equals the JavaScript kernel bitwise", () => {
  it("the WebAssembly kernels are loaded (else every comparison below would compare JavaScript with itself)", () => {
    expect(wasmAvailable()).toBe(true);
  });

  for (const precision of PRECISIONS) {
    for (const layout of LAYOUTS) {
      it(`${precision}, transA=${layout[0]}, transB=${layout[1]}, random shapes including 0 and 1`, () => {
        const round = rounding(precision);
        const scale = precision === "float16" ? 8 : 1e3;
        fc.assert(
          fc.property(
            dims.chain(({ m, k, n }) => fc.tuple(fc.constant({ m, k, n }), values(m * k, scale), values(k * n, scale))),
            ([{ m, k, n }, av, bv]) => {
              const { a, b } = operands(m, k, n, layout, av, bv, round);
              const w = product("wasm", a, b, layout, precision);
              const j = product("js", a, b, layout, precision);
              expect(w.shape).toEqual([m, n]);
              const d = firstDifference(w.data, j.data);
              if (d !== null) throw new Error(`${d} (m=${m} k=${k} n=${n})`);
            },
          ),
          { numRuns: 60, seed: 20261130 },
        );
      });
    }
  }

  it("float64 agrees within 1e-12 relative (here: exactly) at the MLP's shapes", () => {
    let s = 7;
    const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
    for (const [m, k, n] of [
      [128, 784, 256],
      [784, 128, 256],
      [128, 256, 10],
      [1, 33, 1],
    ]) {
      const a = new Tensor(Float64Array.from({ length: m * k }, rnd), [m, k]);
      const b = new Tensor(Float64Array.from({ length: k * n }, rnd), [k, n]);
      const w = product("wasm", a, b, [false, false], "float64").data;
      const j = product("js", a, b, [false, false], "float64").data;
      let worst = 0;
      for (let i = 0; i < w.length; i++)
        worst = Math.max(worst, Math.abs(w[i] - j[i]) / Math.max(Math.abs(j[i]), 1e-300));
      expect(worst).toBeLessThanOrEqual(1e-12);
      expect(firstDifference(w, j)).toBeNull();
    }
  });

  it("float16: ties, subnormal results, overflow to Infinity, NaN and non-float16 operands agree", () => {
    const f16 = rounding("float16");
    const cases: [number[], number[], number, number, number][] = [
      // 1 + 2^-11 is a tie between 1 and 1 + 2^-10: to even (1); 1 + 3 2^-11 ties up to 1 + 2^-9
      [[1, 1], [1, 2 ** -11], 1, 2, 1],
      [[1, 1], [1 + 2 ** -10, 2 ** -11], 1, 2, 1],
      // products below the smallest subnormal 2^-24 (to +-0), and exactly half of it (a tie, to 0)
      [[2 ** -14, -(2 ** -14), 2 ** -12], [2 ** -11, 2 ** -11, 2 ** -13], 1, 3, 1],
      // overflow: 256 * 256 = 65536 rounds to Infinity; 255 * 257 = 65535 too (past 65520)
      [[256, 255, -256], [256, 257, 256], 1, 3, 1],
      // sums that overflow and come back: JavaScript keeps the Infinity
      [[240, 240, -240], [240, 240, 240], 1, 3, 1],
      // an infinite operand and a NaN
      [[Infinity, 1], [1, 2], 1, 2, 1],
      [[Number.NaN, 1], [1, 2], 1, 2, 1],
    ];
    for (const [av, bv, m, k, n] of cases) {
      const a = new Tensor(Float64Array.from(av), [m, k]);
      const b = new Tensor(Float64Array.from(bv), [k, n]);
      const w = product("wasm", a, b, [false, false], "float16").data;
      const j = product("js", a, b, [false, false], "float16").data;
      expect(firstDifference(w, j), `${av} . ${bv}`).toBeNull();
    }
    // operands that are not float16 values (the kernels leave them to JavaScript): still the same
    const a = new Tensor(Float64Array.of(0.1, 1 / 3, 1 + 2 ** -11 + 2 ** -40), [1, 3]);
    const b = new Tensor(Float64Array.of(1, 1, 1), [3, 1]);
    expect(
      firstDifference(
        product("wasm", a, b, [false, false], "float16").data,
        product("js", a, b, [false, false], "float16").data,
      ),
    ).toBeNull();
    expect(f16(1 + 2 ** -11)).toBe(1);
  });

  it("float16 sums of many float16 terms near the overflow bound take the watched kernel and agree", () => {
    let s = 11;
    const rnd = () => ((s = (s * 48271) % 2147483647) / 2147483647) * 2 - 1;
    const f16 = rounding("float16");
    for (const scale of [1, 30, 200]) {
      const [m, k, n] = [13, 70, 17];
      const a = new Tensor(
        Float64Array.from({ length: m * k }, () => f16(rnd() * scale)),
        [m, k],
      );
      const b = new Tensor(
        Float64Array.from({ length: k * n }, () => f16(rnd() * scale)),
        [k, n],
      );
      const w = product("wasm", a, b, [false, false], "float16").data;
      const j = product("js", a, b, [false, false], "float16").data;
      expect(firstDifference(w, j), `scale ${scale}`).toBeNull();
    }
  });

  it("negative control: the comparison detects a product summed in another order", () => {
    // decreasing p instead of increasing: float32 rounding makes some entries differ
    const f32 = rounding("float32");
    let s = 3;
    const rnd = () => f32(((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1);
    const [m, k, n] = [5, 40, 9];
    const a = new Tensor(Float64Array.from({ length: m * k }, rnd), [m, k]);
    const b = new Tensor(Float64Array.from({ length: k * n }, rnd), [k, n]);
    const reversed = new Float64Array(m * n);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = k - 1; p >= 0; p--) acc = f32(acc + f32(a.data[i * k + p] * b.data[p * n + j]));
        reversed[i * n + j] = acc;
      }
    expect(firstDifference(product("wasm", a, b, [false, false], "float32").data, reversed)).not.toBeNull();
  });
});

describe("threaded WebAssembly matmul equals the one-thread product", () => {
  afterAll(() => setWasmThreads(Number.MAX_SAFE_INTEGER));

  it("rows split over worker threads, every precision, ragged shapes, transposed operands", () => {
    const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
    const ready = startWasmThreads(20_000);
    // one worker per core beyond this one (capped at 7); none on one core
    expect(ready).toBe(Math.min(Math.max(cores - 1, 0), 7));
    let s = 5;
    const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
    for (const precision of PRECISIONS) {
      const round = rounding(precision);
      for (const [m, k, n, layout] of [
        [130, 129, 131, [false, false]],
        [257, 64, 130, [true, true]],
      ] as const) {
        expect(m * k * n).toBeGreaterThanOrEqual(THREAD_THRESHOLD);
        const [tA, tB] = layout;
        const a = new Tensor(
          Float64Array.from({ length: m * k }, () => round(rnd())),
          tA ? [k, m] : [m, k],
        );
        const b = new Tensor(
          Float64Array.from({ length: k * n }, () => round(rnd())),
          tB ? [n, k] : [k, n],
        );
        setWasmThreads(1);
        const one = product("wasm", a, b, layout, precision).data;
        setWasmThreads(8);
        // the workers share the chunks with this thread: repeat until they took some (a busy machine may
        // schedule them late), checking every result
        const before = wasmJobsHandedOff();
        for (let attempt = 0; attempt < 50 && (attempt === 0 || wasmJobsHandedOff() === before); attempt++) {
          const many = product("wasm", a, b, layout, precision).data;
          expect(firstDifference(one, many), `${precision} ${m}x${k}x${n}`).toBeNull();
        }
        expect(wasmJobsHandedOff() > before).toBe(ready > 0);
        expect(firstDifference(one, product("js", a, b, layout, precision).data)).toBeNull();
      }
    }
  });

  it("setWasmThreads refuses a count that is not a positive integer", () => {
    expect(() => setWasmThreads(0)).toThrow(/^setWasmThreads: expected an integer >= 1, got 0/);
    expect(() => setWasmThreads(1.5)).toThrow(/^setWasmThreads/);
  });
});

describe("worker threads never keep the process alive", () => {
  it("a process that ran a threaded product exits by itself", () => {
    const dist = path.resolve(__dirname, "../../../dist");
    const script = `
      const { Tensor, rounding } = require(${JSON.stringify(path.join(dist, "index.js"))});
      const { matmul2d } = require(${JSON.stringify(path.join(dist, "kernels.js"))});
      const { startWasmThreads, wasmJobsHandedOff } = require(${JSON.stringify(path.join(dist, "wasm/dense.js"))});
      const ready = startWasmThreads(20000);
      const a = new Tensor(new Float64Array(300 * 300).fill(0.5), [300, 300]);
      let jobs = 0;
      for (let i = 0; i < 50 && (jobs === 0 || i < 3); i++) {
        matmul2d(a, a, false, false, rounding("float64"));
        jobs = wasmJobsHandedOff();
      }
      console.log(JSON.stringify({ ready, jobs }));
    `;
    const started = Date.now();
    const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 50_000 });
    expect(r.signal, r.stderr).toBeNull(); // not killed by the timeout
    expect(r.status, r.stderr).toBe(0);
    const { ready, jobs } = JSON.parse(r.stdout.trim()) as { ready: number; jobs: number };
    expect(jobs > 0).toBe(ready > 0);
    expect(Date.now() - started).toBeLessThan(50_000);
  });

  it("negative control: the same check catches a waiting worker that is not unref'd", () => {
    const script = `
      const { Worker } = require("node:worker_threads");
      new Worker("Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)", { eval: true });
    `;
    const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 3000 });
    expect(r.signal).toBe("SIGTERM"); // still running when the timeout killed it
  });
});
