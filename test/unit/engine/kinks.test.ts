// Tier 2: exact values at kinks, for every preset and several relu'(0) = s; the frameworks' kink values (measured in
// PyTorch, read in the JAX, TensorFlow and tfjs sources, as documented in src/policy.ts) cell by
// cell; the policy documentation of src/policy.ts for hardtanh, relu6 and hinge; policies.custom validation;
// the kink report; the random policy. Finite differences are never the oracle here: every value is derived.
import { describe, expect, it } from "vitest";
import * as N from "../../../src";
import { grad, jacobian, jvp, kinkReport, policies, presets, tensor, valueAndGrad, vjp } from "../../../src";
import type { KinkPolicy, Value } from "../../../src";

type PresetName = "pytorch" | "jax" | "tensorflow" | "tfjs";
const PRESETS: PresetName[] = ["pytorch", "jax", "tensorflow", "tfjs"];
const SWEEP = [0, 0.25, 0.5, 0.75, 1, 1 / 3];

/** Both modes: reverse (grad) and forward (jvp along each basis vector) must give the same exact value. */
function derivative(f: (x: any) => Value, x: number, policy: KinkPolicy): number {
  const r = grad(f, x, { policy });
  const t = jvp(f, x, 1, { policy }).tangent as number;
  if (!Object.is(r, t) && !(Number.isNaN(r) && Number.isNaN(t))) {
    throw new Error(`forward ${t} and reverse ${r} differ at ${x} under ${policy.name}`);
  }
  return r;
}
function gradient(f: (x: any) => Value, x: number[], policy: KinkPolicy): number[] {
  const r = grad(f, x, { policy }) as number[];
  const J = jacobian(f, x, { policy, mode: "forward" }).toFlat();
  expect(J).toEqual(r);
  return r;
}

const relu2 = (t: Value) => N.add(N.relu(N.neg(t)), t);
const relu3 = (t: Value) => N.mul(0.5, N.add(N.relu(t), relu2(t)));
const zero = (t: Value) => N.sub(relu2(t), N.relu(t));
const tMinusZero = (t: Value) => N.sub(t, zero(t));

describe("relu'(0) = s: the teaching programs relu2, relu3, zero (Bolte and Pauwels' talk, Part I)", () => {
  for (const s of SWEEP) {
    const p = policies.reluAt(s);
    it(`s = ${s}`, () => {
      expect(derivative(N.relu, 0, p)).toBe(s);
      // relu2(t) = relu(-t) + t: relu2'(0) = -s + 1
      expect(derivative(relu2, 0, p)).toBe(1 - s);
      // relu3 = (relu + relu2)/2: (s + 1 - s)/2 = 1/2 for every s
      expect(derivative(relu3, 0, p)).toBe(0.5);
      // zero = relu2 - relu: 1 - s - s = 1 - 2s
      expect(derivative(zero, 0, p)).toBeCloseTo(1 - 2 * s, 15);
      // t - zero(t): 1 - (1 - 2s) = 2s
      expect(derivative(tMinusZero, 0, p)).toBeCloseTo(2 * s, 15);
      // away from 0 the programs are the functions they equal: relu2 = relu, zero = 0, t - zero = t
      expect(derivative(relu2, 0.5, p)).toBe(1);
      expect(derivative(relu2, -0.5, p)).toBe(0);
      expect(derivative(zero, 0.5, p)).toBe(0);
      expect(derivative(zero, -0.5, p)).toBe(0);
      expect(derivative(tMinusZero, -0.5, p)).toBe(1);
    });
  }
  it("PyTorch's measured values: relu2'(0) = 1, relu3'(0) = 1/2, zero'(0) = 1, (t - zero)'(0) = 0", () => {
    const p = policies.pytorch;
    expect(derivative(relu2, 0, p)).toBe(1);
    expect(derivative(relu3, 0, p)).toBe(0.5);
    expect(derivative(zero, 0, p)).toBe(1);
    expect(derivative(tMinusZero, 0, p)).toBe(0);
  });
  it("values of the programs at 0 are exact zeros", () => {
    for (const f of [relu2, relu3, zero]) expect(valueAndGrad(f, 0).value).toBe(0);
  });
});

