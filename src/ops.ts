/**
 * The operations users write programs with. Each is one primitive of the table in `engine/primitives.ts` (or a
 * short composition, such as mean = sum / n). They accept numbers, tensors and traced values, and return a tensor
 * outside a differentiation call or a traced value inside one.
 *
 * @module
 */
import { PRIMS } from "./engine/primitives";
import { apply, shapeOf, primal } from "./engine/trace";
import { Tracer } from "./engine/trace";
import type { Value } from "./engine/trace";
import { Tensor, fmtShape, sameShape, shapeSize } from "./tensor";
import { normAxis } from "./kernels";

export type { Value };

/** What an op returns: a tensor, or a traced value inside a differentiation call. */
export type Result = Tensor | Tracer;

/**
 * What an op returns for an argument of type A: a traced value when A is one (inside a differentiation call), a
 * tensor otherwise, so that `relu(tensor([-1, 2])).toArray()` type-checks outside a trace. For a `Value` argument
 * (any of the three) the result is a `Result`.
 */
export type Out<A> = A extends Tracer ? Tracer : Tensor;
/** What a binary op returns: a traced value when either argument is traced, a tensor otherwise. */
export type Out2<A, B> = A extends Tracer ? Tracer : B extends Tracer ? Tracer : Tensor;

const u = undefined;

function finiteParam(op: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v))
    throw new Error(`${op}: ${name} must be a finite number, got ${String(v)}`);
  return v;
}

/**
 * a + b (broadcasting).
 *
 * @example
 * ```ts
 * import { add, assertEqual, tensor, valueOf } from "nonsmooth-ad";
 * assertEqual(valueOf(add(tensor([1, 2]), 10)).toArray(), [11, 12]); // broadcasting a scalar
 * ```
 */
export const add = <A extends Value, B extends Value>(a: A, b: B): Out2<A, B> =>
  apply(PRIMS.add, [a, b], u) as Out2<A, B>;
/**
 * a - b (broadcasting).
 *
 * @example
 * ```ts
 * import { assertEqual, sub, tensor, valueOf } from "nonsmooth-ad";
 * assertEqual(valueOf(sub(tensor([[1], [2]]), tensor([1, 2]))).toArray(), [[0, -1], [1, 0]]);
 * ```
 */
export const sub = <A extends Value, B extends Value>(a: A, b: B): Out2<A, B> =>
  apply(PRIMS.sub, [a, b], u) as Out2<A, B>;
/**
 * a * b elementwise (broadcasting).
 *
 * @example
 * ```ts
 * import { assertEqual, grad, mul } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * assertEqual(grad((x: Value) => mul(x, x), 3), 6);
 * ```
 */
export const mul = <A extends Value, B extends Value>(a: A, b: B): Out2<A, B> =>
  apply(PRIMS.mul, [a, b], u) as Out2<A, B>;
/**
 * a / b elementwise (broadcasting).
 *
 * @example
 * ```ts
 * import { assertEqual, div, tensor, valueOf } from "nonsmooth-ad";
 * assertEqual(valueOf(div(1, tensor([2, 4]))).toArray(), [0.5, 0.25]);
 * ```
 */
export const div = <A extends Value, B extends Value>(a: A, b: B): Out2<A, B> =>
  apply(PRIMS.div, [a, b], u) as Out2<A, B>;
/**
 * -a.
 *
 * @example
 * ```ts
 * import { assertEqual, neg, tensor, valueOf } from "nonsmooth-ad";
 * assertEqual(valueOf(neg(tensor([1, -2]))).toArray(), [-1, 2]);
 * ```
 */
export const neg = <A extends Value>(a: A): Out<A> => apply(PRIMS.neg, [a], u) as Out<A>;
/**
 * a².
 *
 * @example
 * ```ts
 * import { assertEqual, grad, square } from "nonsmooth-ad";
 * assertEqual(grad(square, 3), 6);
 * ```
 */
