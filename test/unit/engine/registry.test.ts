// The registry walk: every primitive declared in src/engine/primitives.ts goes through every interpreter (reverse
// mode, forward mode, the lexicographic forward mode, kink location, the kink report, the field of extreme choices,
// the randomized Clarke element) and each either handles it, checked against an expectation computed independently
// of the engine (central finite differences at smooth points; at kinks, the exact values each framework returns as
// documented in src/policy.ts, the one-sided branch for the lexicographic mode and for the randomized element along
// e_1, the vertices of the Clarke set for the extreme choices and the randomized element), or refuses it with an
// error naming it. A primitive added to the table without a case here fails the first test.
//
// To cover a new primitive, copy the case of the closest one (relu for a one-number choice, clip for a clamp-like
// one with a choice per bound) and write its values from the frameworks' behaviour, not from the engine's output.
import { describe, expect, it } from "vitest";
import * as N from "../../../src";
import { type Tensor, presets, policies } from "../../../src";
import type { KinkPolicy, Value } from "../../../src";
import { PRIMS, elementwise } from "../../../src/engine/primitives";
import { apply } from "../../../src/engine/trace";
import type { Primitive } from "../../../src/engine/trace";
import { kinksOnLine, switchingSigns } from "../../../src/analysis/kinks";
import { kinkByKey } from "../../../src/engine/nonsmooth";

type PresetName = "pytorch" | "jax" | "tensorflow" | "tfjs";
const PRESETS: PresetName[] = ["pytorch", "jax", "tensorflow", "tfjs"];
type Program = (v: Value) => Value;

/** A point on a primitive's kink set and what every interpreter must give there. */
interface KinkCase {
  readonly x: number[];
  /** The exact gradient under each preset (NaN where the framework returns NaN). */
  readonly grad: Record<PresetName, number[]>;
  /** Presets whose choice there lies outside the Clarke set. */
  readonly outside?: readonly PresetName[];
  /** The lexicographic gradient with M = I (the branch entered along e_1, then e_2, ...), or its refusal. */
  readonly lex: number[] | RegExp;
  /** The vertices of the hull of every extreme choice (allChoicesField), or its refusal. */
  readonly extremes: number[][] | RegExp;
  /**
   * The kink keys the randomized Clarke element reports tied along d = e_1, when e_1 moves none of the kink's
   * arguments apart (default: none, and its element along e_1 is `lex`, the branch entered along e_1).
   */
  readonly tiesAlongE1?: readonly string[];
  /** A line through x for kink location: x + u d over the grid (default d = e_1, grid straddling u = 0). */
  readonly line?: { readonly direction: number[]; readonly grid: number[] };
}

/** How to exercise one primitive: a scalar program of a vector that applies it, smooth points, kink points. */
interface Case {
  readonly f: Program;
  readonly smooth: number[][];
  readonly kinks?: readonly KinkCase[];
}

const W = (n: number): Tensor =>
  N.tensor(Array.from({ length: n }, (_, i) => [1.25, -0.5, 0.75, 2, -1.5, 0.25][i % 6]));
/** A weighted sum of all entries: turns any value into a scalar with a derivative that sees every entry. */
const S = (y: Value): Value => {
  const shape = N.valueOf(y).shape;
  return N.sum(N.mul(y, N.reshape(W(N.valueOf(y).size), shape)));
};
const unary =
  (op: (a: Value) => Value): Program =>
  (v) =>
    S(op(v));
const first =
  (op: (a: Value) => Value): Program =>
  (v) =>
    op(N.at(v, 0));
const pair =
  (op: (a: Value, b: Value) => Value): Program =>
  (v) =>
    op(N.at(v, 0), N.at(v, 1));
const same = (x: number[]): Record<PresetName, number[]> => ({ pytorch: x, jax: x, tensorflow: x, tfjs: x });
const NOT_LIPSCHITZ = /not locally Lipschitz/;

