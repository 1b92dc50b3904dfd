/**
 * Fully connected networks as functions of one flat parameter vector, so that every tool of the library (grad,
 * kink reports, Clarke estimates, the optimizers) applies to the training loss directly. The vector holds, layer
 * after layer, W_l (shape [fan_in, fan_out], row-major) then b_l (if biases are on).
 *
 * The talk's training loss is J(W) = (1/N) sum_i || sigma(W_L(... sigma(W_1 x_i + b_1) ...) + b_L) - y_i ||²;
 * `loss(data, { loss: "squared" })` is this J with a linear last layer, or exactly the talk's J (sigma on the last
 * layer too) with `outputActivation: true`.
 *
 * @module
 */
import { Tensor } from "../../tensor";
import { Rng } from "../../rng";
import type { Tracer, Value } from "../../engine/trace";
import {
  abs,
  add,
  leakyRelu,
  matmul,
  mean,
  relu,
  reshape,
  slice,
  softmaxCrossEntropy,
  squaredError,
  tanh,
} from "../../ops";
import type { Result } from "../../ops";
import { evaluate } from "../../engine/transforms";
import { batchNormalize } from "./batch-norm";
import { checkDataset, isClassification } from "../data/dataset";
import type { Dataset } from "../data/dataset";
import { integer, oneOf, finite } from "../../validate";

/** The activations an MLP may use. */
export type Activation = "relu" | "leakyRelu" | "abs" | "tanh";
/** Weight initializations: U[-1, 1] (the talk's figure), PyTorch's default U(±1/sqrt(fan_in)), He N(0, 2/fan_in). */
export type InitScheme = "uniform" | "pytorch" | "he";
/** The losses of {@link Mlp.loss}. */
export type LossKind = "squared" | "crossEntropy";

/** Options of {@link mlp}. */
export interface MlpOptions {
  /** Layer widths [input, hidden..., output]; at least two entries. */
  readonly sizes: readonly number[];
  /** Default "relu". */
  readonly activation?: Activation;
  /** The negative slope of leakyRelu (default 0.01). */
  readonly slope?: number;
  /** Whether layers have biases (default true). */
  readonly bias?: boolean;
  /** Whether the activation is applied to the output layer as well (the talk's formula). Default false. */
  readonly outputActivation?: boolean;
  /** Default initialization scheme of {@link Mlp.init} (default "pytorch"). */
  readonly init?: InitScheme;
  /** Default seed of {@link Mlp.init} (default 0). */
  readonly seed?: number;
  /** "batch": batch normalization ({@link batchNormalize}) before each hidden activation. Default "none". */
  readonly normalization?: "none" | "batch";
}

/** Where one layer's parameters sit in the flat vector. */
export interface LayerLayout {
  readonly weightOffset: number;
  readonly fanIn: number;
  readonly fanOut: number;
  /** -1 without biases. */
  readonly biasOffset: number;
}

/** Options of {@link Mlp.init}. */
export interface InitOptions {
  readonly scheme?: InitScheme;
  /** "scheme" (the scheme's own rule), "zero", or "uniform" (U[-1, 1], a continuous law). Default "scheme". */
  readonly biases?: "scheme" | "zero" | "uniform";
}

/** Parameters accepted by the model: a flat Float64Array, an array of numbers, a tensor or a traced value. */
export type ModelParams = Value | Float64Array | readonly number[];

/** A multilayer perceptron over a flat parameter vector. */
export interface Mlp {
  readonly sizes: readonly number[];
  readonly activation: Activation;
  readonly bias: boolean;
  readonly outputActivation: boolean;
  /** The length of the flat parameter vector. */
  readonly paramCount: number;
  readonly layers: readonly LayerLayout[];
  /** A fresh parameter vector (seed and scheme default to the model's options). */
  init(seed?: number, options?: InitOptions): Float64Array;
  /** The network's output on inputs X [N, in]: shape [N, out]. Traced when `params` is traced. */
  forward(params: ModelParams, X: Value): Result;
  /**
   * The training loss on a data set as a function of the flat parameter vector: mean squared error (sum over
   * outputs, mean over rows; one-hot targets for labels) or mean softmax cross-entropy (labels only).
   */
  loss(data: Dataset, options?: { loss?: LossKind }): (w: Tracer) => Value;
  /** The outputs as a plain tensor (no trace). */
  predict(params: ModelParams, X: Tensor): Tensor;
  /** The share of rows whose largest output is the label (classification data sets). */
  accuracy(params: ModelParams, data: Dataset): number;
}

