// Tier 3: errors are clear: each names the op or call and what was wrong (asserted on message substrings).
import { describe, expect, it } from "vitest";
import * as N from "../../../src";
import { grad, hvp, jacobian, jvp, policies, tensor, valueAndGrad, vjp, evaluate } from "../../../src";
import type { Tracer } from "../../../src";

describe("shape mismatches name the op and the shapes", () => {
  const a = tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  const b = tensor([1, 2, 3, 4]);
  it("elementwise broadcasting, outside and inside a differentiation call", () => {
    expect(() => N.add(a, b)).toThrow("add: shapes [2, 3] and [4] cannot be broadcast together");
    expect(() => N.maximum(a, b)).toThrow("maximum: shapes [2, 3] and [4] cannot be broadcast together");
    expect(() => grad((x: any) => N.sum(N.mul(x, b)), a)).toThrow(
      "mul: shapes [2, 3] and [4] cannot be broadcast together",
    );
  });
  it("matmul", () => {
    expect(() => N.matmul(a, tensor([[1, 2]]))).toThrow(
      "matmul: inner dimensions differ: [2, 3] times [1, 2] (3 vs 1)",
    );
    expect(() => N.matmul(tensor([1, 2]), tensor([1, 2, 3]))).toThrow("matmul: inner dimensions differ: [2] times [3]");
    expect(() => N.matmul(tensor(1), a)).toThrow("matmul: operands must be 1-D or 2-D, got [] and [2, 3]");
  });
  it("reshape, broadcastTo, concat, slice, transpose", () => {
    expect(() => N.reshape(a, [4])).toThrow("reshape: cannot reshape [2, 3] (6 elements) to [4]");
    expect(() => N.broadcastTo(a, [3, 3])).toThrow(/broadcastTo: .*\[2, 3\].*\[3, 3\]/);
    expect(() => N.concat([a, b])).toThrow("concat: shapes [2, 3], [4] differ outside axis 0");
    expect(() => N.slice(a, [1, 0], [2, 1])).toThrow(
      "slice: begin [1,0] size [2,1] is out of bounds for shape [2, 3] (axis 0)",
    );
    expect(() => N.transpose(a, [0, 0])).toThrow(
      "transpose: perm [0, 0] is not a permutation of the 2 axes of a tensor of shape [2, 3]",
    );
    expect(() => N.sum(a, 2)).toThrow("sum: axis 2 is out of range for a tensor of rank 2");
  });
  it("losses", () => {
    expect(() => N.softmaxCrossEntropy(a, [0])).toThrow("softmaxCrossEntropy: 1 labels for 2 rows of logits [2, 3]");
    expect(() => N.softmaxCrossEntropy(a, [0, 3])).toThrow(
      "softmaxCrossEntropy: label 3 at row 1 is not a class index in [0, 3)",
    );
    expect(() => N.squaredError(a, b)).toThrow(
      "squaredError: prediction [2, 3] and target [4] must have the same shape",
    );
  });
  it("bad parameters", () => {
    expect(() => N.clip(a, 1, 0)).toThrow("clip: the lower bound 1 must be below the upper bound 0");
    expect(() => N.pow(a, NaN)).toThrow("pow: the exponent must be a finite number, got NaN");
    expect(() => N.leakyRelu(a, Infinity)).toThrow("leakyRelu: slope must be a finite number");
    expect(() => N.mean(tensor([]))).toThrow("mean: cannot average an empty tensor of shape [0]");
    expect(() => N.add(a, "1" as any)).toThrow(
      "add: argument 1 must be a number, a Tensor or a traced value, got string",
    );
  });
  it("tensor construction", () => {
    expect(() => tensor([[1, 2], [3]])).toThrow("tensor: ragged nested array");
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow("Tensor: shape [2, 2] needs 4 values, got 3");
  });
});

