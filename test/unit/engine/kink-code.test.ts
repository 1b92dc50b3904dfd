// The code form of a kink test (the JavaScript expressions generated code inlines) computes exactly what the
// declared functions compute, at every special value and on both sides of every kink; a code form written wrong
// is caught by the same comparison.
import { describe, expect, it } from "vitest";
import { PRIMS } from "../../../src/engine/primitives";
import { compiledSource } from "../../../src/engine/compile";
import { policies, relu, scalar } from "../../../src";
import type { ElementKinkCode } from "../../../src/engine/nonsmooth";
import type { Primitive } from "../../../src/engine/trace";

const SPECIAL = [
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  2,
  -2,
  6,
  1e-300,
  -1e-300,
  Infinity,
  -Infinity,
  NaN,
  1 + 2 ** -52,
  1 - 2 ** -53,
];
const PARAMS: Record<string, unknown[]> = {
  clip: [
    { lo: -1, hi: 2 },
    { lo: 0, hi: 0 },
  ],
  hardtanh: [{ lo: -1, hi: 1 }],
  relu6: [{ lo: 0, hi: 6 }],
  softshrink: [{ lambda: 0.5 }, { lambda: 0 }],
};

/** Compares a code form with the declared functions on every pair (or single) of special values; returns the mismatches. */
function mismatches(
  name: string,
  arity: number,
  at: (a: number[], p: never) => boolean,
  switching: (a: number[], p: never) => number[],
  code: ElementKinkCode,
  params: unknown,
): string[] {
  const ops = arity === 1 ? ["(a)"] : ["(a)", "(b)"];
  const src = `return [${code.at(ops, "p")}, [${code.switching(ops, "p").join(", ")}]];`;
  const run = new Function("a", "b", "p", src) as (a: number, b: number, p: unknown) => [boolean, number[]];
  const bad: string[] = [];
  const pairs = arity === 1 ? SPECIAL.map((a) => [a]) : SPECIAL.flatMap((a) => SPECIAL.map((b) => [a, b]));
  for (const xs of pairs) {
    const [t, s] = run(xs[0], xs[1] ?? 0, params);
    const t0 = at([...xs], params as never);
    const s0 = switching([...xs], params as never);
    const same = t === t0 && s.length === s0.length && s.every((v, j) => Object.is(v, s0[j]));
    if (!same) bad.push(`${name}(${xs.join(", ")}): code ${t} [${s}] vs declared ${t0} [${s0}]`);
  }
  return bad;
}

describe("kink code forms", () => {
  const withCode = Object.entries(PRIMS as Record<string, Primitive<never>>).filter(
    ([, p]) => p.kink?.element?.code !== undefined,
  );

  it("the common nonsmooth primitives declare one", () => {
    const names = withCode.map(([n]) => n);
    for (const n of ["relu", "leakyRelu", "abs", "maximum", "minimum", "hinge", "clip", "softshrink"])
      expect(names).toContain(n);
  });

  it.each(withCode.map(([n, p]) => [n, p] as const))(
    "%s: the code form equals the declared test and switching",
    (name, p) => {
      const rule = p.kink!.element!;
      const arity = name === "maximum" || name === "minimum" ? 2 : 1;
      for (const params of PARAMS[name] ?? [name === "leakyRelu" ? { slope: 0.1 } : undefined])
        expect(mismatches(name, arity, rule.at, rule.switching!, rule.code!, params)).toEqual([]);
    },
  );

  it("negative control: a code form that moves the kink is caught", () => {
    const relu = (PRIMS as Record<string, Primitive<never>>).relu.kink!.element!;
    const wrong: ElementKinkCode = {
      at: ([a]) => `${a} === 0`,
      switching: ([a]) => [`${a} - 1e-300`],
      constantSelects: true,
    };
    expect(mismatches("relu", 1, relu.at, relu.switching!, wrong, undefined).length).toBeGreaterThan(0);
    const wrongAt: ElementKinkCode = { at: ([a]) => `${a} >= 0`, switching: ([a]) => [a], constantSelects: true };
    expect(mismatches("relu", 1, relu.at, relu.switching!, wrongAt, undefined).length).toBeGreaterThan(0);
  });
});

describe("compiled selects", () => {
  /** The generated line of relu's partial (entry 1) at x under a policy. */
  const partialLine = (x: number, policy = policies.pytorch): string =>
    compiledSource(relu, scalar(x), { policy })
      .split("\n")
      .find((l) => l.includes("const p1_0 ="))!
      .trim();

  it("a select constant on the guarded branch is written as its number, the policy's choice at a kink included", () => {
    expect(partialLine(1)).toBe("const p1_0 = (1);");
    expect(partialLine(-1)).toBe("const p1_0 = (0);");
    expect(partialLine(0, policies.reluAt(0.25))).toBe("const p1_0 = (0.25);");
  });

  it("control: a random policy's draw at a kink stays a call made at run time", () => {
    expect(partialLine(0, policies.random(3))).toMatch(/^const p1_0 = \(\(k\d+\[0\] = v0, k\d+\(k\d+, 0\)\)\);$/);
    // off the kink nothing is drawn: the constant again
    expect(partialLine(2, policies.random(3))).toBe("const p1_0 = (1);");
  });
});
