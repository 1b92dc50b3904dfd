/**
 * The ReLU'(0) bifurcation experiment (Bertoin, Bolte, Gerchinovitz and Pauwels, "Numerical influence of ReLU'(0) on backpropagation", NeurIPS 2021):
 * two copies of one network, with relu'(0) = 0 and relu'(0) = 1, share the weights and the mini-batches; at each
 * step both backprop outputs are computed, in the chosen precision, and compared. They differ only when some
 * relu is evaluated at exactly 0 with a nonzero incoming cotangent: the weights are then in the "bifurcation
 * zone". Biases are drawn from a continuous law, so exact zeros come from rounding, not from dead layers.
 *
 * The trajectory follows the relu'(0) = 0 copy (PyTorch's choice). Had the copies been trained separately they
 * would coincide exactly up to the first differing step and drift apart after it, so `differ` and `firstStep`
 * are the same in both designs; `differingSteps` counts the steps at which the shared iterate is in the zone.
 *
 * @module
 */
import { valueAndGrad } from "../../engine/transforms";
import { policies } from "../../policy";
import type { PrecisionOption } from "../../precision";
import { hash32, hashSeed } from "../../rng";
import type { Tensor } from "../../tensor";
import { mlp } from "../models/mlp";
import type { InitScheme, LossKind } from "../models/mlp";
import { batchIndices, datasetSize, takeRows } from "../data/dataset";
import { loadDataset } from "../data/spec";
import type { DataSource } from "../data/spec";
import { integer, oneOf, options, positive, seed as checkSeed } from "../../validate";
import { asList, checkPrecision } from "./common";
import { BUDGET_KEYS, Budget } from "./budget";
import type { BudgetOptions } from "./budget";

/**
 * Configuration of {@link bifurcationExperiment}; depth, width and precision may be lists (all combinations). An
 * unknown key is an error (a misspelt setting is never ignored); the budget options (`allowLong`, `maxMinutes`,
 * `onProgress`) are those of the other long experiments.
 */
export interface BifurcationConfig extends BudgetOptions {
  /** Numbers of hidden layers. */
  readonly depth: number | readonly number[];
  /** Hidden widths. */
  readonly width: number | readonly number[];
  /** Precisions or arithmetic models (a name of `ARITHMETIC_MODELS` or a spec), as the engine's option takes them. */
  readonly precision: PrecisionOption | readonly PrecisionOption[];
  readonly batchSize: number;
  /** Independent runs (initializations and batch sequences) per configuration. */
  readonly runs: number;
  /** SGD steps per run. */
  readonly steps: number;
  /** Any integer of magnitude below 2^53, hashed on all its bits (seeds that agree modulo 2^32 do not alias). */
  readonly seed: number;
  /** Default: { kind: "regression", seed, n: 256, inputDim: 2 }. */
  readonly data?: DataSource;
  /** SGD step size (default 0.01). */
  readonly stepSize?: number;
  /** Weight initialization (default "pytorch"; biases follow the same continuous law). */
  readonly init?: InitScheme;
  readonly loss?: LossKind;
}

/** One run of one configuration. */
export interface BifurcationRow {
  /** The arithmetic model's name ("float32", "float16-tensor-core", or a spec's name). */
  readonly precision: string;
  readonly depth: number;
  readonly width: number;
  readonly run: number;
  /** Whether the two backprop outputs ever differed. */
  readonly differ: boolean;
  /** The first step at which they differed (-1 if never). */
  readonly firstStep: number;
  /** At how many steps they differed. */
  readonly differingSteps: number;
  readonly steps: number;
  /** The largest |difference| of a gradient entry over the run. */
  readonly maxDifference: number;
  /** Relu evaluations at exactly 0 over the run (forward passes of the relu'(0) = 0 copy). */
  readonly reluZeros: number;
}

