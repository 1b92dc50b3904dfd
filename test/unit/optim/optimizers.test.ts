import { describe, expect, it } from "vitest";
import {
  abs,
  add,
  adam,
  at,
  grad,
  heavyBall,
  inna,
  mul,
  policies,
  schedules,
  sgd,
  square,
  sub,
  sum,
  tensor,
  makeOptimizer,
  mlp,
  optimizers,
  relu,
  valueAndGrad,
} from "../../../src";
import type { Optimizer, OptimizerName, OptimizerSpec, Tracer } from "../../../src";
import { minimize } from "./helpers";

// f(x) = 1/2 sum_i a_i (x_i - c_i)², minimizer c.
const A = tensor([1, 3, 0.5]);
const C = tensor([1, -2, 0.5]);
const quadratic = (x: Tracer) => mul(0.5, sum(mul(A, square(sub(x, C)))));
// f(x, y) = |x| + y²/2, minimizer (0, 0): a kink at the minimizer.
const absPlus = (x: Tracer) => add(abs(at(x, 0)), mul(0.5, square(at(x, 1))));

const smoothCases: [string, Optimizer<any>, number][] = [
  ["sgd", sgd({ stepSize: 0.3 }), 200],
  ["heavyBall", heavyBall({ stepSize: 0.1, beta: 0.7 }), 300],
  ["adam", adam({ stepSize: 0.01 }), 3000],
  ["inna (paper)", inna({ stepSize: 0.1, a: 0.5, b: 0.1 }), 3000],
  ["inna (keras)", inna({ stepSize: 0.1, a: 0.5, b: 0.1, initialization: "keras" }), 3000],
];

describe("optimizers on a smooth quadratic", () => {
  for (const [name, opt, steps] of smoothCases) {
    it(`${name} reaches the minimizer within 1e-4`, () => {
      const x = minimize(opt, quadratic, [3, 3, -3], steps);
      for (let i = 0; i < 3; i++) expect(Math.abs(x[i] - C.data[i])).toBeLessThan(1e-4);
    });
  }
});

// Vanishing steps c/(k+1)^p with 0 < p <= 1 (the conditions of the convergence theorem); near the kink the
// iterates oscillate with an amplitude of the order of the last steps, hence the tolerances.
const nonsmoothCases: [string, Optimizer<any>, number, number][] = [
  ["sgd", sgd({ stepSize: schedules.polynomial(0.5, 0.5) }), 2000, 0.5 / Math.sqrt(2000)], // at most the last step
  ["heavyBall", heavyBall({ stepSize: schedules.polynomial(0.2, 0.5), beta: 0.5 }), 2000, 2e-3],
  ["adam", adam({ stepSize: schedules.polynomial(0.2, 1) }), 3000, 1e-3],
  ["inna (paper)", inna({ stepSize: schedules.polynomial(0.5, 0.5), b: 0.5 }), 2000, 1e-3],
  ["inna (keras)", inna({ stepSize: schedules.polynomial(0.5, 0.5), b: 0.5, initialization: "keras" }), 2000, 1e-3],
];

describe("optimizers on |x| + y²/2 (kink at the minimizer (0, 0))", () => {
  for (const [name, opt, steps, tol] of nonsmoothCases) {
    it(`${name} reaches (0, 0) within ${tol}`, () => {
      const x = minimize(opt, absPlus, [1.3, -0.7], steps, policies.pytorch);
      expect(Math.abs(x[0])).toBeLessThan(tol);
      expect(Math.abs(x[1])).toBeLessThan(tol);
    });
  }
});

describe("optimizers on a small relu regression", () => {
  // A teacher neuron y = relu(1.5 x - 0.2) on 21 points of [-1, 1]; the student has the same form, so the
  // minimizer (1.5, -0.2) is known and unique (the data hit both the active and the inactive side).
  const xs = Array.from({ length: 21 }, (_, i) => -1 + i / 10);
  const X = tensor(xs.map((x) => [x]));
  const Y = tensor(xs.map((x) => [Math.max(0, 1.5 * x - 0.2)]));
  const net = mlp({ sizes: [1, 1], bias: true, outputActivation: true });
  const J = net.loss({ name: "teacher", X, y: Y });
  const cases: [string, Optimizer<any>, number][] = [
    ["sgd", sgd({ stepSize: 0.5 }), 600],
    ["heavyBall", heavyBall({ stepSize: 0.2, beta: 0.5 }), 600],
    ["adam", adam({ stepSize: schedules.polynomial(0.05, 0.5) }), 3000],
    ["inna", inna({ stepSize: 0.2 }), 3000],
  ];
  for (const [name, opt, steps] of cases) {
    it(`${name} reaches (w, b) = (1.5, -0.2) within 1e-3`, () => {
      const x = minimize(opt, J, [1, 0.1], steps, policies.pytorch);
      expect(Math.abs(x[0] - 1.5)).toBeLessThan(1e-3);
      expect(Math.abs(x[1] + 0.2)).toBeLessThan(1e-3);
    });
  }
});

