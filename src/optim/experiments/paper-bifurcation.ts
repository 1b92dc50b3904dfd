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
 * What differs from the paper: the data are the 10,000 digits of the `mnist` package (one epoch = 39 mini-batches
 * of 256, the paper's has 60,000 digits = 234), pixel values in [0, 1] with three decimals. Since pre-activations
 * of a digit do not depend on the other digits of its batch, a run over n digits parts with probability
 * 1 - (1 - h)^n for a per-digit hazard h: {@link scaleParting} carries a measured share to 60,000 digits.
 *
 * @module
 */
import { FORMATS, roundTo, ulpOf } from "../../arithmetic/formats";
import { modelDot } from "../../arithmetic/models";
import { resolvePrecision } from "../../precision";
import type { ArithmeticModel, ArithmeticModelName, ArithmeticModelSpec } from "../../arithmetic/models";
import { denseLayerOfRows } from "../../arithmetic/layer";
import { Rng, hash32, hashSeed } from "../../rng";
import { integer, options, seed as checkSeed } from "../../validate";
import { BUDGET_KEYS, Budget } from "./budget";
import type { BudgetOptions } from "./budget";
import { loadMnist } from "../data/loaders";

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
  /** MNIST digits making up the epoch (default 10000, all the package has). */
  readonly digits?: number;
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

const datasets = new Map<string, { X: Float64Array; y: Int32Array; n: number }>();

function mnistIn(
  storage: ArithmeticModel["storage"],
  digits: number,
  seed: number,
): { X: Float64Array; y: Int32Array; n: number } {
  const key = `${storage}|${digits}|${seed}`;
  let d = datasets.get(key);
  if (!d) {
    const m = loadMnist({ count: digits, seed });
    const r = roundTo(storage);
    const X = Float64Array.from(m.X.data, (v) => r(v));
    d = { X, y: Int32Array.from(m.y as readonly number[]), n: digits };
    datasets.set(key, d);
  }
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
  "digits",
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
  const digits = integer(where, "digits", config.digits ?? 10000, 1);
  if (B > digits) throw new RangeError(`${where}: the batch size ${B} is larger than the ${digits} digits`);
  const stopAtFirst = config.stopAtFirst ?? true;
  const countOnly = config.countOnly ?? false;
  const nBatches = Math.min(
    Math.floor(digits / B),
    config.maxBatches === undefined ? Infinity : integer(where, "maxBatches", config.maxBatches, 1),
  );
  if (typeof stopAtFirst !== "boolean" || typeof countOnly !== "boolean")
    throw new TypeError(`${where}: stopAtFirst and countOnly must be true or false`);
  const data = mnistIn(model.storage, digits, seed);
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
    const X = new Float64Array(B * 784);
    const labels = new Int32Array(B);
    for (let t = 0; t < nBatches; t++) {
      for (let i = 0; i < B; i++) {
        const r = order[t * B + i];
        X.set(data.X.subarray(r * 784, (r + 1) * 784), i * 784);
        labels[i] = data.y[r];
      }
      const Z: Float64Array[] = [];
      let H = X;
      let batchZeros = 0;
      for (let l = 0; l < layers.length; l++) {
        const L = layers[l];
        const z = denseLayerOfRows(model, H, B, L.K, L.W, L.N, L.b);
        Z.push(z);
        if (l === layers.length - 1) break;
        const h = new Float64Array(z.length);
        for (let q = 0; q < z.length; q++) {
          const v = z[q];
          if (v === 0) zerosByLayer[l]++, batchZeros++;
          h[q] = v > 0 ? v : 0;
        }
        for (let j = 0; j < L.N; j++) {
          let m = 0,
            m2 = 0;
          for (let i = 0; i < B; i++) {
            const v = z[i * L.N + j];
            m += v;
            m2 += v * v;
          }
          m /= B;
          const sd = Math.sqrt(Math.max(m2 / B - m * m, 0));
          if (sd > 0) predicted += ((B * phi(m / sd)) / sd) * windows[l][j];
        }
        H = h;
      }
      batches++;
      const parts = batchZeros > 0 && !countOnly && copiesPart(model, layers, X, Z, labels, B);
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
      digits: batches * B,
      preActivations: batches * B * depth * width,
      zeros,
      zerosByLayer,
      predictedZeros: predicted,
    });
    budget.tick(rows.length);
  }
  return rows;
}

/**
 * The two backward passes (relu'(0) = 0 and 1) of the mean cross-entropy, in the model's arithmetic, and whether
 * their first-layer weight gradients differ. dL/dlogits = (softmax - onehot) / B is computed in float64 and rounded
 * to storage (the same in both copies); every product by a weight matrix runs under the model.
 */
function copiesPart(
  model: ArithmeticModel,
  layers: readonly Layer[],
  X: Float64Array,
  Z: readonly Float64Array[],
  labels: Int32Array,
  B: number,
): boolean {
  const rS = roundTo(model.storage);
  const last = layers.length - 1;
  const C = layers[last].N;
  const top = new Float64Array(B * C);
  const logits = Z[last];
  for (let i = 0; i < B; i++) {
    let mx = -Infinity;
    for (let c = 0; c < C; c++) mx = Math.max(mx, logits[i * C + c]);
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(logits[i * C + c] - mx);
    for (let c = 0; c < C; c++)
      top[i * C + c] = rS((Math.exp(logits[i * C + c] - mx) / s - (c === labels[i] ? 1 : 0)) / B);
  }
  const backward = (alpha: number): Float64Array => {
    let dZ: Float64Array = top;
    for (let l = last; l >= 1; l--) {
      const L = layers[l];
      const zeroBias = new Float64Array(L.K);
      const dH = denseLayerOfRows(model, dZ, B, L.N, L.Wt, L.K, zeroBias); // dH[i, k] = sum_j dZ[i, j] W[k, j]
      const z = Z[l - 1];
      for (let q = 0; q < dH.length; q++) dH[q] = z[q] > 0 ? dH[q] : z[q] === 0 ? alpha * dH[q] : 0;
      dZ = dH;
    }
    return dZ; // dL/dZ of the first layer [B, N1]
  };
  const d0 = backward(0);
  const d1 = backward(1);
  const N1 = layers[0].N;
  const zeroBias = 0;
  for (let j = 0; j < N1; j++) {
    let same = true;
    for (let i = 0; i < B && same; i++) if (!Object.is(d0[i * N1 + j], d1[i * N1 + j])) same = false;
    if (same) continue;
    // column j of dW1 = X^T dZ1: dW1[k, j] = sum_i X[i, k] dZ1[i, j], summed over the batch under the model
    for (let k = 0; k < 784; k++) {
      const g0 = modelDot(model, X, d0, zeroBias, B, k, 784, j, N1);
      const g1 = modelDot(model, X, d1, zeroBias, B, k, 784, j, N1);
      if (!Object.is(g0, g1)) return true;
    }
  }
  return false;
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