// What each framework returns at kinks (src/policy.ts documents the sources), one row per kink, one column per framework.
const table: Record<string, Record<PresetName, unknown>> = {
  "relu'(0)": { pytorch: 0, jax: 0, tensorflow: 0, tfjs: 0 },
  "abs'(0)": { pytorch: 0, jax: 1, tensorflow: 0, tfjs: -1 },
  "maximum(x,y) at x=y": { pytorch: [0.5, 0.5], jax: [0.5, 0.5], tensorflow: [1, 0], tfjs: [1, 0] },
  "max over k=3 tied entries": {
    pytorch: [0, 1 / 3, 1 / 3, 1 / 3],
    jax: [0, 1 / 3, 1 / 3, 1 / 3],
    tensorflow: [0, 1 / 3, 1 / 3, 1 / 3],
    tfjs: [0, 1, 1, 1],
  },
  "sqrt'(0)": { pytorch: Infinity, jax: Infinity, tensorflow: Infinity, tfjs: Infinity },
  "norm at 0": { pytorch: [0, 0], jax: [NaN, NaN], tensorflow: [0, 0], tfjs: [NaN, NaN] },
  "clamp at a bound (clip)": { pytorch: 1, jax: 0.5, tensorflow: 1, tfjs: 1 },
  "leaky_relu'(0), slope a = 0.2": { pytorch: 0.2, jax: 1, tensorflow: 0.2, tfjs: 0.2 },
};

const evaluators: Record<string, (p: KinkPolicy) => unknown> = {
  "relu'(0)": (p) => derivative(N.relu, 0, p),
  "abs'(0)": (p) => derivative(N.abs, 0, p),
  "maximum(x,y) at x=y": (p) => gradient((v) => N.maximum(N.at(v, 0), N.at(v, 1)), [1.5, 1.5], p),
  "max over k=3 tied entries": (p) => gradient((v) => N.max(v), [1, 3, 3, 3], p),
  "sqrt'(0)": (p) => derivative(N.sqrt, 0, p),
  "norm at 0": (p) => gradient(N.norm, [0, 0], p),
  "clamp at a bound (clip)": (p) => {
    const lo = derivative((t) => N.clip(t, -2, 3), -2, p);
    const hi = derivative((t) => N.clip(t, -2, 3), 3, p);
    expect(hi).toBe(lo);
    return lo;
  },
  "leaky_relu'(0), slope a = 0.2": (p) => derivative((t) => N.leakyRelu(t, 0.2), 0, p),
};

describe("what each framework returns at kinks (PyTorch measured; JAX, TensorFlow, tfjs read in their sources)", () => {
  for (const [row, cells] of Object.entries(table)) {
    for (const name of PRESETS) {
      it(`${row}: ${name}`, () => {
        expect(evaluators[row](presets[name])).toEqual(cells[name]);
      });
    }
  }
});

describe("src/policy.ts: hardtanh, relu6, hinge, minimum and min ties per preset", () => {
  const doc: Record<
    PresetName,
    { hardtanh: [number, number]; relu6: [number, number]; hinge: number; minimum: [number, number]; minTies: number[] }
  > = {
    pytorch: { hardtanh: [0, 0], relu6: [0, 0], hinge: 0, minimum: [0.5, 0.5], minTies: [0.5, 0.5, 0] },
    jax: { hardtanh: [1, 1], relu6: [0, 0], hinge: -0.5, minimum: [0.5, 0.5], minTies: [0.5, 0.5, 0] },
    tensorflow: { hardtanh: [1, 1], relu6: [0, 0], hinge: -1, minimum: [1, 0], minTies: [0.5, 0.5, 0] },
    tfjs: { hardtanh: [1, 1], relu6: [0, 1], hinge: -1, minimum: [1, 0], minTies: [1, 1, 0] },
  };
  for (const name of PRESETS) {
    it(name, () => {
      const p = presets[name];
      const d = doc[name];
      expect([derivative(N.hardtanh, -1, p), derivative(N.hardtanh, 1, p)]).toEqual(d.hardtanh);
      expect([derivative(N.relu6, 0, p), derivative(N.relu6, 6, p)]).toEqual(d.relu6);
      expect(derivative(N.hinge, 1, p)).toBe(d.hinge);
      expect(gradient((v) => N.minimum(N.at(v, 0), N.at(v, 1)), [-2, -2], p)).toEqual(d.minimum);
      expect(gradient((v) => N.min(v), [-1, -1, 4], p)).toEqual(d.minTies);
      // inside and outside the clamps, and off the hinge's kink, the derivative is the function's
      expect([derivative(N.hardtanh, 0.3, p), derivative(N.hardtanh, 1.3, p), derivative(N.hardtanh, -1.3, p)]).toEqual(
        [1, 0, 0],
      );
      expect([derivative(N.relu6, 3, p), derivative(N.relu6, 7, p), derivative(N.relu6, -1, p)]).toEqual([1, 0, 0]);
      expect([derivative(N.hinge, 0.5, p), derivative(N.hinge, 1.5, p)]).toEqual([-1, 0]);
    });
  }
  it("the preset objects carry the documented choices", () => {
    expect(presets.jax.clip).toEqual({ lower: 0.5, upper: 0.5 });
    expect(presets.tensorflow.clip).toEqual({ lower: 1, upper: 1 });
    expect(presets.tfjs.relu6).toEqual({ lower: 0, upper: 1 });
    expect(presets.tfjs.maxTies).toBe("each");
  });
});

