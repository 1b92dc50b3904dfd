/**
 * Test accuracy against s = relu'(0), after Bertoin, Bolte, Gerchinovitz and Pauwels, "Numerical influence of
 * ReLU'(0) on backpropagation" (NeurIPS 2021, Section 4): the same network, from the same initial weights and on
 * the same mini-batches, is trained once for each s of a list, in a given precision, with plain SGD or Adam, with
 * or without batch normalization, and the trained weights are scored on held-out data.
 *
 * s may lie far outside the Clarke set [0, 1] of relu at 0 (the paper goes up to |s| = 50): backprop is then
 * another rule than a conservative field [Bolte and Pauwels, Math. Program. 2021], which this runner opts into
 * explicitly (`policies.reluAt(s, { outsideClarke: true })`). s only enters backprop where a relu is evaluated at
 * exactly 0, so two runs with different s coincide bit for bit until the first such kink hit; after it, a large
 * |s| multiplies the cotangent of that unit by s, a spike in the backprop output.
 *
 * A run whose loss or backprop output stops being finite is stopped and reported (`diverged`, `divergedAt`);
 * its other fields then describe the last iterate reached. Nothing non-finite is passed on silently.
 *
 * @module
 */
import { evaluate, valueAndGrad } from "../../engine/transforms";
import { norm2 } from "../vector";
import { CLARKE_RANGES, policies } from "../../policy";
import type { KinkPolicy } from "../../policy";
import type { PrecisionOption } from "../../precision";
import type { ArithmeticModel } from "../../arithmetic/models";
import { hash32, hashSeed } from "../../rng";
import { mlp } from "../models/mlp";
import type { LossKind, Mlp } from "../models/mlp";
import { batchIndices, datasetSize, isClassification, takeRows } from "../data/dataset";
import type { Dataset } from "../data/dataset";
import { loadDataset } from "../data/spec";
import type { DataSource } from "../data/spec";
import { makeOptimizer } from "../optimizers/make";
import { finite, integer, oneOf, options, positive, seed as checkSeed } from "../../validate";
import { asList, checkPrecision } from "./common";
import { BUDGET_KEYS, Budget } from "./budget";
import type { BudgetOptions } from "./budget";

/** One training method: the optimizer, its constant step size, and whether hidden layers are batch-normalized. */
export interface ReluSlopeMethod {
  readonly optimizer: "sgd" | "adam";
  /** Constant step size (SGD's step, Adam's learning rate). */
  readonly stepSize: number;
  /** "batch": batch normalization before each hidden relu (see `mlp`). Default "none". */
  readonly normalization?: "none" | "batch";
}

/**
 * Configuration of {@link reluSlopeAccuracy}. An unknown key is an error; the budget options (`allowLong`,
 * `maxMinutes`, `onProgress`) are those of the other long experiments.
 */
export interface ReluSlopeConfig extends BudgetOptions {
  /** The values of s = relu'(0) to train with (any finite numbers; outside [0, 1] they leave the Clarke set). */
  readonly slopes: readonly number[];
  /** Hidden widths of the relu network (input and output sizes come from the data), e.g. [32, 32]. */
  readonly hidden: readonly number[];
  /** Training data (class labels). */
  readonly data: DataSource;
  /** Held-out data for the test accuracy (class labels). */
  readonly testData: DataSource;
  /**
   * The arithmetic of forward and backward passes: precisions or arithmetic models (a name or a spec, as the
   * engine's option takes them); a list runs each. Parameters are kept in float64.
   */
  readonly precision: PrecisionOption | readonly PrecisionOption[];
  /** The training methods (default: plain SGD with step 0.1). */
  readonly methods?: readonly ReluSlopeMethod[];
  /** Updates per run. */
  readonly steps: number;
  /** Rows per mini-batch. */
  readonly batchSize: number;
  /** Independent runs (initial weights and mini-batch sequence) per configuration (default 1). */
  readonly runs?: number;
  /** Any integer of magnitude below 2^53; run r uses the initial weights and mini-batches of hash(seed, r). */
  readonly seed: number;
  /** Default: cross-entropy. */
  readonly loss?: LossKind;
}