const CASES: Record<string, Case> = {
  add: { f: (v) => S(N.add(v, N.mul(v, v))), smooth: [[0.3, -1.2]] },
  sub: { f: (v) => S(N.sub(N.mul(v, 3), N.mul(v, v))), smooth: [[0.3, -1.2]] },
  mul: { f: (v) => S(N.mul(v, N.sin(v))), smooth: [[0.3, -1.2]] },
  mulStrongZero: { f: (v) => S(apply(PRIMS.mulStrongZero, [v, N.exp(v)], undefined)), smooth: [[0.3, -1.2]] },
  div: { f: (v) => S(N.div(N.exp(v), N.add(N.mul(v, v), 1))), smooth: [[0.3, -1.2]] },
  neg: { f: (v) => S(N.neg(N.mul(v, v))), smooth: [[0.3, -1.2]] },
  square: { f: unary(N.square), smooth: [[0.3, -1.2]] },
  pow: {
    f: (v) => S(N.pow(v, 0.5)),
    smooth: [[0.3, 1.7]],
    kinks: [{ x: [0, 1], grad: same([Infinity, -0.25]), lex: /pow with exponent 0.5 at 0/, extremes: NOT_LIPSCHITZ }],
  },
  exp: { f: unary(N.exp), smooth: [[0.3, -1.2]] },
  log: { f: unary(N.log), smooth: [[0.3, 1.7]] },
  sqrt: {
    f: first(N.sqrt),
    smooth: [[0.3]],
    kinks: [{ x: [0], grad: same([Infinity]), lex: /sqrt at 0/, extremes: NOT_LIPSCHITZ }],
  },
  sin: { f: unary(N.sin), smooth: [[0.3, -1.2]] },
  cos: { f: unary(N.cos), smooth: [[0.3, -1.2]] },
  tanh: { f: unary(N.tanh), smooth: [[0.3, -1.2]] },
  sigmoid: { f: unary(N.sigmoid), smooth: [[0.3, -1.2]] },
  softplus: { f: unary(N.softplus), smooth: [[0.3, -1.2]] },
  relu: {
    f: first(N.relu),
    smooth: [[0.3], [-1.2]],
    kinks: [{ x: [0], grad: same([0]), lex: [1], extremes: [[0], [1]] }],
  },
  leakyRelu: {
    f: first((a) => N.leakyRelu(a, 0.2)),
    smooth: [[0.3], [-1.2]],
    kinks: [
      { x: [0], grad: { pytorch: [0.2], jax: [1], tensorflow: [0.2], tfjs: [0.2] }, lex: [1], extremes: [[0.2], [1]] },
    ],
  },
  abs: {
    f: first(N.abs),
    smooth: [[0.3], [-1.2]],
    kinks: [{ x: [0], grad: { pytorch: [0], jax: [1], tensorflow: [0], tfjs: [-1] }, lex: [1], extremes: [[-1], [1]] }],
  },
  sign: {
    f: (v) => N.mul(N.sign(N.at(v, 0)), N.at(v, 0)),
    smooth: [[0.3], [-1.2]],
    kinks: [{ x: [0], grad: same([0]), lex: /sign jumps at 0/, extremes: NOT_LIPSCHITZ }],
  },
  maximum: {
    f: pair(N.maximum),
    smooth: [
      [0.3, -1.2],
      [-1, 2],
    ],
    kinks: [
      {
        x: [1.5, 1.5],
        grad: { pytorch: [0.5, 0.5], jax: [0.5, 0.5], tensorflow: [1, 0], tfjs: [1, 0] },
        lex: [1, 0], // along e_1 the first argument moves up and wins
        extremes: [
          [0, 1],
          [1, 0],
        ],
      },
    ],
  },
  minimum: {
    f: pair(N.minimum),
    smooth: [
      [0.3, -1.2],
      [-1, 2],
    ],
    kinks: [
      {
        x: [-2, -2],
        grad: { pytorch: [0.5, 0.5], jax: [0.5, 0.5], tensorflow: [1, 0], tfjs: [1, 0] },
        lex: [0, 1], // along e_1 the first argument moves up: the second is the minimum
        extremes: [
          [0, 1],
          [1, 0],
        ],
      },
    ],
  },
  clip: {
    f: first((a) => N.clip(a, -2, 3)),
    smooth: [[0.3], [-2.5], [3.5]],
    kinks: [
      { x: [-2], grad: { pytorch: [1], jax: [0.5], tensorflow: [1], tfjs: [1] }, lex: [1], extremes: [[0], [1]] },
      { x: [3], grad: { pytorch: [1], jax: [0.5], tensorflow: [1], tfjs: [1] }, lex: [0], extremes: [[0], [1]] },
    ],
  },
  hardtanh: {
    f: first(N.hardtanh),
    smooth: [[0.3], [-1.5], [1.5]],
    kinks: [
      { x: [-1], grad: { pytorch: [0], jax: [1], tensorflow: [1], tfjs: [1] }, lex: [1], extremes: [[0], [1]] },
      { x: [1], grad: { pytorch: [0], jax: [1], tensorflow: [1], tfjs: [1] }, lex: [0], extremes: [[0], [1]] },
    ],
  },
  relu6: {
    f: first(N.relu6),
    smooth: [[3], [-1], [7]],
    kinks: [
      { x: [0], grad: same([0]), lex: [1], extremes: [[0], [1]] },
      { x: [6], grad: { pytorch: [0], jax: [0], tensorflow: [0], tfjs: [1] }, lex: [0], extremes: [[0], [1]] },
    ],
  },
  hinge: {
    f: first(N.hinge),
    smooth: [[0.3], [1.5]],
    kinks: [
      { x: [1], grad: { pytorch: [0], jax: [-0.5], tensorflow: [-1], tfjs: [-1] }, lex: [0], extremes: [[-1], [0]] },
    ],
  },
  softshrink: {
    f: first((a) => N.softshrink(a, 0.75)),
    smooth: [[0.3], [-1.2], [2]],
    kinks: [
      // PyTorch (|x| > λ) and TensorFlow Addons (x < lower or x > upper) pass no gradient at ±λ; JAX, tfjs by convention
      { x: [-0.75], grad: same([0]), lex: [0], extremes: [[0], [1]] }, // along +1 the program enters the dead zone
      { x: [0.75], grad: same([0]), lex: [1], extremes: [[0], [1]] }, // along +1 it leaves it
    ],
  },
  sum: { f: (v) => N.sum(N.mul(N.sum(N.reshape(v, [2, 2]), 0), N.tensor([1.5, -2]))), smooth: [[0.3, -1.2, 0.7, 2]] },
  max: {
    f: (v) => N.max(v),
    smooth: [[1, 3, 2.5, -1]],
    kinks: [
      {
        x: [1, 3, 3, 3],
        grad: {
          pytorch: [0, 1 / 3, 1 / 3, 1 / 3],
          jax: [0, 1 / 3, 1 / 3, 1 / 3],
          tensorflow: [0, 1 / 3, 1 / 3, 1 / 3],
          tfjs: [0, 1, 1, 1],
        },
        outside: ["tfjs"],
        lex: [0, 1, 0, 0], // the tied entry that grows first along e_1, e_2, ... is entry 1
        extremes: [
          [0, 0, 0, 1],
          [0, 0, 1, 0],
          [0, 1, 0, 0],
        ],
        tiesAlongE1: ["maxTies"], // e_1 moves entry 0 only: the three tied entries stay tied along it
        line: { direction: [0, 1, 0, 0], grid: [-0.37, 0.41] },
      },
    ],
  },
  min: {
    f: (v) => N.sum(N.mul(N.min(N.reshape(v, [2, 2]), 1), N.tensor([1, 2]))),
    smooth: [[1, 3, 2.5, -1]],
    kinks: [
      {
        x: [-1, -1, 4, 0],
        grad: { pytorch: [0.5, 0.5, 0, 2], jax: [0.5, 0.5, 0, 2], tensorflow: [0.5, 0.5, 0, 2], tfjs: [1, 1, 0, 2] },
        outside: ["tfjs"],
        lex: [0, 1, 0, 2], // entry 0 grows along e_1, so entry 1 stays the minimum
        extremes: [
          [0, 1, 0, 2],
          [1, 0, 0, 2],
        ],
      },
    ],
  },
  matmul: {
    f: (v) =>
      S(
        N.matmul(
          N.reshape(v, [2, 2]),
          N.tensor([
            [1, 2],
            [-0.5, 3],
          ]),
        ),
      ),
    smooth: [[0.3, -1.2, 0.7, 2]],
  },
  reshape: { f: (v) => S(N.sin(N.reshape(v, [2, 2]))), smooth: [[0.3, -1.2, 0.7, 2]] },
  transpose: {
    f: (v) =>
      S(
        N.mul(
          N.transpose(N.reshape(v, [2, 2])),
          N.tensor([
            [1, 2],
            [3, 4],
          ]),
        ),
      ),
    smooth: [[0.3, -1.2, 0.7, 2]],
  },
  slice: { f: (v) => S(N.exp(N.slice(v, [1], [2]))), smooth: [[0.3, -1.2, 0.7, 2]] },
  pad: { f: (v) => S(N.exp(apply(PRIMS.pad, [v], { shape: [4], begin: [1] }))), smooth: [[0.3, -1.2]] },
  broadcastTo: {
    f: (v) =>
      S(
        N.mul(
          N.broadcastTo(v, [2, 2]),
          N.tensor([
            [1, 2],
            [3, 4],
          ]),
        ),
      ),
    smooth: [[0.3, -1.2]],
  },
  sumTo: {
    f: (v) => S(N.exp(apply(PRIMS.sumTo, [N.reshape(v, [2, 2])], { shape: [1, 2] }))),
    smooth: [[0.3, -1.2, 0.7, 2]],
  },
  concat: { f: (v) => S(N.sin(N.concat([v, N.mul(v, v)]))), smooth: [[0.3, -1.2]] },
  logsumexp: { f: (v) => S(N.logsumexp(N.reshape(v, [2, 2]), 1)), smooth: [[0.3, -1.2, 0.7, 2]] },
  softmaxCrossEntropy: {
    f: (v) => N.sum(N.softmaxCrossEntropy(N.reshape(v, [2, 2]), [1, 0])),
    smooth: [[0.3, -1.2, 0.7, 2]],
  },
  squaredError: {
    f: (v) =>
      N.sum(
        N.squaredError(
          N.reshape(v, [2, 2]),
          N.tensor([
            [1, 0],
            [0, 1],
          ]),
        ),
      ),
    smooth: [[0.3, -1.2, 0.7, 2]],
  },
  norm: {
    f: (v) => N.norm(v),
    smooth: [[3, -4]],
    kinks: [
      {
        x: [0, 0],
        grad: { pytorch: [0, 0], jax: [NaN, NaN], tensorflow: [0, 0], tfjs: [NaN, NaN] },
        outside: ["jax", "tfjs"],
        lex: /unsupported primitive "norm" at 0/,
        extremes: [[0, 0]], // the unit ball has no finite list of vertices: only the base policy's choice
        // max |x_i| never changes sign: the point 0 is found only as a grid point
        line: { direction: [1, 0.5], grid: [-0.37, 0, 0.41] },
      },
    ],
  },
};

