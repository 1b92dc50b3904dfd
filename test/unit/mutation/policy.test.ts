// Kink policies (src/policy.ts): the presets' names, the validation of policies.custom and of the opt-in for
// choices outside the Clarke set, and checkPolicy, the one check every differentiation call runs on its policy.
// A rule that lets a bad choice through lets a notebook teach with a policy that is not what it says.
import { describe, expect, it } from "vitest";
import { outsideClarkeChoices, policies, presets } from "../../../src";
import type { KinkPolicy, PolicyChoices } from "../../../src";
import { checkPolicy } from "../../../src/policy";

describe("presets", () => {
  it("each preset is named after its framework, and presets lists the same objects as policies", () => {
    for (const name of ["pytorch", "jax", "tensorflow", "tfjs"] as const) {
      expect(policies[name].name).toBe(name);
      expect(presets[name]).toBe(policies[name]);
    }
    expect(Object.keys(presets)).toEqual(["pytorch", "jax", "tensorflow", "tfjs"]);
  });
  it("a policy and its bound choices are frozen", () => {
    for (const p of [policies.pytorch, policies.custom({ clip: 0.5 }), policies.random(3)]) {
      expect(Object.isFrozen(p)).toBe(true);
      for (const k of ["clip", "hardtanh", "relu6", "softshrink"] as const) expect(Object.isFrozen(p[k]), k).toBe(true);
      expect(Object.isFrozen(p.primitives)).toBe(true);
    }
  });
  it("random and reluAt name what they are", () => {
    expect(policies.random(7).name).toBe("random(7)");
    expect(policies.random(7).randomSeed).toBe(7);
    expect(policies.reluAt(0.25).name).toBe("relu'(0)=0.25");
  });
});

describe("policies.custom: what it accepts", () => {
  it("every tie rule inside the Clarke set, the zero norm gradient, an explicit false opt-in", () => {
    for (const rule of ["split", "first", "last"] as const) {
      expect(policies.custom({ maxTies: rule, minTies: rule }).maxTies).toBe(rule);
    }
    expect(policies.custom({ norm: "zero" }).norm).toBe("zero");
    expect(policies.custom({ relu: 1 }, { outsideClarke: false }).relu).toBe(1);
    expect(policies.custom({ relu: 0.5 }, {}).name).toBe("custom");
    expect(policies.custom({ relu: 1, abs: -1, hinge: -1, name: "ends" }).name).toBe("ends");
  });
  it("the opt-in names the policy only when some choice does lie outside", () => {
    expect(policies.custom({ relu: 2 }, { outsideClarke: true }).name).toBe("custom [outside the Clarke set]");
    expect(policies.custom({ norm: "nan" }, { outsideClarke: true }).norm).toBe("nan");
    expect(policies.custom({ relu: 0.5 }, { outsideClarke: true }).name).toBe("custom");
  });
  it("primitives' choices as finite numbers", () => {
    expect(policies.custom({ primitives: { a: 0.5 } }).primitives).toEqual({ a: 0.5 });
  });
});

describe("policies.custom: what it refuses, and the message", () => {
  it("a value outside the Clarke range, with the opt-in named only for a finite number", () => {
    expect(() => policies.custom({ relu: 2 })).toThrow(
      "policies.custom: relu = 2 is outside the Clarke set: allowed range is [0, 1]; pass { outsideClarke: true } as the second argument to allow it",
    );
    expect(() => policies.custom({ hinge: 0.5 })).toThrow(
      /hinge = 0.5 is outside the Clarke set: allowed range is \[-1, 0\]/,
    );
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      let message = "";
      try {
        policies.custom({ relu: bad });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toBe(`policies.custom: relu = ${bad} is outside the Clarke set: allowed range is [0, 1]`);
    }
    expect(() => policies.custom({ relu: "1" as unknown as number })).toThrow(
      /^policies.custom: relu = 1 is outside the Clarke set: allowed range is \[0, 1\]$/,
    );
  });
  it("with the opt-in, anything but a finite number", () => {
    for (const bad of [Number.NaN, Number.NEGATIVE_INFINITY]) {
      expect(() => policies.custom({ relu: bad }, { outsideClarke: true })).toThrow(
        `policies.custom: relu = ${bad} must be a finite number`,
      );
      expect(() => policies.custom({ clip: { upper: bad } }, { outsideClarke: true })).toThrow(
        `policies.custom: clip.upper = ${bad} must be a finite number`,
      );
    }
  });
  it("a bound choice outside the range, by bound", () => {
    expect(() => policies.custom({ clip: { lower: 1.5 } })).toThrow(/^policies.custom: clip.lower = 1.5 is outside/);
    expect(() => policies.custom({ clip: 1.5 })).toThrow(/^policies.custom: clip = 1.5 is outside/);
  });
  it("ties: each only with the opt-in, an unknown rule never", () => {
    expect(() => policies.custom({ maxTies: "each" })).toThrow(
      'policies.custom: maxTies = "each" is outside the Clarke set: allowed are "split", "first", "last"; pass { outsideClarke: true } as the second argument to allow it',
    );
    expect(() => policies.custom({ maxTies: "all" as "each" }, { outsideClarke: true })).toThrow(
      'policies.custom: maxTies = "all": allowed are "split", "first", "last"',
    );
  });
  it("the norm: nan only with the opt-in, anything else never", () => {
    expect(() => policies.custom({ norm: "nan" })).toThrow(
      'policies.custom: norm = "nan" is outside the Clarke set: allowed is "zero"; pass { outsideClarke: true } as the second argument to allow it',
    );
    expect(() => policies.custom({ norm: "inf" as "nan" }, { outsideClarke: true })).toThrow(
      'policies.custom: norm = "inf": allowed are "zero" and, outside the Clarke set, "nan"',
    );
  });
  it("choices that are not an object, primitives that are not finite numbers", () => {
    expect(() => policies.custom(null as unknown as PolicyChoices)).toThrow(
      "policies.custom: expected an object of choices",
    );
    expect(() => policies.custom(3 as unknown as PolicyChoices)).toThrow(
      "policies.custom: expected an object of choices",
    );
    expect(() => policies.custom({ primitives: null as unknown as Record<string, number> })).toThrow(
      "policies.custom: primitives must be an object of numbers by primitive name, got null",
    );
    expect(() => policies.custom({ primitives: 2 as unknown as Record<string, number> })).toThrow(
      "policies.custom: primitives must be an object of numbers by primitive name, got 2",
    );
    expect(() => policies.custom({ primitives: { a: Number.NaN } })).toThrow(
      "policies.custom: primitives.a must be a finite number, got NaN",
    );
    expect(() => policies.custom({ primitives: { a: "1" as unknown as number } })).toThrow(
      "policies.custom: primitives.a must be a finite number, got 1",
    );
  });
  it("a second argument that is not { outsideClarke?: boolean }", () => {
    for (const bad of [null, 1, [true]]) {
      expect(() => policies.custom({}, bad as unknown as { outsideClarke: boolean })).toThrow(
        /^policies.custom: the second argument must be \{ outsideClarke: true \} or omitted/,
      );
    }
    expect(() => policies.custom({}, { outsideClarke: "yes" as unknown as boolean })).toThrow(
      'policies.custom: outsideClarke must be true or false, got "yes"',
    );
  });
});