function asParamValue(p: ModelParams, n: number): Value {
  let v: Value;
  if (p instanceof Float64Array || Array.isArray(p))
    v = new Tensor(Float64Array.from(p as ArrayLike<number>), [(p as ArrayLike<number>).length]);
  else v = p as Value;
  const shape = typeof v === "number" ? [] : v instanceof Tensor ? v.shape : (v as Tracer).value.shape;
  if (shape.length !== 1 || shape[0] !== n)
    throw new Error(`mlp: the parameter vector must have shape [${n}], got [${shape.join(", ")}]`);
  return v;
}

/** One-hot [N, C] targets from labels. */
export function oneHot(labels: readonly number[], numClasses: number): Tensor {
  const out = new Float64Array(labels.length * numClasses);
  labels.forEach((c, i) => (out[i * numClasses + c] = 1));
  return new Tensor(out, [labels.length, numClasses]);
}

/**
 * A multilayer perceptron over a flat parameter vector.
 *
 * @example
 * ```ts
 * import { mlp, datasets, valueAndGrad, policies, assertEqual, assert } from "nonsmooth-ad";
 * const net = mlp({ sizes: [1, 8, 1], activation: "relu", init: "uniform", seed: 3 });
 * const w = net.init();
 * assertEqual(w.length, net.paramCount); // 1*8 + 8 + 8*1 + 1 = 25
 * const J = net.loss(datasets.regression(0, 16));
 * const r = valueAndGrad(J, w, { policy: policies.reluAt(0) });
 * assert(r.value > 0 && r.grad.length === 25);
 * ```
 */
