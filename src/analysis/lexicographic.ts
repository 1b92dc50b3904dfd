/**
 * Lexicographic derivatives in forward mode (Nesterov 2005; Khan and Barton 2013-2015). Each node carries its
 * value u and a matrix U of directional derivatives, one column per direction of a full-rank direction matrix M.
 * At a kink the branch is chosen by fsign(u, U) = the sign of the first non-zero entry of (u, U[0], U[1], ...):
 * the branch the program takes when it moves from x along the first direction, then the second, and so on.
 * Then J = U M^-1 lies in the lexicographic subdifferential, which is inside Clarke's generalized Jacobian for
 * compositions of smooth functions with abs, max, min, relu and their kin, whatever way the program is written:
 * unlike a kink policy, it cannot produce artificial values such as zero'(0) = 1.
 *
 * This is its own evaluator: it records the program on the engine's tape and walks the nodes itself, with one
 * rule per built-in primitive. Multivariate nonsmooth primitives (the norm at 0) and user primitives have no rule
 * and are refused with an error naming them.
 *
 * @module
 */
import { Tensor, fmtShape, shapeSize } from "../tensor";
import { PRIMS } from "../engine/primitives";
import { Tracer } from "../engine/trace";
import type { Primitive, TapeNode } from "../engine/trace";
import * as K from "../kernels";
import { rounding } from "../precision";
import { ANALYSIS_INPUT, inputTensor, recordProgram } from "./record";
import type { Program } from "./record";
import { solve } from "./geometry";

const ENV = { precision: "float64" as const, round: rounding("float64") };

/** The value of a program and its directional derivatives along each direction, lexicographically. */
export interface LexValue {
  /** The program's value. */
  readonly value: Tensor;
  /** One tensor per direction (shaped like the value): column j of U, the derivative along M's column j after the earlier ones. */
  readonly tangents: readonly Tensor[];
}

/** Columns of U for one node (null: a constant, all zero). */
type Cols = Float64Array[] | null;

interface Slot {
  readonly value: Tensor;
  readonly cols: Cols;
}

const NAMES = new Map<Primitive<any>, string>(Object.entries(PRIMS).map(([k, p]) => [p as Primitive<any>, k]));

/** fsign(u, row): the sign of u, or of the first non-zero entry of the row when u = 0 (0 if all are zero). */
function fsign(u: number, row: Float64Array, k: number): number {
  if (u > 0) return 1;
  if (u < 0) return -1;
  if (u !== 0) return NaN;
  for (let j = 0; j < k; j++) {
    const r = row[j];
    if (r > 0) return 1;
    if (r < 0) return -1;
  }
  return 0;
}

/** fsign(a - b, A - B) without forming the differences (a > b is exact where a - b might round). */
function fsignDiff(a: number, b: number, A: Float64Array, B: Float64Array, k: number): number {
  if (a > b) return 1;
  if (a < b) return -1;
  if (a !== b) return NaN;
  for (let j = 0; j < k; j++) {
    if (A[j] > B[j]) return 1;
    if (A[j] < B[j]) return -1;
  }
  return 0;
}

/** An elementwise rule: the partials at one element, given the input values, the output and the tangent rows. */
type ElemRule = (a: readonly number[], y: number, rows: readonly Float64Array[], k: number, params: any) => readonly number[];

const notLipschitz = (op: string, why: string): Error =>
  new Error(`lexicographic: ${op} ${why}: the program is not locally Lipschitz there, so it has no lexicographic (or Clarke) derivative`);

