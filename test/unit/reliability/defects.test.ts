// Issue 15: no silent wrong answers, no hangs, no leaks. One test per defect of the issue (numbered as there);
// each failed before its fix. Hangs and leaks are checked in child processes (see memory.test.ts for the leaks).
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import * as m from "../../../src";
import type { KinkPolicy, Value } from "../../../src";

const ROOT = path.resolve(__dirname, "../../..");

/** The message of the error `f` throws ("" if it does not throw). */
function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return "";
}

describe("defect 1: minNormElement at extreme magnitudes", () => {
  const cases: [string, number[][], number][] = [
    [
      "[[1e300, 1e300], [2e300, 1e300]]",
      [
        [1e300, 1e300],
        [2e300, 1e300],
      ],
      Math.SQRT2 * 1e300,
    ],
    [
      "[[1e200, 0], [0, 1e200]]",
      [
        [1e200, 0],
        [0, 1e200],
      ],
      Math.SQRT1_2 * 1e200,
    ],
    [
      "[[1e-200, 0], [0, 1e-200]]",
      [
        [1e-200, 0],
        [0, 1e-200],
      ],
      Math.SQRT1_2 * 1e-200,
    ],
    [
      "[[1e154, 0], [0, 1e154]]",
      [
        [1e154, 0],
        [0, 1e154],
      ],
      Math.SQRT1_2 * 1e154,
    ],
    [
      "[[1e-160, 0], [0, 1e-160]]",
      [
        [1e-160, 0],
        [0, 1e-160],
      ],
      Math.SQRT1_2 * 1e-160,
    ],
    [
      "[[1e308, 1e307], [-1e308, 1e307]] (a segment near the largest float64)",
      [
        [1e308, 1e307],
        [-1e308, 1e307],
      ],
      1e307,
    ],
    ["[[1e308], [-1e308]] (on the line)", [[1e308], [-1e308]], 0],
  ];
  for (const [name, pts, expected] of cases) {
    it(`the norm of ${name} is exact to 1e-12 relative and the weights reproduce the point`, () => {
      const r = m.minNormElement(pts);
      expect(Math.abs(r.norm - expected)).toBeLessThanOrEqual(1e-12 * expected);
      const fromWeights = pts[0].map((_, i) => pts.reduce((s, p, j) => s + r.weights[j] * p[i], 0));
      r.point.forEach((v, i) =>
        expect(Math.abs(v - fromWeights[i])).toBeLessThanOrEqual(1e-12 * Math.max(...pts.flat().map(Math.abs))),
      );
      expect(r.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    });
  }
  it("random hulls scaled by 2^k for k in [-1000, 1000] give the norm of the unscaled hull times 2^k", () => {
    const rng = new m.Rng(5);
    for (let trial = 0; trial < 40; trial++) {
      const pts = Array.from({ length: 4 }, () => [rng.uniform(0.5, 2), rng.uniform(-1, 1), rng.uniform(-1, 1)]);
      const base = m.minNormElement(pts).norm;
      const k = Math.round(rng.uniform(-1000, 1000));
      const scaled = m.minNormElement(pts.map((p) => p.map((v) => v * 2 ** k))).norm;
      expect(Math.abs(scaled / 2 ** k - base)).toBeLessThanOrEqual(1e-12 * base);
    }
  });
});

describe("defect 2: every policy goes through one validation", () => {
  it("a hand-built policy with a bogus tie rule is refused with the message of the presets' check", () => {
    const bogus = { ...m.policies.pytorch, maxTies: "bogus" } as unknown as KinkPolicy;
    expect(messageOf(() => m.grad((x: Value) => m.max(x), [1, 1], { policy: bogus }))).toBe(
      'grad: policy.maxTies must be one of "split", "first", "last", "each", got "bogus"',
    );
  });
  it("a policy missing keys is refused naming the first missing key, in every call", () => {
    const partial = { name: "x", relu: 0 } as unknown as KinkPolicy;
    expect(messageOf(() => m.grad((x: Value) => m.abs(x), 0, { policy: partial }))).toBe(
      "grad: policy.leakyRelu is undefined; it must be a finite number",
    );
    expect(messageOf(() => m.evaluate((x: Value) => m.clip(x, 0, 1), 0, { policy: partial }))).toBe(
      "evaluate: policy.leakyRelu is undefined; it must be a finite number",
    );
  });
  it("a bound choice must be { lower, upper } of numbers; a non-function perKink and unknown keys are refused", () => {
    const badBound = { ...m.policies.pytorch, clip: { lower: 1 } } as unknown as KinkPolicy;
    expect(messageOf(() => m.grad((x: Value) => m.clip(x, 0, 1), 0, { policy: badBound }))).toBe(
      "grad: policy.clip.upper is undefined; it must be a finite number",
    );
    const badPerKink = { ...m.policies.pytorch, perKink: 3 } as unknown as KinkPolicy;
    expect(messageOf(() => m.grad((x: Value) => m.relu(x), 0, { policy: badPerKink }))).toBe(
      "grad: policy.perKink must be a function of the kink slot, got 3",
    );
    const extra = { ...m.policies.pytorch, reluu: 1 } as unknown as KinkPolicy;
    expect(messageOf(() => m.grad((x: Value) => m.relu(x), 0, { policy: extra }))).toMatch(
      /^grad: policy has an unknown key "reluu": known keys are name, relu, leakyRelu, /,
    );
    const badPrims = { ...m.policies.pytorch, primitives: { p: "a" } } as unknown as KinkPolicy;
    expect(messageOf(() => m.grad((x: Value) => m.relu(x), 0, { policy: badPrims }))).toBe(
      'grad: policy.primitives.p is "a"; it must be a finite number',
    );
  });
  it("a hand-built copy of a preset, values outside the Clarke set included, is accepted and flagged as the preset is", () => {
    const copy = { ...m.policies.tfjs };
    const r = m.valueAndGrad((x: Value) => m.max(x), [1, 1], { policy: copy });
    expect(r.grad).toEqual([1, 1]);
    expect(r.kinks.outsideClarke.length).toBe(1);
    expect(m.grad((x: Value) => m.relu(x), 0, { policy: { ...m.policies.pytorch, relu: 0.5 } })).toBe(0.5);
  });
  it("presets, custom, random, reluAt and perKink policies pass the same check", () => {
    for (const p of [
      ...Object.values(m.presets),
      m.policies.custom({ relu: 1 }),
      m.policies.random(3),
      m.policies.reluAt(0.5),
      m.policies.perKink(m.policies.jax, () => undefined),
    ]) {
      expect(() => m.grad((x: Value) => m.relu(x), 0, { policy: p })).not.toThrow();
    }
  });
});

describe("defect 3: sweep ends every worker on every path", () => {
  it("a configuration that cannot be cloned rejects and the process exits by itself", () => {
    const script = `
      const m = require(${JSON.stringify(path.join(ROOT, "dist"))});
      const p = m.policies.perKink(m.policies.pytorch, () => undefined);
      const configs = [0, 1, 2, 3].map(() => ({ policy: p }));
      m.sweep(configs, "oscillationCompensation", { workers: 3 }).then(
        () => console.log("resolved"),
        (e) => console.log("rejected: " + e.message),
      );`;
    const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 30_000 });
    expect(r.signal).toBeNull(); // not killed by the 30 s guard: the process ended on its own
    expect(r.stdout).toMatch(/^rejected: sweep: configuration 0 cannot be sent to a worker/);
  });
});

