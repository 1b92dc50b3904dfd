/**
 * How often some relu is evaluated at exactly 0 in random networks (the talk, Issue III: "nonsmooth zones of
 * neural nets can be significantly activated"). Weights are uniform on [-1, 1] as in the talk's figure. The figure
 * does not state the biases, the inputs nor the arithmetic; here they are options (default: zero biases, inputs
 * uniform on [-1, 1]^2, float64). With zero biases a layer whose pre-activations are all <= 0 outputs exact zeros,
 * and the next layer then applies relu to exactly 0 (see {@link deadLayerProbability}); with continuous biases
 * exact zeros only come from rounding.
 *
 * @module
 */
import { evaluate } from "../../engine/transforms";
import { Tensor } from "../../tensor";
import { Rng, hash32, hashSeed } from "../../rng";
import type { PrecisionOption } from "../../precision";
import { mlp } from "../models/mlp";
import { loadDataset } from "../data/spec";
import type { DataSource } from "../data/spec";
import { integer, object as checkObject, oneOf, options as checkOptions, seed as checkSeed } from "../../validate";
import { asList, checkPrecision } from "./common";

/** Configuration of {@link reluZeroProbability}; widths, depths and precisions may be lists (all combinations). */
export interface ReluZeroConfig {
  /** Hidden layer widths to try. */
  readonly widths: number | readonly number[];
  /** Numbers of hidden layers to try. */
  readonly depths: number | readonly number[];
  /** "zero" or "uniform" on [-1, 1] (the talk's figure does not say). Default "zero". */
  readonly biases?: "zero" | "uniform";
  /** "uniform" inputs on [-1, 1]^inputDim, or rows of a data set. Default "uniform". */
  readonly inputs?: "uniform" | DataSource;
  /** Input dimension for uniform inputs. Default 2. */
  readonly inputDim?: number;
  /** One or more precisions or arithmetic models (a name or a spec, as the engine's option). Default "float64". */
  readonly precision?: PrecisionOption | readonly PrecisionOption[];
  /** Random networks per configuration. */
  readonly samples: number;
  /**
   * Inputs per network, evaluated in one batched forward pass. Default 1: the probability per evaluation, as in
   * the talk's figure; with B > 1 a hit is "some relu of some of the B rows at 0" (per batch), which is larger.
   */
  readonly inputsPerSample?: number;
  readonly seed: number;
}

/** The keys of a {@link ReluZeroConfig}: any other is a typo, refused. */
const RELU_ZERO_KEYS: readonly (keyof ReluZeroConfig)[] = [
  "widths",
  "depths",
  "biases",
  "inputs",
  "inputDim",
  "precision",
  "samples",
  "inputsPerSample",
  "seed",
];

/** One configuration's estimate. */
export interface ReluZeroRow {
  readonly width: number;
  readonly depth: number;
  readonly biases: "zero" | "uniform";
  readonly inputs: string;
  /** The arithmetic model's name. */
  readonly precision: string;
  readonly samples: number;
  /** Inputs per network (1: per evaluation; more: per batch). */
  readonly inputsPerSample: number;
  /** Samples in which at least one relu was evaluated at exactly 0. */
  readonly hits: number;
  /** hits / samples. */
  readonly probability: number;
  /** Mean number of relu evaluations at 0 per sample. */
  readonly meanKinks: number;
}

/**
 * Estimates, for each width, depth and precision, the probability that a random relu network (weights uniform
 * on [-1, 1], scalar output) applies relu to exactly 0 on a random input; counted by the kink report of the
 * forward pass. Sample s of a configuration uses the same network and input at every precision.
 *
 * @example
 * ```ts
 * import { reluZeroProbability, assert } from "nonsmooth-ad";
 * const rows = reluZeroProbability({ widths: 2, depths: [1, 6], samples: 100, seed: 0 });
 * assert(rows[0].probability === 0, "one layer: pre-activations of a continuous input are never exactly 0");
 * assert(rows[1].probability > 0.1, "deep and narrow with zero biases: dead layers feed exact zeros forward");
 * ```
 */