const ELEMENTWISE: Record<string, ElemRule> = {
  add: () => [1, 1],
  sub: () => [1, -1],
  mul: ([a, b]) => [b, a],
  div: ([, b], y) => [1 / b, -y / b],
  neg: () => [-1],
  square: ([a]) => [2 * a],
  pow: ([a], _y, rows, k, { p }) => {
    if (a === 0 && p > 0 && p < 1 && rows[0].some((v, j) => j < k && v !== 0)) throw notLipschitz("pow", `with exponent ${p} at 0`);
    return [p === 0 ? 0 : p * a ** (p - 1)];
  },
  exp: (_a, y) => [y],
  log: ([a]) => [1 / a],
  sqrt: ([a], y, rows, k) => {
    if (a === 0 && rows[0].some((v, j) => j < k && v !== 0)) throw notLipschitz("sqrt", "at 0");
    return [a === 0 ? 0 : 0.5 / y];
  },
  sin: ([a]) => [Math.cos(a)],
  cos: ([a]) => [-Math.sin(a)],
  tanh: (_a, y) => [1 - y * y],
  sigmoid: (_a, y) => [y * (1 - y)],
  softplus: ([a]) => [a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a))],
  // the nonsmooth ones: the branch is the one the program enters along the directions, in order
  relu: ([a], _y, [R], k) => [fsign(a, R, k) > 0 ? 1 : 0],
  leakyRelu: ([a], _y, [R], k, { slope }) => [fsign(a, R, k) > 0 ? 1 : slope],
  abs: ([a], _y, [R], k) => [fsign(a, R, k) || 0],
  sign: ([a], _y, [R], k) => {
    if (a === 0 && fsign(a, R, k) !== 0) throw notLipschitz("sign", "jumps at 0");
    return [0];
  },
  maximum: ([a, b], _y, [A, B], k) => (fsignDiff(a, b, A, B, k) >= 0 ? [1, 0] : [0, 1]),
  minimum: ([a, b], _y, [A, B], k) => (fsignDiff(a, b, A, B, k) <= 0 ? [1, 0] : [0, 1]),
  hinge: ([a], _y, [R], k) => [fsign(a - 1, R, k) < 0 ? -1 : 0],
  clip: clampRule,
  hardtanh: clampRule,
  relu6: clampRule,
};

function clampRule([a]: readonly number[], _y: number, [R]: readonly Float64Array[], k: number, { lo, hi }: { lo: number; hi: number }): number[] {
  if (a > lo && a < hi) return [1];
  if (a < lo || a > hi) return [0];
  if (a === lo) return [fsign(0, R, k) > 0 ? 1 : 0]; // enters the interior only when moving up
  if (a === hi) return [fsign(0, R, k) < 0 ? 1 : 0];
  return [NaN];
}

function elementwise(name: string, node: TapeNode, ins: readonly Slot[], k: number): Cols {
  const rule = ELEMENTWISE[name];
  const out = node.output.value;
  const n = out.size;
  const idx = ins.map((s) => K.broadcastIndex(s.value.shape, out.shape));
  const cols = Array.from({ length: k }, () => new Float64Array(n));
  const rows = ins.map(() => new Float64Array(k));
  const a = new Array<number>(ins.length);
  for (let e = 0; e < n; e++) {
    for (let i = 0; i < ins.length; i++) {
      const at = idx[i][e];
      a[i] = ins[i].value.data[at];
      const c = ins[i].cols;
      for (let j = 0; j < k; j++) rows[i][j] = c ? c[j][at] : 0;
    }
    const p = rule(a, out.data[e], rows, k, node.params);
    for (let i = 0; i < ins.length; i++) {
      if (!ins[i].cols || p[i] === 0) continue;
      for (let j = 0; j < k; j++) cols[j][e] += p[i] * rows[i][j];
    }
  }
  return cols;
}

/** Column j of a slot as a tensor (zeros for a constant). */
function colTensor(s: Slot, j: number): Tensor {
  return new Tensor(s.cols ? s.cols[j] : new Float64Array(s.value.size), s.value.shape);
}

/** Rules of primitives that are linear in their (single traced) input: the tangent is the op applied to it. */
const LINEAR = new Set(["sum", "reshape", "transpose", "slice", "pad", "broadcastTo", "sumTo"]);

/** The flat indices of each lane of a reduction (axis null: one lane of everything), in output order. */
function lanes(shape: readonly number[], axis: number | null): number[][] {
  const size = shapeSize(shape);
  if (axis === null) return [Array.from({ length: size }, (_, i) => i)];
  const n = shape[axis];
  const outer = shapeSize(shape.slice(0, axis));
  const inner = shapeSize(shape.slice(axis + 1));
  const out: number[][] = [];
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) out.push(Array.from({ length: n }, (_, j) => o * n * inner + j * inner + i));
  return out;
}

