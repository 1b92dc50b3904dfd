/**
 * Numeric kernels on raw tensors, with the rounding of the active precision applied after every arithmetic
 * operation. Summation order (documented, and relied upon by the precision experiments): every sum, mean, dot
 * product and matrix product accumulates its terms sequentially in increasing index order, starting from 0, and
 * rounds after each product and each addition: acc = round(acc + round(a_k * b_k)). (Under an arithmetic model
 * whose sums are accumulated otherwise, a wider format, FMA, blocks or pairs, `kernels-model.ts` computes them.)
 *
 * Matrix products run in WebAssembly SIMD (src/wasm) when it is loaded, else in the JavaScript loops below. Both
 * follow that order, with no fused multiply-add, so they give bitwise the same results in every precision, on one
 * thread or several.
 *
 * @module
 */
import { Tensor, broadcastShapes, fmtShape, sameShape, scalar, shapeSize, stridesOf } from "./tensor";
import { isExact } from "./precision";
// imported from where it is defined (a re-export compiles to a getter, read per element in the loops below)
import { bf16round, f16round } from "./arithmetic/formats";
import { type WasmMode, wasmMatmul } from "./wasm/dense";

export type Round = (x: number) => number;

/** Strides of `shape` seen as broadcast into `out` (0 on broadcast axes). */
function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const st = stridesOf(shape);
  const res = new Array<number>(out.length).fill(0);
  for (let i = 0; i < shape.length; i++) {
    const j = out.length - shape.length + i;
    res[j] = shape[i] === 1 && out[j] !== 1 ? 0 : st[i];
  }
  return res;
}

/** For each element of `out`, the offset into an input of shape `shape` broadcast to `out`. */
export function broadcastIndex(shape: readonly number[], out: readonly number[]): Int32Array {
  const n = shapeSize(out);
  const idx = new Int32Array(n);
  const st = broadcastStrides(shape, out);
  const rank = out.length;
  const counter = new Array<number>(rank).fill(0);
  let off = 0;
  for (let k = 0; k < n; k++) {
    idx[k] = off;
    for (let a = rank - 1; a >= 0; a--) {
      counter[a]++;
      off += st[a];
      if (counter[a] < out[a]) break;
      off -= st[a] * out[a];
      counter[a] = 0;
    }
  }
  return idx;
}

/**
 * A copy of `d` rounded by `round` and, in the same pass, whether every rounded value is finite: `finite` is false
 * when a value overflowed the format in rounding or was already infinite or NaN in `d` (the caller tells which, on
 * that rare path; a separate check would read both arrays again: a sixth of an emulated float32 forward pass). The
 * built-in roundings are called by name so that V8 inlines them (`Float64Array.prototype.map(round)` calls through
 * a function value, ~10 ns an element).
 */
export function roundArrayFinite(d: Float64Array, round: Round): { out: Float64Array; finite: boolean } {
  const out = new Float64Array(d.length);
  // v * 0 is ±0 for a finite v and NaN otherwise; the sum stays 0 exactly when every v is finite
  let z = 0;
  if (round === f16round)
    for (let i = 0; i < d.length; i++) {
      const v = f16round(d[i]);
      out[i] = v;
      z += v * 0;
    }
  else if (round === Math.fround)
    for (let i = 0; i < d.length; i++) {
      const v = Math.fround(d[i]);
      out[i] = v;
      z += v * 0;
    }
  else if (round === bf16round)
    for (let i = 0; i < d.length; i++) {
      const v = bf16round(d[i]);
      out[i] = v;
      z += v * 0;
    }
  else
    for (let i = 0; i < d.length; i++) {
      const v = round(d[i]);
      out[i] = v;
      z += v * 0;
    }
  return { out, finite: z === 0 };
}