/** One run: one method, precision, s and run index. */
export interface ReluSlopeRow {
  /** The arithmetic model's name ("float16", "float16-tensor-core", or a spec's name). */
  readonly precision: string;
  /** The method in words: "SGD", "SGD + batch norm", "Adam", "Adam + batch norm". */
  readonly method: string;
  readonly optimizer: "sgd" | "adam";
  readonly normalization: "none" | "batch";
  readonly stepSize: number;
  /** relu'(0). */
  readonly s: number;
  /** Whether s lies outside the Clarke set [0, 1]. */
  readonly outsideClarke: boolean;
  readonly run: number;
  /** Test accuracy of the final weights (evaluated in float64). */
  readonly testAccuracy: number;
  /** Test accuracy of the initial weights (the same for every s of a run). */
  readonly initialTestAccuracy: number;
  /** Full training loss at the final weights, in the run's precision. */
  readonly finalLoss: number;
  /** Relu evaluations at exactly 0 over the run's backprop calls: the only places where s enters. */
  readonly kinks: number;
  /** The largest norm of a backprop output over the run. */
  readonly maxGradNorm: number;
  /**
   * The first step at which this run's backprop output differs, bit for bit, from that of the list's first s on
   * the same configuration and run (-1: never; 0 for the first s itself is reported as -1).
   */
  readonly firstDifference: number;
  /** Whether training stopped on a non-finite loss or backprop output. */
  readonly diverged: boolean;
  /** The step at which it stopped (-1 if it did not). */
  readonly divergedAt: number;
  /** Updates made. */
  readonly steps: number;
}

const CONFIG_KEYS = [
  "slopes",
  "hidden",
  "data",
  "testData",
  "precision",
  "methods",
  "steps",
  "batchSize",
  "runs",
  "seed",
  "loss",
  ...BUDGET_KEYS,
] as const;

const METHOD_KEYS = ["optimizer", "stepSize", "normalization"] as const;

/** The method in words, for tables and legends. */
function methodName(m: Required<ReluSlopeMethod>): string {
  const o = m.optimizer === "sgd" ? "SGD" : "Adam";
  return m.normalization === "batch" ? `${o} + batch norm` : o;
}

/** A 32-bit fingerprint of a gradient's bits: equal outputs give equal prints (differing ones almost never do). */
function fingerprint(g: Float64Array): number {
  const u = new Uint32Array(g.buffer, g.byteOffset, g.length * 2);
  let h = 0x811c9dc5;
  for (let i = 0; i < u.length; i++) h = hash32(h, u[i]);
  return h;
}

function checkMethod(where: string, m: unknown, i: number): Required<ReluSlopeMethod> {
  if (m === null || typeof m !== "object" || Array.isArray(m))
    throw new TypeError(`${where}: methods[${i}] must be { optimizer, stepSize, normalization? }, got ${String(m)}`);
  options(where, `methods[${i}]`, m as ReluSlopeMethod, METHOD_KEYS);
  const o = m as ReluSlopeMethod;
  return {
    optimizer: oneOf(where, `methods[${i}].optimizer`, o.optimizer, ["sgd", "adam"] as const),
    stepSize: positive(where, `methods[${i}].stepSize`, o.stepSize),
    normalization: oneOf(where, `methods[${i}].normalization`, o.normalization ?? "none", ["none", "batch"] as const),
  };
}

interface RunPlan {
  readonly net: Mlp;
  readonly method: Required<ReluSlopeMethod>;
  readonly precision: ArithmeticModel;
  readonly policy: KinkPolicy;
  readonly init: Float64Array;
  readonly runSeed: number;
}

/**
 * Trains one run; returns its row and the fingerprints of its backprop outputs (to compare runs step by step).
 * Stops at the first non-finite loss or backprop output.
 */
