/**
 * Training runs: mini-batch training of a model with any optimizer, a kink policy and a precision, recorded as
 * one row per step.
 *
 * @module
 */
import { valueAndGrad } from "../../engine/transforms";
import type { KinkPolicy } from "../../policy";
import type { PrecisionOption } from "../../precision";
import { batchIndices, datasetSize, isClassification, takeRows } from "../data/dataset";
import type { Dataset } from "../data/dataset";
import { loadDataset } from "../data/spec";
import type { DataSource } from "../data/spec";
import type { LossKind } from "../models/mlp";
import type { Optimizer, OptState } from "../optimizers/types";
import type { OptimizerSpec } from "../optimizers/registry";
import type { StepSize } from "../schedules";
import { toVector } from "../vector";
import type { Params } from "../vector";
import { integer, options as checkOptions, seed as checkSeed } from "../../validate";
import { checkPrecision, toModel, toOptimizer } from "./common";
import type { ModelSource } from "./common";
import { clarkeDistance } from "./clarke-distance";

/** Configuration of {@link trainingRun} (plain data when given as specs, so it can go to a worker thread). */
export interface TrainingRunConfig {
  /** An mlp(...) or its options. */
  readonly model: ModelSource;
  /** The training data, or its spec. */
  readonly data: DataSource;
  /** An optimizer, or its spec (default sgd). */
  readonly optimizer?: Optimizer<OptState> | OptimizerSpec;
  /** Number of updates. */
  readonly steps: number;
  /** Rows per mini-batch (at most the number of rows). */
  readonly batchSize: number;
  /** The step size schedule, when the optimizer is given as a spec. */
  readonly schedule?: StepSize;
  /** Seeds the initial parameters (unless `params` is given) and the mini-batches. */
  readonly seed: number;
  /** The kink policy of backprop. Default pytorch. */
  readonly policy?: KinkPolicy;
  /**
   * The arithmetic of the forward and backward passes: a precision or an arithmetic model (a name or a spec, as
   * the engine's option takes it). Parameters are kept in float64. Default "float64".
   */
  readonly precision?: PrecisionOption;
  /** Default: cross-entropy for labels, squared error otherwise. */
  readonly loss?: LossKind;
  /** Initial parameters (default: the model's init(seed)). */
  readonly params?: Params;
  /** Compute the full training loss and accuracy every this many steps (0: never). Default 1. */
  readonly evalEvery?: number;
  /** Estimate the distance of 0 to the Clarke subdifferential of the full loss every this many steps. */
  readonly clarkeEvery?: number;
  /** Gradients sampled per Clarke estimate when the iterate sits on a kink (default 20). */
  readonly clarkeSamples?: number;
  /** Held-out data for a test accuracy (classification). */
  readonly testData?: DataSource;
}

/** The keys of a {@link TrainingRunConfig}: any other is a typo, refused. */
const TRAINING_KEYS: readonly (keyof TrainingRunConfig)[] = [
  "model",
  "data",
  "optimizer",
  "steps",
  "batchSize",
  "schedule",
  "seed",
  "policy",
  "precision",
  "loss",
  "params",
  "evalEvery",
  "clarkeEvery",
  "clarkeSamples",
  "testData",
];

/** One row of a training run: the iterate x_k before update k. NaN marks values not computed at that step. */
export interface TrainingRow {
  readonly step: number;
  /** The arithmetic model's name (the run's `precision`). */
  readonly precision: string;
  /** The mini-batch loss at x_k (the value backprop differentiated). */
  readonly loss: number;
  /** The loss on the full training set (every evalEvery steps). */
  readonly fullLoss: number;
  /** The step size g_k. */
  readonly stepSize: number;
  /** Norm of the backprop output on the mini-batch. */
  readonly gradNorm: number;
  /** How many primitives sat exactly on a kink in the forward pass of this mini-batch. */
  readonly kinks: number;
  /** Training accuracy (classification only; NaN for regression or between evaluations). */
  readonly accuracy: number;
  /** Test accuracy (NaN without testData). */
  readonly testAccuracy: number;
  /** Distance of 0 to the Clarke estimate of the full loss at x_k (every clarkeEvery steps; NaN otherwise). */
  readonly clarkeDistance: number;
}

/** The rows of a run with the final parameters and optimizer state. */
export interface TrainingResult {
  readonly rows: TrainingRow[];
  readonly params: Float64Array;
  readonly state: OptState;
}

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toPrecision(6) : String(v);
}

/**
 * Trains and returns the rows together with the final parameters and optimizer state (see {@link trainingRun}).
 *
 * @example
 * ```ts
 * import { train, assert } from "nonsmooth-ad";
 * const r = train({ model: { sizes: [2, 8, 2] }, data: { kind: "twoMoons", seed: 0, n: 64 }, optimizer: { name: "sgd" }, schedule: 0.5, steps: 20, batchSize: 16, seed: 1 });
 * assert(r.params.length === 2 * 8 + 8 + 8 * 2 + 2 && r.rows.length === 20);
 * ```
 */