describe("outsideClarkeChoices", () => {
  it("refuses what is not a policy", () => {
    for (const bad of [null, 3, "pytorch"]) {
      expect(() => outsideClarkeChoices(bad as unknown as PolicyChoices)).toThrow(
        `outsideClarkeChoices: the policy must be an object of choices, got ${String(bad)}`,
      );
    }
  });
});

describe("checkPolicy: one check for every policy however it was made", () => {
  const spread = (change: Record<string, unknown>) => ({ ...policies.pytorch, ...change });
  it("accepts a preset spread by hand, and a valid random seed", () => {
    expect(checkPolicy(spread({}), "w").name).toBe("pytorch");
    expect(checkPolicy(spread({ randomSeed: 5 }), "w").randomSeed).toBe(5);
  });
  it("refuses what is not a policy, naming the call", () => {
    for (const bad of [null, 3, { relu: 0 }]) {
      expect(() => checkPolicy(bad, "w")).toThrow(
        /^w: policy must be a kink policy such as policies.pytorch or policies.custom\(\{...\}\), got /,
      );
    }
  });
  it("a bound choice that is not { lower, upper } of finite numbers", () => {
    for (const bad of [null, 1]) {
      expect(() => checkPolicy(spread({ clip: bad }), "w")).toThrow(
        `w: policy.clip must be { lower, upper }, got ${String(bad)}`,
      );
    }
    expect(() => checkPolicy(spread({ clip: { lower: Number.NaN, upper: 1 } }), "w")).toThrow(
      /^w: policy\.clip\.lower is /,
    );
    expect(() => checkPolicy(spread({ clip: { lower: 1, upper: "1" } }), "w")).toThrow(/^w: policy\.clip\.upper is /);
  });
  it("a tie rule, a norm rule, primitives, a seed and perKink of the wrong kind", () => {
    expect(() => checkPolicy(spread({ minTies: "all" }), "w")).toThrow(/^w: policy\.minTies must be one of "split"/);
    expect(() => checkPolicy(spread({ norm: "inf" }), "w")).toThrow(/^w: policy\.norm must be one of "zero", "nan"/);
    for (const bad of [null, 1]) {
      expect(() => checkPolicy(spread({ primitives: bad }), "w")).toThrow(
        `w: policy.primitives must be an object of numbers by primitive name, got ${String(bad)}`,
      );
    }
    expect(() => checkPolicy(spread({ primitives: { a: Number.NaN } }), "w")).toThrow(/^w: policy\.primitives\.a is /);
    expect(() => checkPolicy(spread({ randomSeed: 1.5 }), "w")).toThrow(/^w: policy\.randomSeed must be an integer/);
    expect(() => checkPolicy(spread({ perKink: 1 }), "w")).toThrow(
      "w: policy.perKink must be a function of the kink slot, got 1",
    );
    expect(() => checkPolicy(spread({ extra: 1 }), "w")).toThrow(/^w: policy has an unknown key "extra"/);
  });
  it("policies.perKink checks the name it is given like any policy", () => {
    expect(() => policies.perKink(policies.pytorch, () => undefined, 42 as unknown as string)).toThrow(
      /^policies\.perKink: policy must be a kink policy/,
    );
    expect((policies.perKink(policies.pytorch, () => undefined) as KinkPolicy).name).toBe("perKink(pytorch)");
  });
});

describe("policies.custom: the name is checked like the rest of the policy", () => {
  it("a name that is not a string is refused by the policy check, which names the policy", () => {
    expect(() => policies.custom({ name: 5 as unknown as string })).toThrow(/^policy 5: policy must be a kink policy/);
  });
});