/** Applies `f` elementwise, rounding each result. */
export function map1(x: Tensor, f: (a: number) => number, round: Round): Tensor {
  const n = x.data.length;
  const out = new Float64Array(n);
  const d = x.data;
  // the two built-in roundings called by name, so that V8 inlines them (through a function value, ~10 ns a call);
  // f === round is the rounding of a constant into the precision
  if (isExact(round)) for (let i = 0; i < n; i++) out[i] = f(d[i]);
  else if (round === f16round && f === round) for (let i = 0; i < n; i++) out[i] = f16round(d[i]);
  else if (round === f16round) for (let i = 0; i < n; i++) out[i] = f16round(f(d[i]));
  else if (round === Math.fround && f === round) for (let i = 0; i < n; i++) out[i] = Math.fround(d[i]);
  else if (round === Math.fround) for (let i = 0; i < n; i++) out[i] = Math.fround(f(d[i]));
  else if (round === bf16round) for (let i = 0; i < n; i++) out[i] = bf16round(f(d[i]));
  else for (let i = 0; i < n; i++) out[i] = round(f(d[i]));
  return new Tensor(out, x.shape);
}

/** Applies `f` elementwise to broadcast operands, rounding each result. */
export function map2(op: string, a: Tensor, b: Tensor, f: (x: number, y: number) => number, round: Round): Tensor {
  const exact = isExact(round);
  const ad = a.data;
  const bd = b.data;
  if (a.shape.length === 0 && b.shape.length === 0) {
    const v = f(ad[0], bd[0]);
    return scalar(exact ? v : round(v));
  }
  if (sameShape(a.shape, b.shape)) {
    const n = ad.length;
    const out = new Float64Array(n);
    if (exact) for (let i = 0; i < n; i++) out[i] = f(ad[i], bd[i]);
    else if (round === f16round) for (let i = 0; i < n; i++) out[i] = f16round(f(ad[i], bd[i]));
    else if (round === Math.fround) for (let i = 0; i < n; i++) out[i] = Math.fround(f(ad[i], bd[i]));
    else if (round === bf16round) for (let i = 0; i < n; i++) out[i] = bf16round(f(ad[i], bd[i]));
    else for (let i = 0; i < n; i++) out[i] = round(f(ad[i], bd[i]));
    return new Tensor(out, a.shape);
  }
  if (bd.length === 1 && b.shape.length <= a.shape.length) {
    const n = ad.length;
    const y = bd[0];
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = exact ? f(ad[i], y) : round(f(ad[i], y));
    return new Tensor(out, a.shape);
  }
  if (ad.length === 1 && a.shape.length <= b.shape.length) {
    const n = bd.length;
    const x = ad[0];
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = exact ? f(x, bd[i]) : round(f(x, bd[i]));
    return new Tensor(out, b.shape);
  }
  // one operand broadcast along leading axes only (a bias added to every row): no index arrays
  const inner = trailingBroadcast(a.shape, b.shape);
  if (inner > 0) return rowBroadcast2(a, b, inner, false, f, exact ? null : round);
  const innerA = trailingBroadcast(b.shape, a.shape);
  if (innerA > 0) return rowBroadcast2(b, a, innerA, true, f, exact ? null : round);
  const shape = broadcastShapes(op, a.shape, b.shape);
  const ia = broadcastIndex(a.shape, shape);
  const ib = broadcastIndex(b.shape, shape);
  const n = ia.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = f(ad[ia[i]], bd[ib[i]]);
    out[i] = exact ? v : round(v);
  }
  return new Tensor(out, shape);
}

/**
 * When `small` broadcast to `big`'s shape repeats along leading axes only (its shape, leading 1s dropped, is a
 * nonempty suffix of `big`'s, e.g. a bias [n] against [m, n]), the size of that suffix; else 0.
 */
function trailingBroadcast(big: readonly number[], small: readonly number[]): number {
  let lead = 0;
  while (lead < small.length && small[lead] === 1) lead++;
  const rank = small.length - lead;
  if (rank === 0 || rank > big.length || small.length > big.length) return 0;
  let inner = 1;
  for (let i = 0; i < rank; i++) {
    if (small[lead + i] !== big[big.length - rank + i]) return 0;
    inner *= small[lead + i];
  }
  return inner;
}