describe("defect 5: jacobian with several inputs", () => {
  it("refuses an array of tensors with a clear error instead of returning the first block", () => {
    const f = (xs: Value) => xs;
    expect(messageOf(() => m.jacobian(f, [m.tensor([1]), m.tensor([2])] as unknown as m.Tensor))).toBe(
      "jacobian: takes one input (a number, an array of numbers, a Float64Array or a Tensor), got an array of 2 tensors; stack them into one tensor, or call jacobian once per input",
    );
  });
});

describe("defect 6: forward and reverse agree under the NaN-norm presets", () => {
  const f = (v: Value) => m.norm(m.sub(v, v));
  for (const p of [m.policies.jax, m.policies.tfjs]) {
    it(`norm(v - v) at [1, 2] under ${p.name}: both modes NaN`, () => {
      const fwd = m.jacobian(f, [1, 2], { policy: p, mode: "forward" }).toFlat();
      const rev = m.jacobian(f, [1, 2], { policy: p, mode: "reverse" }).toFlat();
      expect(fwd).toEqual([NaN, NaN]);
      expect(rev).toEqual([NaN, NaN]);
      expect(m.jvp(f, [1, 2], [1, 0], { policy: p }).tangent).toEqual(m.tensor(NaN));
    });
  }
  it("norm(relu(-1 - |v|)) (a zero tangent reaches the norm): both modes NaN; under pytorch both 0", () => {
    const g = (v: Value) => m.norm(m.relu(m.sub(-1, m.abs(v))));
    for (const mode of ["forward", "reverse"] as const) {
      expect(m.jacobian(g, [1, 2], { policy: m.policies.jax, mode }).toFlat()).toEqual([NaN, NaN]);
      expect(m.jacobian(g, [1, 2], { policy: m.policies.pytorch, mode }).toFlat()).toEqual([0, 0]);
    }
  });
  it("a norm at 0 that does not reach the output changes nothing", () => {
    const h = (v: Value) => {
      m.norm(m.sub(v, v));
      return m.sum(v);
    };
    expect(m.grad(h, [1, 2], { policy: m.policies.jax })).toEqual([1, 1]);
    expect(m.jacobian(h, [1, 2], { policy: m.policies.jax, mode: "forward" }).toFlat()).toEqual([1, 1]);
  });
});