export function reluZeroProbability(config: ReluZeroConfig): ReluZeroRow[] {
  const where = "reluZeroProbability";
  checkOptions(where, "config", checkObject(where, "config", config), RELU_ZERO_KEYS);
  const seed = checkSeed(where, "seed", config.seed);
  const widths = asList(config.widths).map((w) => integer(where, "width", w, 1));
  const depths = asList(config.depths).map((d) => integer(where, "depth", d, 1));
  const precisions = asList(config.precision ?? "float64").map((p) => checkPrecision(where, p));
  const biases = oneOf(where, "biases", config.biases ?? "zero", ["zero", "uniform"] as const);
  const samples = integer(where, "samples", config.samples, 1);
  const batch = integer(where, "inputsPerSample", config.inputsPerSample ?? 1, 1);
  const source = config.inputs ?? "uniform";
  const data = source === "uniform" ? undefined : loadDataset(source);
  const inputDim = data ? data.X.shape[1] : integer(where, "inputDim", config.inputDim ?? 2, 1);
  const inputsLabel = data ? data.name : "uniform";
  const rows: ReluZeroRow[] = [];
  for (const depth of depths) {
    for (const width of widths) {
      const net = mlp({ sizes: [inputDim, ...new Array(depth).fill(width), 1], activation: "relu", bias: true });
      const hits = precisions.map(() => 0);
      const kinks = precisions.map(() => 0);
      for (let s = 0; s < samples; s++) {
        const sampleSeed = hash32(hashSeed(seed, s), hash32(width, depth));
        const w = net.init(sampleSeed, { scheme: "uniform", biases });
        const rng = new Rng(hash32(sampleSeed, 0x1234567));
        let x: Tensor;
        if (data) {
          const X = new Float64Array(batch * inputDim);
          for (let b = 0; b < batch; b++) {
            const r = rng.int(data.X.shape[0]);
            X.set(data.X.data.subarray(r * inputDim, (r + 1) * inputDim), b * inputDim);
          }
          x = new Tensor(X, [batch, inputDim]);
        } else
          x = new Tensor(
            Float64Array.from({ length: batch * inputDim }, () => rng.uniform(-1, 1)),
            [batch, inputDim],
          );
        precisions.forEach((precision, i) => {
          const count = evaluate((p) => net.forward(p, x), w, { precision }).kinks.byKey.relu ?? 0;
          if (count > 0) hits[i]++;
          kinks[i] += count;
        });
      }
      precisions.forEach((precision, i) => {
        const h = hits[i];
        rows.push({
          width,
          depth,
          biases,
          inputs: inputsLabel,
          precision: precision.name,
          samples,
          inputsPerSample: batch,
          hits: h,
          probability: h / samples,
          meanKinks: kinks[i] / samples,
        });
      });
    }
  }
  return rows;
}

/**
 * The probability, in exact arithmetic, that a forward pass of one input through a relu network with zero biases,
 * `depth` hidden layers of `width` units and weights drawn independently from a law symmetric about 0 with no atom
 * (uniform on [-1, 1] in the talk's figure) applies relu to exactly 0: 1 - (1 - 2^-width)^(depth - 1).
 *
 * Why: given a nonzero input h of a layer, its pre-activations W h are independent (rows of W are), symmetric and
 * nonzero almost surely, so the layer is entirely inactive (outputs the zero vector) with probability 2^-width,
 * independently of the previous layers; its output is then exactly 0 and the next hidden layer applies relu to
 * exact zeros. Before the first dead layer no pre-activation is exactly 0 (probability 0), and a dead last hidden
 * layer feeds only the linear output layer. So a hit happens iff one of the first depth - 1 layers is dead.
 *
 * @example
 * ```ts
 * import { deadLayerProbability, assertClose } from "nonsmooth-ad";
 * assertClose(deadLayerProbability(2, 2), 0.25, 1e-15); // the first layer of 2 units is dead w.p. 1/4
 * assertClose(deadLayerProbability(4, 1), 0, 0);         // one hidden layer: no relu after it
 * ```
 */
export function deadLayerProbability(width: number, depth: number): number {
  const w = integer("deadLayerProbability", "width", width, 1);
  const d = integer("deadLayerProbability", "depth", depth, 1);
  return 1 - (1 - 2 ** -w) ** (d - 1);
}
