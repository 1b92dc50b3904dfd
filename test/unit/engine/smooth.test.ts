// Tier 1: at smooth points, every primitive's jvp matches central differences, and jvp and vjp are adjoint:
// <J v, w> = <v, J^T w>. Points, tangents and cotangents are drawn by fast-check, away from every kink.
import { describe, it } from "vitest";
import fc from "fast-check";
import * as N from "../../../src";
import { Tensor, tensor } from "../../../src";
import type { Value } from "../../../src";
import {
  anywhere,
  awayFrom,
  awayFromZero,
  checkDerivatives,
  cut,
  evalPlain,
  minGap,
  positive,
  sizeOf,
  uniforms,
} from "./helpers";
import type { Domain, Fn } from "./helpers";

interface Case {
  readonly name: string;
  readonly shapes: readonly (readonly number[])[];
  readonly f: Fn;
  readonly domains?: readonly Domain[];
  /** Extra condition on the point (e.g. no ties inside a max lane). */
  readonly pre?: (xs: Tensor[]) => boolean;
  readonly tol?: { fdRel?: number; fdAbs?: number };
}

const lanes = (x: Tensor, axis: number | null): number[][] => {
  if (axis === null) return [Array.from(x.data)];
  const [r, c] = x.shape;
  return axis === 1
    ? Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => x.data[i * c + j]))
    : Array.from({ length: c }, (_, j) => Array.from({ length: r }, (_, i) => x.data[i * c + j]));
};
const noTies = (axis: number | null) => (xs: Tensor[]) => lanes(xs[0], axis).every((l) => minGap(l) > 1e-3);
const apart = (xs: Tensor[]) => {
  const [a, b] = xs;
  // broadcasting: compare every broadcast pair through the op itself
  const d = evalPlain((x: Value, y: Value) => N.abs(N.sub(x, y)), [a, b]);
  return d.data.every((v) => v > 1e-3);
};

const s = (...d: number[]): number[] => d;
const labels = [0, 2, 1];
const soft = tensor([
  [0.2, 0.3, 0.1, 0.4],
  [0, 0, 1, 0],
  [0.25, 0.25, 0.25, 0.25],
]);

const C23 = tensor([
  [0.5, -1.25, 2],
  [-0.75, 1.5, 0.25],
]);
const C32 = tensor([
  [1, -0.5],
  [0.25, 2],
  [-1.5, 0.75],
]);
const C3 = tensor([0.3, -0.6, 0.9]);