describe("INNA's first step (Castera, Bolte, Févotte and Pauwels 2021: the paper's and the Keras code's initializations)", () => {
  const theta0 = Float64Array.of(0.7, -1.2, 2.5);
  const g0 = [0.3, -0.9, 1.7];
  const a = 0.5;
  const b = 0.1;
  const gamma = 0.1;
  it("paper initialization: psi_0 = (1 - ab) theta_0, u_0 = 0, theta_1 = theta_0 - g b grad_0, psi_1 = psi_0", () => {
    const opt = inna({ stepSize: gamma, a, b });
    const s0 = opt.init(theta0);
    for (let i = 0; i < 3; i++) expect(Math.abs(s0.psi![i] - (1 - a * b) * theta0[i])).toBeLessThan(1e-12);
    const r = opt.update(g0, s0, theta0);
    for (let i = 0; i < 3; i++) {
      expect(Math.abs(r.params[i] - (theta0[i] - gamma * b * g0[i]))).toBeLessThan(1e-12);
      expect(Math.abs(r.state.psi![i] - s0.psi![i])).toBeLessThan(1e-12);
    }
  });
  it("Keras initialization: psi_0 = (1 - ab) theta_0 - (b² - b) grad_0 makes the first step a plain gradient step", () => {
    const opt = inna({ stepSize: gamma, a, b, initialization: "keras" });
    const r = opt.update(g0, opt.init(theta0), theta0);
    for (let i = 0; i < 3; i++) {
      const psi0 = (1 - a * b) * theta0[i] - (b * b - b) * g0[i];
      const u0 = (1 - b) * g0[i];
      expect(Math.abs(r.params[i] - (theta0[i] - gamma * g0[i]))).toBeLessThan(1e-12);
      expect(Math.abs(r.state.psi![i] - (psi0 - gamma * u0))).toBeLessThan(1e-12);
    }
  });
});

describe("purity", () => {
  it("update mutates neither the parameters, the gradient nor the state, and returns a new state", () => {
    for (const opt of [sgd(), heavyBall(), adam(), inna(), inna({ initialization: "keras" })] as Optimizer<any>[]) {
      const x = Float64Array.of(1, 2);
      const g = Float64Array.of(0.5, -0.5);
      const s0 = opt.init(x);
      const snapshot = JSON.stringify(s0, (_k, v) => (v instanceof Float64Array ? Array.from(v) : v));
      const r1 = opt.update(g, s0, x);
      const r2 = opt.update(g, s0, x);
      expect(Array.from(x)).toEqual([1, 2]);
      expect(Array.from(g)).toEqual([0.5, -0.5]);
      expect(JSON.stringify(s0, (_k, v) => (v instanceof Float64Array ? Array.from(v) : v))).toBe(snapshot);
      expect(r1.state).not.toBe(s0);
      expect(Array.from(r1.params)).toEqual(Array.from(r2.params));
      expect(r1.state.count).toBe(1);
    }
  });
  it("accepts number[] and returns Float64Array", () => {
    const opt = sgd({ stepSize: 0.1 });
    const r = opt.update([1], opt.init([1]), [1]);
    expect(r.params).toBeInstanceOf(Float64Array);
    expect(r.params[0]).toBeCloseTo(0.9, 15);
  });
});

describe("schedules", () => {
  it("values and the documented conditions", () => {
    expect(schedules.constant(0.1)(7)).toBe(0.1);
    expect(schedules.polynomial(1, 1)(3)).toBe(0.25);
    expect(schedules.logarithmic(2)(0)).toBeCloseTo(2 / Math.log(2), 15);
    const both = (s: { divergentSum: boolean; oOfInverseLog: boolean }) => [s.divergentSum, s.oOfInverseLog];
    expect(both(schedules.constant(1))).toEqual([true, false]);
    expect(both(schedules.polynomial(1, 0.5))).toEqual([true, true]);
    expect(both(schedules.polynomial(1, 1))).toEqual([true, true]);
    expect(both(schedules.polynomial(1, 2))).toEqual([false, true]);
    expect(both(schedules.logarithmic(1))).toEqual([true, false]);
  });
  it("round-trips through specs", () => {
    const s = schedules.polynomial(0.3, 0.6);
    expect(schedules.fromSpec(s.spec!)(5)).toBe(s(5));
    expect(makeOptimizer({ name: "adam", stepSize: s.spec }).schedule(4)).toBe(s(4));
  });
});