describe("kinks along axes, with broadcasting, and in both modes", () => {
  it("max over an axis with ties in some lanes: split and each", () => {
    const x = tensor([
      [2, 2, 1],
      [0, 5, 5],
      [7, 7, 7],
    ]);
    const f = (v: any) => N.sum(N.max(v, 1));
    const split = grad(f, x, { policy: policies.pytorch }) as N.Tensor;
    expect(split.toArray()).toEqual([
      [0.5, 0.5, 0],
      [0, 0.5, 0.5],
      [1 / 3, 1 / 3, 1 / 3],
    ]);
    const each = grad(f, x, { policy: policies.tfjs }) as N.Tensor;
    expect(each.toArray()).toEqual([
      [1, 1, 0],
      [0, 1, 1],
      [1, 1, 1],
    ]);
    const first = grad(f, x, { policy: policies.custom({ maxTies: "first" }) }) as N.Tensor;
    expect(first.toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [1, 0, 0],
    ]);
    const last = grad(f, x, { policy: policies.custom({ maxTies: "last" }) }) as N.Tensor;
    expect(last.toArray()).toEqual([
      [0, 1, 0],
      [0, 0, 1],
      [0, 0, 1],
    ]);
    // forward mode through jacobian agrees exactly
    const flat = [2, 2, 1, 0, 5, 5, 7, 7, 7];
    const g = (v: any) => N.sum(N.max(N.reshape(v, [3, 3]), 1));
    for (const p of [policies.pytorch, policies.tfjs]) {
      expect(jacobian(g, flat, { policy: p, mode: "forward" }).toFlat()).toEqual(
        jacobian(g, flat, { policy: p }).toFlat(),
      );
    }
  });
  it("max over axis 0 with ties", () => {
    const f = (v: any) => N.sum(N.max(v, 0));
    const g = grad(
      f,
      tensor([
        [1, 4],
        [1, 3],
      ]),
      { policy: policies.jax },
    ) as N.Tensor;
    expect(g.toArray()).toEqual([
      [0.5, 1],
      [0.5, 0],
    ]);
  });
  it("elementwise kinks: relu, abs on vectors mixing kinks and smooth points", () => {
    const x = [-1, 0, 2, 0];
    expect(jacobian(N.relu, x, { policy: policies.reluAt(0.25), mode: "forward" }).toArray()).toEqual([
      [0, 0, 0, 0],
      [0, 0.25, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 0.25],
    ]);
    expect(grad((v: any) => N.sum(N.abs(v)), x, { policy: policies.tfjs })).toEqual([-1, -1, 1, -1]);
  });
  it("maximum with broadcasting at ties sums the weights onto the broadcast operand", () => {
    const f = (v: any) => N.sum(N.maximum(N.slice(v, [0], [3]), N.at(v, 3)));
    // x = [1, 2, 1], y = 1 broadcast: ties at elements 0 and 2
    expect(gradient(f, [1, 2, 1, 1], policies.pytorch)).toEqual([0.5, 1, 0.5, 1]);
    expect(gradient(f, [1, 2, 1, 1], policies.tensorflow)).toEqual([1, 1, 1, 0]);
    expect(gradient(f, [1, 2, 1, 1], policies.custom({ maximum: 0.25 }))).toEqual([0.25, 1, 0.25, 1.5]);
  });
  it("custom choices for every scalar key are used exactly", () => {
    const p = policies.custom({
      relu: 0.3,
      abs: -0.4,
      leakyRelu: 0.5,
      hinge: -0.7,
      maximum: 0.6,
      minimum: 0.2,
      clip: { lower: 0.1, upper: 0.9 },
      hardtanh: 0.4,
      relu6: { upper: 0.8 },
    });
    expect(derivative(N.relu, 0, p)).toBe(0.3);
    expect(derivative(N.abs, 0, p)).toBe(-0.4);
    expect(derivative((t) => N.leakyRelu(t, 0.1), 0, p)).toBeCloseTo(0.55, 15);
    expect(derivative(N.hinge, 1, p)).toBe(-0.7);
    expect(gradient((v) => N.maximum(N.at(v, 0), N.at(v, 1)), [0, 0], p)).toEqual([0.6, 0.4]);
    expect(gradient((v) => N.minimum(N.at(v, 0), N.at(v, 1)), [0, 0], p)).toEqual([0.2, 0.8]);
    expect(derivative((t) => N.clip(t, 0, 1), 0, p)).toBe(0.1);
    expect(derivative((t) => N.clip(t, 0, 1), 1, p)).toBe(0.9);
    expect([derivative(N.hardtanh, -1, p), derivative(N.hardtanh, 1, p)]).toEqual([0.4, 0.4]);
    expect([derivative(N.relu6, 0, p), derivative(N.relu6, 6, p)]).toEqual([0, 0.8]);
  });
  it("sqrt'(0) = +inf does not poison other paths: symbolic zeros, no 0 * inf", () => {
    // f(x, y) = sqrt(x) * 0 + y is not computed here; instead a branch that does not reach sqrt must stay finite
    const f = (v: any) => N.add(N.at(v, 1), N.mul(0, N.at(v, 0)));
    expect(grad(f, [0, 1])).toEqual([0, 1]);
    expect(grad((v: any) => N.sqrt(N.at(v, 0)), [0, 3])).toEqual([Infinity, 0]);
  });
});