/** f over `big` and `small` repeated every `inner` elements (small first when `swapped`), rounding unless null. */
function rowBroadcast2(
  big: Tensor,
  small: Tensor,
  inner: number,
  swapped: boolean,
  f: (x: number, y: number) => number,
  round: Round | null,
): Tensor {
  const bd = big.data;
  const sd = small.data;
  const out = new Float64Array(bd.length);
  for (let o = 0; o < bd.length; o += inner) {
    for (let j = 0; j < inner; j++) {
      const v = swapped ? f(sd[j], bd[o + j]) : f(bd[o + j], sd[j]);
      // the built-in roundings by name (inlined), see map1
      out[o + j] =
        round === null
          ? v
          : round === f16round
            ? f16round(v)
            : round === Math.fround
              ? Math.fround(v)
              : round === bf16round
                ? bf16round(v)
                : round(v);
    }
  }
  return new Tensor(out, big.shape);
}

/** Applies an n-ary `f` elementwise to broadcast operands. */
export function mapN(op: string, xs: Tensor[], f: (...v: number[]) => number, round: Round): Tensor {
  const shape = broadcastShapes(op, ...xs.map((x) => x.shape));
  const idx = xs.map((x) => broadcastIndex(x.shape, shape));
  const n = shapeSize(shape);
  const out = new Float64Array(n);
  const args = new Array<number>(xs.length);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < xs.length; j++) args[j] = xs[j].data[idx[j][i]];
    out[i] = round(f(...args));
  }
  return new Tensor(out, shape);
}

/** Copies `x` broadcast to `shape`. */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(x.shape, shape)) return x;
  const s = broadcastShapes("broadcastTo", x.shape, shape);
  if (!sameShape(s, shape)) throw new Error(`broadcastTo: cannot broadcast ${fmtShape(x.shape)} to ${fmtShape(shape)}`);
  const idx = broadcastIndex(x.shape, shape);
  const out = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = x.data[idx[i]];
  return new Tensor(out, [...shape]);
}

/** Sums `x` down to `shape` (the transpose of broadcasting), in increasing index order. */
export function sumTo(x: Tensor, shape: readonly number[], round: Round): Tensor {
  if (sameShape(x.shape, shape)) return x;
  const out = new Float64Array(shapeSize(shape));
  const d = x.data;
  const inner = trailingBroadcast(x.shape, shape);
  if (inner > 0 && out.length === inner) {
    // summing rows into one (a bias gradient): the same order, each out[j] takes its terms by increasing row
    if (isExact(round)) for (let o = 0; o < d.length; o += inner) for (let j = 0; j < inner; j++) out[j] += d[o + j];
    else for (let o = 0; o < d.length; o += inner) for (let j = 0; j < inner; j++) out[j] = round(out[j] + d[o + j]);
    return new Tensor(out, [...shape]);
  }
  const idx = broadcastIndex(shape, x.shape);
  if (isExact(round)) for (let i = 0; i < idx.length; i++) out[idx[i]] += d[i];
  else for (let i = 0; i < idx.length; i++) out[idx[i]] = round(out[idx[i]] + d[i]);
  return new Tensor(out, [...shape]);
}

/** Normalises an axis argument (negative counts from the end) or throws naming the op. */
export function normAxis(op: string, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!(Number.isInteger(a) && a >= 0 && a < rank)) {
    throw new Error(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return a;
}

/** Shape without axis `axis` (or with extent 1 when keepDims). */
export function reducedShape(shape: readonly number[], axis: number, keepDims: boolean): number[] {
  return keepDims ? shape.map((d, i) => (i === axis ? 1 : d)) : shape.filter((_, i) => i !== axis);
}

/**
 * Reduces along `axis` with a visitor that sees each lane's values in increasing index order.
 * `lane(get, n)` returns the reduced value of a lane of length n, reading element j through get(j).
 */
export function reduceAxis(
  x: Tensor,
  axis: number,
  keepDims: boolean,
  lane: (get: (j: number) => number, n: number, laneIndex: number) => number,
): Tensor {
  const shape = x.shape;
  const n = shape[axis];
  const outer = shapeSize(shape.slice(0, axis));
  const inner = shapeSize(shape.slice(axis + 1));
  const out = new Float64Array(outer * inner);
  const d = x.data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      out[o * inner + i] = lane((j) => d[base + j * inner], n, o * inner + i);
    }
  }
  return new Tensor(out, reducedShape(shape, axis, keepDims));
}

