/**
 * Dense float64 tensors: a shape and row-major storage. Tensors are values: no operation mutates one.
 *
 * @module
 */
import { integer } from "./validate";

/** A nested array of numbers, as written in code: `[[1, 2], [3, 4]]`. */
export type NestedArray = number | NestedArray[];

/**
 * A dense tensor of float64 values in row-major order.
 *
 * @example
 * ```ts
 * import { Tensor, tensor, assertEqual } from "nonsmooth-ad";
 * const t = new Tensor(Float64Array.of(1, 2, 3, 4, 5, 6), [2, 3]);
 * assertEqual([t.size, t.rank, t.toArray()], [6, 2, [[1, 2, 3], [4, 5, 6]]]);
 * assertEqual(tensor([[1, 2, 3], [4, 5, 6]]).toFlat(), t.toFlat());
 * ```
 */
export class Tensor {
  /** The extent of each axis; `[]` for a scalar. */
  readonly shape: readonly number[];
  /** The values, row-major. Treat as read-only: tensors are shared, never mutated. */
  readonly data: Float64Array;

  constructor(data: Float64Array, shape: readonly number[]) {
    const size = shapeSize(shape);
    if (data.length !== size) {
      throw new Error(`Tensor: shape [${shape.join(", ")}] needs ${size} values, got ${data.length}`);
    }
    this.shape = shape;
    this.data = data;
  }

  /** The number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** The number of axes. */
  get rank(): number {
    return this.shape.length;
  }

  /** The single value of a tensor with one element; throws for larger tensors. */
  item(): number {
    if (this.data.length !== 1) {
      throw new Error(`item(): tensor of shape [${this.shape.join(", ")}] has ${this.data.length} elements, not 1`);
    }
    return this.data[0];
  }

  /** The values as nested arrays (a number for a scalar). */
  toArray(): NestedArray {
    const { shape, data } = this;
    if (shape.length === 0) return data[0];
    const build = (axis: number, offset: number): NestedArray[] => {
      const n = shape[axis];
      const stride = shapeSize(shape.slice(axis + 1));
      const out: NestedArray[] = [];
      for (let i = 0; i < n; i++) {
        out.push(axis === shape.length - 1 ? data[offset + i] : build(axis + 1, offset + i * stride));
      }
      return out;
    };
    return build(0, 0);
  }

  /** The values as a flat array of numbers. */
  toFlat(): number[] {
    return Array.from(this.data);
  }

  toString(): string {
    return `Tensor(shape=[${this.shape.join(", ")}], ${JSON.stringify(this.toArray())})`;
  }
}

/**
 * The number of elements of a shape.
 *
 * @example
 * ```ts
 * import { shapeSize, assertEqual } from "nonsmooth-ad";
 * assertEqual(shapeSize([2, 3]), 6);
 * assertEqual(shapeSize([]), 1); // a scalar
 * ```
 */
export function shapeSize(shape: readonly number[]): number {
  if (!Array.isArray(shape)) checkShapeArg("shapeSize", shape);
  let n = 1;
  // an indexed loop (no iterator): every tensor construction runs it, a scalar's too
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (!(Number.isInteger(d) && d >= 0))
      throw new Error(`invalid shape [${shape.join(", ")}]: extents must be integers >= 0`);
    n *= d;
  }
  return n;
}

/** A shape argument of a public function: an array of integers >= 0 (named in the error, not met as a raw TypeError). */
function checkShapeArg(fn: string, shape: unknown): void {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new TypeError(
      `${fn}: shape must be an array of integers >= 0, got ${JSON.stringify(shape) ?? String(shape)}`,
    );
  }
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Formats a shape for error messages. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The numpy-style broadcast of shapes, or an error naming the op and the shapes. */
export function broadcastShapes(op: string, ...shapes: (readonly number[])[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = rank - s.length + i;
      const d = s[i];
      if (out[j] === 1) out[j] = d;
      else if (d !== 1 && d !== out[j]) {
        throw new Error(
          `${op}: shapes ${shapes.map(fmtShape).join(" and ")} cannot be broadcast together (axis ${j}: ${out[j]} vs ${d})`,
        );
      }
    }
  }
  return out;
}

function inferShape(x: NestedArray, where: string): number[] {
  if (typeof x === "number") return [];
  if (!Array.isArray(x))
    throw new Error(`tensor: expected numbers or nested arrays of numbers at ${where}, got ${typeof x}`);
  if (x.length === 0) return [0];
  const inner = inferShape(x[0], `${where}[0]`);
  for (let i = 1; i < x.length; i++) {
    const s = inferShape(x[i], `${where}[${i}]`);
    if (!sameShape(s, inner)) {
      throw new Error(
        `tensor: ragged nested array: ${where}[${i}] has shape ${fmtShape(s)}, ${where}[0] has ${fmtShape(inner)}`,
      );
    }
  }
  return [x.length, ...inner];
}

