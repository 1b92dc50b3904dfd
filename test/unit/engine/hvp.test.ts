// Tier 3: Hessian-vector products match central differences of gradients on smooth programs, and H is
// symmetric: <H v, w> = <v, H w>.
import { describe, it } from "vitest";
import fc from "fast-check";
import * as N from "../../../src";
import { grad, hvp, tensor } from "../../../src";
import type { Value } from "../../../src";
import { dot, expectClose, uniforms } from "./helpers";

const M = tensor([
  [0.5, -1, 0.3],
  [0.2, 0.7, -0.4],
]);

const programs: { name: string; n: number; f: (x: any) => Value; domain?: (u: number) => number }[] = [
  { name: "sum of cubes", n: 4, f: (x) => N.sum(N.mul(x, N.mul(x, x))) },
  { name: "sin * exp", n: 4, f: (x) => N.sum(N.mul(N.sin(x), N.exp(N.mul(x, 0.5)))) },
  {
    name: "cos, tanh, sigmoid, softplus",
    n: 3,
    f: (x) => N.sum(N.add(N.mul(N.cos(x), N.tanh(x)), N.mul(N.sigmoid(x), N.softplus(x)))),
  },
  { name: "logsumexp", n: 5, f: (x) => N.logsumexp(x) },
  { name: "norm (away from 0)", n: 3, f: (x) => N.norm(N.add(x, 3)) },
  { name: "div and log", n: 3, f: (x) => N.sum(N.div(N.log(N.add(N.square(x), 1)), N.add(N.square(x), 2))) },
  {
    name: "sqrt and pow",
    n: 3,
    f: (x) => N.sum(N.add(N.sqrt(N.add(N.square(x), 1)), N.pow(N.add(N.square(x), 0.5), 2.5))),
  },
  { name: "pow with a negative integer exponent", n: 3, f: (x) => N.sum(N.pow(N.add(N.square(x), 1), -2)) },
  { name: "matmul layer + softmax cross-entropy", n: 3, f: (x) => N.softmaxCrossEntropy(N.tanh(N.matmul(M, x)), [1]) },
  {
    name: "squared error of a tanh layer",
    n: 3,
    f: (x) => N.squaredError(N.tanh(N.matmul(M, x)), tensor([0.1, -0.2])),
  },
  {
    name: "mean, reshape, transpose, slice, concat",
    n: 6,
    f: (x) => {
      const A = N.transpose(N.reshape(x, [2, 3]));
      const B = N.concat([N.slice(A, [0, 0], [2, 2]), N.square(N.slice(A, [2, 0], [1, 2]))], 0);
      return N.mean(N.mul(B, N.sin(B)));
    },
  },
  { name: "broadcasting", n: 3, f: (x) => N.sum(N.mul(N.broadcastTo(x, [3, 3]), N.exp(N.reshape(x, [3, 1])))) },
  {
    name: "relu at smooth points (second derivative 0 there)",
    n: 3,
    f: (x) => N.sum(N.mul(N.relu(N.add(x, 3)), N.square(x))),
  },
];

describe("tier 3: hvp matches finite differences of gradients, and H is symmetric", () => {
  for (const p of programs) {
    it(p.name, () => {
      fc.assert(
        fc.property(uniforms(p.n), uniforms(p.n), uniforms(p.n), (x, v, w) => {
          const h = 1e-5;
          const Hv = hvp(p.f, x, v) as number[];
          const gp = grad(
            p.f,
            x.map((xi, i) => xi + h * v[i]),
          ) as number[];
          const gm = grad(
            p.f,
            x.map((xi, i) => xi - h * v[i]),
          ) as number[];
          for (let i = 0; i < p.n; i++) {
            expectClose(
              Hv[i],
              (gp[i] - gm[i]) / (2 * h),
              1e-5,
              1e-6,
              `${p.name}: (H v)[${i}] vs finite difference of gradients`,
            );
          }
          const Hw = hvp(p.f, x, w) as number[];
          expectClose(dot(Hv, w), dot(v, Hw), 1e-10, 1e-10, `${p.name}: <H v, w> vs <v, H w>`);
        }),
        { numRuns: 25, seed: 41 },
      );
    });
  }
  it("a linear function has H = 0; a quadratic has its exact H", () => {
    const v = [1, -2, 0.5];
    const lin = hvp((x: any) => N.sum(N.mul(x, 3)), [1, 2, 3], v) as number[];
    if (lin.some((t) => t !== 0)) throw new Error(`H v of a linear function: ${lin}`);
    const quad = hvp((x: any) => N.sum(N.square(x)), [1, 2, 3], v) as number[];
    if (quad.join() !== [2, -4, 1].join()) throw new Error(`H v of sum(x^2): ${quad}`);
  });
  it("at a kink the policy's choice is a constant: f = sum(relu(x) * x) has H = diag(2 relu'(x)) exactly", () => {
    const f = (x: any) => N.sum(N.mul(N.relu(x), x));
    for (const s of [0, 0.25, 1]) {
      const policy = N.policies.reluAt(s);
      const H = [0, 1, 2].map(
        (j) =>
          hvp(
            f,
            [0, 1, -1],
            [0, 1, 2].map((i) => (i === j ? 1 : 0)),
            { policy },
          ) as number[],
      );
      if (
        JSON.stringify(H) !==
        JSON.stringify([
          [2 * s, 0, 0],
          [0, 2, 0],
          [0, 0, 0],
        ])
      )
        throw new Error(`s = ${s}: H = ${JSON.stringify(H)}`);
    }
  });
  it("hvp rejects a non-finite direction", () => {
    let msg = "";
    try {
      hvp((x: any) => N.sum(N.square(x)), [1, 2], [1, NaN]);
    } catch (e) {
      msg = (e as Error).message;
    }
    if (!msg.includes("hvp: the direction has a non-finite value NaN at flat index 1"))
      throw new Error(`message: ${msg}`);
  });
});