/** A row-major copy of the transpose of an r x c matrix. */
export function transposed(d: Float64Array, r: number, c: number): Float64Array {
  const t = new Float64Array(r * c);
  for (let i = 0; i < r; i++) {
    const ri = i * c;
    for (let j = 0; j < c; j++) t[j * r + i] = d[ri + j];
  }
  return t;
}

/**
 * C[i, j] = sum_p A[i, p] * B[j, p] for row-major A [m, k] and B [n, k] (both read along contiguous rows).
 * Float64: blocks of 2 rows by 4 columns keep 8 running sums in registers (about 4x a naive loop in V8); each
 * sum still adds its terms in increasing p from 0, so results are bitwise those of the naive loop.
 */
function dotRowsExact(A: Float64Array, B: Float64Array, C: Float64Array, m: number, k: number, n: number): void {
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const a0 = i * k;
    const a1 = a0 + k;
    let j = 0;
    for (; j + 3 < n; j += 4) {
      let s00 = 0,
        s01 = 0,
        s02 = 0,
        s03 = 0,
        s10 = 0,
        s11 = 0,
        s12 = 0,
        s13 = 0;
      const b0 = j * k,
        b1 = b0 + k,
        b2 = b1 + k,
        b3 = b2 + k;
      for (let p = 0; p < k; p++) {
        const x0 = A[a0 + p],
          x1 = A[a1 + p];
        const y0 = B[b0 + p],
          y1 = B[b1 + p],
          y2 = B[b2 + p],
          y3 = B[b3 + p];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
      }
      const c0 = i * n + j,
        c1 = c0 + n;
      C[c0] = s00;
      C[c0 + 1] = s01;
      C[c0 + 2] = s02;
      C[c0 + 3] = s03;
      C[c1] = s10;
      C[c1 + 1] = s11;
      C[c1 + 2] = s12;
      C[c1 + 3] = s13;
    }
    for (; j < n; j++) {
      let s0 = 0,
        s1 = 0;
      const bj = j * k;
      for (let p = 0; p < k; p++) {
        const y = B[bj + p];
        s0 += A[a0 + p] * y;
        s1 += A[a1 + p] * y;
      }
      C[i * n + j] = s0;
      C[(i + 1) * n + j] = s1;
    }
  }
  for (; i < m; i++) {
    const ai = i * k;
    for (let j = 0; j < n; j++) {
      let s = 0;
      const bj = j * k;
      for (let p = 0; p < k; p++) s += A[ai + p] * B[bj + p];
      C[i * n + j] = s;
    }
  }
}

/**
 * As dotRowsExact, rounding after every product and every addition (the documented order), with the same
 * 2 x 4 register blocking: each of the 8 sums still runs over p in increasing order.
 */
function dotRowsRounded(
  A: Float64Array,
  B: Float64Array,
  C: Float64Array,
  m: number,
  k: number,
  n: number,
  round: Round,
): void {
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const a0 = i * k;
    const a1 = a0 + k;
    let j = 0;
    for (; j + 3 < n; j += 4) {
      let s00 = 0,
        s01 = 0,
        s02 = 0,
        s03 = 0,
        s10 = 0,
        s11 = 0,
        s12 = 0,
        s13 = 0;
      const b0 = j * k,
        b1 = b0 + k,
        b2 = b1 + k,
        b3 = b2 + k;
      for (let p = 0; p < k; p++) {
        const x0 = A[a0 + p],
          x1 = A[a1 + p];
        const y0 = B[b0 + p],
          y1 = B[b1 + p],
          y2 = B[b2 + p],
          y3 = B[b3 + p];
        s00 = round(s00 + round(x0 * y0));
        s01 = round(s01 + round(x0 * y1));
        s02 = round(s02 + round(x0 * y2));
        s03 = round(s03 + round(x0 * y3));
        s10 = round(s10 + round(x1 * y0));
        s11 = round(s11 + round(x1 * y1));
        s12 = round(s12 + round(x1 * y2));
        s13 = round(s13 + round(x1 * y3));
      }
      const c0 = i * n + j,
        c1 = c0 + n;
      C[c0] = s00;
      C[c0 + 1] = s01;
      C[c0 + 2] = s02;
      C[c0 + 3] = s03;
      C[c1] = s10;
      C[c1 + 1] = s11;
      C[c1 + 2] = s12;
      C[c1 + 3] = s13;
    }
    for (; j < n; j++) {
      let s0 = 0,
        s1 = 0;
      const bj = j * k;
      for (let p = 0; p < k; p++) {
        const y = B[bj + p];
        s0 = round(s0 + round(A[a0 + p] * y));
        s1 = round(s1 + round(A[a1 + p] * y));
      }
      C[i * n + j] = s0;
      C[(i + 1) * n + j] = s1;
    }
  }
  for (; i < m; i++) {
    const ai = i * k;
    for (let j = 0; j < n; j++) {
      let s = 0;
      const bj = j * k;
      for (let p = 0; p < k; p++) s = round(s + round(A[ai + p] * B[bj + p]));
      C[i * n + j] = s;
    }
  }
}