export const square = <A extends Value>(a: A): Out<A> => apply(PRIMS.square, [a], u) as Out<A>;
/**
 * a^p for a constant exponent p (integer or real); for 0 < p < 1 the derivative at 0 is +inf (reported).
 *
 * @example
 * ```ts
 * import { assertEqual, at, grad, pow } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * assertEqual(grad((x: Value) => pow(x, 3), 2), 12);
 * assertEqual(grad((x: Value) => pow(x, 0.5), 0), Infinity); // like sqrt at 0
 * ```
 */
export const pow = <A extends Value>(a: A, p: number): Out<A> =>
  apply(PRIMS.pow, [a], { p: finiteParam("pow", "the exponent", p) }) as Out<A>;
/**
 * e^a.
 *
 * @example
 * ```ts
 * import { assertEqual, exp, grad } from "nonsmooth-ad";
 * assertEqual(grad(exp, 0), 1);
 * ```
 */
export const exp = <A extends Value>(a: A): Out<A> => apply(PRIMS.exp, [a], u) as Out<A>;
/**
 * Natural logarithm.
 *
 * @example
 * ```ts
 * import { assertEqual, grad, log } from "nonsmooth-ad";
 * assertEqual(grad(log, 4), 0.25);
 * ```
 */
export const log = <A extends Value>(a: A): Out<A> => apply(PRIMS.log, [a], u) as Out<A>;
/**
 * Square root; its derivative at 0 is +inf, as in every framework, and the kink report says so.
 *
 * @example
 * ```ts
 * import { assertEqual, grad, kinkReport, sqrt } from "nonsmooth-ad";
 * assertEqual(grad(sqrt, 4), 0.25);
 * assertEqual(kinkReport(sqrt, 0).entries[0].notLipschitz !== undefined, true);
 * ```
 */
export const sqrt = <A extends Value>(a: A): Out<A> => apply(PRIMS.sqrt, [a], u) as Out<A>;
/**
 * Sine.
 *
 * @example
 * ```ts
 * import { assertEqual, grad, sin } from "nonsmooth-ad";
 * assertEqual(grad(sin, 0), 1);
 * ```
 */
export const sin = <A extends Value>(a: A): Out<A> => apply(PRIMS.sin, [a], u) as Out<A>;
/**
 * Cosine.
 *
 * @example
 * ```ts
 * import { assertEqual, cos, grad } from "nonsmooth-ad";
 * assertEqual(grad(cos, 0), -0);
 * ```
 */
export const cos = <A extends Value>(a: A): Out<A> => apply(PRIMS.cos, [a], u) as Out<A>;
/**
 * Hyperbolic tangent.
 *
 * @example
 * ```ts
 * import { assertEqual, grad, tanh } from "nonsmooth-ad";
 * assertEqual(grad(tanh, 0), 1);
 * ```
 */
export const tanh = <A extends Value>(a: A): Out<A> => apply(PRIMS.tanh, [a], u) as Out<A>;
/**
 * The logistic function 1 / (1 + e^-a), computed stably.
 *
 * @example
 * ```ts
 * import { assertEqual, grad, sigmoid, valueOf } from "nonsmooth-ad";
 * assertEqual(grad(sigmoid, 0), 0.25);
 * assertEqual(valueOf(sigmoid(-1000)).item(), 0); // no overflow
 * ```
 */
export const sigmoid = <A extends Value>(a: A): Out<A> => apply(PRIMS.sigmoid, [a], u) as Out<A>;
/**
 * log(1 + e^a), computed stably (a smooth primitive).
 *
 * @example
 * ```ts
 * import { assertEqual, grad, softplus, valueOf } from "nonsmooth-ad";
 * assertEqual(grad(softplus, 0), 0.5);
 * assertEqual(valueOf(softplus(1000)).item(), 1000); // no overflow
 * ```
 */
export const softplus = <A extends Value>(a: A): Out<A> => apply(PRIMS.softplus, [a], u) as Out<A>;

/**
 * max(0, a). At 0 its derivative is the policy's choice s in [0, 1] (PyTorch and TensorFlow: 0).
 *
 * @example
 * ```ts
 * import { relu, grad, policies, assertEqual } from "nonsmooth-ad";
 * assertEqual(grad(relu, 0, { policy: policies.pytorch }), 0);
 * assertEqual(grad(relu, 0, { policy: policies.reluAt(1) }), 1);
 * ```
 */
