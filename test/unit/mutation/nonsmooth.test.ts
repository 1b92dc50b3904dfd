// The kind-generic kink code every interpreter reads (src/engine/nonsmooth.ts): the branch tests of the
// lexicographic mode (Khan and Barton 2015), the lookup of a kink by its policy key, the choice made at one kink
// hit and the words and flags of the kink report. Exact values on both sides of each rule.
import { describe, expect, it } from "vitest";
import { definePrimitive, policies } from "../../../src";
import type { KinkPolicy } from "../../../src";
import {
  checkSlotChoice,
  choose,
  describeKinkChoice,
  extremeChoices,
  fsign,
  fsignDiff,
  kinkByKey,
  outsideChoicesOf,
  userRange,
} from "../../../src/engine/nonsmooth";
import type { KinkDeclaration } from "../../../src/engine/nonsmooth";

const row = (...v: number[]) => Float64Array.from(v);
const decl = (key: string): KinkDeclaration<never> => {
  const d = kinkByKey(key);
  if (!d) throw new Error(`no kink declared under ${key}`);
  return d;
};

describe("fsign: the branch entered along the directions", () => {
  it("the sign of u when u is not 0, whatever the row", () => {
    expect(fsign(2, row(-1), 1)).toBe(1);
    expect(fsign(-2, row(1), 1)).toBe(-1);
  });
  it("at u = 0 (or -0): the sign of the first non-zero entry among the first k, 0 if all vanish", () => {
    expect(fsign(0, row(0, -2, 3), 3)).toBe(-1);
    expect(fsign(-0, row(0, 2, -3), 3)).toBe(1);
    expect(fsign(0, row(0, 0, 5), 2)).toBe(0); // the entry past k is not a direction
    expect(fsign(0, row(0, 0), 2)).toBe(0);
  });
  it("NaN for a NaN quantity (no branch), never a sign read from the row", () => {
    expect(fsign(Number.NaN, row(1), 1)).toBeNaN();
  });
});

describe("fsignDiff: which of a and b is larger along the directions", () => {
  it("compares a and b first, then the rows entry by entry, the first k only", () => {
    expect(fsignDiff(2, 1, row(0), row(5), 1)).toBe(1);
    expect(fsignDiff(1, 2, row(5), row(0), 1)).toBe(-1);
    expect(fsignDiff(1, 1, row(1, 2), row(1, 3), 2)).toBe(-1);
    expect(fsignDiff(1, 1, row(1, 4), row(1, 3), 2)).toBe(1);
    expect(fsignDiff(1, 1, row(1, 4), row(1, 3), 1)).toBe(0);
  });
  it("equal infinities tie (a - b would be NaN) and go to the rows; a NaN has no branch", () => {
    expect(fsignDiff(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, row(1), row(0), 1)).toBe(1);
    expect(fsignDiff(Number.NaN, 1, row(1), row(0), 1)).toBeNaN();
    expect(fsignDiff(1, Number.NaN, row(1), row(0), 1)).toBeNaN();
  });
});

describe("kinkByKey", () => {
  it("finds a key, and a bound of a clamp-like key, but no bound of a one-number key", () => {
    expect(decl("relu").op).toBe("relu");
    expect(kinkByKey("clip.lower")).toBe(decl("clip"));
    expect(kinkByKey("clip.upper")).toBe(decl("clip"));
    expect(kinkByKey("relu.lower")).toBeUndefined();
    expect(kinkByKey("clipx")).toBeUndefined(); // no dot: not a bound of clip
    expect(kinkByKey("nothing")).toBeUndefined();
    expect(kinkByKey("nothing.lower")).toBeUndefined();
    expect(kinkByKey(".lower")).toBeUndefined();
  });
  it("a user primitive's key is its own: its range is read by userRange, nothing else has one", () => {
    definePrimitive({
      name: "mutationShrink",
      arity: 1,
      value: (x) => Math.sign(x) * Math.max(Math.abs(x) - 1, 0),
      partials: (x) => [Math.abs(x) > 1 ? 1 : 0],
      kink: { at: (x) => Math.abs(x) === 1, range: [0, 1], default: 0, partials: (s) => [s] },
    });
    expect(userRange("mutationShrink")).toEqual([0, 1]);
    expect(userRange("relu")).toBeUndefined();
    expect(userRange("noSuchPrimitive")).toBeUndefined();
  });
});