describe("policies.custom validation", () => {
  const bad: [object, string][] = [
    [{ relu: 2 }, "policies.custom: relu = 2 is outside the Clarke set: allowed range is [0, 1]"],
    [{ relu: -0.1 }, "relu = -0.1 is outside the Clarke set: allowed range is [0, 1]"],
    [{ abs: 1.5 }, "abs = 1.5 is outside the Clarke set: allowed range is [-1, 1]"],
    [{ leakyRelu: 3 }, "leakyRelu = 3 is outside the Clarke set: allowed range is [0, 1]"],
    [{ maximum: -1 }, "maximum = -1 is outside the Clarke set: allowed range is [0, 1]"],
    [{ minimum: 1.01 }, "minimum = 1.01 is outside the Clarke set: allowed range is [0, 1]"],
    [{ hinge: 0.5 }, "hinge = 0.5 is outside the Clarke set: allowed range is [-1, 0]"],
    [{ relu: NaN }, "relu = NaN is outside the Clarke set: allowed range is [0, 1]"],
    [{ clip: 2 }, "clip = 2 is outside the Clarke set: allowed range is [0, 1]"],
    [{ clip: { lower: -1 } }, "clip.lower = -1 is outside the Clarke set: allowed range is [0, 1]"],
    [{ hardtanh: { upper: 7 } }, "hardtanh.upper = 7 is outside the Clarke set: allowed range is [0, 1]"],
    [{ relu6: { middle: 0.5 } }, "unknown key relu6.middle"],
    [{ maxTies: "each" }, 'maxTies = "each" is outside the Clarke set'],
    [{ minTies: "most" }, 'minTies = "most"'],
    [{ norm: "nan" }, 'norm = "nan" is outside the Clarke set'],
    [{ reluu: 0 }, 'policies.custom: unknown key "reluu"'],
    [{ primitives: { shrink: Infinity } }, "primitives.shrink must be a finite number"],
  ];
  for (const [opts, msg] of bad) {
    it(`rejects ${JSON.stringify(opts)}`, () => {
      expect(() => policies.custom(opts as any)).toThrow(msg);
    });
  }
  it("accepts the boundary values of every range and keeps PyTorch's for unset keys", () => {
    const p = policies.custom({ relu: 1, abs: -1, hinge: -1, maximum: 0, clip: { upper: 0 } });
    expect([p.relu, p.abs, p.hinge, p.maximum, p.minimum]).toEqual([1, -1, -1, 0, 0.5]);
    expect(p.clip).toEqual({ lower: 1, upper: 0 });
    expect(p.hardtanh).toEqual(policies.pytorch.hardtanh);
    expect(p.name).toBe("custom");
  });
  it("an unknown key lists the known keys", () => {
    expect(() => policies.custom({ foo: 1 } as any)).toThrow(/known keys are relu, leakyRelu, abs/);
  });
  it("policies are frozen values", () => {
    expect(Object.isFrozen(policies.pytorch)).toBe(true);
    expect(Object.isFrozen(policies.pytorch.clip)).toBe(true);
  });
});