export const relu = <A extends Value>(a: A): Out<A> => apply(PRIMS.relu, [a], u) as Out<A>;
/**
 * a for a > 0, slope·a otherwise; at 0 the policy picks in the segment between slope and 1.
 *
 * @example
 * ```ts
 * import { assertEqual, at, grad, leakyRelu, policies } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * assertEqual(grad((x: Value) => leakyRelu(x, 0.1), -1), 0.1);
 * assertEqual(grad((x: Value) => leakyRelu(x, 0.1), 0, { policy: policies.jax }), 1); // JAX: 1 at 0
 * ```
 */
export const leakyRelu = <A extends Value>(a: A, slope = 0.01): Out<A> =>
  apply(PRIMS.leakyRelu, [a], { slope: finiteParam("leakyRelu", "slope", slope) }) as Out<A>;
/**
 * |a|. At 0 its derivative is the policy's choice in [-1, 1] (PyTorch 0, JAX +1, tfjs -1).
 *
 * @example
 * ```ts
 * import { abs, grad, policies, assertEqual } from "nonsmooth-ad";
 * assertEqual(grad(abs, 0, { policy: policies.tfjs }), -1);
 * ```
 */
export const abs = <A extends Value>(a: A): Out<A> => apply(PRIMS.abs, [a], u) as Out<A>;
/**
 * The sign of a (derivative 0; the jump at 0 is reported as a non-Lipschitz point).
 *
 * @example
 * ```ts
 * import { assertEqual, grad, sign, tensor, valueOf } from "nonsmooth-ad";
 * assertEqual(valueOf(sign(tensor([-2, 0, 3]))).toArray(), [-1, 0, 1]);
 * assertEqual(grad(sign, 0), 0);
 * ```
 */
export const sign = <A extends Value>(a: A): Out<A> => apply(PRIMS.sign, [a], u) as Out<A>;
/**
 * Elementwise max(a, b); at a tie the policy splits the derivative (w, 1 - w).
 *
 * @example
 * ```ts
 * import { assertEqual, at, grad, maximum, policies } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * assertEqual(grad((v: Value) => maximum(at(v, 0), at(v, 1)), [1, 1], { policy: policies.pytorch }), [0.5, 0.5]);
 * assertEqual(grad((v: Value) => maximum(at(v, 0), at(v, 1)), [1, 1], { policy: policies.tensorflow }), [1, 0]);
 * ```
 */
export const maximum = <A extends Value, B extends Value>(a: A, b: B): Out2<A, B> =>
  apply(PRIMS.maximum, [a, b], u) as Out2<A, B>;
/**
 * Elementwise min(a, b); at a tie the policy splits the derivative (w, 1 - w).
 *
 * @example
 * ```ts
 * import { assertEqual, at, grad, minimum } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * assertEqual(grad((v: Value) => minimum(at(v, 0), at(v, 1)), [2, 1]), [0, 1]);
 * ```
 */
export const minimum = <A extends Value, B extends Value>(a: A, b: B): Out2<A, B> =>
  apply(PRIMS.minimum, [a, b], u) as Out2<A, B>;

function clampBounds(op: string, lo: number, hi: number): { lo: number; hi: number } {
  finiteParam(op, "lo", lo);
  finiteParam(op, "hi", hi);
  if (!(lo < hi)) throw new Error(`${op}: the lower bound ${lo} must be below the upper bound ${hi}`);
  return { lo, hi };
}
/**
 * Clamps a to [lo, hi]; at a bound the policy's `clip` choice gives the derivative.
 *
 * @example
 * ```ts
 * import { assertEqual, at, clip, grad, policies, tensor, valueOf } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * assertEqual(valueOf(clip(tensor([-2, 0.5, 3]), -1, 1)).toArray(), [-1, 0.5, 1]);
 * assertEqual(grad((x: Value) => clip(x, -1, 1), 1, { policy: policies.jax }), 0.5); // jnp.clip at a bound
 * ```
 */
