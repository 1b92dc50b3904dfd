/**
 * Seeded random relu networks as programs of their input, x -> w · relu(W_L(... relu(W_1 x + b_1) ...) + b_L):
 * the talk's running example of a function whose backprop field is conservative but not a gradient on the kink
 * set (Bolte and Pauwels 2020). Used wherever a notebook, test or benchmark needs "a random relu network" so that
 * the construction is written, checked and documented once.
 *
 * @module
 */
import { type Tensor, tensor } from "../tensor";
import { Rng } from "../rng";
import type { Value } from "../engine/trace";
import { add, matmul, mul, relu, sum } from "../ops";
import { evaluate } from "../engine/transforms";
import { object as checkObject } from "../validate";

/** Options of {@link reluNetwork}. */
export interface ReluNetworkOptions {
  /** Widths [input, hidden_1, ..., hidden_L]; the output is the scalar w · h_L. At least two entries. */
  readonly sizes: readonly number[];
  /** The seed of the draws, or a generator to draw from (it advances). */
  readonly seed: number | Rng;
  /** Weights (and the output vector w) are uniform on this interval. Default [-1, 1] (the talk's figure). */
  readonly weights?: readonly [number, number];
  /** Biases uniform on this interval, or "none" for bias-free layers. Default [-0.5, 0.5]. */
  readonly biases?: readonly [number, number] | "none";
  /**
   * Fixed first-layer rows, with bias 0, placed before the random ones: each row r puts a kink line
   * {x : r · x = 0} through the origin (for example [[1, 0], [0, 1], [1, -1]] puts kinks on x = 0, y = 0, x = y),
   * so that loops and segments can be laid inside the kink set. Each row has `sizes[0]` entries; at most
   * `sizes[1]` rows.
   */
  readonly kinkRows?: readonly (readonly number[])[];
}

/** One hidden layer: h -> relu(W h + b). */
export interface ReluLayer {
  readonly W: Tensor;
  readonly b: Tensor;
}

/** A random relu network and its parts. */
export interface ReluNetwork {
  /** The network as a program of its input (a vector of `sizes[0]` entries): differentiate it with any tool. */
  readonly f: (x: Value) => Value;
  /** Its value at a point, as a number. */
  readonly value: (x: readonly number[]) => number;
  readonly layers: readonly ReluLayer[];
  /** The output weights w. */
  readonly out: Tensor;
  readonly sizes: readonly number[];
  /** "relu net 2-8-8-1" and the like. */
  readonly description: string;
}

function interval(name: string, v: readonly [number, number]): readonly [number, number] {
  if (!Array.isArray(v) || v.length !== 2 || !v.every(Number.isFinite) || !(v[0] <= v[1])) {
    throw new Error(
      `reluNetwork: ${name} must be an interval [lo, hi] of finite numbers with lo <= hi, got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

/**
 * A seeded random relu network x -> w · relu(W_L(... relu(W_1 x + b_1) ...) + b_L). The draws are made layer after
 * layer (the rows of W_l, then b_l), then w, so a seed gives the same network everywhere.
 *
 * @example
 * ```ts
 * import { reluNetwork, grad, policies, assertEqual } from "nonsmooth-ad";
 * const net = reluNetwork({ sizes: [2, 8, 8], seed: 2021, kinkRows: [[1, 0], [0, 1], [1, -1]] });
 * assertEqual(net.description, "relu net 2-8-8-1");
 * assertEqual((net.layers[0].W.toArray() as number[][])[2], [1, -1]); // a kink line on x = y
 * const g = grad(net.f, [0.3, -0.2], { policy: policies.pytorch }) as number[];
 * assertEqual(g.length, 2);
 * ```
 */
export function reluNetwork(options: ReluNetworkOptions): ReluNetwork {
  checkObject("reluNetwork", "options", options);
  const { sizes, seed, kinkRows = [] } = options;
  if (!Array.isArray(sizes) || sizes.length < 2 || !sizes.every((s) => Number.isInteger(s) && s > 0)) {
    throw new Error(
      `reluNetwork: sizes must list at least two positive integers [input, hidden...], got ${JSON.stringify(sizes)}`,
    );
  }
  const [wLo, wHi] = interval("weights", options.weights ?? [-1, 1]);
  const biases = options.biases ?? [-0.5, 0.5];
  const bRange = biases === "none" ? undefined : interval("biases", biases);
  if (kinkRows.length > sizes[1]) {
    throw new Error(`reluNetwork: ${kinkRows.length} kinkRows do not fit in a first layer of width ${sizes[1]}`);
  }
  kinkRows.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== sizes[0] || !row.every(Number.isFinite)) {
      throw new Error(`reluNetwork: kinkRows[${i}] must hold ${sizes[0]} finite numbers, got ${JSON.stringify(row)}`);
    }
  });
  const rng = seed instanceof Rng ? seed : new Rng(seed);
  const layers: ReluLayer[] = [];
  for (let l = 1; l < sizes.length; l++) {
    const fixed = l === 1 ? kinkRows : [];
    const rows = [
      ...fixed.map((r) => [...r]),
      ...Array.from({ length: sizes[l] - fixed.length }, () =>
        Array.from({ length: sizes[l - 1] }, () => rng.uniform(wLo, wHi)),
      ),
    ];
    const b = [
      ...fixed.map(() => 0),
      ...Array.from({ length: sizes[l] - fixed.length }, () => (bRange ? rng.uniform(bRange[0], bRange[1]) : 0)),
    ];
    layers.push({ W: tensor(rows), b: tensor(b) });
  }
  const out = tensor(Array.from({ length: sizes[sizes.length - 1] }, () => rng.uniform(wLo, wHi)));
  const f = (x: Value): Value => {
    let h: Value = x;
    for (const { W, b } of layers) h = relu(bRange ? add(matmul(W, h), b) : matmul(W, h));
    return sum(mul(out, h));
  };
  return {
    f,
    value: (x) => evaluate(f, [...x]).value.item(),
    layers,
    out,
    sizes: [...sizes],
    description: `relu net ${sizes.join("-")}-1`,
  };
}