/** dotRowsRounded for float32, with `Math.fround` written inline (V8 compiles it to two conversions; a rounding
 * called through a function value costs ~10 ns a call). Same order, so bitwise the same results. */
function dotRowsF32(A: Float64Array, B: Float64Array, C: Float64Array, m: number, k: number, n: number): void {
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const a0 = i * k;
    const a1 = a0 + k;
    let j = 0;
    for (; j + 3 < n; j += 4) {
      let s00 = 0,
        s01 = 0,
        s02 = 0,
        s03 = 0,
        s10 = 0,
        s11 = 0,
        s12 = 0,
        s13 = 0;
      const b0 = j * k,
        b1 = b0 + k,
        b2 = b1 + k,
        b3 = b2 + k;
      for (let p = 0; p < k; p++) {
        const x0 = A[a0 + p],
          x1 = A[a1 + p];
        const y0 = B[b0 + p],
          y1 = B[b1 + p],
          y2 = B[b2 + p],
          y3 = B[b3 + p];
        s00 = Math.fround(s00 + Math.fround(x0 * y0));
        s01 = Math.fround(s01 + Math.fround(x0 * y1));
        s02 = Math.fround(s02 + Math.fround(x0 * y2));
        s03 = Math.fround(s03 + Math.fround(x0 * y3));
        s10 = Math.fround(s10 + Math.fround(x1 * y0));
        s11 = Math.fround(s11 + Math.fround(x1 * y1));
        s12 = Math.fround(s12 + Math.fround(x1 * y2));
        s13 = Math.fround(s13 + Math.fround(x1 * y3));
      }
      const c0 = i * n + j,
        c1 = c0 + n;
      C[c0] = s00;
      C[c0 + 1] = s01;
      C[c0 + 2] = s02;
      C[c0 + 3] = s03;
      C[c1] = s10;
      C[c1 + 1] = s11;
      C[c1 + 2] = s12;
      C[c1 + 3] = s13;
    }
    for (; j < n; j++) {
      let s0 = 0,
        s1 = 0;
      const bj = j * k;
      for (let p = 0; p < k; p++) {
        const y = B[bj + p];
        s0 = Math.fround(s0 + Math.fround(A[a0 + p] * y));
        s1 = Math.fround(s1 + Math.fround(A[a1 + p] * y));
      }
      C[i * n + j] = s0;
      C[(i + 1) * n + j] = s1;
    }
  }
  for (; i < m; i++) {
    const ai = i * k;
    for (let j = 0; j < n; j++) {
      let s = 0;
      const bj = j * k;
      for (let p = 0; p < k; p++) s = Math.fround(s + Math.fround(A[ai + p] * B[bj + p]));
      C[i * n + j] = s;
    }
  }
}

/**
 * dotRowsRounded for float16, calling {@link f16round} directly from two call sites only: V8 inlines a known
 * small function, but stops inlining past a budget of bytecode per function, which the 16 call sites of the
 * 2 x 4 block exceed (each call not inlined costs ~10 ns). Same order, so bitwise the same results.
 */