const presetOf = (name: PresetName): KinkPolicy => presets[name];
const flat = (g: number | number[]): number[] => (typeof g === "number" ? [g] : g);

/** Central differences of a scalar program, coordinate by coordinate. */
function centralGradient(f: Program, x: number[], h = 1e-6): number[] {
  const at = (y: number[]) => N.valueOf(f(N.tensor(y))).item();
  return x.map((_, i) => {
    const p = x.slice();
    const m = x.slice();
    p[i] += h;
    m[i] -= h;
    return (at(p) - at(m)) / (2 * h);
  });
}

function expectNear(a: number[], b: number[], rel: number, abs: number, what: string): void {
  expect(a.length, what).toBe(b.length);
  a.forEach((v, i) => {
    if (!(Math.abs(v - b[i]) <= rel * Math.max(Math.abs(v), Math.abs(b[i])) + abs))
      throw new Error(`${what}: entry ${i}: ${v} vs ${b[i]}`);
  });
}

/** Completes d to a basis: d first, then the unit vectors except the one d leans on most. */
function basisFrom(d: number[]): number[][] {
  const k = d.reduce((b, v, i) => (Math.abs(v) > Math.abs(d[b]) ? i : b), 0);
  return [d, ...d.flatMap((_, i) => (i === k ? [] : [d.map((_, j) => (j === i ? 1 : 0))]))];
}