describe("checkSlotChoice: a per-application choice lies in the Clarke range, bounds included", () => {
  const p = policies.pytorch;
  it("accepts the range's ends and refuses past them, and NaN", () => {
    expect(checkSlotChoice(p, "relu", 0, 0, 1)).toBe(0);
    expect(checkSlotChoice(p, "relu", 1, 0, 1)).toBe(1);
    expect(() => checkSlotChoice(p, "relu", 1.5, 0, 1)).toThrow(
      "policy pytorch: the choice 1.5 for relu is outside the Clarke set: allowed range is [0, 1]",
    );
    expect(() => checkSlotChoice(p, "relu", -0.5, 0, 1)).toThrow(/choice -0.5 for relu/);
    expect(() => checkSlotChoice(p, "relu", Number.NaN, 0, 1)).toThrow(/choice NaN for relu/);
    expect(() => checkSlotChoice(p, "relu", "0.5" as unknown as number, 0, 1)).toThrow(/choice 0.5 for relu/);
  });
});

describe("choose: the choice at one kink hit", () => {
  it("a fixed policy gives its field; a bound kink its bound's field", () => {
    const p = policies.custom({ relu: 0.25, clip: { lower: 0.5, upper: 0.75 } });
    expect(choose(p, decl("relu"), 0, 0, 0)).toBe(0.25);
    expect(choose(p, decl("clip"), 0, 0, 0, "lower")).toBe(0.5);
    expect(choose(p, decl("clip"), 0, 0, 1, "upper")).toBe(0.75);
  });
  it("a bound kink without a bound, and a kind without per-element choice, are refused by name", () => {
    expect(() => choose(policies.pytorch, decl("clip"), 0, 0, 0)).toThrow(
      'clip: the kink key "clip" (bounds) has no per-element choice without a bound',
    );
    expect(() => choose(policies.pytorch, decl("norm"), 0, 0, 0)).toThrow(
      /^norm: the kink key "norm" \(norm\) has no per-element choice$/,
    );
  });
  it("a policy without the field is refused with the key and what was expected", () => {
    const broken = { ...policies.pytorch, relu: undefined, clip: undefined } as unknown as KinkPolicy;
    expect(() => choose(broken, decl("relu"), 0, 0, 0)).toThrow(
      'policy pytorch: no choice for the kink key "relu" (expected a number)',
    );
    expect(() => choose(broken, decl("clip"), 0, 0, 0, "lower")).toThrow(
      'policy pytorch: no choice for the kink key "clip" (expected { lower, upper })',
    );
  });
  it("a per-application choice wins, is validated in the range, and undefined falls back", () => {
    const seen: string[] = [];
    const p = policies.perKink(policies.pytorch, (s) => {
      seen.push(`${s.key}@${s.node}:${s.element}`);
      return s.element === 1 ? undefined : 1;
    });
    expect(choose(p, decl("relu"), 4, 0, 0)).toBe(1);
    expect(choose(p, decl("relu"), 4, 1, 0)).toBe(0); // the base policy's relu'(0)
    expect(choose(p, decl("clip"), 5, 0, 0, "upper")).toBe(1);
    expect(choose(p, decl("clip"), 5, 1, 0, "lower")).toBe(1); // pytorch's clip.lower
    expect(seen).toEqual(["relu@4:0", "relu@4:1", "clip.upper@5:0", "clip.lower@5:1"]);
    const bad = policies.perKink(policies.pytorch, () => 2);
    expect(() => choose(bad, decl("abs"), 0, 0, 0)).toThrow(/the choice 2 for abs is outside the Clarke set/);
    expect(() => choose(bad, decl("clip"), 0, 0, 0, "lower")).toThrow(/the choice 2 for clip.lower/);
  });
  it("the random policy draws in the Clarke range, the same draw for the same hit, different across hits", () => {
    const p = policies.random(11);
    for (const key of ["abs", "hinge", "relu"]) {
      const c = decl(key).choice;
      const [lo, hi] = c.kind === "scalar" ? c.range : [Number.NaN, Number.NaN];
      const draws = Array.from({ length: 40 }, (_, e) => choose(p, decl(key), 3, e, 0));
      for (const v of draws) expect(v >= lo && v <= hi, `${key}: ${v} in [${lo}, ${hi}]`).toBe(true);
      expect(Math.min(...draws) < lo + (hi - lo) / 4 && Math.max(...draws) > hi - (hi - lo) / 4, key).toBe(true);
      expect(choose(p, decl(key), 3, 7, 0)).toBe(draws[7]);
    }
    for (const part of ["lower", "upper"] as const) {
      const draws = Array.from({ length: 40 }, (_, e) => choose(p, decl("clip"), 3, e, 0, part));
      for (const v of draws) expect(v >= 0 && v <= 1).toBe(true);
      expect(Math.min(...draws) < 0.25 && Math.max(...draws) > 0.75, part).toBe(true);
    }
    // the two bounds of one hit are two draws, not one
    for (let e = 0; e < 20; e++) {
      expect(choose(p, decl("clip"), 3, e, 0, "lower")).not.toBe(choose(p, decl("clip"), 3, e, 0, "upper"));
    }
  });
});