describe("kink report", () => {
  it("flags tfjs's max over ties as outside the Clarke set, not PyTorch's", () => {
    const r = kinkReport((v: any) => N.max(v), [3, 1, 3], { policy: policies.tfjs });
    expect(r.total).toBe(1);
    expect(r.byKey.maxTies).toBe(1);
    expect(r.outsideClarke.map((e) => e.key)).toEqual(["maxTies"]);
    expect(r.toString()).toContain("outside the Clarke set");
    const ok = kinkReport((v: any) => N.max(v), [3, 1, 3], { policy: policies.pytorch });
    expect(ok.total).toBe(1);
    expect(ok.outsideClarke).toEqual([]);
  });
  for (const name of PRESETS) {
    it(`norm at 0 under ${name}: ${name === "jax" || name === "tfjs" ? "NaN, outside" : "0, inside"} the Clarke set`, () => {
      const r = kinkReport(N.norm, [0, 0, 0], { policy: presets[name] });
      expect(r.byKey.norm).toBe(1);
      const outside = name === "jax" || name === "tfjs";
      expect(r.outsideClarke.map((e) => e.op)).toEqual(outside ? ["norm"] : []);
    });
  }
  it("sqrt at 0 is reported as not Lipschitz (and not as outside the Clarke set)", () => {
    const r = kinkReport((v: any) => N.sum(N.sqrt(v)), [0, 1, 0]);
    expect(r.byKey.sqrt).toBe(2);
    expect(r.entries).toHaveLength(1);
    expect(r.entries[0].notLipschitz).toMatch(/Lipschitz/);
    expect(r.outsideClarke).toEqual([]);
    expect(r.toString()).toContain("not Lipschitz");
  });
  it("counts every kink of a program, by op and by key, with the tape index", () => {
    const f = (v: any) => N.add(N.sum(N.relu(v)), N.add(N.sum(N.abs(v)), N.max(v)));
    const r = valueAndGrad(f, [0, 0, 1, -1]).kinks;
    expect(r.byOp).toEqual({ relu: 2, abs: 2 });
    const r2 = valueAndGrad(f, [0, 1, 1, -1]).kinks;
    expect(r2.byOp).toEqual({ relu: 1, abs: 1, max: 1 });
    expect(r2.entries.every((e) => e.node > 0)).toBe(true);
    expect(r2.policy).toBe("pytorch");
  });
  it("abs'(0) = -1 of tfjs is inside the Clarke set [-1, 1]: no flag", () => {
    expect(kinkReport(N.abs, 0, { policy: policies.tfjs }).outsideClarke).toEqual([]);
  });
  it("no kink: an empty report", () => {
    const r = kinkReport(N.relu, 1);
    expect(r.total).toBe(0);
    expect(r.toString()).toContain("no kink");
  });
  it("the backward pass does not add kink events", () => {
    expect(valueAndGrad(N.relu, 0).kinks.total).toBe(1);
    expect(jvp(N.relu, 0, 1).kinks.total).toBe(1);
    expect(vjp(N.relu, 0, 1).kinks.total).toBe(1);
  });
});