function dotRowsF16(A: Float64Array, B: Float64Array, C: Float64Array, m: number, k: number, n: number): void {
  for (let i = 0; i < m; i++) {
    const ai = i * k;
    for (let j = 0; j < n; j++) {
      let s = 0;
      const bj = j * k;
      for (let p = 0; p < k; p++) s = f16round(s + f16round(A[ai + p] * B[bj + p]));
      C[i * n + j] = s;
    }
  }
}

/**
 * Which implementation runs matrix products: "auto" (the default) is WebAssembly SIMD where it is loaded, for all
 * but the smallest products; "wasm" is WebAssembly at every size (where loaded); "js" the JavaScript loops.
 */
export type KernelBackend = "auto" | "wasm" | "js";

let backend: KernelBackend = "auto";

// below this many multiply-adds, copying into WebAssembly memory costs more than the loops save
const WASM_MIN_WORK = 512;

/**
 * Chooses the implementation of matrix products (for benchmarks and tests; results are the same) and returns the
 * previous choice. WebAssembly falls back to JavaScript, product by product, where its kernels cannot run.
 */
export function setKernelBackend(b: KernelBackend): KernelBackend {
  if (b !== "auto" && b !== "wasm" && b !== "js")
    throw new Error(`setKernelBackend: expected "auto", "wasm" or "js", got ${JSON.stringify(b)}`);
  const before = backend;
  backend = b;
  return before;
}

/**
 * Whether a matrix product of `work` multiply-adds runs in WebAssembly (when loaded) under the current backend
 * choice: always with "wasm", from WASM_MIN_WORK on with "auto", never with "js". The model kernels
 * (`kernels-model.ts`) follow the same choice.
 */
export function wasmWanted(work: number): boolean {
  return backend === "wasm" || (backend === "auto" && work >= WASM_MIN_WORK);
}

/** The precision whose rounding is `round`, when the WebAssembly kernels have it. */
function wasmModeOf(round: Round): WasmMode | null {
  if (isExact(round)) return "float64";
  if (round === Math.fround) return "float32";
  if (round === f16round) return "float16";
  return null;
}

/**
 * The sizes [m, k, n] of op(A) [m, k] times op(B) [k, n] for 2-D operands, or the error naming both shapes when
 * the inner dimensions differ (the matrix products of `kernels-model.ts` check their operands with it too).
 */
export function matmulDims(a: Tensor, b: Tensor, transA: boolean, transB: boolean): [number, number, number] {
  const [ar, ac] = a.shape;
  const [br, bc] = b.shape;
  const k = transA ? ar : ac;
  const k2 = transB ? bc : br;
  if (k !== k2) {
    throw new Error(
      `matmul: inner dimensions differ: ${transA ? "transpose of " : ""}${fmtShape(a.shape)} times ${transB ? "transpose of " : ""}${fmtShape(b.shape)} (${k} vs ${k2})`,
    );
  }
  return [transA ? ac : ar, k, transB ? br : bc];
}

/**
 * Matrix product of 2-D tensors, op(A) [m, k] times op(B) [k, n], where op transposes when asked.
 * Each output element accumulates its k terms in increasing order (see the module note), whatever the flags:
 * operands are first laid out so that both are read along rows.
 */
export function matmul2d(a: Tensor, b: Tensor, transA: boolean, transB: boolean, round: Round): Tensor {
  const [ar, ac] = a.shape;
  const [br, bc] = b.shape;
  const [m, k, n] = matmulDims(a, b, transA, transB);
  const C0 = new Float64Array(m * n);
  const mode = wasmModeOf(round);
  if (mode !== null && wasmWanted(m * n * k)) {
    if (wasmMatmul(a.data, ac, transA, b.data, bc, transB, C0, m, k, n, mode)) return new Tensor(C0, [m, n]);
  }
  const rowsA = transA ? transposed(a.data, ar, ac) : a.data; // [m, k]
  const rowsB = transB ? b.data : transposed(b.data, br, bc); // [n, k]
  const C = C0;
  if (isExact(round)) dotRowsExact(rowsA, rowsB, C, m, k, n);
  else if (round === Math.fround) dotRowsF32(rowsA, rowsB, C, m, k, n);
  else if (round === f16round) dotRowsF16(rowsA, rowsB, C, m, k, n);
  else dotRowsRounded(rowsA, rowsB, C, m, k, n, round);
  return new Tensor(C, [m, n]);
}