describe("describeKinkChoice: the kink report's words and its outside-the-Clarke-set flag", () => {
  it("one-number and bound choices, inside and outside", () => {
    const out = policies.custom({ relu: 2, clip: { lower: 0.5, upper: 3 } }, { outsideClarke: true });
    expect(describeKinkChoice(policies.pytorch, "relu")).toEqual({ choice: "relu = 0", outside: false });
    expect(describeKinkChoice(out, "relu")).toEqual({ choice: "relu = 2", outside: true });
    expect(describeKinkChoice(policies.pytorch, "clip")).toEqual({
      choice: "clip lower = 1, upper = 1",
      outside: false,
    });
    expect(describeKinkChoice(out, "clip")).toEqual({ choice: "clip lower = 0.5, upper = 3", outside: true });
    const low = policies.custom({ clip: { lower: -1, upper: 0.5 } }, { outsideClarke: true });
    expect(describeKinkChoice(low, "clip").outside).toBe(true);
    expect(describeKinkChoice(low, "clip.lower").outside).toBe(true);
  });
  it("ties, the norm, a non-Lipschitz kink, an unknown key and per-application policies", () => {
    expect(describeKinkChoice(policies.pytorch, "maxTies")).toEqual({
      choice: "1/k to each tied entry",
      outside: false,
    });
    expect(describeKinkChoice(policies.custom({ minTies: "first" }), "minTies").choice).toBe(
      "all to the first tied entry",
    );
    expect(describeKinkChoice(policies.custom({ minTies: "last" }), "minTies").choice).toBe(
      "all to the last tied entry",
    );
    expect(describeKinkChoice(policies.tfjs, "maxTies")).toEqual({ choice: "1 to each tied entry", outside: true });
    expect(describeKinkChoice(policies.pytorch, "norm")).toEqual({ choice: "gradient 0", outside: false });
    expect(describeKinkChoice(policies.jax, "norm")).toEqual({ choice: "gradient NaN", outside: true });
    expect(describeKinkChoice(policies.pytorch, "sqrt")).toEqual({ choice: "derivative +inf", outside: false });
    expect(describeKinkChoice(policies.pytorch, "nothing")).toEqual({ choice: "unknown", outside: false });
    const per = policies.perKink(policies.tfjs, () => undefined);
    expect(describeKinkChoice(per, "maxTies")).toEqual({
      choice: "chosen per application (validated in the Clarke set)",
      outside: false,
    });
  });
  it("the random policy: uniform in the range, never outside", () => {
    const r = policies.random(1);
    expect(describeKinkChoice(r, "abs")).toEqual({ choice: "uniform in [-1, 1]", outside: false });
    expect(describeKinkChoice(r, "clip")).toEqual({ choice: "uniform in [0, 1] at each bound", outside: false });
    expect(describeKinkChoice(r, "maxTies")).toEqual({
      choice: "uniform on the simplex of tied entries",
      outside: false,
    });
    expect(describeKinkChoice(r, "norm")).toEqual({ choice: "uniform in the unit ball", outside: false });
  });
  it("a user primitive: its default, the policy's number, outside its range, random", () => {
    definePrimitive({
      name: "mutationStep",
      arity: 1,
      value: (x) => Math.max(x, 0),
      partials: (x) => [x > 0 ? 1 : 0],
      kink: { at: (x) => x === 0, range: [0, 1], default: 0, partials: (s) => [s] },
    });
    const key = "primitives.mutationStep";
    expect(describeKinkChoice(policies.pytorch, key)).toEqual({ choice: "the primitive's default", outside: false });
    expect(describeKinkChoice(policies.custom({ primitives: { mutationStep: 1 } }), key)).toEqual({
      choice: `${key} = 1`,
      outside: false,
    });
    expect(describeKinkChoice(policies.custom({ primitives: { mutationStep: 3 } }), key)).toEqual({
      choice: `${key} = 3`,
      outside: true,
    });
    expect(describeKinkChoice(policies.random(2), key)).toEqual({ choice: "uniform in [0, 1]", outside: false });
  });
});