export const clip = <A extends Value>(a: A, lo: number, hi: number): Out<A> =>
  apply(PRIMS.clip, [a], clampBounds("clip", lo, hi)) as Out<A>;
/**
 * Clamps to [-1, 1], a separate primitive with its own policy key (frameworks differ from clip at the bounds).
 *
 * @example
 * ```ts
 * import { assertEqual, grad, hardtanh, policies } from "nonsmooth-ad";
 * assertEqual(grad(hardtanh, 1, { policy: policies.pytorch }), 0);
 * assertEqual(grad(hardtanh, 1, { policy: policies.tensorflow }), 1);
 * ```
 */
export const hardtanh = <A extends Value>(a: A): Out<A> => apply(PRIMS.hardtanh, [a], { lo: -1, hi: 1 }) as Out<A>;
/**
 * Clamps to [0, 6], a separate primitive with its own policy key.
 *
 * @example
 * ```ts
 * import { assertEqual, grad, policies, relu6 } from "nonsmooth-ad";
 * assertEqual(grad(relu6, 6, { policy: policies.tfjs }), 1);
 * assertEqual(grad(relu6, 0, { policy: policies.tfjs }), 0);
 * ```
 */
export const relu6 = <A extends Value>(a: A): Out<A> => apply(PRIMS.relu6, [a], { lo: 0, hi: 6 }) as Out<A>;
/**
 * The hinge max(0, 1 - t); at t = 1 the policy picks in [-1, 0].
 *
 * @example
 * ```ts
 * import { assertEqual, grad, hinge, policies } from "nonsmooth-ad";
 * assertEqual(grad(hinge, 0), -1);
 * assertEqual(grad(hinge, 1, { policy: policies.jax }), -0.5);
 * ```
 */
export const hinge = <A extends Value>(t: A): Out<A> => apply(PRIMS.hinge, [t], u) as Out<A>;
/**
 * Soft thresholding, the proximal map of λ|x|: a - λ sign(a) where |a| > λ, 0 on [-λ, λ] (λ > 0; default 0.5 as
 * PyTorch's `softshrink`). At a = -λ and a = λ the Clarke set is [0, 1]; the policy's `softshrink` choice
 * (`{ lower, upper }`) gives the derivative there.
 *
 * @example
 * ```ts
 * import { assertEqual, grad, policies, softshrink, tensor, valueOf } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * assertEqual(valueOf(softshrink(tensor([-2, 0.5, 3]), 1)).toArray(), [-1, 0, 2]);
 * assertEqual(grad((x: Value) => softshrink(x, 1), 1, { policy: policies.pytorch }), 0); // PyTorch's mask is |x| > λ
 * assertEqual(grad((x: Value) => softshrink(x, 1), 1, { policy: policies.custom({ softshrink: { upper: 1 } }) }), 1);
 * ```
 */
export function softshrink<A extends Value>(a: A, lambda = 0.5): Out<A> {
  if (!(typeof lambda === "number" && Number.isFinite(lambda) && lambda > 0)) {
    throw new Error(`softshrink: lambda must be a positive finite number, got ${String(lambda)}`);
  }
  return apply(PRIMS.softshrink, [a], { lambda }) as Out<A>;
}
/**
 * The Euclidean norm of all elements; at 0 the policy's `norm` choice (0, or NaN as JAX and tfjs).
 *
 * @example
 * ```ts
 * import { assertEqual, grad, norm, policies, tensor, valueOf } from "nonsmooth-ad";
 * assertEqual(valueOf(norm(tensor([3, 4]))).item(), 5);
 * assertEqual(grad(norm, [0, 0], { policy: policies.pytorch }), [0, 0]);
 * ```
 */
export const norm = <A extends Value>(a: A): Out<A> => apply(PRIMS.norm, [a], u) as Out<A>;

function axisParams(
  op: string,
  a: Value,
  axis: number | undefined,
  keepDims: boolean,
): { axis: number | null; keepDims: boolean } {
  if (axis === undefined) return { axis: null, keepDims };
  return { axis: normAxis(op, checkAxis(op, axis), shapeOf(a).length), keepDims };
}