/** max / min over an axis: the entry that is lexicographically largest (smallest) in (u, U) wins each lane. */
function extremum(isMax: boolean, node: TapeNode, s: Slot, k: number): Cols {
  const p = node.params as { axis: number | null };
  const ls = lanes(s.value.shape, p.axis);
  const cols = Array.from({ length: k }, () => new Float64Array(ls.length));
  if (!s.cols) return null;
  const c = s.cols;
  const d = s.value.data;
  const cmp = (i1: number, i2: number): number => {
    if (d[i1] !== d[i2]) return d[i1] > d[i2] ? 1 : -1;
    for (let j = 0; j < k; j++) if (c[j][i1] !== c[j][i2]) return c[j][i1] > c[j][i2] ? 1 : -1;
    return 0;
  };
  ls.forEach((lane, li) => {
    let best = lane[0];
    for (const i of lane) if (isMax ? cmp(i, best) > 0 : cmp(i, best) < 0) best = i;
    for (let j = 0; j < k; j++) cols[j][li] = c[j][best];
  });
  return cols;
}

/** Σ over each lane of w · column: the tangent of a smooth reduction with weights w. */
function weightedLanes(ls: readonly number[][], w: Float64Array, s: Slot, k: number): Cols {
  if (!s.cols) return null;
  const cols = Array.from({ length: k }, () => new Float64Array(ls.length));
  for (let j = 0; j < k; j++) {
    const c = s.cols[j];
    ls.forEach((lane, li) => {
      let acc = 0;
      for (const i of lane) acc += w[i] * c[i];
      cols[j][li] = acc;
    });
  }
  return cols;
}

function structural(name: string, node: TapeNode, ins: readonly Slot[], k: number): Cols {
  const prim = node.prim as Primitive<any>;
  const out = node.output.value;
  if (LINEAR.has(name)) {
    const s = ins[0];
    if (!s.cols) return null;
    return Array.from({ length: k }, (_, j) => prim.value([colTensor(s, j)], node.params, ENV).data);
  }
  switch (name) {
    case "concat":
      if (ins.every((s) => !s.cols)) return null;
      return Array.from({ length: k }, (_, j) => prim.value(ins.map((s) => colTensor(s, j)), node.params, ENV).data);
    case "matmul": {
      const [A, B] = ins;
      return Array.from({ length: k }, (_, j) => {
        const acc = new Float64Array(out.size);
        if (A.cols) prim.value([colTensor(A, j), B.value], node.params, ENV).data.forEach((v, i) => (acc[i] += v));
        if (B.cols) prim.value([A.value, colTensor(B, j)], node.params, ENV).data.forEach((v, i) => (acc[i] += v));
        return acc;
      });
    }
    case "max":
    case "min":
      return extremum(name === "max", node, ins[0], k);
    case "logsumexp": {
      const s = ins[0];
      const ls = lanes(s.value.shape, (node.params as { axis: number | null }).axis);
      const w = new Float64Array(s.value.size);
      ls.forEach((lane, li) => lane.forEach((i) => (w[i] = Math.exp(s.value.data[i] - out.data[li]))));
      return weightedLanes(ls, w, s, k);
    }
    case "norm": {
      const s = ins[0];
      const y = out.data[0];
      if (y === 0) {
        throw new Error(
          'lexicographic: unsupported primitive "norm" at 0: the Euclidean norm is nonsmooth in several variables at once there, and lexicographic rules are only known for abs, max, min, relu and their kin; write the program without norm, or evaluate away from 0',
        );
      }
      const w = s.value.data.map((v) => v / y);
      return weightedLanes(lanes(s.value.shape, null), w, s, k);
    }
    case "squaredError": {
      const [A, B] = ins;
      const shape = A.value.shape;
      const ls = shape.length === 0 ? [[0]] : lanes(shape, shape.length - 1);
      const w = A.value.data.map((v, i) => 2 * (v - B.value.data[i]));
      const ta = weightedLanes(ls, w, A, k);
      const tb = weightedLanes(ls, w, B, k);
      if (!ta) return tb && tb.map((c) => c.map((v) => -v));
      if (tb) ta.forEach((c, j) => c.forEach((v, i) => (c[i] = v - tb[j][i])));
      return ta;
    }
    case "softmaxCrossEntropy": {
      const [Z, Y] = ins;
      if (Y.cols) throw new Error("lexicographic: softmaxCrossEntropy: the targets must be constants, not traced values");
      const shape = Z.value.shape;
      const ls = lanes(shape, shape.length - 1);
      const w = new Float64Array(Z.value.size);
      for (const lane of ls) {
        let m = -Infinity;
        for (const i of lane) m = Math.max(m, Z.value.data[i]);
        let s = 0;
        let ys = 0;
        for (const i of lane) {
          s += Math.exp(Z.value.data[i] - m);
          ys += Y.value.data[i];
        }
        for (const i of lane) w[i] = (Math.exp(Z.value.data[i] - m) / s) * ys - Y.value.data[i];
      }
      return weightedLanes(ls, w, Z, k);
    }
  }
  throw new Error(
    `lexicographic: unsupported primitive "${name}": lexicographic rules exist only for the built-in primitives (smooth ones, abs, relu, leakyRelu, maximum, minimum, max, min, hinge, clip, hardtanh, relu6, and the structural ops)`,
  );
}

