// The experiment runners and conservativeFlow take the engine's precision option in full: a precision, the name
// of any arithmetic model, or a spec. Per runner: a name and a spec are accepted and named in the rows; an unknown
// name (the message lists the valid ones) and an accumulation less precise than storage are refused, naming the
// runner and the option; float16-tensor-core gives other results than float16 (the option reaches the engine);
// negative control: float64 and a spec with float64's fields give bitwise the same rows (only the name differs).
import { describe, expect, it } from "vitest";
import {
  ARITHMETIC_MODELS,
  bifurcationExperiment,
  conservativeFlow,
  datasets,
  iterate,
  oscillationCompensation,
  paperBifurcation,
  reluSlopeAccuracy,
  reluZeroProbability,
  schedules,
  sum,
  tensor,
  train,
  trainingRun,
} from "../../../src";
import type { PrecisionOption, Value } from "../../../src";

/** A tensor core's spec, written out (float16 values, float32 FMA accumulation in blocks of 16), with a name. */
const tensorCoreSpec = {
  name: "my-tensor-core",
  storage: "float16",
  accumulation: "float32",
  fma: true,
  order: "blocked",
  block: 16,
} as const;
/** float64's fields as a spec: the negative control of "the option is used". */
const float64Spec = { storage: "float64", accumulation: "float64", fma: false, order: "sequential" } as const;

/** Rows as records, without the model's name (what must be bitwise equal between float64 and its spec). */
const withoutName = (rows: readonly object[]): object[] =>
  rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== "precision" && k !== "model")));
/** The names recorded in the rows. */
const namesIn = (rows: readonly object[]): unknown[] => [
  ...new Set(
    rows.map((r) => (r as { precision?: unknown; model?: unknown }).precision ?? (r as { model: unknown }).model),
  ),
];

const moons = datasets.twoMoons(0, 64);
/** f(x) = x_0 + x_1 + x_2 at (1, 2^-11, 2^-11): float16 sums lose both small terms, a float32 accumulator keeps them. */
const built = { f: (x: Value) => sum(x), x0: [1, 2 ** -11, 2 ** -11] };

interface Case {
  readonly runner: string;
  /** Optional: the option's name in messages when it is not "precision". */
  readonly option?: string;
  readonly run: (precision: PrecisionOption) => readonly object[];
}

const cases: Case[] = [
  {
    runner: "trainingRun",
    run: (precision) =>
      trainingRun({
        model: { sizes: [2, 8, 2] },
        data: moons,
        steps: 3,
        batchSize: 16,
        seed: 3,
        schedule: 0.5,
        precision,
      }),
  },
  {
    runner: "trainingRun",
    run: (precision) =>
      train({ model: { sizes: [2, 8, 2] }, data: moons, steps: 3, batchSize: 16, seed: 3, schedule: 0.5, precision })
        .rows,
  },
  {
    runner: "reluZeroProbability",
    run: (precision) =>
      reluZeroProbability({ widths: 16, depths: 3, samples: 100, inputsPerSample: 8, seed: 0, precision }),
  },
  {
    runner: "bifurcationExperiment",
    run: (precision) =>
      bifurcationExperiment({
        depth: 2,
        width: 16,
        batchSize: 32,
        runs: 4,
        steps: 5,
        seed: 0,
        data: { kind: "regression", seed: 0, n: 256, inputDim: 2 },
        precision,
      }),
  },
  {
    runner: "oscillationCompensation",
    run: (precision) =>
      oscillationCompensation({ f: built.f, x0: built.x0, steps: 3, schedule: schedules.constant(0.25), precision }),
  },
  {
    runner: "reluSlopeAccuracy",
    run: (precision) =>
      reluSlopeAccuracy({
        slopes: [0, 1],
        hidden: [8],
        data: moons,
        testData: datasets.twoMoons(1, 64),
        steps: 3,
        batchSize: 16,
        seed: 0,
        precision,
      }),
  },
  {
    runner: "conservativeFlow",
    run: (precision) =>
      iterate(conservativeFlow({ f: built.f, stepSize: 0.25, precision }), built.x0, 3).map((r) => ({
        value: r.value,
        x: [...r.x],
      })),
  },
  {
    runner: "paperBifurcation",
    option: "model",
    run: (model) =>
      paperBifurcation({ depth: 1, width: 16, model, runs: 1, seed: 1, digits: 256, batchSize: 128, countOnly: true }),
  },
];