const sortRows = (rows: number[][]): number[][] =>
  rows.map((r) => r.map((v) => v + 0)).sort((a, b) => a.join(",").localeCompare(b.join(",")));

describe("the registry walk: every declared primitive, through every interpreter", () => {
  const names = Object.keys(PRIMS);

  it("every declared primitive has a case, every case names a declared primitive, and each case applies its primitive", () => {
    expect(names.filter((n) => !(n in CASES))).toEqual([]);
    expect(Object.keys(CASES).filter((n) => !names.includes(n))).toEqual([]);
    for (const [name, c] of Object.entries(CASES)) {
      const ops = N.makeTape(c.f, c.smooth[0]).entries.map((e) => e.op);
      expect(ops, name).toContain(name);
    }
  });

  it("every nonsmooth primitive has kink cases, and every primitive with kink cases declares a kink", () => {
    for (const [name, c] of Object.entries(CASES)) {
      const prim = (PRIMS as Record<string, Primitive<never>>)[name];
      expect(prim.kink !== undefined, name).toBe(c.kinks !== undefined);
      if (prim.kink) expect(kinkByKey(prim.kink.key), name).toBe(prim.kink);
    }
  });

  it("the policy tables read the declarations: every kink key with a choice is a field of every preset, of its kind's type, and policies.custom knows it", () => {
    for (const prim of Object.values(PRIMS as Record<string, Primitive<never>>)) {
      const k = prim.kink;
      if (!k || k.choice.kind === "fixed") continue;
      for (const p of PRESETS) {
        const v = (presetOf(p) as unknown as Record<string, unknown>)[k.key];
        if (k.choice.kind === "scalar") expect(typeof v, `${k.key} in ${p}`).toBe("number");
        if (k.choice.kind === "bounds")
          expect(Object.keys(v as object).sort(), `${k.key} in ${p}`).toEqual(["lower", "upper"]);
        if (k.choice.kind === "ties") expect(["split", "first", "last", "each"], `${k.key} in ${p}`).toContain(v);
      }
      if (k.choice.kind === "scalar")
        expect(N.CLARKE_RANGES[k.key as keyof typeof N.CLARKE_RANGES]).toEqual(k.choice.range);
      if (k.choice.kind === "scalar" || k.choice.kind === "bounds") {
        const [lo, hi] = k.choice.range;
        expect(() => policies.custom({ [k.key]: hi + 1 }), k.key).toThrow(
          `policies.custom: ${k.key} = ${hi + 1} is outside the Clarke set: allowed range is [${lo}, ${hi}]`,
        );
      }
    }
  });

  for (const [name, c] of Object.entries(CASES)) {
    const prim = (PRIMS as Record<string, Primitive<never>>)[name];
    describe(name, () => {
      it("smooth points: reverse and forward mode match central differences; the lexicographic mode matches both; no switching quantity vanishes", () => {
        for (const x of c.smooth) {
          const fd = centralGradient(c.f, x);
          const rev = flat(N.grad(c.f, x) as number[]);
          const fwd = N.jacobian(c.f, x, { mode: "forward" }).toFlat();
          expectNear(rev, fd, 1e-6, 1e-8, `${name} reverse vs differences at [${x}]`);
          expectNear(fwd, rev, 1e-12, 1e-14, `${name} forward vs reverse at [${x}]`);
          expectNear(N.lexicographicGradient(c.f, x), rev, 1e-12, 1e-14, `${name} lexicographic vs reverse at [${x}]`);
          expect(N.kinkReport(c.f, x).total, `${name} at [${x}]`).toBe(0);
          expect(switchingSigns("test", c.f, x, false).signs, `${name} at [${x}]`).not.toContain(0);
        }
      });

      it("smooth points: the randomized Clarke element decides nothing and is reverse mode's gradient", () => {
        for (const x of c.smooth) {
          const r = N.randomizedClarkeGradient(c.f, x, { seed: 1 });
          expect([r.gradient, r.decided, r.inert, r.guaranteed], `${name} at [${x}]`).toEqual([
            flat(N.grad(c.f, x) as number[]).map((v) => v + 0),
            0,
            0,
            true,
          ]);
        }
      });

      for (const k of c.kinks ?? []) {
        describe(`kink at [${k.x}]`, () => {
          it("reverse and forward mode give each preset's documented value, exactly", () => {
            for (const p of PRESETS) {
              const policy = presetOf(p);
              expect(flat(N.grad(c.f, k.x, { policy }) as number[]), `${name} ${p}`).toEqual(k.grad[p]);
              expect(N.jacobian(c.f, k.x, { policy, mode: "forward" }).toFlat(), `${name} ${p} forward`).toEqual(
                k.grad[p],
              );
            }
          });

          it("the kink report names the primitive and its key, words the choice, and flags exactly the choices outside the Clarke set", () => {
            for (const p of PRESETS) {
              const r = N.kinkReport(c.f, k.x, { policy: presetOf(p) });
              const e = r.entries.find((en) => en.op === name);
              expect(e, `${name} ${p}: ${r.toString()}`).toBeDefined();
              expect(e!.key).toBe(prim.kink!.key);
              expect(e!.choice).not.toBe("unknown");
              expect(e!.outsideClarke, `${name} ${p}`).toBe((k.outside ?? []).includes(p));
              expect(e!.notLipschitz !== undefined, `${name} ${p}`).toBe(prim.kink!.notLipschitz !== undefined);
            }
            const random = N.kinkReport(c.f, k.x, { policy: policies.random(5) }).entries.find((en) => en.op === name)!;
            expect(random.outsideClarke).toBe(false);
          });

          it("the lexicographic mode gives the branch entered along the directions, or refuses naming the primitive", () => {
            if (k.lex instanceof RegExp) expect(() => N.lexicographicGradient(c.f, k.x)).toThrow(k.lex);
            else expect(N.lexicographicGradient(c.f, k.x)).toEqual(k.lex);
          });

          it("the randomized Clarke element is a vertex of the Clarke set, the branch entered along d, or a refusal naming the primitive", () => {
            if (k.lex instanceof RegExp) {
              expect(() => N.randomizedClarkeGradient(c.f, k.x, { seed: 1 })).toThrow(k.lex);
              return;
            }
            const vertices = sortRows(k.extremes as number[][]);
            for (const seed of [0, 1, 2, 3, 4, 5]) {
              const r = N.randomizedClarkeGradient(c.f, k.x, { seed });
              expect(r.guaranteed && r.decided > 0, `${name} seed ${seed}`).toBe(true);
              expect(vertices, `${name} seed ${seed}`).toContainEqual(r.gradient);
              // the mechanism: the lexicographic derivative for a direction matrix whose first column is d
              expectNear(
                r.gradient,
                N.lexicographicGradient(c.f, k.x, { directions: basisFrom(r.direction) }),
                1e-12,
                1e-14,
                `${name} seed ${seed}`,
              );
            }
            const e1 = N.randomizedClarkeGradient(c.f, k.x, {
              direction: k.x.map((_, i) => (i === 0 ? 1 : 0)),
              onTie: "flag",
            });
            if (k.tiesAlongE1)
              expect(
                e1.ties.map((s) => s.key),
                name,
              ).toEqual(k.tiesAlongE1);
            else expect([e1.gradient, e1.guaranteed], name).toEqual([k.lex, true]);
          });

          it("the field of extreme choices spans the Clarke set's vertices, or refuses where no Clarke set exists", () => {
            const field = N.allChoicesField(c.f, { scalarInput: false });
            if (k.extremes instanceof RegExp) expect(() => field(k.x)).toThrow(k.extremes);
            else expect(sortRows(field(k.x).generators)).toEqual(sortRows(k.extremes));
          });

          it("kink location: a switching quantity vanishes there, and the search along a line through it lands on kink hits", () => {
            expect(switchingSigns("test", c.f, k.x, false).signs).toContain(0);
            const d = k.line?.direction ?? k.x.map((_, i) => (i === 0 ? 1 : 0));
            const grid = k.line?.grid ?? [-0.37, 0.41];
            const point = (u: number) => k.x.map((v, i) => v + u * d[i]);
            const found = kinksOnLine("test", c.f, point, grid, false);
            expect(found.length, `${name}: no kink located on the line`).toBeGreaterThan(0);
            for (const u of found) {
              const hits = N.kinkReport(c.f, point(u)).entries.filter((e) => e.op === name);
              expect(hits.length, `${name}: located u = ${u} is no kink hit`).toBeGreaterThan(0);
            }
          });
        });
      }
    });
  }
});