/** Checks directions: k vectors, each with the input's size. */
function directionColumns(fn: string, x: Tensor, directions: readonly (readonly number[])[] | undefined): Float64Array[] {
  const n = x.size;
  if (directions === undefined) return Array.from({ length: n }, (_, j) => Float64Array.from({ length: n }, (_, i) => (i === j ? 1 : 0)));
  if (!Array.isArray(directions) || directions.length === 0) throw new Error(`${fn}: directions must be a non-empty array of direction vectors`);
  return directions.map((d, j) => {
    if (!Array.isArray(d) || d.length !== n || !d.every(Number.isFinite)) {
      throw new Error(`${fn}: dimension mismatch: direction ${j} must be ${n} finite number(s) (the input has shape ${fmtShape(x.shape)}), got ${JSON.stringify(d)}`);
    }
    return Float64Array.from(d);
  });
}

/** Evaluates the recorded program lexicographically along the given columns. */
function lexEvaluate(fn: string, f: Program, x: Tensor, dirCols: Float64Array[]): LexValue {
  return lexTape(fn, f, x, dirCols).result;
}

/**
 * The lexicographic pass with every node kept: the recorded tape and, per node, its tangent columns (null for a
 * constant). Internal to the analysis module: the randomized Clarke element reads the tangent reaching each kink.
 */
export interface LexTape {
  readonly nodes: readonly TapeNode[];
  readonly columns: readonly (readonly Float64Array[] | null)[];
  readonly result: LexValue;
}

/** As lexEvaluate, keeping the tape and every node's columns (see LexTape). */
export function lexTape(fn: string, f: Program, x: Tensor, dirCols: Float64Array[]): LexTape {
  const rec = recordProgram(fn, f, x);
  const k = dirCols.length;
  const slots = new Array<Slot>(rec.nodes.length);
  const slotOf = (v: Tracer | Tensor): Slot => (v instanceof Tracer ? slots[v.index] : { value: v, cols: null });
  for (let i = 0; i < rec.nodes.length; i++) {
    const node = rec.nodes[i];
    if (node.prim === ANALYSIS_INPUT) {
      slots[i] = { value: node.output.value, cols: dirCols };
      continue;
    }
    const name = NAMES.get(node.prim);
    if (name === undefined) {
      throw new Error(
        `lexicographic: unsupported primitive "${node.prim.name}": it is not a built-in primitive (user primitives declare one Clarke element at their kinks, not a lexicographic rule)`,
      );
    }
    const ins = node.inputs.map(slotOf);
    const cols = ins.every((s) => !s.cols) ? null : name in ELEMENTWISE ? elementwise(name, node, ins, k) : structural(name, node, ins, k);
    slots[i] = { value: node.output.value, cols };
  }
  const out = rec.output instanceof Tracer ? slots[rec.output.index] : { value: rec.output instanceof Tensor ? rec.output : new Tensor(Float64Array.of(rec.output), []), cols: null };
  const tangents = Array.from({ length: k }, (_, j) => colTensor(out, j));
  for (const t of [out.value, ...tangents]) {
    if (!t.data.every(Number.isFinite)) throw new Error(`${fn}: the value or a directional derivative is not finite (${Array.from(t.data).join(", ")}): the program is not locally Lipschitz at this point`);
  }
  return { nodes: rec.nodes, columns: slots.map((s) => s.cols), result: { value: out.value, tangents } };
}