/** Permutes axes. */
export function transposeKernel(x: Tensor, perm: readonly number[]): Tensor {
  const shape = x.shape;
  const outShape = perm.map((p) => shape[p]);
  const inStrides = stridesOf(shape);
  const st = perm.map((p) => inStrides[p]);
  const n = x.data.length;
  const out = new Float64Array(n);
  const rank = shape.length;
  const counter = new Array<number>(rank).fill(0);
  let off = 0;
  for (let k = 0; k < n; k++) {
    out[k] = x.data[off];
    for (let a = rank - 1; a >= 0; a--) {
      counter[a]++;
      off += st[a];
      if (counter[a] < outShape[a]) break;
      off -= st[a] * outShape[a];
      counter[a] = 0;
    }
  }
  return new Tensor(out, outShape);
}

/** Copies the block starting at `begin` with extents `size`. */
export function sliceKernel(x: Tensor, begin: readonly number[], size: readonly number[]): Tensor {
  const st = stridesOf(x.shape);
  const n = shapeSize(size);
  const out = new Float64Array(n);
  const rank = size.length;
  let base = 0;
  for (let a = 0; a < rank; a++) base += begin[a] * st[a];
  if (rank === 0) {
    out[0] = x.data[0];
    return new Tensor(out, []);
  }
  // copy contiguous runs of the last axis
  const last = size[rank - 1];
  const runs = n / Math.max(last, 1);
  const counter = new Array<number>(rank - 1).fill(0);
  let off = base;
  for (let r = 0; r < runs && last > 0; r++) {
    out.set(x.data.subarray(off, off + last), r * last);
    for (let a = rank - 2; a >= 0; a--) {
      counter[a]++;
      off += st[a];
      if (counter[a] < size[a]) break;
      off -= st[a] * size[a];
      counter[a] = 0;
    }
  }
  return new Tensor(out, [...size]);
}

/** Writes `x` into a zero tensor of `shape` at `begin` (the transpose of slicing). */
export function padKernel(x: Tensor, shape: readonly number[], begin: readonly number[]): Tensor {
  const out = new Float64Array(shapeSize(shape));
  const st = stridesOf(shape);
  const size = x.shape;
  const rank = size.length;
  if (rank === 0) {
    out[0] = x.data[0];
    return new Tensor(out, [...shape]);
  }
  let off = 0;
  for (let a = 0; a < rank; a++) off += begin[a] * st[a];
  const last = size[rank - 1];
  const runs = x.data.length / Math.max(last, 1);
  const counter = new Array<number>(rank - 1).fill(0);
  for (let r = 0; r < runs && last > 0; r++) {
    out.set(x.data.subarray(r * last, r * last + last), off);
    for (let a = rank - 2; a >= 0; a--) {
      counter[a]++;
      off += st[a];
      if (counter[a] < size[a]) break;
      off -= st[a] * size[a];
      counter[a] = 0;
    }
  }
  return new Tensor(out, [...shape]);
}

/** Concatenates along `axis`. */
export function concatKernel(xs: Tensor[], axis: number): Tensor {
  const shape = [...xs[0].shape];
  shape[axis] = xs.reduce((s, x) => s + x.shape[axis], 0);
  const outer = shapeSize(shape.slice(0, axis));
  const out = new Float64Array(shapeSize(shape));
  let pos = 0;
  const rowOut = shapeSize(shape.slice(axis));
  for (const x of xs) {
    const row = shapeSize(x.shape.slice(axis));
    for (let o = 0; o < outer; o++) out.set(x.data.subarray(o * row, (o + 1) * row), o * rowOut + pos);
    pos += row;
  }
  return new Tensor(out, shape);
}
