/**
 * Data sets described as plain data (so that configurations can be sent to worker threads), and the loader that
 * turns a description, or a data set that went through a structured clone, back into a {@link Dataset}.
 *
 * @module
 */
import { Tensor } from "../../tensor";
import { datasets } from "./synthetic";
import { loadIris, loadMnist } from "./loaders";
import { checkDataset } from "./dataset";
import { options as checkOptions } from "../../validate";
import type { Dataset } from "./dataset";

/** A plain-data description of a data set. */
export type DatasetSpec =
  | {
      readonly kind: "regression";
      readonly seed: number;
      readonly n: number;
      readonly inputDim?: number;
      readonly noise?: number;
    }
  | { readonly kind: "twoMoons"; readonly seed: number; readonly n: number; readonly noise?: number }
  | {
      readonly kind: "spirals";
      readonly seed: number;
      readonly n: number;
      readonly classes?: number;
      readonly turns?: number;
      readonly noise?: number;
    }
  | { readonly kind: "iris"; readonly standardize?: boolean }
  | { readonly kind: "mnist"; readonly count: number; readonly seed?: number };

/** A data set, or its description. */
export type DataSource = Dataset | DatasetSpec;

function reviveTensor(t: unknown, what: string): Tensor {
  if (t instanceof Tensor) return t;
  const o = t as { shape?: unknown; data?: unknown };
  if (o && Array.isArray(o.shape) && o.data instanceof Float64Array) return new Tensor(o.data, o.shape as number[]);
  throw new Error(`loadDataset: ${what} is not a tensor`);
}

/**
 * The data set a source describes: a spec is generated or loaded; a data set (possibly a structured clone, as
 * received by a worker thread) is checked and returned with real tensors.
 *
 * @example
 * ```ts
 * import { loadDataset, assertEqual } from "nonsmooth-ad";
 * const d = loadDataset({ kind: "twoMoons", seed: 1, n: 30 });
 * assertEqual(d.X.shape, [30, 2]);
 * ```
 */
export function loadDataset(source: DataSource): Dataset {
  if (source === null || typeof source !== "object")
    throw new Error(
      `loadDataset: expected a data set or a spec like { kind: "twoMoons", seed, n }, got ${String(source)}`,
    );
  if ("X" in source) {
    const y = Array.isArray(source.y) ? source.y : reviveTensor(source.y, "y");
    return checkDataset("loadDataset", { ...source, X: reviveTensor(source.X, "X"), y });
  }
  const keys: Readonly<Record<string, readonly string[]>> = {
    regression: ["kind", "seed", "n", "inputDim", "noise"],
    twoMoons: ["kind", "seed", "n", "noise"],
    spirals: ["kind", "seed", "n", "classes", "turns", "noise"],
    iris: ["kind", "standardize"],
    mnist: ["kind", "count", "seed"],
  };
  const kind = (source as { kind: unknown }).kind;
  const allowed = typeof kind === "string" && Object.prototype.hasOwnProperty.call(keys, kind) ? keys[kind] : undefined;
  if (allowed) checkOptions("loadDataset", "the spec", source, allowed);
  switch (source.kind) {
    case "regression":
      return datasets.regression(source.seed, source.n, { inputDim: source.inputDim, noise: source.noise });
    case "twoMoons":
      return datasets.twoMoons(source.seed, source.n, source.noise);
    case "spirals":
      return datasets.spirals(source.seed, source.n, {
        classes: source.classes,
        turns: source.turns,
        noise: source.noise,
      });
    case "iris":
      return loadIris(source);
    case "mnist":
      return loadMnist(source);
    default:
      throw new Error(
        `loadDataset: unknown kind ${JSON.stringify((source as { kind: unknown }).kind)}: expected regression, twoMoons, spirals, iris or mnist`,
      );
  }
}
