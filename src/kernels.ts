/**
 * Numeric kernels on raw tensors, with the rounding of the active precision applied after every arithmetic
 * operation. Summation order (documented, and relied upon by the precision experiments): every sum, mean, dot
 * product and matrix product accumulates its terms sequentially in increasing index order, starting from 0, and
 * rounds after each product and each addition: acc = round(acc + round(a_k * b_k)).
 *
 * @module
 */
import { Tensor, broadcastShapes, fmtShape, sameShape, shapeSize, stridesOf } from "./tensor";
import { isExact } from "./precision";

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

/** Applies `f` elementwise, rounding each result. */
export function map1(x: Tensor, f: (a: number) => number, round: Round): Tensor {
  const n = x.data.length;
  const out = new Float64Array(n);
  const d = x.data;
  if (isExact(round)) for (let i = 0; i < n; i++) out[i] = f(d[i]);
  else for (let i = 0; i < n; i++) out[i] = round(f(d[i]));
  return new Tensor(out, x.shape);
}

/** Applies `f` elementwise to broadcast operands, rounding each result. */
export function map2(op: string, a: Tensor, b: Tensor, f: (x: number, y: number) => number, round: Round): Tensor {
  const exact = isExact(round);
  const ad = a.data;
  const bd = b.data;
  if (sameShape(a.shape, b.shape)) {
    const n = ad.length;
    const out = new Float64Array(n);
    if (exact) for (let i = 0; i < n; i++) out[i] = f(ad[i], bd[i]);
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
  const idx = broadcastIndex(shape, x.shape);
  const out = new Float64Array(shapeSize(shape));
  const d = x.data;
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

/** Sum of all elements in increasing index order. */
export function sumAll(x: Tensor, round: Round): number {
  const d = x.data;
  let s = 0;
  if (isExact(round)) for (let i = 0; i < d.length; i++) s += d[i];
  else for (let i = 0; i < d.length; i++) s = round(s + d[i]);
  return s;
}

/**
 * Matrix product of 2-D tensors, op(A) [m, k] times op(B) [k, n], where op transposes when asked.
 * Each output element accumulates its k terms in increasing order (see the module note).
 */
export function matmul2d(a: Tensor, b: Tensor, transA: boolean, transB: boolean, round: Round): Tensor {
  const [ar, ac] = a.shape;
  const [br, bc] = b.shape;
  const m = transA ? ac : ar;
  const k = transA ? ar : ac;
  const k2 = transB ? bc : br;
  const n = transB ? br : bc;
  if (k !== k2) {
    throw new Error(
      `matmul: inner dimensions differ: ${transA ? "transpose of " : ""}${fmtShape(a.shape)} times ${transB ? "transpose of " : ""}${fmtShape(b.shape)} (${k} vs ${k2})`,
    );
  }
  const A = a.data;
  const B = b.data;
  const C = new Float64Array(m * n);
  const exact = isExact(round);
  if (!transA && !transB) {
    if (exact) {
      for (let i = 0; i < m; i++) {
        const ci = i * n;
        const ai = i * k;
        for (let p = 0; p < k; p++) {
          const aip = A[ai + p];
          const bp = p * n;
          for (let j = 0; j < n; j++) C[ci + j] += aip * B[bp + j];
        }
      }
    } else {
      for (let i = 0; i < m; i++)
        for (let p = 0; p < k; p++) {
          const aip = A[i * k + p];
          for (let j = 0; j < n; j++) C[i * n + j] = round(C[i * n + j] + round(aip * B[p * n + j]));
        }
    }
  } else if (!transA && transB) {
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        const ai = i * k;
        const bj = j * k;
        if (exact) for (let p = 0; p < k; p++) s += A[ai + p] * B[bj + p];
        else for (let p = 0; p < k; p++) s = round(s + round(A[ai + p] * B[bj + p]));
        C[i * n + j] = s;
      }
  } else if (transA && !transB) {
    for (let p = 0; p < k; p++) {
      const ap = p * m;
      const bp = p * n;
      for (let i = 0; i < m; i++) {
        const api = A[ap + i];
        const ci = i * n;
        if (exact) for (let j = 0; j < n; j++) C[ci + j] += api * B[bp + j];
        else for (let j = 0; j < n; j++) C[ci + j] = round(C[ci + j] + round(api * B[bp + j]));
      }
    }
  } else {
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s = exact ? s + A[p * m + i] * B[j * k + p] : round(s + round(A[p * m + i] * B[j * k + p]));
        C[i * n + j] = s;
      }
  }
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