describe("extremeChoices: the vertices of the Clarke set at one kink slot", () => {
  it("the ends of a one-number range, of a bound's range, every tied entry; none for the rest", () => {
    expect(extremeChoices({ key: "abs", node: 0, element: 0 })).toEqual([-1, 1]);
    expect(extremeChoices({ key: "hinge", node: 0, element: 0 })).toEqual([-1, 0]);
    expect(extremeChoices({ key: "clip.upper", node: 0, element: 0 })).toEqual([0, 1]);
    expect(extremeChoices({ key: "clip", node: 0, element: 0 })).toBeNull();
    expect(extremeChoices({ key: "maxTies", node: 0, element: 0, ties: 3 })).toEqual([0, 1, 2]);
    expect(extremeChoices({ key: "maxTies", node: 0, element: 0 })).toEqual([0]);
    expect(extremeChoices({ key: "norm", node: 0, element: 0 })).toBeNull();
    expect(extremeChoices({ key: "sqrt", node: 0, element: 0 })).toBeNull();
    expect(extremeChoices({ key: "nothing", node: 0, element: 0 })).toBeNull();
    definePrimitive({
      name: "mutationRamp",
      arity: 1,
      value: (x) => Math.max(x, 0),
      partials: (x) => [x > 0 ? 1 : 0],
      kink: { at: (x) => x === 0, range: [0.25, 1], default: 0.25, partials: (s) => [s] },
    });
    expect(extremeChoices({ key: "primitives.mutationRamp", node: 0, element: 0 })).toEqual([0.25, 1]);
  });
});

describe("outsideChoicesOf: the choices outside the Clarke set at one kink", () => {
  it("lists a bound by bound, and nothing for a kink without a choice (sqrt) or a user primitive's", () => {
    const p = policies.custom({ clip: { lower: 2, upper: -1 }, relu: 3 }, { outsideClarke: true });
    expect(outsideChoicesOf(p, decl("clip"))).toEqual(["clip.lower=2", "clip.upper=-1"]);
    expect(outsideChoicesOf(p, decl("relu"))).toEqual(["relu=3"]);
    expect(outsideChoicesOf(p, decl("sqrt"))).toEqual([]);
    expect(outsideChoicesOf(policies.tfjs, decl("maxTies"))).toEqual(["maxTies=each"]);
    expect(outsideChoicesOf(policies.jax, decl("norm"))).toEqual(["norm=nan"]);
    expect(outsideChoicesOf(policies.pytorch, decl("norm"))).toEqual([]);
  });
});