const cases: Case[] = [
  { name: "add", shapes: [s(2, 3), s(2, 3)], f: N.add },
  { name: "add broadcast [2,3]+[3]", shapes: [s(2, 3), s(3)], f: N.add },
  { name: "add broadcast [2,1]+[1,3]", shapes: [s(2, 1), s(1, 3)], f: N.add },
  { name: "sub", shapes: [s(3), s(3)], f: N.sub },
  { name: "sub broadcast []-[2,2]", shapes: [s(), s(2, 2)], f: N.sub },
  { name: "mul", shapes: [s(2, 3), s(2, 3)], f: N.mul },
  { name: "mul broadcast [2,1]*[1,3]", shapes: [s(2, 1), s(1, 3)], f: N.mul },
  { name: "mul by a constant", shapes: [s(4)], f: (x: Value) => N.mul(x, 3) },
  { name: "div", shapes: [s(2, 2), s(2, 2)], f: N.div, domains: [anywhere, awayFromZero] },
  { name: "div broadcast [3,1]/[3]", shapes: [s(3, 1), s(3)], f: N.div, domains: [anywhere, awayFromZero] },
  { name: "div constant numerator", shapes: [s(3)], f: (x: Value) => N.div(2, x), domains: [awayFromZero] },
  { name: "neg", shapes: [s(2, 2)], f: N.neg },
  { name: "square", shapes: [s(5)], f: N.square },
  { name: "pow p=3", shapes: [s(4)], f: (x: Value) => N.pow(x, 3) },
  { name: "pow p=-2", shapes: [s(4)], f: (x: Value) => N.pow(x, -2), domains: [awayFromZero] },
  { name: "pow p=0", shapes: [s(3)], f: (x: Value) => N.pow(x, 0) },
  { name: "pow p=1", shapes: [s(3)], f: (x: Value) => N.pow(x, 1) },
  { name: "pow p=2.5", shapes: [s(4)], f: (x: Value) => N.pow(x, 2.5), domains: [positive] },
  { name: "pow p=0.5", shapes: [s(4)], f: (x: Value) => N.pow(x, 0.5), domains: [positive] },
  { name: "pow p=-1.5", shapes: [s(4)], f: (x: Value) => N.pow(x, -1.5), domains: [positive] },
  { name: "exp", shapes: [s(2, 3)], f: N.exp },
  { name: "log", shapes: [s(2, 3)], f: N.log, domains: [positive] },
  { name: "sqrt", shapes: [s(2, 3)], f: N.sqrt, domains: [positive] },
  { name: "sin", shapes: [s(6)], f: N.sin },
  { name: "cos", shapes: [s(6)], f: N.cos },
  { name: "tanh", shapes: [s(6)], f: N.tanh },
  { name: "sigmoid", shapes: [s(6)], f: N.sigmoid, domains: [(u) => 8 * u] },
  { name: "softplus", shapes: [s(6)], f: N.softplus, domains: [(u) => 8 * u] },
  { name: "relu", shapes: [s(2, 3)], f: N.relu, domains: [awayFromZero] },
  { name: "leakyRelu", shapes: [s(2, 3)], f: (x: Value) => N.leakyRelu(x, 0.1), domains: [awayFromZero] },
  { name: "leakyRelu default slope", shapes: [s(4)], f: (x: Value) => N.leakyRelu(x), domains: [awayFromZero] },
  { name: "abs", shapes: [s(2, 3)], f: N.abs, domains: [awayFromZero] },
  { name: "maximum", shapes: [s(2, 3), s(2, 3)], f: N.maximum, pre: apart },
  { name: "maximum broadcast [2,3],[3]", shapes: [s(2, 3), s(3)], f: N.maximum, pre: apart },
  {
    name: "maximum with a constant",
    shapes: [s(5)],
    f: (x: Value) => N.maximum(x, 0.25),
    domains: [awayFrom([0.25], -2, 2)],
  },
  { name: "minimum", shapes: [s(2, 3), s(2, 3)], f: N.minimum, pre: apart },
  { name: "minimum broadcast [2,1],[1,3]", shapes: [s(2, 1), s(1, 3)], f: N.minimum, pre: apart },
  { name: "max over all", shapes: [s(3, 4)], f: (x: Value) => N.max(x), pre: noTies(null) },
  { name: "max over axis 1", shapes: [s(3, 4)], f: (x: Value) => N.max(x, 1), pre: noTies(1) },
  { name: "max over axis 0 keepDims", shapes: [s(3, 4)], f: (x: Value) => N.max(x, 0, true), pre: noTies(0) },
  { name: "max over axis -1", shapes: [s(3, 4)], f: (x: Value) => N.max(x, -1), pre: noTies(1) },
  { name: "min over all", shapes: [s(3, 4)], f: (x: Value) => N.min(x), pre: noTies(null) },
  { name: "min over axis 0", shapes: [s(3, 4)], f: (x: Value) => N.min(x, 0), pre: noTies(0) },
  { name: "min over axis 1 keepDims", shapes: [s(3, 4)], f: (x: Value) => N.min(x, 1, true), pre: noTies(1) },
  { name: "clip", shapes: [s(2, 4)], f: (x: Value) => N.clip(x, -0.5, 0.7), domains: [awayFrom([-0.5, 0.7], -2, 2)] },
  { name: "hardtanh", shapes: [s(2, 4)], f: N.hardtanh, domains: [awayFrom([-1, 1], -3, 3)] },
  { name: "relu6", shapes: [s(2, 4)], f: N.relu6, domains: [awayFrom([0, 6], -3, 9)] },
  { name: "hinge", shapes: [s(2, 4)], f: N.hinge, domains: [awayFrom([1], -2, 4)] },
  { name: "norm", shapes: [s(2, 3)], f: N.norm, domains: [awayFromZero] },
  { name: "norm of a vector", shapes: [s(5)], f: N.norm, domains: [awayFromZero] },
  { name: "sum over all", shapes: [s(2, 3)], f: (x: Value) => N.sum(x) },
  { name: "sum over axis 0", shapes: [s(2, 3)], f: (x: Value) => N.sum(x, 0) },
  { name: "sum over axis 1 keepDims", shapes: [s(2, 3)], f: (x: Value) => N.sum(x, 1, true) },
  { name: "mean over all", shapes: [s(2, 3)], f: (x: Value) => N.mean(x) },
  { name: "mean over axis 1", shapes: [s(2, 3)], f: (x: Value) => N.mean(x, 1) },
  { name: "matmul [2,3]x[3,4]", shapes: [s(2, 3), s(3, 4)], f: N.matmul },
  { name: "matmul [3]x[3,2] (row promotion)", shapes: [s(3), s(3, 2)], f: N.matmul },
  { name: "matmul [2,3]x[3] (column promotion)", shapes: [s(2, 3), s(3)], f: N.matmul },
  { name: "matmul [3]x[3] (dot)", shapes: [s(3), s(3)], f: N.matmul },
  {
    name: "matmul with a transposed operand",
    shapes: [s(3, 2), s(3, 4)],
    f: (a: Value, b: Value) => N.matmul(N.transpose(a), b),
  },
  { name: "reshape", shapes: [s(2, 3)], f: (x: Value) => N.reshape(x, [3, 2]) },
  { name: "reshape to a vector", shapes: [s(2, 3)], f: (x: Value) => N.reshape(x, [6]) },
  { name: "transpose", shapes: [s(2, 3)], f: (x: Value) => N.transpose(x) },
  { name: "transpose perm [1,2,0]", shapes: [s(2, 3, 4)], f: (x: Value) => N.transpose(x, [1, 2, 0]) },
  { name: "slice", shapes: [s(3, 4)], f: (x: Value) => N.slice(x, [1, 1], [2, -1]) },
  { name: "at", shapes: [s(4)], f: (x: Value) => N.at(x, 2) },
  { name: "concat axis 0", shapes: [s(2, 3), s(1, 3)], f: (a: Value, b: Value) => N.concat([a, b], 0) },
  {
    name: "concat axis 1 of three",
    shapes: [s(2, 1), s(2, 2), s(2, 3)],
    f: (a: Value, b: Value, c: Value) => N.concat([a, b, c], 1),
  },
  { name: "broadcastTo [3]->[2,3]", shapes: [s(3)], f: (x: Value) => N.broadcastTo(x, [2, 3]) },
  { name: "broadcastTo [2,1]->[2,3]", shapes: [s(2, 1)], f: (x: Value) => N.broadcastTo(x, [2, 3]) },
  { name: "logsumexp over all", shapes: [s(2, 3)], f: (x: Value) => N.logsumexp(x) },
  { name: "logsumexp over axis 1", shapes: [s(2, 3)], f: (x: Value) => N.logsumexp(x, 1) },
  { name: "logsumexp over axis 0 keepDims", shapes: [s(2, 3)], f: (x: Value) => N.logsumexp(x, 0, true) },
  { name: "softmaxCrossEntropy with labels", shapes: [s(3, 4)], f: (z: Value) => N.softmaxCrossEntropy(z, labels) },
  { name: "softmaxCrossEntropy with soft targets", shapes: [s(3, 4)], f: (z: Value) => N.softmaxCrossEntropy(z, soft) },
  { name: "softmaxCrossEntropy of one row", shapes: [s(5)], f: (z: Value) => N.softmaxCrossEntropy(z, [3]) },
  { name: "squaredError", shapes: [s(3, 2), s(3, 2)], f: N.squaredError },
  { name: "squaredError of vectors", shapes: [s(4), s(4)], f: N.squaredError },
  { name: "squaredError of scalars", shapes: [s(), s()], f: N.squaredError },
  // one operand a constant tensor (no cotangent is computed for it), in either position
  { name: "matmul constant [2,3] x traced [3,4]", shapes: [s(3, 4)], f: (b: Value) => N.matmul(C23, b) },
  { name: "matmul traced [4,3] x constant [3,2]", shapes: [s(4, 3)], f: (a: Value) => N.matmul(a, C32) },
  { name: "matmul constant vector x traced matrix", shapes: [s(3, 2)], f: (b: Value) => N.matmul(C3, b) },
  { name: "mul by a constant tensor, broadcast", shapes: [s(2, 1)], f: (a: Value) => N.mul(C23, a) },
  { name: "div of a constant tensor", shapes: [s(3)], f: (a: Value) => N.div(C23, a), domains: [awayFromZero] },
  { name: "sub from a constant, broadcast", shapes: [s()], f: (a: Value) => N.sub(C23, a) },
  {
    name: "maximum with a constant tensor",
    shapes: [s(2, 3)],
    f: (a: Value) => N.maximum(a, C23),
    pre: (xs) => xs[0].data.every((v, i) => Math.abs(v - C23.data[i]) > 1e-3),
  },
  {
    name: "minimum of a constant tensor and a broadcast scalar",
    shapes: [s()],
    f: (a: Value) => N.minimum(C23, a),
    pre: (xs) => C23.data.every((v) => Math.abs(v - xs[0].data[0]) > 1e-3),
  },
  { name: "concat with a constant", shapes: [s(1, 3)], f: (a: Value) => N.concat([C23, a, C23], 0) },
  { name: "squaredError against a constant target", shapes: [s(2, 3)], f: (a: Value) => N.squaredError(a, C23) },
  { name: "squaredError of a constant prediction", shapes: [s(2, 3)], f: (a: Value) => N.squaredError(C23, a) },
  {
    name: "a constant-only branch added to a traced one",
    shapes: [s(2, 3)],
    f: (a: Value) => N.add(N.mul(a, N.exp(C23)), N.sum(N.relu(C23))),
  },
];