describe("random policy", () => {
  const zeros = (n: number): number[] => new Array<number>(n).fill(0);
  it("draws inside the Clarke set at every kind of kink", () => {
    for (const seed of [0, 1, 7, 123456]) {
      const p = policies.random(seed);
      const n = 40;
      const r = grad((v: any) => N.sum(N.relu(v)), zeros(n), { policy: p }) as number[];
      expect(r.every((s) => s >= 0 && s <= 1)).toBe(true);
      expect(new Set(r).size).toBeGreaterThan(n / 2); // a draw per element, not one constant
      const a = grad((v: any) => N.sum(N.abs(v)), zeros(n), { policy: p }) as number[];
      expect(a.every((s) => s >= -1 && s <= 1)).toBe(true);
      const h = grad((v: any) => N.sum(N.hinge(v)), new Array<number>(n).fill(1), { policy: p }) as number[];
      expect(h.every((s) => s >= -1 && s <= 0)).toBe(true);
      const lr = grad((v: any) => N.sum(N.leakyRelu(v, 0.1)), zeros(n), { policy: p }) as number[];
      expect(lr.every((s) => s >= 0.1 && s <= 1)).toBe(true);
      const c = grad((v: any) => N.sum(N.clip(v, 0, 1)), [...zeros(n), ...new Array<number>(n).fill(1)], {
        policy: p,
      }) as number[];
      expect(c.every((s) => s >= 0 && s <= 1)).toBe(true);
      const m = grad((v: any) => N.sum(N.maximum(v, 0)), zeros(n), { policy: p }) as number[];
      expect(m.every((s) => s >= 0 && s <= 1)).toBe(true);
      const ties = grad((v: any) => N.max(v), [2, 2, 2, 2, 1], { policy: p }) as number[];
      expect(ties.every((s) => s >= 0)).toBe(true);
      expect(ties[4]).toBe(0);
      expect(ties.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 14);
      const g = grad(N.norm, zeros(5), { policy: p }) as number[];
      expect(Math.hypot(...g)).toBeLessThanOrEqual(1);
      expect(g.every(Number.isFinite)).toBe(true);
      expect(kinkReport(N.norm, zeros(5), { policy: p }).outsideClarke).toEqual([]);
    }
  });
  it("is deterministic for a seed and varies with the seed", () => {
    const f = (v: any) => N.add(N.sum(N.relu(v)), N.add(N.sum(N.abs(v)), N.max(N.concat([v, v]))));
    const x = [0, 0, 0, 0, 0, 0];
    const a = grad(f, x, { policy: policies.random(42) });
    const b = grad(f, x, { policy: policies.random(42) });
    const c = grad(f, x, { policy: policies.random(43) });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
  it("forward and reverse see the same draw", () => {
    const f = (v: any) => N.add(N.relu(v), N.mul(N.abs(N.sub(v, 1)), N.maximum(v, N.neg(v))));
    const x = [0, 1, 0, 2, 0];
    for (const seed of [3, 4, 5]) {
      const policy = policies.random(seed);
      const fwd = jacobian(f, x, { policy, mode: "forward" });
      const rev = jacobian(f, x, { policy, mode: "reverse" });
      expect(fwd.toFlat()).toEqual(rev.toFlat());
      // and through separate jvp / vjp calls (the tape is recorded again)
      const t = jvp(f, x, [1, 1, 1, 1, 1], { policy }).tangent as N.Tensor;
      const colSums = rev.toArray() as number[][];
      expect(t.toFlat()).toEqual(colSums.map((row) => row.reduce((s, v) => s + v, 0)));
    }
  });
  it("draws differ between two kinks at different places in the program", () => {
    const f = (v: any) => N.add(N.relu(v), N.relu(N.mul(v, 2)));
    const g = grad(f, 0, { policy: policies.random(9) }) as number;
    const p = policies.random(9);
    const a = grad(N.relu, 0, { policy: p }) as number;
    expect(g).not.toBe(3 * a);
  });
  it("rejects a non-integer seed", () => {
    expect(() => policies.random(NaN)).toThrow(
      "policies.random: seed must be an integer in [-9007199254740991, 9007199254740991], got NaN",
    );
  });
});
