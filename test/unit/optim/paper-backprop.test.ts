// The paper-scale ReLU'(0) protocol (paperBifurcation, one copy at a time: paperBackprop) against the engine, in
// every named arithmetic model, on MNIST digits (784-16-16-10) and synthetic data (40 inputs: not a multiple of
// the tensor cores' block), both relu'(0) choices, a built exact zero and the zeros rounding makes:
// - the forward pass is the engine's matmul([H, 0, 1], [W; 0; b]) (the bias added in the accumulator), bitwise;
//   the engine's add(matmul(H, W), b) is the same exactly when the accumulation format is the storage format;
// - from the same top cotangent, the first-layer weight gradient is the engine's vjp, bitwise;
// - the top cotangents differ: the protocol rounds the float64 formula once, the engine rounds each step.
// Negative controls: the engine in another model, or with the bias added after rounding, fails the comparison.
import { describe, expect, it } from "vitest";
import {
  ARITHMETIC_MODELS,
  Rng,
  evaluate,
  exp,
  loadDataset,
  logsumexp,
  mean,
  mlp,
  paperBackprop,
  paperLogits,
  policies,
  roundTo,
  softmaxCrossEntropy,
  sub,
  tensor,
  vjp,
} from "../../../src";
import type { ArithmeticModelName, PrecisionOption, Tensor, Value } from "../../../src";

const MODELS = Object.keys(ARITHMETIC_MODELS) as ArithmeticModelName[];

interface Config {
  readonly name: string;
  readonly sizes: number[];
  readonly X: Tensor;
  readonly labels: number[];
  readonly params: Float64Array;
}

/** PyTorch's initialization, with hidden unit 0 of the first layer given zero weights and bias: z = 0 exactly. */
function withDeadUnit(sizes: number[], seed: number): Float64Array {
  const w = mlp({ sizes }).init(seed);
  const [K, N] = sizes;
  for (let k = 0; k < K; k++) w[k * N] = 0;
  w[K * N] = 0;
  return w;
}

const mnist = loadDataset({ kind: "mnist", count: 16, seed: 0 });
const rng = new Rng(11);
const synthetic = {
  X: tensor(Array.from({ length: 12 }, () => Array.from({ length: 40 }, () => rng.uniform(-1, 1)))),
  labels: Array.from({ length: 12 }, () => rng.int(5)),
};
const configs: Config[] = [
  ...[1, 2].map((seed) => ({
    name: `MNIST 784-16-16-10, seed ${seed}`,
    sizes: [784, 16, 16, 10],
    X: mnist.X,
    labels: mnist.y as number[],
    params: withDeadUnit([784, 16, 16, 10], seed),
  })),
  {
    name: "synthetic 40-24-12-5",
    sizes: [40, 24, 12, 5],
    ...synthetic,
    params: withDeadUnit([40, 24, 12, 5], 3),
  },
];

/** The network, weights and mini-batch of a configuration, as paperBackprop takes them. */
const inputOf = ({ sizes, params, X, labels }: Config) => ({ sizes, params, X, labels });
const bitwise = (a: ArrayLike<number>, b: ArrayLike<number>): boolean =>
  a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));
/** The engine's gradient of W1 (the first K N1 parameters) pulled back from a cotangent of the logits. */
const engineW1 = (c: Config, model: PrecisionOption, top: Tensor, alpha: number, form = paperLogits): Float64Array =>
  Float64Array.from(
    vjp(form(c.sizes, c.X, model), c.params, top, {
      precision: model,
      policy: policies.reluAt(alpha, { outsideClarke: true }),
    }).vjp.slice(0, c.sizes[0] * c.sizes[1]),
  );
/** mlp's forward pass: the bias added after the product is rounded to storage. */
const plainLogits =
  (sizes: number[], X: Tensor) =>
  (w: Value): Value =>
    mlp({ sizes }).forward(w, X);

describe("paperBackprop against the engine, in every named model", () => {
  for (const c of configs)
    for (const model of MODELS)
      it(`${c.name}, ${model}`, () => {
        const copies = [0, 1].map((alpha) =>
          paperBackprop({ sizes: c.sizes, params: c.params, X: c.X, labels: c.labels, model, reluPrimeAtZero: alpha }),
        );
        // the forward pass: the engine's GEMM form, bitwise
        const engineLogits = evaluate(paperLogits(c.sizes, c.X, model), c.params, { precision: model }).value;
        expect(bitwise(engineLogits.data, copies[0].logits.data)).toBe(true);
        // with the bias added after rounding: the same exactly when accumulation = storage
        const plain = evaluate(plainLogits(c.sizes, c.X), c.params, { precision: model }).value;
        const m = ARITHMETIC_MODELS[model];
        expect(bitwise(plain.data, copies[0].logits.data)).toBe(m.accumulation === m.storage);
        // the backward pass from the same top: bitwise, for both choices of relu'(0)
        for (const alpha of [0, 1]) {
          const paper = copies[alpha];
          expect(bitwise(engineW1(c, model, paper.top, alpha), paper.firstLayerGrad.data)).toBe(true);
        }
        // the built zero makes the copies part (in both implementations)
        expect(bitwise(copies[0].firstLayerGrad.data, copies[1].firstLayerGrad.data)).toBe(false);
      });
});

describe("paperBackprop against the engine for relu'(0) other than 0 and 1", () => {
  // alpha times the incoming value is a product: rounded to storage like every other value (a missing rounding
  // agrees with the engine only for alpha = 0 and 1, whose products are exact)
  const c = configs[2];
  for (const model of ["float16", "float16-tensor-core", "bfloat16", "float32-blas"] as const)
    for (const alpha of [0.3, -7.1, 50.3])
      it(`${model}, relu'(0) = ${alpha}`, () => {
        const paper = paperBackprop({ ...inputOf(c), model, reluPrimeAtZero: alpha });
        expect(bitwise(engineW1(c, model, paper.top, alpha), paper.firstLayerGrad.data)).toBe(true);
      });
});