const CONFIG_KEYS = [
  "depth",
  "width",
  "precision",
  "batchSize",
  "runs",
  "steps",
  "seed",
  "data",
  "stepSize",
  "init",
  "loss",
  ...BUDGET_KEYS,
] as const;

/**
 * Runs the bifurcation experiment for every (precision, depth, width): per run, whether and when the backprop
 * outputs with relu'(0) = 0 and relu'(0) = 1 differ along an SGD trajectory.
 *
 * Before the runs it times one step of each configuration, reports the estimated duration to `onProgress`, and
 * refuses (a RangeError saying how long it would take) when the estimate exceeds `maxMinutes` (default 60)
 * unless `allowLong` is set; then it reports progress after each run.
 *
 * @example
 * ```ts
 * import { bifurcationExperiment, assert } from "nonsmooth-ad";
 * const rows = bifurcationExperiment({ depth: 1, width: 4, precision: "float64", batchSize: 4, runs: 2, steps: 3, seed: 0 });
 * assert(rows.every((r) => !r.differ), "float64: no disagreement");
 * ```
 */
export function bifurcationExperiment(config: BifurcationConfig): BifurcationRow[] {
  const where = "bifurcationExperiment";
  if (config === null || typeof config !== "object" || Array.isArray(config))
    throw new TypeError(`${where}: expected a configuration { depth, width, precision, batchSize, runs, steps, seed }`);
  options(where, "configuration", config, CONFIG_KEYS);
  const seed = checkSeed(where, "seed", config.seed);
  const depths = asList(config.depth).map((d) => integer(where, "depth", d, 1));
  const widths = asList(config.width).map((w) => integer(where, "width", w, 1));
  const precisions = asList(config.precision).map((p) => checkPrecision(where, p));
  const batchSize = integer(where, "batchSize", config.batchSize, 1);
  const runs = integer(where, "runs", config.runs, 1);
  const steps = integer(where, "steps", config.steps, 1);
  const stepSize = positive(where, "stepSize", config.stepSize ?? 0.01);
  const scheme = oneOf(where, "init", config.init ?? "pytorch", ["uniform", "pytorch", "he"] as const);
  const data = loadDataset(config.data ?? { kind: "regression", seed, n: 256, inputDim: 2 });
  const n = datasetSize(data);
  if (batchSize > n) throw new Error(`${where}: the batch size ${batchSize} is larger than the data set (${n} rows)`);
  const outputs = Array.isArray(data.y) ? (data.numClasses as number) : (data.y as Tensor).shape[1];
  const zero = policies.reluAt(0);
  const one = policies.reluAt(1);
  const netOf = (depth: number, width: number) =>
    mlp({ sizes: [data.X.shape[1], ...new Array<number>(depth).fill(width), outputs], activation: "relu" });
  const seedOf = (run: number, depth: number, width: number): number =>
    hash32(hashSeed(seed, run), hash32(depth, width));
  const initOf = (net: ReturnType<typeof netOf>, runSeed: number): Float64Array =>
    net.init(runSeed, { scheme, biases: scheme === "he" ? "uniform" : "scheme" });
  const budget = new Budget(where, precisions.length * depths.length * widths.length * runs, config);
  if (budget.wanted) {
    // one step (both copies) of each configuration, timed; its results are recomputed in the runs
    let seconds = 0;
    for (const precision of precisions)
      for (const depth of depths)
        for (const width of widths) {
          const net = netOf(depth, width);
          const runSeed = seedOf(0, depth, width);
          const w = initOf(net, runSeed);
          const J = net.loss(takeRows(data, batchIndices(runSeed, 0, n, batchSize)), { loss: config.loss });
          const t0 = Budget.clock();
          valueAndGrad(J, w, { policy: zero, precision });
          valueAndGrad(J, w, { policy: one, precision });
          seconds += (Budget.since(t0) / 1000) * runs * steps;
        }
    budget.estimate(seconds, "one timed step of each configuration", "runs, steps, depth or width");
  }
  const rows: BifurcationRow[] = [];
  for (const precision of precisions) {
    for (const depth of depths) {
      for (const width of widths) {
        const net = netOf(depth, width);
        for (let run = 0; run < runs; run++) {
          const runSeed = seedOf(run, depth, width);
          let w = initOf(net, runSeed);
          let firstStep = -1;
          let differingSteps = 0;
          let maxDifference = 0;
          let reluZeros = 0;
          for (let k = 0; k < steps; k++) {
            const J = net.loss(takeRows(data, batchIndices(runSeed, k, n, batchSize)), { loss: config.loss });
            const a = valueAndGrad(J, w, { policy: zero, precision });
            const b = valueAndGrad(J, w, { policy: one, precision });
            if (!Number.isFinite(a.value)) {
              throw new Error(
                `${where}: the loss is ${a.value} at step ${k} of run ${run} (${precision.name}, depth ${depth}, width ${width}); lower the step size`,
              );
            }
            reluZeros += a.kinks.byKey.relu ?? 0;
            let diff = 0;
            let same = true;
            for (let i = 0; i < w.length; i++) {
              if (!Object.is(a.grad[i], b.grad[i])) same = false;
              const d = Math.abs(a.grad[i] - b.grad[i]);
              if (d > diff || Number.isNaN(d)) diff = Number.isNaN(d) ? Infinity : d;
            }
            if (!same) {
              differingSteps++;
              if (firstStep < 0) firstStep = k;
              maxDifference = Math.max(maxDifference, diff);
            }
            const next = new Float64Array(w.length);
            for (let i = 0; i < w.length; i++) next[i] = w[i] - stepSize * a.grad[i];
            w = next;
          }
          rows.push({
            precision: precision.name,
            depth,
            width,
            run,
            differ: firstStep >= 0,
            firstStep,
            differingSteps,
            steps,
            maxDifference,
            reluZeros,
          });
          budget.tick(rows.length);
        }
      }
    }
  }
  return rows;
}