describe("defect 7: one name, one primitive", () => {
  it("redefining a name with another declaration is refused; an identical redefinition (a re-run cell) is accepted", () => {
    const decl = (hi: number) => ({
      name: "dupIssue15",
      arity: 1,
      value: (x: number) => Math.abs(x),
      partials: (x: number) => [Math.sign(x)],
      kink: { at: (x: number) => x === 0, range: [-1, hi] as const, default: 0, partials: (s: number) => [s] },
    });
    m.definePrimitive(decl(1));
    expect(() => m.definePrimitive(decl(1))).not.toThrow();
    expect(messageOf(() => m.definePrimitive(decl(0)))).toBe(
      'definePrimitive: a primitive named "dupIssue15" is already defined with another declaration; give it another name (or restart the kernel to redefine it)',
    );
  });
});

describe("defect 8: unknown configuration keys are refused", () => {
  it("sgd, heavyBall, adam and inna name the unknown key and list the valid ones", () => {
    expect(messageOf(() => m.sgd({ stepsize: 0.5 } as never))).toBe(
      'sgd: unknown option "stepsize": the options are "stepSize"',
    );
    expect(messageOf(() => m.adam({ beta: 0.5 } as never))).toBe(
      'adam: unknown option "beta": the options are "stepSize", "beta1", "beta2", "eps"',
    );
    expect(messageOf(() => m.optimizers.heavyBall.create({ momentum: 0.5 } as never))).toMatch(
      /^heavyBall: unknown option "momentum"/,
    );
  });
  it("train and the experiments refuse unknown keys", () => {
    const cfg = {
      model: { sizes: [2, 4, 2] },
      data: { kind: "twoMoons", seed: 0, n: 16 },
      optimizer: { name: "sgd" },
      schedule: 0.1,
      steps: 1,
      batchSize: 4,
      seed: 0,
    } as const;
    expect(() => m.train(cfg)).not.toThrow();
    expect(messageOf(() => m.train({ ...cfg, step: 3 } as never))).toMatch(
      /^trainingRun: unknown option "step": the options are /,
    );
    expect(
      messageOf(() => m.reluZeroProbability({ widths: 2, depths: [1], samples: 2, seed: 0, sample: 3 } as never)),
    ).toMatch(/^reluZeroProbability: unknown option "sample"/);
    expect(messageOf(() => m.train({ ...cfg, data: { kind: "twoMoons", seed: 0, n: 16, nois: 1 } } as never))).toMatch(
      /^loadDataset: unknown option "nois"/,
    );
  });
});

describe("defect 9: seeds are integers in a documented range", () => {
  it("policies.random, batchIndices and Rng refuse fractional, NaN and out-of-range seeds", () => {
    for (const s of [1.5, NaN, 2 ** 53, Infinity]) {
      expect(messageOf(() => m.policies.random(s))).toMatch(
        /^policies\.random: seed must be an integer in \[-9007199254740991, 9007199254740991\], got /,
      );
      expect(messageOf(() => m.batchIndices(s, 0, 10, 3))).toMatch(/^batchIndices: seed must be an integer/);
      expect(messageOf(() => new m.Rng(s))).toMatch(/^Rng: seed must be an integer/);
    }
  });
  it("seeds that agree modulo 2^32 draw different numbers", () => {
    const draw = (s: number) => m.grad((x: Value) => m.relu(x), 0, { policy: m.policies.random(s) });
    expect(draw(1)).not.toBe(draw(2 ** 32 + 1));
    expect(draw(1)).not.toBe(draw(-(2 ** 32) + 1));
    expect(m.batchIndices(1, 0, 1000, 5)).not.toEqual(m.batchIndices(2 ** 32 + 1, 0, 1000, 5));
    expect(m.keyedUniform(1, 0)).not.toBe(m.keyedUniform(2 ** 32 + 1, 0));
  });
  it("seeds below 2^32 draw what they drew before (no notebook changes)", () => {
    expect(m.keyedUniform(7, 3, 0, 0.5)).toBe(0.7869534746278077);
    expect(m.batchIndices(1, 0, 10, 3)).toEqual([5, 8, 2]);
  });
});