/** A value argument: a number, a Tensor or a traced value (anything else is named, not met as a raw TypeError later). */
function valueIn(op: string, name: string, v: unknown): readonly number[] {
  if (typeof v !== "number" && !(v instanceof Tensor) && !(v instanceof Tracer)) {
    throw new TypeError(
      `${op}: ${name} must be a number, a Tensor or a traced value, got ${v === null ? "null" : typeof v === "object" ? "an object" : typeof v}`,
    );
  }
  return shapeOf(v);
}

/** A shape argument: an array of integers >= 0. */
function shapeIn(op: string, name: string, s: unknown): number[] {
  if (!Array.isArray(s) || !s.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new TypeError(`${op}: ${name} must be an array of integers >= 0, got ${JSON.stringify(s) ?? String(s)}`);
  }
  return [...(s as number[])];
}

/** An axis must be an integer (a string "1" would otherwise be reported as out of range). */
function checkAxis(op: string, axis: unknown): number {
  if (typeof axis !== "number" || !Number.isInteger(axis))
    throw new TypeError(`${op}: axis must be an integer, got ${JSON.stringify(axis) ?? String(axis)}`);
  return axis;
}

/**
 * Sum of all elements, or along one axis.
 *
 * @example
 * ```ts
 * import { assertEqual, grad, sum, tensor, valueOf } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * assertEqual(valueOf(sum(tensor([[1, 2], [3, 4]]), 0)).toArray(), [4, 6]);
 * assertEqual(grad((x: Value) => sum(x), [1, 2]), [1, 1]);
 * ```
 */
export const sum = <A extends Value>(a: A, axis?: number, keepDims = false): Out<A> =>
  apply(PRIMS.sum, [a], axisParams("sum", a, axis, keepDims)) as Out<A>;
/**
 * Mean of all elements, or along one axis.
 *
 * @example
 * ```ts
 * import { assertEqual, mean, tensor, valueOf } from "nonsmooth-ad";
 * assertEqual(valueOf(mean(tensor([[1, 2], [3, 4]]), 1)).toArray(), [1.5, 3.5]);
 * ```
 */
export function mean<A extends Value>(a: A, axis?: number, keepDims = false): Out<A> {
  const shape = valueIn("mean", "the value", a);
  const p = axisParams("mean", a, axis, keepDims);
  const n = p.axis === null ? shapeSize(shape) : shape[p.axis];
  if (n === 0) throw new Error(`mean: cannot average an empty tensor of shape ${fmtShape(shape)}`);
  return mul(apply(PRIMS.sum, [a], p), 1 / n) as Out<A>;
}
/**
 * Max of all elements, or along one axis; ties split by the policy's `maxTies`.
 *
 * @example
 * ```ts
 * import { assertEqual, grad, max, policies, tensor, valueOf } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * assertEqual(valueOf(max(tensor([[1, 5], [7, 2]]), 1)).toArray(), [5, 7]);
 * assertEqual(grad((x: Value) => max(x), [3, 3], { policy: policies.tfjs }), [1, 1]); // outside the Clarke set
 * ```
 */
export const max = <A extends Value>(a: A, axis?: number, keepDims = false): Out<A> =>
  apply(PRIMS.max, [a], axisParams("max", a, axis, keepDims)) as Out<A>;
/**
 * Min of all elements, or along one axis; ties split by the policy's `minTies`.
 *
 * @example
 * ```ts
 * import { assertEqual, grad, min } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * assertEqual(grad((x: Value) => min(x), [2, 1, 1]), [0, 0.5, 0.5]);
 * ```
 */
export const min = <A extends Value>(a: A, axis?: number, keepDims = false): Out<A> =>
  apply(PRIMS.min, [a], axisParams("min", a, axis, keepDims)) as Out<A>;
/**
 * log(sum(exp(a))) over all elements or one axis, computed stably.
 *
 * @example
 * ```ts
 * import { assertClose, assertEqual, grad, logsumexp, tensor, valueOf } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * assertClose(valueOf(logsumexp(tensor([1000, 1000]))).item(), 1000 + Math.log(2), 1e-12); // stable
 * assertEqual(grad((x: Value) => logsumexp(x), [0, 0]), [0.5, 0.5]);
 * ```
 */