describe("negative controls: the walk's checks fail on primitives built to violate them", () => {
  it("a primitive without a lexicographic rule is refused by name, never skipped", () => {
    const bare: Primitive<void> = {
      name: "bareTestPrim",
      secondOrder: true,
      value: (inputs) => inputs[0],
      linearize: () => ({ jvp: (ts) => ts[0], vjp: (c) => [c] }),
    };
    expect(() => N.lexicographicGradient((t: Value) => apply(bare, [t], undefined), 1)).toThrow(
      /unsupported primitive "bareTestPrim"/,
    );
  });

  it("a Lipschitz kink declared without a lexicographic rule is rejected when the primitive is built", () => {
    expect(() =>
      elementwise<void>({
        name: "noLexTestPrim",
        arity: 1,
        f: () => Math.abs,
        partials: () => [1],
        kink: {
          key: "noLexTestPrim",
          choice: { kind: "scalar", range: [-1, 1] },
          at: ([a]) => a === 0,
          switching: ([a]) => [a],
        },
      }),
    ).toThrow(/noLexTestPrim: a Lipschitz kink needs a lexicographic rule/);
  });

  it("a kink key declared twice is rejected", () => {
    const decl = { name: "dupTestPrim", arity: 1, f: () => Math.abs, partials: () => [1], lexRefusal: "test" } as const;
    expect(() =>
      elementwise<void>({
        ...decl,
        kink: { key: "relu", choice: { kind: "scalar", range: [0, 1] }, at: ([a]) => a === 0, switching: ([a]) => [a] },
      }),
    ).toThrow(/kink key "relu" is declared twice/);
  });

  it("the smooth-point check fails on a wrong partial: finite differences catch it", () => {
    const wrong = elementwise<void>({ name: "wrongTestPrim", arity: 1, f: () => Math.sin, partials: () => [1] });
    const f: Program = (v) => S(apply(wrong, [v], undefined));
    expect(() =>
      expectNear(flat(N.grad(f, [0.3, -1.2]) as number[]), centralGradient(f, [0.3, -1.2]), 1e-6, 1e-8, "wrong"),
    ).toThrow(/wrong: entry 0/);
  });

  it("the kink-location check fails when a switching quantity misses the kink set", () => {
    const blind = elementwise<void>({
      name: "blindTestPrim",
      arity: 1,
      f: () => Math.abs,
      partials: (K, [x], _y, _p, env, choice) => [
        K.select(env, [x], ([a], i) => (a > 0 ? 1 : a < 0 ? -1 : choice(env, i, a))),
      ],
      kink: {
        key: "blindTestPrim",
        choice: { kind: "scalar", range: [-1, 1] },
        at: ([a]) => a === 0,
        switching: () => [1],
        lex: () => [0],
      },
    });
    const f: Program = (v) => apply(blind, [N.at(v, 0)], undefined);
    expect(switchingSigns("test", f, [0], false).signs).not.toContain(0);
    expect(kinksOnLine("test", f, (u) => [u], [-0.37, 0.41], false)).toEqual([]);
  });

  it("the randomized Clarke element refuses by name a kink declared without a per-element branch rule", () => {
    const ruleless: Primitive<void> = {
      name: "rulelessTestPrim",
      secondOrder: true,
      value: (inputs) => inputs[0],
      linearize: () => ({ jvp: (ts) => ts[0], vjp: (c) => [c] }),
      kink: {
        key: "rulelessTestPrim",
        op: "rulelessTestPrim",
        choice: { kind: "scalar", range: [0, 1] },
        count: (inputs) => (inputs[0].data.some((v) => v === 0) ? 1 : 0),
        switching: (inputs) => Array.from(inputs[0].data),
      },
      lex: (ins) => ins[0].cols,
    };
    const f: Program = (v) => S(apply(ruleless, [v], undefined));
    expect(() => N.randomizedClarkeGradient(f, [0, 1], { seed: 1 })).toThrow(
      /unsupported primitive "rulelessTestPrim"/,
    );
    expect(N.randomizedClarkeGradient(f, [2, 1], { seed: 1 }).gradient).toEqual([1.25, -0.5]); // off its kink set: nothing to decide
  });

  it("the randomized Clarke element refuses a branch rule whose partials no choice in the Clarke range gives", () => {
    const outside = elementwise<void>({
      name: "outsideTestPrim",
      arity: 1,
      f: () => Math.abs,
      partials: (K, [x], _y, _p, env, choice) => [
        K.select(env, [x], ([a], i) => (a > 0 ? 1 : a < 0 ? -1 : choice(env, i, a))),
      ],
      kink: {
        key: "outsideTestPrim",
        choice: { kind: "scalar", range: [-1, 1] },
        at: ([a]) => a === 0,
        switching: ([a]) => [a],
        lex: () => [2],
      },
    });
    expect(() =>
      N.randomizedClarkeGradient((v: Value) => apply(outside, [N.at(v, 0)], undefined), [0], { seed: 1 }),
    ).toThrow(
      /the lexicographic rule of "outsideTestPrim" picks the partials \[2\] at its kink, which no choice in its Clarke range \[-1, 1\] gives/,
    );
  });

  it("the randomized element's check along e_1 fails on a branch rule that enters the wrong branch", () => {
    const backwards = elementwise<void>({
      name: "backwardsTestPrim",
      arity: 1,
      f: () => (a) => (a > 0 ? a : 0),
      partials: (K, [x], _y, _p, env, choice) => [
        K.select(env, [x], ([a], i) => (a > 0 ? 1 : a < 0 ? 0 : choice(env, i, a))),
      ],
      kink: {
        key: "backwardsTestPrim",
        choice: { kind: "scalar", range: [0, 1] },
        at: ([a]) => a === 0,
        switching: ([a]) => [a],
        lex: ([a], [R], s) => [s.side(a, R) > 0 ? 0 : 1],
      },
    });
    const r = N.randomizedClarkeGradient((v: Value) => apply(backwards, [N.at(v, 0)], undefined), [0], {
      direction: [1],
    });
    expect(r.gradient).not.toEqual(CASES.relu.kinks![0].lex); // relu's branch along e_1 is 1: the walk's check would fail
  });

  it("the registry check fails on a primitive missing from the cases", () => {
    const names = [...Object.keys(PRIMS), "newPrim"];
    expect(names.filter((n) => !(n in CASES))).toEqual(["newPrim"]);
  });
});