/** Checks direction vectors against an input (internal to the analysis module). */
export function lexDirections(fn: string, x: Tensor, directions: readonly (readonly number[])[]): Float64Array[] {
  return directionColumns(fn, x, directions);
}

/** Options of the lexicographic calls. */
export interface LexOptions {
  /**
   * The columns of the direction matrix M, as vectors shaped like the (flattened) input. They must be linearly
   * independent for a Jacobian (n of them); default: the unit vectors e_1, ..., e_n (M = I).
   */
  readonly directions?: readonly (readonly number[])[];
}

/**
 * The lexicographic forward pass itself: the value of f at x and the columns of U, the derivatives along each
 * direction in turn (the first column is the one-sided directional derivative f'(x; M[:, 0])).
 *
 * @example
 * ```ts
 * import { lexicographicForward, abs, assertEqual } from "nonsmooth-ad";
 * const r = lexicographicForward(abs, 0, { directions: [[-1]] });
 * assertEqual(r.tangents[0].toFlat(), [1]); // |.|'(0; -1) = 1
 * ```
 */
export function lexicographicForward(f: Program, x: number | readonly number[], options: LexOptions = {}): LexValue {
  const fn = "lexicographicForward";
  const xt = inputTensor(fn, x);
  return lexEvaluate(fn, f, xt, directionColumns(fn, xt, options.directions));
}

/** A lexicographic Jacobian: an element of Clarke's generalized Jacobian for programs of the supported ops. */
export interface LexJacobian {
  /** The value of f at x, flattened. */
  readonly value: number[];
  /** J = U M^-1, one row per output element, one column per input element. */
  readonly jacobian: number[][];
  /** U itself: one row per output element, one column per direction. */
  readonly directional: number[][];
}

/**
 * The lexicographic Jacobian J = U M^-1 of f at x (M the identity unless `directions` are given): for programs
 * of smooth primitives and abs/max/min/relu/leakyRelu/hinge/clip, an element of Clarke's generalized Jacobian,
 * however the program is written.
 *
 * @example
 * ```ts
 * import { lexicographicJacobian, maximum, at, assertEqual } from "nonsmooth-ad";
 * // max(x, y) at x = y: the branch entered along e_1 first is x, so J = [1, 0], a vertex of the Clarke segment
 * const r = lexicographicJacobian((v: any) => maximum(at(v, 0), at(v, 1)), [2, 2]);
 * assertEqual(r.jacobian, [[1, 0]]);
 * ```
 */
export function lexicographicJacobian(f: Program, x: number | readonly number[], options: LexOptions = {}): LexJacobian {
  const fn = "lexicographicJacobian";
  const xt = inputTensor(fn, x);
  const n = xt.size;
  const cols = directionColumns(fn, xt, options.directions);
  if (cols.length !== n) throw new Error(`${fn}: a Jacobian needs ${n} directions (one per input element), got ${cols.length}`);
  const r = lexEvaluate(fn, f, xt, cols);
  const m = r.value.size;
  const directional = Array.from({ length: m }, (_, i) => r.tangents.map((t) => t.data[i]));
  let jacobian = directional;
  if (options.directions !== undefined) {
    // J M = U, so M^T J^T = U^T: one solve per output row
    const MT = cols.map((c) => Array.from(c));
    jacobian = directional.map((row) => {
      const s = solve(MT, row, 1e-13);
      if (s === null) throw new Error(`${fn}: the directions are linearly dependent: M is singular`);
      return s.map((v) => v + 0); // no -0 from the solve
    });
  }
  return { value: Array.from(r.value.data), jacobian, directional };
}