describe("the runners' precision option takes every arithmetic model", () => {
  for (const c of cases) {
    const option = c.option ?? "precision";
    describe(c.runner, () => {
      it("accepts a model's name and a spec, and names the model in its rows", () => {
        const named = c.run("float16-tensor-core");
        const spec = c.run(tensorCoreSpec);
        if (c.runner !== "conservativeFlow") {
          expect(namesIn(named)).toEqual(["float16-tensor-core"]);
          expect(namesIn(spec)).toEqual(["my-tensor-core"]);
        }
        // the same fields, the same arithmetic
        expect(withoutName(spec)).toEqual(withoutName(named));
      });
      it("refuses an unknown name, listing the valid ones, and an accumulation less precise than storage", () => {
        const unknown = option === "model" ? "unknown model" : "unknown precision";
        expect(() => c.run("float8" as never)).toThrow(
          new RegExp(`^${c.runner}: ${unknown} "float8": expected one of ${Object.keys(ARITHMETIC_MODELS).join(", ")}`),
        );
        expect(() => c.run({ storage: "float32", accumulation: "float16" })).toThrow(
          new RegExp(`^${c.runner}: ${option}: accumulation float16 is less precise than storage float32`),
        );
      });
      it("float16-tensor-core gives other results than float16: the option reaches the arithmetic", () => {
        expect(withoutName(c.run("float16-tensor-core"))).not.toEqual(withoutName(c.run("float16")));
      });
      it("negative control: float64 and a spec with float64's fields give bitwise the same rows", () => {
        expect(withoutName(c.run(float64Spec))).toEqual(withoutName(c.run("float64")));
      });
    });
  }
});

describe("the built case: a sum whose small terms only a float32 accumulator keeps", () => {
  it("exact values: float16 loses 2^-11 + 2^-11, float16-tensor-core keeps 2^-10", () => {
    const f16 = oscillationCompensation({
      ...built,
      steps: 1,
      schedule: schedules.constant(0.25),
      precision: "float16",
    });
    const tc = oscillationCompensation({
      ...built,
      steps: 1,
      schedule: schedules.constant(0.25),
      precision: "float16-tensor-core",
    });
    expect([f16[0].value, tc[0].value]).toEqual([1, 1 + 2 ** -10]);
    const flow = (precision: PrecisionOption) =>
      iterate(conservativeFlow({ f: built.f, stepSize: 0.25, precision }), built.x0, 1)[0].value;
    expect([flow("float16"), flow("float16-tensor-core")]).toEqual([1, 1 + 2 ** -10]);
    // a linear model y = x_0 + x_1 + x_2 (weights 1, bias 0) on one row, squared error to 0: 1 vs (1 + 2^-10)^2
    const data = { name: "built", X: tensor([[1, 2 ** -11, 2 ** -11]]), y: tensor([[0]]) };
    const loss = (precision: PrecisionOption) =>
      trainingRun({
        model: { sizes: [3, 1] },
        data,
        params: [1, 1, 1, 0],
        steps: 1,
        batchSize: 1,
        seed: 0,
        precision,
      })[0].loss;
    expect([loss("float16"), loss("float16-tensor-core")]).toEqual([1, 1 + 2 ** -9]); // 2^-20 below float16's ulp
  });
  it("conservativeFlow names a model other than float64 in the method's name", () => {
    expect(conservativeFlow({ f: built.f, stepSize: 0.25 }).name).toBe("conservativeFlow(pytorch)");
    expect(conservativeFlow({ f: built.f, stepSize: 0.25, precision: "bfloat16" }).name).toBe(
      "conservativeFlow(pytorch, bfloat16)",
    );
  });
});