describe("the optimizer registry", () => {
  const names = Object.keys(optimizers) as OptimizerName[];
  it("each entry is named by its key and lists its options with the factory's defaults", () => {
    expect(names).toEqual(["sgd", "heavyBall", "adam", "inna"]);
    for (const name of names) {
      const d = optimizers[name];
      expect(d.name).toBe(name);
      // a default-built optimizer reports exactly the declared defaults (the step size as a constant schedule)
      const { stepSize, ...rest } = d.defaults;
      expect(d.create().spec).toEqual({ name, ...rest, stepSize: { kind: "constant", c: stepSize } });
    }
  });
  it("makeOptimizer builds the same optimizer as the factory: same spec, same iterates", () => {
    const specs: OptimizerSpec[] = [
      { name: "sgd", stepSize: 0.05 },
      { name: "heavyBall", stepSize: 0.05, beta: 0.5 },
      { name: "adam", stepSize: 0.05, beta1: 0.8 },
      { name: "inna", stepSize: 0.05, a: 0.3, b: 0.2, initialization: "keras" },
    ];
    for (const spec of specs) {
      const { name, ...options } = spec; // a factory takes the options alone (an unknown key such as name is refused)
      const direct = optimizers[name].create(options as never);
      const built = makeOptimizer(spec);
      expect(built.spec).toEqual(direct.spec);
      expect(minimize(built, quadratic, [0, 0, 0], 30)).toEqual(minimize(direct, quadratic, [0, 0, 0], 30));
    }
  });
  it("rejects an unknown name or option, listing the known ones", () => {
    expect(() => makeOptimizer({ name: "rmsprop" } as unknown as OptimizerSpec)).toThrow(
      'unknown optimizer "rmsprop": expected one of "sgd", "heavyBall", "adam", "inna"',
    );
    expect(() => makeOptimizer({ name: "sgd", beta: 0.9 } as unknown as OptimizerSpec)).toThrow(
      'sgd has no option "beta": its options are "stepSize"',
    );
    expect(() => makeOptimizer({ name: "heavyBall", beta: 1 })).toThrow("heavyBall: beta must be in [0, 1), got 1");
  });
});

describe("errors", () => {
  it("rejects invalid hyper-parameters with clear messages", () => {
    expect(() => sgd({ stepSize: -0.1 })).toThrow(/step size must be a finite number > 0/);
    expect(() => sgd({ stepSize: NaN })).toThrow(/step size/);
    expect(() => heavyBall({ beta: 1 })).toThrow(/beta must be in \[0, 1\)/);
    expect(() => heavyBall({ beta: -0.1 })).toThrow(/beta must be in \[0, 1\)/);
    expect(() => adam({ beta1: 1.2 })).toThrow(/beta1 must be in \[0, 1\)/);
    expect(() => adam({ beta2: 1 })).toThrow(/beta2/);
    expect(() => adam({ eps: 0 })).toThrow(/eps must be a finite number > 0/);
    expect(() => inna({ b: 0 })).toThrow(/b must be a finite number > 0/);
    expect(() => inna({ a: -1 })).toThrow(/a must be >= 0/);
    expect(() => inna({ initialization: "tf" as any })).toThrow(/initialization must be one of "paper", "keras"/);
    expect(() => schedules.polynomial(1, -1)).toThrow(/p must be a finite number >= 0/);
    expect(() => schedules.constant(0)).toThrow(/c must be a finite number > 0/);
    expect(() => makeOptimizer({ name: "rmsprop" } as any)).toThrow(/unknown optimizer "rmsprop"/);
  });
  it("rejects mismatched or non-finite gradients", () => {
    const opt = sgd();
    expect(() => opt.update([1, 2], opt.init([1]), [1])).toThrow(/gradient has 2 entries but the parameters have 1/);
    expect(() => opt.update([NaN], opt.init([1]), [1])).toThrow(/gradient has a non-finite value NaN at index 0/);
  });
});

describe("relu regression gradient sanity", () => {
  it("the flat-vector loss has the engine's gradient", () => {
    const net = mlp({ sizes: [1, 1], outputActivation: true });
    const J = net.loss({ name: "t", X: tensor([[1]]), y: tensor([[0]]) });
    // relu(w + b)² at w=1, b=0.5: value 2.25, grad 2 * 1.5 * (1, 1)
    const r = valueAndGrad(J, [1, 0.5]);
    expect(r.value).toBeCloseTo(2.25, 14);
    expect(Array.from(r.grad)).toEqual([3, 3]);
    expect(grad((x: Tracer) => relu(at(x, 0)), [0], { policy: policies.reluAt(1) })).toEqual([1]);
  });
});