/**
 * The lexicographic derivative of a scalar function: a number for a scalar input, an array (the gradient-like
 * element of the Clarke subdifferential) for an array input.
 *
 * @example
 * ```ts
 * import { lexicographicGradient, relu, neg, add, sub, grad, policies, assertEqual } from "nonsmooth-ad";
 * const relu2 = (t: any) => add(relu(neg(t)), t);
 * const zero = (t: any) => sub(relu2(t), relu(t)); // the null function
 * assertEqual(grad(zero, 0, { policy: policies.pytorch }), 1); // an artificial derivative
 * assertEqual(lexicographicGradient(zero, 0), 0); // the true one
 * ```
 */
export function lexicographicGradient(f: Program, x: number, options?: LexOptions): number;
export function lexicographicGradient(f: Program, x: readonly number[], options?: LexOptions): number[];
export function lexicographicGradient(f: Program, x: number | readonly number[], options: LexOptions = {}): number | number[] {
  const r = lexicographicJacobian(f, x, options);
  if (r.value.length !== 1) throw new Error(`lexicographicGradient: the function must return a scalar, got ${r.value.length} values; use lexicographicJacobian`);
  return typeof x === "number" ? r.jacobian[0][0] : r.jacobian[0];
}

/**
 * The one-sided directional derivative f'(x; d) = lim_{t↓0} (f(x + t d) - f(x)) / t of a scalar program, exactly
 * (the first column of the lexicographic forward pass).
 *
 * @example
 * ```ts
 * import { directionalDerivative, abs, assertEqual } from "nonsmooth-ad";
 * assertEqual(directionalDerivative(abs, 0, 1), 1);
 * assertEqual(directionalDerivative(abs, 0, -1), 1);
 * ```
 */
export function directionalDerivative(f: Program, x: number | readonly number[], d: number | readonly number[]): number {
  const fn = "directionalDerivative";
  const xt = inputTensor(fn, x);
  const dir = typeof d === "number" ? [d] : d;
  const r = lexEvaluate(fn, f, xt, directionColumns(fn, xt, [dir]));
  if (r.value.size !== 1) throw new Error(`${fn}: the function must return a scalar, got shape ${fmtShape(r.value.shape)}`);
  return r.tangents[0].data[0];
}

/**
 * The compass difference (f'(x; e_i) - f'(x; -e_i)) / 2 for each coordinate i, for scalar f of n <= 2 variables:
 * an element of the Clarke subdifferential there (Khan and Yuan 2020). A number for a scalar input.
 *
 * @example
 * ```ts
 * import { compassDifference, abs, assertEqual } from "nonsmooth-ad";
 * assertEqual(compassDifference(abs, 0), 0); // (1 - 1) / 2
 * ```
 */
export function compassDifference(f: Program, x: number): number;
export function compassDifference(f: Program, x: readonly number[]): number[];
export function compassDifference(f: Program, x: number | readonly number[]): number | number[] {
  const fn = "compassDifference";
  const xt = inputTensor(fn, x);
  const n = xt.size;
  if (n > 2) throw new Error(`${fn}: defined here for n <= 2 variables (it is a Clarke element only then), got ${n}`);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const e = Array.from({ length: n }, (_, j) => (j === i ? 1 : 0));
    const fwd = lexEvaluate(fn, f, xt, directionColumns(fn, xt, [e]));
    const bwd = lexEvaluate(fn, f, xt, directionColumns(fn, xt, [e.map((v) => -v)]));
    if (fwd.value.size !== 1) throw new Error(`${fn}: the function must return a scalar, got shape ${fmtShape(fwd.value.shape)}`);
    out.push((fwd.tangents[0].data[0] - bwd.tangents[0].data[0]) / 2);
  }
  return typeof x === "number" ? out[0] : out;
}