function trainOne(
  plan: RunPlan,
  data: Dataset,
  testData: Dataset,
  steps: number,
  batchSize: number,
  loss: LossKind | undefined,
  reference: readonly number[] | undefined,
): { prints: number[]; fields: Omit<ReluSlopeRow, "precision" | "method" | "s" | "outsideClarke" | "run"> } {
  const { net, method, precision, policy } = plan;
  const n = datasetSize(data);
  const optimizer = makeOptimizer({ name: method.optimizer }, method.stepSize);
  let params = plan.init;
  let state = optimizer.init(params);
  let kinks = 0;
  let maxGradNorm = 0;
  let divergedAt = -1;
  let firstDifference = -1;
  let done = 0;
  const prints: number[] = [];
  for (let k = 0; k < steps; k++) {
    const batch = takeRows(data, batchIndices(plan.runSeed, k, n, batchSize));
    const r = valueAndGrad(net.loss(batch, { loss }), params, { policy, precision });
    kinks += r.kinks.byKey.relu ?? 0;
    const gradNorm = norm2(r.grad); // finite for every finite gradient (scaled when its squares overflow)
    if (!Number.isFinite(r.value) || !Number.isFinite(gradNorm)) {
      divergedAt = k;
      // a difference only if the reference's output at this step was finite (two runs diverging alike agree)
      if (firstDifference < 0 && reference && k < reference.length) firstDifference = k;
      break;
    }
    maxGradNorm = Math.max(maxGradNorm, gradNorm);
    const print = fingerprint(r.grad);
    prints.push(print);
    if (firstDifference < 0 && reference && reference[k] !== print) firstDifference = k;
    const u = optimizer.update(r.grad, state, params);
    params = u.params;
    state = u.state;
    done++;
  }
  const finalLoss = evaluate(net.loss(data, { loss }), params, { policy, precision }).value.item();
  return {
    prints,
    fields: {
      optimizer: method.optimizer,
      normalization: method.normalization,
      stepSize: method.stepSize,
      testAccuracy: net.accuracy(params, testData),
      initialTestAccuracy: net.accuracy(plan.init, testData),
      finalLoss,
      kinks,
      maxGradNorm,
      firstDifference,
      diverged: divergedAt >= 0,
      divergedAt,
      steps: done,
    },
  };
}

/**
 * Trains the same relu network for each s = relu'(0) in `slopes`, for every precision and method, from the same
 * initial weights and the same mini-batches (per run), and reports per run the test accuracy, the final training
 * loss, the kink hits (the only places s enters), the largest backprop output and whether training diverged.
 * Values of s outside [0, 1] are allowed (the runner opts into them explicitly); the rows say which are.
 *
 * Before the runs it times one step of each (precision, method), reports the estimated duration to `onProgress`,
 * and refuses (a RangeError saying how long it would take) when the estimate exceeds `maxMinutes` (default 60)
 * unless `allowLong` is set; then it reports progress after each run.
 *
 * @example
 * ```ts
 * import { reluSlopeAccuracy, datasets, assert, assertEqual } from "nonsmooth-ad";
 * const data = datasets.twoMoons(0, 64);
 * const rows = reluSlopeAccuracy({ slopes: [0, 1, 50], hidden: [8], data, testData: datasets.twoMoons(1, 64),
 *   precision: "float64", steps: 10, batchSize: 16, seed: 0 });
 * assertEqual(rows.map((r) => [r.s, r.outsideClarke, r.kinks, r.diverged]), [[0, false, 0, false], [1, false, 0, false], [50, true, 0, false]]);
 * assert(rows.every((r) => r.testAccuracy === rows[0].testAccuracy), "no kink hit in float64: every s trains the same network");
 * ```
 */