describe("tier 1: jvp matches central differences and jvp/vjp are adjoint at smooth points", () => {
  for (const c of cases) {
    it(c.name, () => {
      const nIn = c.shapes.reduce((a, sh) => a + sizeOf(sh), 0);
      const outShape = evalPlain(c.f, cut(new Array(nIn).fill(0.5), c.shapes, c.domains)).shape;
      const nOut = sizeOf(outShape);
      fc.assert(
        fc.property(uniforms(nIn), uniforms(nIn), uniforms(nOut), (p, v, w) => {
          const xs = cut(p, c.shapes, c.domains ?? c.shapes.map(() => anywhere));
          if (c.pre && !c.pre(xs)) return; // a tie: skip this point (rare with unbiased doubles)
          checkDerivatives(c.name, c.f, xs, cut(v, c.shapes), new Tensor(Float64Array.from(w), [nOut]), c.tol);
        }),
        { numRuns: 40, seed: 20240601 + c.name.length },
      );
    });
  }
});

describe("tier 1: gradients of composite scalar programs match finite differences", () => {
  const programs: { name: string; f: Fn; n: number }[] = [
    {
      name: "a small MLP loss",
      n: 12,
      f: (x: Value) => {
        const W = N.reshape(N.slice(x, [0], [8]), [2, 4]);
        const b = N.slice(x, [8], [4]);
        const h = N.tanh(N.add(N.matmul(tensor([[0.3, -0.7]]), W), b));
        return N.softmaxCrossEntropy(N.reshape(h, [4]), [1]);
      },
    },
    { name: "smooth mix", n: 5, f: (x: Value) => N.sum(N.mul(N.sin(x), N.exp(N.mul(x, 0.3)))) },
  ];
  for (const p of programs) {
    it(p.name, () => {
      fc.assert(
        fc.property(uniforms(p.n), uniforms(p.n), (x, v) => {
          checkDerivatives(
            p.name,
            p.f,
            [new Tensor(Float64Array.from(x), [p.n])],
            [new Tensor(Float64Array.from(v), [p.n])],
            tensor([1]),
          );
        }),
        { numRuns: 30, seed: 7 },
      );
    });
  }
});