export const logsumexp = <A extends Value>(a: A, axis?: number, keepDims = false): Out<A> =>
  apply(PRIMS.logsumexp, [a], axisParams("logsumexp", a, axis, keepDims)) as Out<A>;

/**
 * Reshapes (same number of elements).
 *
 * @example
 * ```ts
 * import { assertEqual, reshape, tensor, valueOf } from "nonsmooth-ad";
 * assertEqual(valueOf(reshape(tensor([1, 2, 3, 4]), [2, 2])).toArray(), [[1, 2], [3, 4]]);
 * ```
 */
export const reshape = <A extends Value>(a: A, shape: readonly number[]): Out<A> => {
  valueIn("reshape", "the value", a);
  return apply(PRIMS.reshape, [a], { shape: shapeIn("reshape", "shape", shape) }) as Out<A>;
};
/**
 * Permutes axes (default: reverses them).
 *
 * @example
 * ```ts
 * import { assertEqual, tensor, transpose, valueOf } from "nonsmooth-ad";
 * assertEqual(valueOf(transpose(tensor([[1, 2, 3]]))).toArray(), [[1], [2], [3]]);
 * ```
 */
export function transpose<A extends Value>(a: A, perm?: readonly number[]): Out<A> {
  const rank = valueIn("transpose", "the value", a).length;
  if (perm !== undefined) shapeIn("transpose", "perm", perm);
  const p = perm ? [...perm] : [...Array(rank).keys()].reverse();
  const sorted = [...p].sort((x, y) => x - y);
  if (p.length !== rank || sorted.some((v, i) => v !== i)) {
    throw new Error(
      `transpose: perm [${p.join(", ")}] is not a permutation of the ${rank} axes of a tensor of shape ${fmtShape(shapeOf(a))}`,
    );
  }
  return apply(PRIMS.transpose, [a], { perm: p }) as Out<A>;
}
/**
 * The block starting at `begin` with extents `size` (-1 means "to the end").
 *
 * @example
 * ```ts
 * import { assertEqual, slice, tensor, valueOf } from "nonsmooth-ad";
 * assertEqual(valueOf(slice(tensor([[1, 2, 3], [4, 5, 6]]), [0, 1], [2, -1])).toArray(), [[2, 3], [5, 6]]);
 * ```
 */
export function slice<A extends Value>(a: A, begin: readonly number[], size: readonly number[]): Out<A> {
  const shape = valueIn("slice", "the value", a);
  shapeIn("slice", "begin", begin);
  if (!Array.isArray(size) || !size.every((d) => Number.isInteger(d) && d >= -1)) {
    throw new TypeError(
      `slice: size must be an array of integers >= -1 (-1: to the end), got ${JSON.stringify(size) ?? String(size)}`,
    );
  }
  if (begin.length !== shape.length || size.length !== shape.length) {
    throw new Error(
      `slice: begin [${begin}] and size [${size}] must have one entry per axis of shape ${fmtShape(shape)}`,
    );
  }
  const sz = size.map((s, i) => (s === -1 ? shape[i] - begin[i] : s));
  for (let i = 0; i < shape.length; i++) {
    if (
      !(
        Number.isInteger(begin[i]) &&
        Number.isInteger(sz[i]) &&
        begin[i] >= 0 &&
        sz[i] >= 0 &&
        begin[i] + sz[i] <= shape[i]
      )
    ) {
      throw new Error(
        `slice: begin [${begin}] size [${size}] is out of bounds for shape ${fmtShape(shape)} (axis ${i})`,
      );
    }
  }
  return apply(PRIMS.slice, [a], { begin: [...begin], size: sz }) as Out<A>;
}
/**
 * Element i of a 1-D value, as a scalar.
 *
 * @example
 * ```ts
 * import { assertEqual, at, grad, mul } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * assertEqual(grad((v: Value) => mul(at(v, 0), at(v, 1)), [2, 3]), [3, 2]);
 * ```
 */