export function mlp(options: MlpOptions): Mlp {
  if (options === null || typeof options !== "object")
    throw new Error("mlp: expected options { sizes: [in, ..., out], ... }");
  const { sizes } = options;
  if (!Array.isArray(sizes) || sizes.length < 2)
    throw new Error(`mlp: sizes must list at least the input and output widths, got ${JSON.stringify(sizes)}`);
  sizes.forEach((s, i) => integer("mlp", `sizes[${i}]`, s, 1));
  const activation = oneOf("mlp", "activation", options.activation ?? "relu", [
    "relu",
    "leakyRelu",
    "abs",
    "tanh",
  ] as const);
  const slope = finite("mlp", "slope", options.slope ?? 0.01);
  const bias = options.bias ?? true;
  const outputActivation = options.outputActivation ?? false;
  const batchNorm =
    oneOf("mlp", "normalization", options.normalization ?? "none", ["none", "batch"] as const) === "batch";
  const defaultScheme = oneOf("mlp", "init", options.init ?? "pytorch", ["uniform", "pytorch", "he"] as const);
  const defaultSeed = finite("mlp", "seed", options.seed ?? 0);

  const layers: LayerLayout[] = [];
  let offset = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const fanIn = sizes[l];
    const fanOut = sizes[l + 1];
    const weightOffset = offset;
    offset += fanIn * fanOut;
    const biasOffset = bias ? offset : -1;
    if (bias) offset += fanOut;
    layers.push(Object.freeze({ weightOffset, fanIn, fanOut, biasOffset }));
  }
  const paramCount = offset;

  const sigma = (h: Value): Result => {
    switch (activation) {
      case "relu":
        return relu(h);
      case "leakyRelu":
        return leakyRelu(h, slope);
      case "abs":
        return abs(h);
      case "tanh":
        return tanh(h);
    }
  };

  function forward(params: ModelParams, X: Value): Result {
    const w = asParamValue(params, paramCount);
    let h: Value = X;
    layers.forEach((L, l) => {
      const W = reshape(slice(w, [L.weightOffset], [L.fanIn * L.fanOut]), [L.fanIn, L.fanOut]);
      h = matmul(h, W);
      if (L.biasOffset >= 0) h = add(h, slice(w, [L.biasOffset], [L.fanOut]));
      if (l < layers.length - 1) h = sigma(batchNorm ? batchNormalize(h) : h);
      else if (outputActivation) h = sigma(h);
    });
    return h as Result;
  }

  function init(seed = defaultSeed, opts: InitOptions = {}): Float64Array {
    const scheme = oneOf("mlp.init", "scheme", opts.scheme ?? defaultScheme, ["uniform", "pytorch", "he"] as const);
    const biases = oneOf("mlp.init", "biases", opts.biases ?? "scheme", ["scheme", "zero", "uniform"] as const);
    const rng = new Rng(seed);
    const w = new Float64Array(paramCount);
    for (const L of layers) {
      const bound = scheme === "uniform" ? 1 : 1 / Math.sqrt(L.fanIn);
      const std = Math.sqrt(2 / L.fanIn);
      for (let i = 0; i < L.fanIn * L.fanOut; i++)
        w[L.weightOffset + i] = scheme === "he" ? std * rng.normal() : rng.uniform(-bound, bound);
      if (L.biasOffset < 0) continue;
      for (let i = 0; i < L.fanOut; i++) {
        let b: number;
        if (biases === "zero") b = 0;
        else if (biases === "uniform") b = rng.uniform(-1, 1);
        else b = scheme === "he" ? 0 : rng.uniform(-bound, bound);
        w[L.biasOffset + i] = b;
      }
    }
    return w;
  }

  function loss(data: Dataset, opts: { loss?: LossKind } = {}): (w: Tracer) => Value {
    checkDataset("mlp.loss", data);
    const kind = oneOf("mlp.loss", "loss", opts.loss ?? (isClassification(data) ? "crossEntropy" : "squared"), [
      "squared",
      "crossEntropy",
    ] as const);
    const out = sizes[sizes.length - 1];
    if (data.X.shape[1] !== sizes[0])
      throw new Error(`mlp.loss: the data have ${data.X.shape[1]} input features but the network expects ${sizes[0]}`);
    if (kind === "crossEntropy") {
      if (!isClassification(data))
        throw new Error('mlp.loss: cross-entropy needs class labels; use loss: "squared" for regression targets');
      if (data.numClasses !== out)
        throw new Error(`mlp.loss: ${data.numClasses} classes but the network has ${out} outputs`);
      const labels = data.y;
      return (w: Tracer) => mean(softmaxCrossEntropy(forward(w, data.X), labels));
    }
    const Y = isClassification(data) ? oneHot(data.y, data.numClasses) : (data.y as Tensor);
    if (Y.shape[1] !== out)
      throw new Error(`mlp.loss: targets have ${Y.shape[1]} columns but the network has ${out} outputs`);
    return (w: Tracer) => mean(squaredError(forward(w, data.X), Y));
  }

  function predict(params: ModelParams, X: Tensor): Tensor {
    return evaluate((w) => forward(w, X), asParamValue(params, paramCount) as Tensor).value;
  }

  function accuracy(params: ModelParams, data: Dataset): number {
    checkDataset("mlp.accuracy", data);
    if (!isClassification(data)) throw new Error("mlp.accuracy: accuracy needs class labels");
    return argmaxAccuracy(predict(params, data.X), data.y);
  }

  return Object.freeze({
    sizes: [...sizes],
    activation,
    bias,
    outputActivation,
    paramCount,
    layers,
    init,
    forward,
    loss,
    predict,
    accuracy,
  });
}

/** The share of rows of scores [N, C] whose largest entry (first on ties) is the label. */
function argmaxAccuracy(scores: Tensor, labels: readonly number[]): number {
  const [n, C] = scores.shape;
  let ok = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (scores.data[i * C + c] > scores.data[i * C + best]) best = c;
    if (best === labels[i]) ok++;
  }
  return ok / n;
}
