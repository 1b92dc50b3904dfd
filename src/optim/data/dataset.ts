/**
 * Data sets: inputs X (a [N, d] tensor) and targets y, either a [N, k] tensor (regression) or class labels
 * (classification). Helpers to take rows, split, and draw mini-batches from a seed.
 *
 * @module
 */
import { Tensor } from "../../tensor";
import { Rng, hash32, hashSeed } from "../../rng";
import { integer, seed as checkSeed } from "../../validate";

/** A data set: N rows of inputs, and targets as a [N, k] tensor or N class labels in {0, ..., numClasses - 1}. */
export interface Dataset {
  readonly name: string;
  /** Inputs, shape [N, d]. */
  readonly X: Tensor;
  /** Regression targets [N, k], or class labels (one per row). */
  readonly y: Tensor | readonly number[];
  /** For classification: the number of classes. */
  readonly numClasses?: number;
}

/** True when the targets are class labels. */
export function isClassification(data: Dataset): data is Dataset & { y: readonly number[]; numClasses: number } {
  return Array.isArray(data.y);
}

/** Checks a data set's shapes and labels, with messages that say what is wrong. */
export function checkDataset(where: string, data: Dataset): Dataset {
  if (data === null || typeof data !== "object" || !(data.X instanceof Tensor))
    throw new Error(`${where}: the data set must be an object { X: Tensor [N, d], y }`);
  if (data.X.rank !== 2) throw new Error(`${where}: X must have shape [N, d], got [${data.X.shape.join(", ")}]`);
  const n = data.X.shape[0];
  if (n === 0) throw new Error(`${where}: the data set ${JSON.stringify(data.name)} is empty (0 rows)`);
  if (Array.isArray(data.y)) {
    if (data.y.length !== n) throw new Error(`${where}: ${data.y.length} labels for ${n} rows of X`);
    const C = data.numClasses;
    if (!(Number.isInteger(C) && (C as number) >= 2))
      throw new Error(`${where}: a classification data set needs numClasses >= 2, got ${String(C)}`);
    data.y.forEach((c, i) => {
      if (!(Number.isInteger(c) && c >= 0 && c < (C as number)))
        throw new Error(`${where}: label ${c} at row ${i} is not in {0, ..., ${(C as number) - 1}}`);
    });
  } else if (data.y instanceof Tensor) {
    if (data.y.rank !== 2 || data.y.shape[0] !== n)
      throw new Error(`${where}: y must have shape [${n}, k], got [${data.y.shape.join(", ")}]`);
  } else throw new Error(`${where}: y must be a Tensor [N, k] or an array of class labels`);
  return data;
}

/** The number of rows. */
export function datasetSize(data: Dataset): number {
  return data.X.shape[0];
}

/** Gathers rows of a [N, ...] tensor. */
function gather(t: Tensor, idx: readonly number[]): Tensor {
  const w = t.size / t.shape[0];
  const out = new Float64Array(idx.length * w);
  idx.forEach((r, i) => out.set(t.data.subarray(r * w, (r + 1) * w), i * w));
  return new Tensor(out, [idx.length, ...t.shape.slice(1)]);
}

/**
 * The rows `indices` of a data set, in that order.
 *
 * @example
 * ```ts
 * import { datasets, takeRows, assertEqual } from "nonsmooth-ad";
 * const d = takeRows(datasets.twoMoons(1, 10), [0, 3]);
 * assertEqual(d.X.shape, [2, 2]);
 * ```
 */
export function takeRows(data: Dataset, indices: readonly number[]): Dataset {
  if (data === null || typeof data !== "object" || !(data.X instanceof Tensor))
    throw new TypeError(`takeRows: data must be a data set { X, y }, got ${String(data)}`);
  if (!Array.isArray(indices))
    throw new TypeError(`takeRows: indices must be an array of row indices, got ${String(indices)}`);
  const n = datasetSize(data);
  for (const i of indices)
    if (!(Number.isInteger(i) && i >= 0 && i < n)) throw new Error(`takeRows: row ${i} is out of range [0, ${n})`);
  const y = Array.isArray(data.y)
    ? indices.map((i) => (data.y as readonly number[])[i])
    : gather(data.y as Tensor, indices);
  return { ...data, X: gather(data.X, indices), y };
}

/**
 * The row indices of mini-batch k: `batchSize` distinct rows drawn uniformly from N, independently for each k.
 * A pure function of (seed, k), so runs are reproducible and may start at any step.
 *
 * @example
 * ```ts
 * import { batchIndices, assertEqual } from "nonsmooth-ad";
 * assertEqual(batchIndices(7, 3, 100, 5), batchIndices(7, 3, 100, 5));
 * assertEqual(batchIndices(7, 3, 100, 5).length, 5);
 * ```
 */
export function batchIndices(seed: number, k: number, n: number, batchSize: number): number[] {
  checkSeed("batchIndices", "seed", seed);
  integer("batchIndices", "k", k, 0);
  if (!(Number.isInteger(n) && n > 0)) throw new Error(`batchIndices: the data set is empty (N = ${n})`);
  if (!(Number.isInteger(batchSize) && batchSize >= 1))
    throw new Error(`batchIndices: the batch size must be an integer >= 1, got ${batchSize}`);
  if (batchSize > n)
    throw new Error(`batchIndices: the batch size ${batchSize} is larger than the data set (${n} rows)`);
  return new Rng(hash32(hashSeed(seed, 0x5bd1e995), k >>> 0)).sample(n, batchSize);
}

/**
 * Splits a data set at random into a training part and a test part holding `testFraction` of the rows.
 *
 * @example
 * ```ts
 * import { datasets, trainTestSplit, assertEqual } from "nonsmooth-ad";
 * const { train, test } = trainTestSplit(datasets.twoMoons(0, 100), 0.2, 1);
 * assertEqual([train.X.shape[0], test.X.shape[0]], [80, 20]);
 * ```
 */
export function trainTestSplit(data: Dataset, testFraction: number, seed: number): { train: Dataset; test: Dataset } {
  checkDataset("trainTestSplit", data);
  if (!(typeof testFraction === "number" && testFraction > 0 && testFraction < 1)) {
    throw new Error(`trainTestSplit: the test fraction must be in (0, 1), got ${String(testFraction)}`);
  }
  const n = datasetSize(data);
  const nTest = Math.round(n * testFraction);
  if (nTest < 1 || nTest > n - 1)
    throw new Error(`trainTestSplit: a test fraction of ${testFraction} of ${n} rows leaves an empty part`);
  const perm = new Rng(seed).sample(n, n);
  return {
    train: { ...takeRows(data, perm.slice(nTest)), name: `${data.name} (train)` },
    test: { ...takeRows(data, perm.slice(0, nTest)), name: `${data.name} (test)` },
  };
}