export function at<A extends Value>(a: A, i: number): Out<A> {
  const shape = valueIn("at", "the value", a);
  if (!Number.isInteger(i))
    throw new TypeError(`at: the index must be an integer, got ${JSON.stringify(i) ?? String(i)}`);
  if (shape.length !== 1) throw new Error(`at: expected a 1-D value, got shape ${fmtShape(shape)}`);
  return reshape(slice(a, [i], [1]), []) as Out<A>;
}
/**
 * Concatenates along an axis.
 *
 * @example
 * ```ts
 * import { assertEqual, concat, tensor, valueOf } from "nonsmooth-ad";
 * assertEqual(valueOf(concat([tensor([1]), tensor([2, 3])])).toArray(), [1, 2, 3]);
 * ```
 */
export function concat<A extends Value>(xs: readonly A[], axis = 0): Out<A> {
  if (!Array.isArray(xs))
    throw new TypeError(`concat: the values must be an array, got ${xs === null ? "null" : typeof xs}`);
  if (xs.length === 0) throw new Error("concat: nothing to concatenate");
  const shapes = xs.map((x, i) => valueIn("concat", `values[${i}]`, x));
  const ax = normAxis("concat", checkAxis("concat", axis), shapes[0].length);
  for (const s of shapes) {
    if (s.length !== shapes[0].length || s.some((d, i) => i !== ax && d !== shapes[0][i])) {
      throw new Error(`concat: shapes ${shapes.map(fmtShape).join(", ")} differ outside axis ${ax}`);
    }
  }
  return apply(PRIMS.concat, xs, { axis: ax }) as Out<A>;
}
/**
 * Copies a value broadcast to a shape.
 *
 * @example
 * ```ts
 * import { assertEqual, broadcastTo, tensor, valueOf } from "nonsmooth-ad";
 * assertEqual(valueOf(broadcastTo(tensor([1, 2]), [2, 2])).toArray(), [[1, 2], [1, 2]]);
 * ```
 */
export const broadcastTo = <A extends Value>(a: A, shape: readonly number[]): Out<A> => {
  valueIn("broadcastTo", "the value", a);
  return apply(PRIMS.broadcastTo, [a], { shape: shapeIn("broadcastTo", "shape", shape) }) as Out<A>;
};

/**
 * Matrix product; 1-D operands are promoted as row (left) or column (right) vectors and the added axis removed.
 *
 * @example
 * ```ts
 * import { matmul, tensor, assertEqual } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * const y = matmul(tensor([[1, 2], [3, 4]]), tensor([1, 1]));
 * assertEqual(y.toArray(), [3, 7]);
 * ```
 */
export function matmul<A extends Value, B extends Value>(a: A, b: B): Out2<A, B> {
  const sa = valueIn("matmul", "the first argument", a);
  const sb = valueIn("matmul", "the second argument", b);
  if (sa.length < 1 || sa.length > 2 || sb.length < 1 || sb.length > 2) {
    throw new Error(`matmul: operands must be 1-D or 2-D, got ${fmtShape(sa)} and ${fmtShape(sb)}`);
  }
  const A = sa.length === 1 ? reshape(a, [1, sa[0]]) : a;
  const B = sb.length === 1 ? reshape(b, [sb[0], 1]) : b;
  const k1 = sa[sa.length - 1];
  const k2 = sb[0];
  if (k1 !== k2)
    throw new Error(`matmul: inner dimensions differ: ${fmtShape(sa)} times ${fmtShape(sb)} (${k1} vs ${k2})`);
  const C = apply(PRIMS.matmul, [A, B], { transA: false, transB: false }) as Out2<A, B>;
  if (sa.length === 2 && sb.length === 2) return C;
  const out = [...(sa.length === 2 ? [sa[0]] : []), ...(sb.length === 2 ? [sb[1]] : [])];
  return reshape(C, out) as Out2<A, B>;
}

/**
 * Target distributions must be probability vectors along the class axis (entries >= 0 summing to 1, to 1e-9):
 * the loss -Σ y log softmax(z) with other targets is not a cross-entropy, and its minimum is not where the
 * model predicts the targets.
 */
