// The tape is data: a flat list of nodes in evaluation order with op, inputs, shape, params, value and kink hits.
import { describe, expect, it } from "vitest";
import * as N from "../../../src";
import { makeTape, tensor } from "../../../src";

describe("makeTape", () => {
  it("records relu2 at 0 with its kink on the relu node", () => {
    const t = makeTape((x: any) => N.add(N.relu(N.neg(x)), x), 0);
    expect(t.entries.map((e) => [e.index, e.op, e.inputs, e.kinks])).toEqual([
      [0, "input", [], 0],
      [1, "neg", ["%0"], 0],
      [2, "relu", ["%1"], 1],
      [3, "add", ["%2", "%0"], 0],
    ]);
    expect(t.entries.every((e) => e.value !== undefined && e.value.every((v) => v === 0))).toBe(true);
    expect(t.kinks.total).toBe(1);
    expect(t.toString().split("\n")).toEqual([
      "%0 = input : [] = [0]",
      "%1 = neg(%0) : [] = [0]",
      "%2 = relu(%1) : [] = [0]  <- 1 at a kink",
      "%3 = add(%2, %0) : [] = [0]",
    ]);
  });
  it("shows constants, params and shapes; large values are left out", () => {
    const W = tensor([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    const t = makeTape((x: any) => N.max(N.clip(N.matmul(W, x), 0, 10), 0), [1, 0, -1]);
    const ops = t.entries.map((e) => e.op);
    expect(ops).toEqual(["input", "reshape", "matmul", "reshape", "clip", "max"]);
    const clip = t.entries[4];
    expect(clip.params).toBe("lo=0 hi=10");
    // W x = [-2, -2, -2]: below the clip's lower bound (no kink), clipped to [0, 0, 0]: a 3-way tie of max
    expect(clip.kinks).toBe(0);
    expect(t.entries[5].kinks).toBe(1);
    expect(t.entries[5].value).toEqual([0]);
    expect(t.entries[2].inputs[0]).toBe("const[3, 3]");
    const big = makeTape((x: any) => N.mul(x, 2), new Array(9).fill(1));
    expect(big.entries[1].value).toBeUndefined();
    expect(big.entries[1].inputs).toEqual(["%0", "2"]);
  });
  it("does not record the backward pass: a tape after grad is the forward program only", () => {
    const f = (x: any) => N.sum(N.mul(N.sin(x), x));
    expect(makeTape(f, [1, 2]).entries.map((e) => e.op)).toEqual(["input", "sin", "mul", "sum"]);
  });
});