describe("defect 10: data set sizes are bounded", () => {
  it("twoMoons(0, 1e9) throws a catchable error naming the limit", () => {
    expect(messageOf(() => m.datasets.twoMoons(0, 1e9))).toBe(
      "datasets.twoMoons: n = 1000000000 rows is more than the limit of 10000000 (a data set lives in memory as float64 arrays: 1e7 rows of 2 inputs take 160 MB)",
    );
    expect(messageOf(() => m.datasets.regression(0, 1e6, { inputDim: 1000 }))).toMatch(
      /^datasets\.regression: n · inputDim = 1000000000 values is more than the limit of 50000000/,
    );
    expect(messageOf(() => m.datasets.spirals(0, 2.5))).toMatch(
      /^datasets\.spirals: n must be an integer >= 2, got 2.5/,
    );
  });
});

describe("defect 11: no call returns storage the library reuses", () => {
  it("mutating the result of broadcastTo(7, []) does not change the constant 7 of later calls", () => {
    const t = m.broadcastTo(7, []);
    t.data[0] = 99;
    expect(m.grad((x: Value) => m.mul(x, 7), 1)).toBe(7);
    const r = m.reshape(7, [1]);
    r.data[0] = 98;
    expect(m.grad((x: Value) => m.mul(x, 7), 1)).toBe(7);
    const e = m.evaluate(() => m.broadcastTo(7, []), 0).value;
    e.data[0] = 97;
    expect(m.grad((x: Value) => m.mul(x, 7), 1)).toBe(7);
  });
});