describe("differentiation calls", () => {
  it("non-finite inputs, tangents and cotangents", () => {
    expect(() => valueAndGrad(N.relu, [1, NaN])).toThrow(
      "valueAndGrad: the input has a non-finite value NaN at flat index 1 (shape [2])",
    );
    expect(() => grad(N.relu, Infinity)).toThrow("non-finite value Infinity at flat index 0");
    expect(() => jvp(N.relu, [1, 2], [0, -Infinity])).toThrow(
      "jvp: the tangent has a non-finite value -Infinity at flat index 1",
    );
    expect(() => vjp(N.relu, [1, 2], [NaN, 0])).toThrow(
      "vjp: the cotangent has a non-finite value NaN at flat index 0",
    );
    expect(() => jacobian(N.relu, [NaN])).toThrow("jacobian: the input has a non-finite value NaN");
    expect(() => grad((v: any) => N.sum(v[0]), [tensor([1]), tensor([NaN])])).toThrow(
      "the input 1 has a non-finite value NaN",
    );
  });
  it("grad of a non-scalar function", () => {
    expect(() => valueAndGrad(N.relu, [1, 2, 3])).toThrow(
      "valueAndGrad: the function must return a scalar, but it returned a value of shape [3]; use vjp or jacobian for vector outputs",
    );
    expect(() => grad((x: any) => N.mul(x, 2), [1, 2])).toThrow(
      "the function must return a scalar, but it returned a value of shape [2]",
    );
    expect(() => hvp((x: any) => N.mul(x, 2), [1, 2], [1, 1])).toThrow("hvp: the function must return a scalar");
  });
  it("errors of grad name grad, the call the user made (not valueAndGrad, which grad calls)", () => {
    expect(() => grad(N.relu, [1, 2, 3])).toThrow(/^grad: /);
    expect(() => grad(N.relu, [1, NaN])).toThrow(/^grad: /);
    expect(() => grad(N.relu, 1, { polcy: policies.jax } as any)).toThrow(/^grad: /);
  });
  it("a traced value captured from one call and used in another", () => {
    let captured: Tracer | null = null;
    grad((x: any) => {
      captured = x;
      return N.mul(x, x);
    }, 2);
    expect(() => grad((y: any) => N.add(y, captured as unknown as Tracer), 3)).toThrow(
      /add: mixes values from two different traces: %0 belongs to "grad\(.*\)" \(trace \d+\), but the running call is .*; pass values into the function as arguments instead of capturing them/,
    );
    // and used after its call returned, outside any call
    expect(() => N.relu(captured as unknown as Tracer)).toThrow("relu: got a traced value (%0 of");
    expect(() => N.relu(captured as unknown as Tracer)).toThrow(
      "traced values cannot escape the function being differentiated",
    );
  });
  it("nested differentiation is refused with the same clear message", () => {
    expect(() => grad((x: any) => grad((y: any) => N.mul(x, y), 1) as number, 2)).toThrow(
      "mul: mixes values from two different traces",
    );
  });
  it("a function returning a traced value of another call", () => {
    let captured: Tracer | null = null;
    grad((x: any) => ((captured = x), N.mul(x, 1)), 2);
    expect(() => grad(() => captured as unknown as Tracer, 3)).toThrow(
      "grad: the function returned a traced value from another call",
    );
  });
  it("functions returning something else", () => {
    expect(() => grad((() => "x") as any, 1)).toThrow(
      "the function must return a number, a Tensor or a traced value, got string",
    );
    expect(() => grad(42 as any, 1)).toThrow("the first argument must be the function to differentiate");
  });
  it("unknown policy key, a non-policy, unknown option, unknown precision, bad mode", () => {
    expect(() => policies.custom({ relu: 0, kink: 1 } as any)).toThrow('policies.custom: unknown key "kink"');
    expect(() => grad(N.relu, 0, { policy: { relu: 0 } as any })).toThrow(
      "policy must be a kink policy such as policies.pytorch or policies.custom({...})",
    );
    expect(() => grad(N.relu, 0, { policy: "jax" as any })).toThrow("policy must be a kink policy");
    expect(() => valueAndGrad(N.relu, 0, { polcy: policies.jax } as any)).toThrow(
      'valueAndGrad: unknown option "polcy": expected policy and precision',
    );
    expect(() => jvp(N.relu, 0, 1, { mode: "forward" } as any)).toThrow('jvp: unknown option "mode"');
    expect(() => evaluate(N.relu, 0, { precision: "float8" as any })).toThrow(
      'evaluate: unknown precision "float8": expected one of float64, float32, float16',
    );
    expect(() => jacobian(N.relu, [0], { mode: "sideways" as any })).toThrow(
      'jacobian: mode must be "forward" or "reverse", got "sideways"',
    );
    expect(() => jacobian(N.relu, [0], { precison: "float32" } as any)).toThrow('jacobian: unknown option "precison"');
    expect(() => grad(N.relu, 0, 5 as any)).toThrow("options must be an object like { policy, precision }");
  });
  it("bad inputs and mismatched tangents", () => {
    expect(() => grad(N.relu, "1" as unknown as number)).toThrow(
      "the input must be a number, an array of numbers, a Float64Array, a Tensor or an array of Tensors",
    );
    expect(() => jvp(N.relu, [1, 2], [1])).toThrow("jvp: the tangent must have the shape of the input ([2])");
    expect(() => vjp(N.relu, [1, 2], [1, 2, 3])).toThrow(
      "vjp: the cotangent has shape [3] but the output has shape [2]",
    );
    expect(() => hvp((x: any) => N.sum(x), [1, 2], [1])).toThrow("hvp: the direction must have the shape of the input");
  });
  it("the targets of softmaxCrossEntropy must be constants", () => {
    expect(() => grad((v: any) => N.sum(N.softmaxCrossEntropy(v, v)), tensor([[0.5, 0.5]]))).toThrow(
      "softmaxCrossEntropy: the targets must be constants, not traced values",
    );
  });
});