export function reluSlopeAccuracy(config: ReluSlopeConfig): ReluSlopeRow[] {
  const where = "reluSlopeAccuracy";
  if (config === null || typeof config !== "object" || Array.isArray(config))
    throw new TypeError(
      `${where}: expected a configuration { slopes, hidden, data, testData, precision, steps, batchSize, seed }`,
    );
  options(where, "configuration", config, CONFIG_KEYS);
  const seed = checkSeed(where, "seed", config.seed);
  if (!Array.isArray(config.slopes) || config.slopes.length === 0)
    throw new TypeError(`${where}: slopes must be a non-empty array of numbers, got ${String(config.slopes)}`);
  const slopes = config.slopes.map((s, i) => finite(where, `slopes[${i}]`, s));
  if (!Array.isArray(config.hidden) || config.hidden.length === 0)
    throw new TypeError(`${where}: hidden must be a non-empty array of widths, got ${String(config.hidden)}`);
  const hidden = config.hidden.map((w, i) => integer(where, `hidden[${i}]`, w, 1));
  const precisions = asList(config.precision).map((p) => checkPrecision(where, p));
  const methods = (config.methods ?? [{ optimizer: "sgd", stepSize: 0.1 }]).map((m, i) => checkMethod(where, m, i));
  if (methods.length === 0) throw new RangeError(`${where}: methods is empty; give at least one method`);
  const steps = integer(where, "steps", config.steps, 1);
  const batchSize = integer(where, "batchSize", config.batchSize, 1);
  const runs = integer(where, "runs", config.runs ?? 1, 1);
  const loss =
    config.loss === undefined ? undefined : oneOf(where, "loss", config.loss, ["crossEntropy", "squared"] as const);
  const data = loadDataset(config.data);
  const testData = loadDataset(config.testData);
  if (!isClassification(data) || !isClassification(testData))
    throw new TypeError(`${where}: data and testData must have class labels (the test accuracy needs them)`);
  if (testData.X.shape[1] !== data.X.shape[1] || testData.numClasses !== data.numClasses)
    throw new Error(
      `${where}: testData has ${testData.X.shape[1]} features and ${testData.numClasses} classes, data ${data.X.shape[1]} and ${data.numClasses}`,
    );
  const n = datasetSize(data);
  if (batchSize > n) throw new Error(`${where}: the batch size ${batchSize} is larger than the data set (${n} rows)`);
  const sizes = [data.X.shape[1], ...hidden, data.numClasses as number];
  const nets = new Map<string, Mlp>();
  const netOf = (normalization: "none" | "batch"): Mlp => {
    let net = nets.get(normalization);
    if (!net) nets.set(normalization, (net = mlp({ sizes, activation: "relu", normalization })));
    return net;
  };
  // the opt-in is explicit: values outside [0, 1] are another backprop rule, named so in each policy
  const policyOf = slopes.map((s) => policies.reluAt(s, { outsideClarke: true }));
  const runSeedOf = (run: number): number => hash32(hashSeed(seed, run), 0x5eed);
  const budget = new Budget(where, precisions.length * methods.length * runs * slopes.length, config);
  if (budget.wanted) {
    // one step of each (precision, method), timed; the runs recompute it
    let seconds = 0;
    const runSeed = runSeedOf(0);
    const batch = takeRows(data, batchIndices(runSeed, 0, n, batchSize));
    for (const precision of precisions)
      for (const method of methods) {
        const net = netOf(method.normalization);
        const w = net.init(runSeed);
        const t0 = Budget.clock();
        valueAndGrad(net.loss(batch, { loss }), w, { policy: policyOf[0], precision });
        seconds += (Budget.since(t0) / 1000) * (steps + 2) * runs * slopes.length;
      }
    budget.estimate(seconds, "one timed step of each precision and method", "runs, steps, slopes or hidden widths");
  }
  const rows: ReluSlopeRow[] = [];
  for (const precision of precisions)
    for (const method of methods) {
      const net = netOf(method.normalization);
      for (let run = 0; run < runs; run++) {
        const runSeed = runSeedOf(run);
        const init = net.init(runSeed);
        let reference: number[] | undefined;
        slopes.forEach((s, i) => {
          const plan = { net, method, precision, policy: policyOf[i], init, runSeed };
          const { prints, fields } = trainOne(plan, data, testData, steps, batchSize, loss, reference);
          if (i === 0) reference = prints;
          const [lo, hi] = CLARKE_RANGES.relu;
          rows.push({
            precision: precision.name,
            method: methodName(method),
            s,
            outsideClarke: s < lo || s > hi,
            run,
            ...fields,
          });
          budget.tick(rows.length);
        });
      }
    }
  return rows;
}