describe("negative controls: the comparison can fail", () => {
  const c = configs[0];
  const paper = paperBackprop({ ...inputOf(c), model: "float16-tensor-core", reluPrimeAtZero: 1 });
  it("the engine in float16 (the same storage, sums rounded to float16) gives another gradient", () => {
    expect(bitwise(engineW1(c, "float16", paper.top, 1), paper.firstLayerGrad.data)).toBe(false);
  });
  it("another summation order: float16 sums in blocks of 4 terms instead of index order give another gradient", () => {
    const f16 = paperBackprop({ ...inputOf(c), model: "float16", reluPrimeAtZero: 1 });
    const blocks4 = { storage: "float16", accumulation: "float16", order: "blocked", block: 4 } as const;
    expect(bitwise(engineW1(c, "float16", f16.top, 1), f16.firstLayerGrad.data)).toBe(true);
    expect(bitwise(engineW1(c, blocks4, f16.top, 1), f16.firstLayerGrad.data)).toBe(false);
  });
  it("the engine with the bias added after rounding (mlp's form) gives other logits", () => {
    // (the gradient pulled back from a given top depends on the forward pass only through which pre-activations
    // are positive or exactly 0, so it is the logits that show the other form)
    const plain = evaluate(plainLogits(c.sizes, c.X), c.params, { precision: "float16-tensor-core" }).value;
    expect(bitwise(plain.data, paper.logits.data)).toBe(false);
  });
  it("relu'(0) = 0 in the engine against the protocol's relu'(0) = 1 gives another gradient", () => {
    expect(bitwise(engineW1(c, "float16-tensor-core", paper.top, 0), paper.firstLayerGrad.data)).toBe(false);
  });
});

describe("the top cotangent: where the protocol and the engine's mean cross-entropy differ", () => {
  for (const model of ["float32", "float16", "float16-tensor-core"] as const)
    it(model, () => {
      const c = configs[0];
      const { logits, top } = paperBackprop({ ...inputOf(c), model, reluPrimeAtZero: 0 });
      const B = c.labels.length;
      const C = c.sizes[c.sizes.length - 1];
      const rS = roundTo(ARITHMETIC_MODELS[model].storage);
      // the protocol: (softmax - one-hot) / B in float64, rounded once
      const once: number[] = [];
      for (let i = 0; i < B; i++) {
        const row = [...logits.data.subarray(i * C, (i + 1) * C)];
        const mx = Math.max(...row);
        const s = row.reduce((a, z) => a + Math.exp(z - mx), 0);
        row.forEach((z, j) => once.push(rS((Math.exp(z - mx) / s - (j === c.labels[i] ? 1 : 0)) / B)));
      }
      expect([...top.data]).toEqual(once);
      // the engine: each step rounded, exp(z - lse) with lse rounded, then the difference, then the factor 1/B
      const engine = vjp((z: Value) => mean(softmaxCrossEntropy(z, c.labels)), logits, 1, { precision: model }).vjp;
      const soft = evaluate((z: Value) => exp(sub(z, logsumexp(z, 1, true))), logits, { precision: model }).value;
      const stepwise = [...soft.data].map((p, q) => rS(rS(p - (q % C === c.labels[Math.floor(q / C)] ? 1 : 0)) / B));
      expect([...engine.data]).toEqual(stepwise);
      // ... and they differ on some entries: a full valueAndGrad starts from another top than the protocol
      expect(bitwise(engine.data, top.data)).toBe(false);
    });
});

describe("paperBackprop and paperLogits refuse bad input", () => {
  const ok = {
    sizes: [2, 2, 2],
    params: new Array<number>(12).fill(0.5),
    X: tensor([[1, 2]]),
    labels: [0],
    model: "float16" as const,
  };
  it("names the function and the argument", () => {
    expect(() => paperBackprop({ ...ok, reluPrimeAtZero: 0, params: [1, 2] })).toThrow(
      /^paperBackprop: params has 2 entries; sizes \[2,2,2\] need 12/,
    );
    expect(() => paperBackprop({ ...ok, reluPrimeAtZero: 0, params: [7e4, ...ok.params.slice(1)] })).toThrow(
      /^paperBackprop: params\[0\] = 70000 is not a finite float16 value/,
    );
    expect(() => paperBackprop({ ...ok, reluPrimeAtZero: 0, X: tensor([[1, 2, 3]]) })).toThrow(
      /^paperBackprop: X must be a tensor of shape \[B, 2\]/,
    );
    expect(() => paperBackprop({ ...ok, reluPrimeAtZero: 0, labels: [2] })).toThrow(
      /^paperBackprop: labels must be 1 class indices in \[0, 2\)/,
    );
    expect(() => paperBackprop({ ...ok, reluPrimeAtZero: Number.NaN })).toThrow(
      /^paperBackprop: reluPrimeAtZero is NaN/,
    );
    expect(() =>
      paperBackprop({ ...ok, reluPrimeAtZero: 0, model: { storage: "float32", accumulation: "float16" } }),
    ).toThrow(/^paperBackprop: model: accumulation float16 is less precise than storage float32/);
    expect(() => paperLogits([2, 2], ok.X, "float16")).toThrow(
      /^paperLogits: sizes must list the inputs, at least one hidden/,
    );
    expect(() => paperLogits([2, 2, 2], ok.X, "float16")(tensor([1, 2]))).toThrow(
      /^paperLogits: the parameter vector must have shape \[12\], got \[2\]/,
    );
  });
});