function checkProbabilities(y: Tensor, shape: readonly number[]): Tensor {
  if (!sameShape(y.shape, shape))
    throw new Error(
      `softmaxCrossEntropy: the targets have shape ${fmtShape(y.shape)} but the logits have shape ${fmtShape(shape)}`,
    );
  const C = shape[shape.length - 1];
  for (let r = 0; r * C < y.size; r++) {
    const row = Array.from(y.data.subarray(r * C, (r + 1) * C));
    const total = row.reduce((a, b) => a + b, 0);
    if (!row.every((v) => v >= 0) || !(Math.abs(total - 1) <= 1e-9)) {
      throw new Error(
        `softmaxCrossEntropy: target row ${r} is [${row.join(", ")}], not a probability vector (entries >= 0 summing to 1)`,
      );
    }
  }
  return y;
}

/**
 * Softmax cross-entropy per row: -sum_j y_j log softmax(z)_j over the last axis, computed stably. `targets` is
 * an array of class indices (one per row) or a constant tensor of probabilities with the logits' shape.
 *
 * @example
 * ```ts
 * import { softmaxCrossEntropy, valueOf, grad, mean, tensor, assertClose } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * assertClose(valueOf(softmaxCrossEntropy(tensor([[0, 0]]), [1])).toFlat(), [Math.log(2)], 1e-15);
 * // the gradient is softmax - one-hot
 * assertClose(grad((z: Value) => mean(softmaxCrossEntropy(z, [1])), tensor([[0, 0]])).toFlat(), [0.5, -0.5], 1e-15);
 * ```
 */
export function softmaxCrossEntropy<A extends Value>(
  logits: A,
  targets: readonly number[] | Int32Array | Tensor,
): Out<A> {
  const shape = valueIn("softmaxCrossEntropy", "the logits", logits);
  if (shape.length < 1) throw new Error("softmaxCrossEntropy: logits must have a class axis");
  let y: Tensor;
  if ((targets as unknown) instanceof Tracer)
    throw new Error("softmaxCrossEntropy: the targets must be constants, not traced values");
  if (targets instanceof Tensor) y = checkProbabilities(targets, shape);
  else {
    const C = shape[shape.length - 1];
    const rows = shapeSize(shape) / C;
    if (targets.length !== rows) {
      throw new Error(`softmaxCrossEntropy: ${targets.length} labels for ${rows} rows of logits ${fmtShape(shape)}`);
    }
    const d = new Float64Array(rows * C);
    for (let r = 0; r < rows; r++) {
      const c = targets[r];
      if (!(Number.isInteger(c) && c >= 0 && c < C))
        throw new Error(`softmaxCrossEntropy: label ${c} at row ${r} is not a class index in [0, ${C})`);
      d[r * C + c] = 1;
    }
    y = new Tensor(d, [...shape]);
  }
  return apply(PRIMS.softmaxCrossEntropy, [logits, y], u) as Out<A>;
}

/**
 * Sum over the last axis of (prediction - target)²: one value per sample (a scalar for 1-D inputs).
 *
 * @example
 * ```ts
 * import { assertEqual, squaredError, tensor, valueOf } from "nonsmooth-ad";
 * assertEqual(valueOf(squaredError(tensor([[1, 2], [0, 0]]), tensor([[1, 0], [1, 1]]))).toArray(), [4, 2]);
 * ```
 */
export const squaredError = <A extends Value, B extends Value>(prediction: A, target: B): Out2<A, B> =>
  apply(PRIMS.squaredError, [prediction, target], u) as Out2<A, B>;

/**
 * The primal tensor of any value (a traced value's current value).
 *
 * @example
 * ```ts
 * import { assertEqual, valueOf } from "nonsmooth-ad";
 * assertEqual(valueOf(2).item(), 2);
 * ```
 */
// biome-ignore lint/suspicious/noShadowRestrictedNames: a public name of the library since 0.1.0 (a module export, not Object.prototype.valueOf)
export const valueOf = (a: Value): Tensor => (valueIn("valueOf", "the value", a), primal(a));