/**
 * Makes a tensor from a number, nested arrays, or flat values with a shape.
 *
 * @example
 * ```ts
 * import { tensor, assertEqual } from "nonsmooth-ad";
 * const a = tensor([[1, 2, 3], [4, 5, 6]]);
 * assertEqual(a.shape, [2, 3]);
 * assertEqual(tensor([1, 2, 3, 4], [2, 2]).toArray(), [[1, 2], [3, 4]]);
 * ```
 */
export function tensor(values: NestedArray | ArrayLike<number> | Tensor, shape?: readonly number[]): Tensor {
  if (values instanceof Tensor) {
    return shape ? new Tensor(values.data, [...shape]) : values;
  }
  if (shape !== undefined) {
    const flat =
      typeof values === "number"
        ? [values]
        : Array.isArray(values)
          ? (values as NestedArray[]).flat(Infinity as 1)
          : Array.from(values as ArrayLike<number>);
    const data = Float64Array.from(flat as number[]);
    return new Tensor(data, [...shape]);
  }
  if (typeof values === "number") return new Tensor(Float64Array.of(values), []);
  if (ArrayBuffer.isView(values))
    return new Tensor(Float64Array.from(values as ArrayLike<number>), [(values as ArrayLike<number>).length]);
  const s = inferShape(values as NestedArray, "values");
  const flat = (values as NestedArray[]).flat(Infinity as 1) as unknown[];
  const data = new Float64Array(flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (typeof v !== "number") throw new Error(`tensor: element ${i} is ${typeof v}, not a number`);
    data[i] = v;
  }
  return new Tensor(data, s);
}

/**
 * A scalar tensor.
 *
 * @example
 * ```ts
 * import { scalar, assertEqual } from "nonsmooth-ad";
 * assertEqual(scalar(2.5).shape, []);
 * assertEqual(scalar(2.5).item(), 2.5);
 * ```
 */
export function scalar(x: number): Tensor {
  if (typeof x !== "number") throw new TypeError(`scalar: x must be a number, got ${JSON.stringify(x) ?? String(x)}`);
  const d = new Float64Array(1); // cheaper than Float64Array.of in V8 (scalar programs allocate one per operation)
  d[0] = x;
  return new Tensor(d, SCALAR_SHAPE);
}

const SCALAR_SHAPE: readonly number[] = Object.freeze([]) as readonly number[];

/**
 * A tensor of zeros.
 *
 * @example
 * ```ts
 * import { zeros, assertEqual } from "nonsmooth-ad";
 * assertEqual(zeros([2, 2]).toArray(), [[0, 0], [0, 0]]);
 * ```
 */
export function zeros(shape: readonly number[]): Tensor {
  checkShapeArg("zeros", shape);
  return new Tensor(new Float64Array(shapeSize(shape)), [...shape]);
}

/**
 * A tensor filled with one value.
 *
 * @example
 * ```ts
 * import { full, assertEqual } from "nonsmooth-ad";
 * assertEqual(full([3], 7).toFlat(), [7, 7, 7]);
 * ```
 */
export function full(shape: readonly number[], value: number): Tensor {
  checkShapeArg("full", shape);
  if (typeof value !== "number")
    throw new TypeError(`full: value must be a number, got ${JSON.stringify(value) ?? String(value)}`);
  return new Tensor(new Float64Array(shapeSize(shape)).fill(value), [...shape]);
}

/**
 * A tensor of ones.
 *
 * @example
 * ```ts
 * import { ones, assertEqual } from "nonsmooth-ad";
 * assertEqual(ones([1, 2]).toArray(), [[1, 1]]);
 * ```
 */
export function ones(shape: readonly number[]): Tensor {
  checkShapeArg("ones", shape);
  return full(shape, 1);
}

/**
 * `n` evenly spaced values from `a` to `b`, both included.
 *
 * @example
 * ```ts
 * import { linspace, assertEqual } from "nonsmooth-ad";
 * assertEqual(linspace(0, 1, 5).toFlat(), [0, 0.25, 0.5, 0.75, 1]);
 * ```
 */
export function linspace(a: number, b: number, n: number): Tensor {
  integer("linspace", "n", n, 2);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = a + ((b - a) * i) / (n - 1);
  return new Tensor(d, [n]);
}
