/**
 * Synthetic data sets, each a pure function of its seed.
 *
 * @module
 */
import { Tensor } from "../../tensor";
import { Rng } from "../../rng";
import { integer, nonNegative, options as checkOptions, seed as checkSeed } from "../../validate";

/**
 * The largest data set generated here, in rows and in values: a data set lives in memory as float64 arrays, and a
 * request V8 cannot allocate kills the process (no `try` catches it), so sizes are bounded with an error first.
 */
const MAX_ROWS = 10_000_000;
const MAX_VALUES = 50_000_000;

/** Checks the seed and the size of a data set of n rows of `dim` inputs before anything is allocated. */
function checkSize(fn: string, seed: number, n: number, min: number, dim: number): void {
  checkSeed(fn, "seed", seed);
  integer(fn, "n", n, min);
  if (n > MAX_ROWS) {
    throw new RangeError(
      `${fn}: n = ${n} rows is more than the limit of ${MAX_ROWS} (a data set lives in memory as float64 arrays: 1e7 rows of 2 inputs take 160 MB)`,
    );
  }
  if (n * dim > MAX_VALUES) {
    throw new RangeError(
      `${fn}: n · inputDim = ${n * dim} values is more than the limit of ${MAX_VALUES} (400 MB of float64 inputs)`,
    );
  }
}
import type { Dataset } from "./dataset";

/**
 * A smooth regression target: x uniform on [-1, 1]^d, y = sin(pi x_1) + 0.5 cos(pi (x_1 + ... + x_d) / 2)
 * (plus Gaussian noise of standard deviation `noise`, default 0); targets of shape [n, 1].
 *
 * @example
 * ```ts
 * import { datasets, assert, assertEqual, Tensor } from "nonsmooth-ad";
 * const d = datasets.regression(0, 50, { inputDim: 3 });
 * assert(d.y instanceof Tensor, "regression targets are a tensor");
 * assertEqual([d.X.shape, d.y.shape], [[50, 3], [50, 1]]);
 * ```
 */
function regression(seed: number, n: number, options: { inputDim?: number; noise?: number } = {}): Dataset {
  checkOptions("datasets.regression", "options", options, ["inputDim", "noise"]);
  const d = integer("datasets.regression", "inputDim", options.inputDim ?? 1, 1);
  checkSize("datasets.regression", seed, n, 1, d);
  const noise = nonNegative("datasets.regression", "noise", options.noise ?? 0);
  const rng = new Rng(seed);
  const X = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += X[i * d + j] = rng.uniform(-1, 1);
    y[i] = Math.sin(Math.PI * X[i * d]) + 0.5 * Math.cos((Math.PI * s) / 2) + (noise > 0 ? noise * rng.normal() : 0);
  }
  return { name: "regression", X: new Tensor(X, [n, d]), y: new Tensor(y, [n, 1]) };
}

/**
 * Two interleaving half circles (as scikit-learn's make_moons), labels 0 and 1, Gaussian noise `noise`
 * (default 0.1). Rows are shuffled.
 *
 * @example
 * ```ts
 * import { datasets, assertEqual } from "nonsmooth-ad";
 * const d = datasets.twoMoons(1, 40, 0.05);
 * assertEqual([d.X.shape, d.numClasses], [[40, 2], 2]);
 * ```
 */
function twoMoons(seed: number, n: number, noise = 0.1): Dataset {
  checkSize("datasets.twoMoons", seed, n, 2, 2);
  nonNegative("datasets.twoMoons", "noise", noise);
  const rng = new Rng(seed);
  const order = rng.sample(n, n);
  const X = new Float64Array(2 * n);
  const y: number[] = new Array(n);
  for (let r = 0; r < n; r++) {
    const i = order[r];
    const c = i % 2;
    const t = Math.PI * rng.next();
    const px = c === 0 ? Math.cos(t) : 1 - Math.cos(t);
    const py = c === 0 ? Math.sin(t) : 0.5 - Math.sin(t);
    X[2 * r] = px + noise * rng.normal();
    X[2 * r + 1] = py + noise * rng.normal();
    y[r] = c;
  }
  return { name: "twoMoons", X: new Tensor(X, [n, 2]), y, numClasses: 2 };
}

/**
 * Interleaved spirals in the plane, one per class (default 2 classes, 1.5 turns, noise 0.05), radius in (0, 1].
 *
 * @example
 * ```ts
 * import { datasets, assertEqual } from "nonsmooth-ad";
 * const d = datasets.spirals(2, 60, { classes: 3 });
 * assertEqual([d.X.shape, d.numClasses], [[60, 2], 3]);
 * ```
 */
function spirals(seed: number, n: number, options: { classes?: number; turns?: number; noise?: number } = {}): Dataset {
  const C = integer("datasets.spirals", "classes", options.classes ?? 2, 2);
  checkOptions("datasets.spirals", "options", options, ["classes", "turns", "noise"]);
  checkSize("datasets.spirals", seed, n, C, 2);
  const turns = nonNegative("datasets.spirals", "turns", options.turns ?? 1.5);
  const noise = nonNegative("datasets.spirals", "noise", options.noise ?? 0.05);
  const rng = new Rng(seed);
  const order = rng.sample(n, n);
  const X = new Float64Array(2 * n);
  const y: number[] = new Array(n);
  for (let r = 0; r < n; r++) {
    const i = order[r];
    const c = i % C;
    const rad = 0.05 + 0.95 * rng.next();
    const angle = 2 * Math.PI * (turns * rad + c / C);
    X[2 * r] = rad * Math.cos(angle) + noise * rng.normal();
    X[2 * r + 1] = rad * Math.sin(angle) + noise * rng.normal();
    y[r] = c;
  }
  return { name: "spirals", X: new Tensor(X, [n, 2]), y, numClasses: C };
}

/**
 * Synthetic data sets: regression (smooth target), twoMoons, spirals. Each takes a seed and a size first.
 *
 * @example
 * ```ts
 * import { datasets, assertEqual } from "nonsmooth-ad";
 * const a = datasets.spirals(3, 30), b = datasets.spirals(3, 30);
 * assertEqual([a.X.shape, a.numClasses], [[30, 2], 2]); // two classes by default
 * assertEqual(a.X.toFlat(), b.X.toFlat()); // the same seed, the same data
 * ```
 */
export const datasets = { regression, twoMoons, spirals } as const;