export function train(config: TrainingRunConfig): TrainingResult {
  const where = "trainingRun";
  if (config === null || typeof config !== "object") throw new Error(`${where}: expected a configuration object`);
  checkOptions(where, "config", config, TRAINING_KEYS);
  const model = toModel(where, config.model);
  const data: Dataset = loadDataset(config.data);
  const testData = config.testData === undefined ? undefined : loadDataset(config.testData);
  const optimizer = toOptimizer(where, config.optimizer, config.schedule);
  const steps = integer(where, "steps", config.steps, 0);
  const batchSize = integer(where, "batchSize", config.batchSize, 1);
  const n = datasetSize(data);
  if (batchSize > n) throw new Error(`${where}: the batch size ${batchSize} is larger than the data set (${n} rows)`);
  const seed = checkSeed(where, "seed", config.seed);
  const precision = checkPrecision(where, config.precision);
  const policy = config.policy;
  const evalEvery = integer(where, "evalEvery", config.evalEvery ?? 1, 0);
  const clarkeEvery = config.clarkeEvery === undefined ? 0 : integer(where, "clarkeEvery", config.clarkeEvery, 1);
  const classification = isClassification(data);
  const opts = { loss: config.loss };
  const fullLoss = model.loss(data, opts);

  let params = config.params !== undefined ? toVector(where, config.params) : model.init(seed);
  if (params.length !== model.paramCount)
    throw new Error(`${where}: params has ${params.length} entries but the model has ${model.paramCount}`);
  let state = optimizer.init(params);
  const rows: TrainingRow[] = [];
  let lastFinite = NaN;
  for (let k = 0; k < steps; k++) {
    const batch = takeRows(data, batchIndices(seed, k, n, batchSize));
    const r = valueAndGrad(model.loss(batch, opts), params, { policy, precision });
    let gn = 0;
    for (const g of r.grad) gn += g * g;
    if (!Number.isFinite(r.value) || !Number.isFinite(gn)) {
      const what = Number.isFinite(r.value)
        ? `the gradient is not finite (loss ${fmt(r.value)})`
        : `the loss is ${r.value}`;
      const last =
        k === 0 ? "no finite loss before it" : `the last finite loss was ${fmt(lastFinite)} at step ${k - 1}`;
      throw new Error(`${where}: ${what} at step ${k}; ${last}. Lower the step size or use a higher precision.`);
    }
    lastFinite = r.value;
    const evalNow = evalEvery > 0 && k % evalEvery === 0;
    const stepSize = optimizer.schedule(state.count);
    rows.push({
      step: k,
      precision: precision.name,
      loss: r.value,
      fullLoss: evalNow ? valueAndGrad(fullLoss, params, { policy, precision }).value : NaN,
      stepSize,
      gradNorm: Math.sqrt(gn),
      kinks: r.kinks.total,
      accuracy: evalNow && classification ? model.accuracy(params, data) : NaN,
      testAccuracy: evalNow && testData && isClassification(testData) ? model.accuracy(params, testData) : NaN,
      clarkeDistance:
        clarkeEvery > 0 && k % clarkeEvery === 0
          ? clarkeDistance(fullLoss, params, { policy, samples: config.clarkeSamples, seed: seed + k })
          : NaN,
    });
    const u = optimizer.update(r.grad, state, params);
    params = u.params;
    state = u.state;
  }
  return { rows, params, state };
}

/**
 * Mini-batch training with an optimizer, a kink policy and a precision: one row per step (mini-batch loss, step
 * size, kinks hit, and every `evalEvery` steps the full loss and accuracy; every `clarkeEvery` steps the distance
 * of 0 to the Clarke estimate of the full loss). Mini-batches are drawn uniformly from the seed; the same
 * configuration gives the same rows. Stops with an error naming the step if the loss stops being finite.
 *
 * @example
 * ```ts
 * import { trainingRun, policies, assert } from "nonsmooth-ad";
 * const rows = trainingRun({
 *   model: { sizes: [1, 16, 1], activation: "relu" },
 *   data: { kind: "regression", seed: 0, n: 64 },
 *   optimizer: { name: "sgd" }, schedule: 0.1, steps: 60, batchSize: 16, seed: 2,
 *   policy: policies.pytorch, evalEvery: 59,
 * });
 * assert(rows[59].fullLoss < rows[0].fullLoss, "training lowers the loss");
 * ```
 */
export function trainingRun(config: TrainingRunConfig): TrainingRow[] {
  return train(config).rows;
}