describe("defect 12: smaller ones", () => {
  it("logsumexp of an empty tensor throws like max", () => {
    expect(messageOf(() => m.max(m.tensor([])))).toMatch(/empty/);
    expect(messageOf(() => m.logsumexp(m.tensor([])))).toBe("logsumexp: cannot reduce an empty axis");
  });
  it("an axis that is not a number is named as such", () => {
    expect(messageOf(() => m.sum(m.tensor([1, 2]), "1" as unknown as number))).toBe(
      'sum: axis must be an integer, got "1"',
    );
  });
  it("custom({ primitives: null }) and sgd(null) throw clear errors, not raw TypeErrors", () => {
    expect(messageOf(() => m.policies.custom({ primitives: null } as never))).toBe(
      "policies.custom: primitives must be an object of numbers by primitive name, got null",
    );
    expect(messageOf(() => m.sgd(null as never))).toBe("sgd: options must be an object, got null");
  });
  it("vjp refuses a cotangent of another shape than the output", () => {
    expect(messageOf(() => m.vjp((x: Value) => m.mul(x, 2), [1, 2], m.tensor([[1], [1]])))).toBe(
      "vjp: the cotangent has shape [2, 1] but the output has shape [2]",
    );
  });
  it("precision: null is refused", () => {
    expect(messageOf(() => m.grad((x: Value) => x, 1, { precision: null as never }))).toBe(
      "grad: unknown precision null: expected one of float64, float32, float16, bfloat16, float32-blas, float16-tensor-core, bfloat16-tensor-core, or an arithmetic model spec { storage, accumulation, fma, order, block }",
    );
  });
  it("a float16 input, tangent, cotangent or constant that overflows is refused", () => {
    expect(messageOf(() => m.evaluate((x: Value) => x, 70000, { precision: "float16" }))).toBe(
      "evaluate: the input 70000 at flat index 0 overflows float16 (it rounds to Infinity; the largest finite float16 is 65504)",
    );
    expect(messageOf(() => m.jvp((x: Value) => x, 1, 1e6, { precision: "float16" }))).toMatch(
      /^jvp: the tangent 1000000 at flat index 0 overflows float16/,
    );
    expect(messageOf(() => m.vjp((x: Value) => x, [1], [1e6], { precision: "float16" }))).toMatch(
      /^vjp: the cotangent 1000000 at flat index 0 overflows float16/,
    );
    expect(messageOf(() => m.grad((x: Value) => m.mul(x, 70000), 1, { precision: "float16" }))).toMatch(
      /^mul: the constant 70000 at flat index 0 overflows float16/,
    );
    expect(
      messageOf(() => m.grad((x: Value) => m.mul(x, m.tensor([1, 1e5])), [1, 1], { precision: "float16" })),
    ).toMatch(/^mul: the constant 100000 at flat index 1 overflows float16/);
    expect(m.evaluate((x: Value) => x, 65504, { precision: "float16" }).value.item()).toBe(65504);
    expect(m.evaluate((x: Value) => m.mul(x, x), 300, { precision: "float16" }).value.item()).toBe(Infinity); // an overflow of the arithmetic is the arithmetic's
  });
  it("softmaxCrossEntropy checks that a target tensor holds probabilities", () => {
    expect(messageOf(() => m.softmaxCrossEntropy(m.tensor([[0, 0]]), m.tensor([[2, -1]])))).toBe(
      "softmaxCrossEntropy: target row 0 is [2, -1], not a probability vector (entries >= 0 summing to 1)",
    );
    expect(messageOf(() => m.softmaxCrossEntropy(m.tensor([[0, 0]]), m.tensor([0.5, 0.5])))).toBe(
      "softmaxCrossEntropy: the targets have shape [2] but the logits have shape [1, 2]",
    );
    expect(() => m.softmaxCrossEntropy(m.tensor([[0, 0]]), m.tensor([[0.25, 0.75]]))).not.toThrow();
  });
  it("loops.custom checks that the velocity is the curve's derivative", () => {
    const circle = (t: number) => [Math.cos(2 * Math.PI * t), Math.sin(2 * Math.PI * t)];
    expect(messageOf(() => m.loops.custom({ point: circle, velocity: () => [0, 1] }))).toMatch(
      /^loops\.custom: the velocity is not the derivative of the point at t = /,
    );
    expect(() =>
      m.loops.custom({
        point: circle,
        velocity: (t) => [-2 * Math.PI * Math.sin(2 * Math.PI * t), 2 * Math.PI * Math.cos(2 * Math.PI * t)],
      }),
    ).not.toThrow();
    expect(messageOf(() => m.paths.custom({ point: (t) => [t, t * t], velocity: () => [1, 0] }))).toMatch(
      /^paths\.custom: the velocity is not the derivative/,
    );
  });
  it("minNormElement refuses a NaN or negative tolerance", () => {
    expect(
      messageOf(() =>
        m.minNormElement(
          [
            [1, 0],
            [0, 1],
          ],
          { tolerance: NaN },
        ),
      ),
    ).toBe("minNormElement: tolerance must be a finite number >= 0, got NaN");
    expect(
      messageOf(() =>
        m.minNormElement(
          [
            [1, 0],
            [0, 1],
          ],
          { tolerance: -1 },
        ),
      ),
    ).toBe("minNormElement: tolerance must be a finite number >= 0, got -1");
    expect(
      messageOf(() =>
        m.minNormElement(
          [
            [1, 0],
            [0, 1],
          ],
          { maxIterations: 0.5 },
        ),
      ),
    ).toBe("minNormElement: maxIterations must be an integer >= 1, got 0.5");
    expect(
      messageOf(() =>
        m.minNormElement(
          [
            [1, 0],
            [0, 1],
          ],
          { tol: 1 } as never,
        ),
      ),
    ).toMatch(/^minNormElement: unknown option "tol"/);
  });
  it("definePrimitive checks kink.at, kink.partials and kink.range at definition", () => {
    const base = { arity: 1, value: (x: number) => x, partials: () => [1] };
    expect(
      messageOf(() =>
        m.definePrimitive({
          ...base,
          name: "noAt",
          kink: { range: [0, 1], default: 0, partials: (s: number) => [s] },
        } as never),
      ),
    ).toBe("definePrimitive(noAt): kink.at must be a function (x...) -> boolean, got undefined");
    expect(
      messageOf(() =>
        m.definePrimitive({
          ...base,
          name: "noPartials",
          kink: { at: () => false, range: [0, 1], default: 0 },
        } as never),
      ),
    ).toBe("definePrimitive(noPartials): kink.partials must be a function (s, x...) -> number[], got undefined");
    expect(
      messageOf(() =>
        m.definePrimitive({
          ...base,
          name: "noRange",
          kink: { at: () => false, default: 0, partials: (s: number) => [s] },
        } as never),
      ),
    ).toBe("definePrimitive(noRange): kink.range must be [min, max], got undefined");
  });
});