/** Per (precision, depth, width): the share of runs whose two backprop outputs ever differed. */
export interface BifurcationSummaryRow {
  readonly precision: string;
  readonly depth: number;
  readonly width: number;
  readonly runs: number;
  /** Runs in which the outputs differed at least once, over runs. */
  readonly shareDiffering: number;
  /** Mean first differing step over the runs that differed (NaN if none did). */
  readonly meanFirstStep: number;
  /** Mean share of steps with differing outputs, over all runs. */
  readonly meanShareOfSteps: number;
}

/**
 * Aggregates the rows of {@link bifurcationExperiment} per (precision, depth, width), in order of appearance.
 *
 * @example
 * ```ts
 * import { bifurcationExperiment, summarizeBifurcation, assertEqual } from "nonsmooth-ad";
 * const rows = bifurcationExperiment({ depth: 1, width: 4, precision: "float64", batchSize: 4, runs: 2, steps: 2, seed: 0 });
 * assertEqual(summarizeBifurcation(rows).map((r) => [r.runs, r.shareDiffering]), [[2, 0]]);
 * ```
 */
export function summarizeBifurcation(rows: readonly BifurcationRow[]): BifurcationSummaryRow[] {
  const groups = new Map<string, BifurcationRow[]>();
  for (const r of rows) {
    const key = `${r.precision}|${r.depth}|${r.width}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()].map((g) => {
    const differing = g.filter((r) => r.differ);
    return {
      precision: g[0].precision,
      depth: g[0].depth,
      width: g[0].width,
      runs: g.length,
      shareDiffering: differing.length / g.length,
      meanFirstStep: differing.length ? differing.reduce((s, r) => s + r.firstStep, 0) / differing.length : NaN,
      meanShareOfSteps: g.reduce((s, r) => s + r.differingSteps / r.steps, 0) / g.length,
    };
  });
}
