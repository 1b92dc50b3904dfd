/**
 * Lexicographic derivatives in forward mode (Nesterov 2005; Khan and Barton 2013-2015). Each node carries its
 * value u and a matrix U of directional derivatives, one column per direction of a full-rank direction matrix M.
 * At a kink the branch is chosen by fsign(u, U) = the sign of the first non-zero entry of (u, U[0], U[1], ...):
 * the branch the program takes when it moves from x along the first direction, then the second, and so on.
 * Then J = U M^-1 lies in the lexicographic subdifferential, which is inside Clarke's generalized Jacobian for
 * compositions of smooth functions with abs, max, min, relu and their kin, whatever way the program is written:
 * unlike a kink policy, it cannot produce artificial values such as zero'(0) = 1.
 *
 * This is its own evaluator: it records the program on the engine's tape and walks the nodes itself, applying the
 * lexicographic rule each primitive declares (`engine/primitives.ts`: an elementwise primitive's rule is its
 * declared partials off the kink set and its kink's branch rule on it). Multivariate nonsmooth primitives (the
 * norm at 0) and user primitives are refused with an error naming them.
 *
 * @module
 */
import { Tensor, fmtShape } from "../tensor";
import { Tracer } from "../engine/trace";
import type { TapeNode } from "../engine/trace";
import type { LexSlot } from "../engine/nonsmooth";
import { inputTensor, recordProgram } from "./record";
import { INPUT } from "../engine/transforms";
import type { Program } from "./record";
import { solve } from "./geometry";

/** The value of a program and its directional derivatives along each direction, lexicographically. */
export interface LexValue {
  /** The program's value. */
  readonly value: Tensor;
  /** One tensor per direction (shaped like the value): column j of U, the derivative along M's column j after the earlier ones. */
  readonly tangents: readonly Tensor[];
}

/** Column j of a slot as a tensor (zeros for a constant). */
function colTensor(s: LexSlot, j: number): Tensor {
  return new Tensor(s.cols ? s.cols[j] : new Float64Array(s.value.size), s.value.shape);
}

/** Checks directions: k vectors, each with the input's size. */
function directionColumns(
  fn: string,
  x: Tensor,
  directions: readonly (readonly number[])[] | undefined,
): Float64Array[] {
  const n = x.size;
  if (directions === undefined)
    return Array.from({ length: n }, (_, j) => Float64Array.from({ length: n }, (_, i) => (i === j ? 1 : 0)));
  if (!Array.isArray(directions) || directions.length === 0)
    throw new Error(`${fn}: directions must be a non-empty array of direction vectors`);
  return directions.map((d, j) => {
    if (!Array.isArray(d) || d.length !== n || !d.every(Number.isFinite)) {
      throw new Error(
        `${fn}: dimension mismatch: direction ${j} must be ${n} finite number(s) (the input has shape ${fmtShape(x.shape)}), got ${JSON.stringify(d)}`,
      );
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
  const slots = new Array<LexSlot>(rec.nodes.length);
  const slotOf = (v: Tracer | Tensor): LexSlot => (v instanceof Tracer ? slots[v.index] : { value: v, cols: null });
  for (let i = 0; i < rec.nodes.length; i++) {
    const node = rec.nodes[i];
    if (node.prim === INPUT) {
      slots[i] = { value: node.output.value, cols: dirCols };
      continue;
    }
    // each primitive carries its own rule (engine/primitives.ts); one without a rule is refused, never skipped
    const rule = node.prim.lex;
    if (rule === undefined) {
      throw new Error(
        `lexicographic: unsupported primitive "${node.prim.name}": its declaration has no lexicographic rule`,
      );
    }
    const ins = node.inputs.map(slotOf);
    const cols = ins.every((s) => !s.cols) ? null : rule(ins, node.output.value, node.params, k);
    slots[i] = { value: node.output.value, cols };
  }
  const out =
    rec.output instanceof Tracer
      ? slots[rec.output.index]
      : { value: rec.output instanceof Tensor ? rec.output : new Tensor(Float64Array.of(rec.output), []), cols: null };
  const tangents = Array.from({ length: k }, (_, j) => colTensor(out, j));
  for (const t of [out.value, ...tangents]) {
    if (!t.data.every(Number.isFinite))
      throw new Error(
        `${fn}: the value or a directional derivative is not finite (${Array.from(t.data).join(", ")}): the program is not locally Lipschitz at this point`,
      );
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
 * import type { Value } from "nonsmooth-ad";
 * // max(x, y) at x = y: the branch entered along e_1 first is x, so J = [1, 0], a vertex of the Clarke segment
 * const r = lexicographicJacobian((v: Value) => maximum(at(v, 0), at(v, 1)), [2, 2]);
 * assertEqual(r.jacobian, [[1, 0]]);
 * ```
 */
export function lexicographicJacobian(
  f: Program,
  x: number | readonly number[],
  options: LexOptions = {},
): LexJacobian {
  const fn = "lexicographicJacobian";
  const xt = inputTensor(fn, x);
  const n = xt.size;
  const cols = directionColumns(fn, xt, options.directions);
  if (cols.length !== n)
    throw new Error(`${fn}: a Jacobian needs ${n} directions (one per input element), got ${cols.length}`);
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
 * import type { Value } from "nonsmooth-ad";
 * const relu2 = (t: Value) => add(relu(neg(t)), t);
 * const zero = (t: Value) => sub(relu2(t), relu(t)); // the null function
 * assertEqual(grad(zero, 0, { policy: policies.pytorch }), 1); // an artificial derivative
 * assertEqual(lexicographicGradient(zero, 0), 0); // the true one
 * ```
 */
export function lexicographicGradient(f: Program, x: number, options?: LexOptions): number;
export function lexicographicGradient(f: Program, x: readonly number[], options?: LexOptions): number[];
export function lexicographicGradient(
  f: Program,
  x: number | readonly number[],
  options: LexOptions = {},
): number | number[] {
  const r = lexicographicJacobian(f, x, options);
  if (r.value.length !== 1)
    throw new Error(
      `lexicographicGradient: the function must return a scalar, got ${r.value.length} values; use lexicographicJacobian`,
    );
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
export function directionalDerivative(
  f: Program,
  x: number | readonly number[],
  d: number | readonly number[],
): number {
  const fn = "directionalDerivative";
  const xt = inputTensor(fn, x);
  const dir = typeof d === "number" ? [d] : d;
  const r = lexEvaluate(fn, f, xt, directionColumns(fn, xt, [dir]));
  if (r.value.size !== 1)
    throw new Error(`${fn}: the function must return a scalar, got shape ${fmtShape(r.value.shape)}`);
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
    if (fwd.value.size !== 1)
      throw new Error(`${fn}: the function must return a scalar, got shape ${fmtShape(fwd.value.shape)}`);
    out.push((fwd.tangents[0].data[0] - bwd.tangents[0].data[0]) / 2);
  }
  return typeof x === "number" ? out[0] : out;
}
