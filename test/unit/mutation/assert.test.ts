// The assertion helpers every notebook claim goes through (src/assert.ts, src/negative-control.ts). A helper that
// passes what it should reject turns every notebook check into a check that cannot fail, so each rule is pinned
// here by a case on both sides of it: what it accepts, what it rejects, and the message it rejects with.
import { describe, expect, it } from "vitest";
import { AssertionError, assert, assertClose, assertEqual, assertFails } from "../../../src";

/** The message of the AssertionError that `f` throws (fails the test if it throws nothing or another error). */
function rejection(f: () => void): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(AssertionError);
    return (e as AssertionError).message;
  }
  throw new Error("expected an AssertionError, nothing was thrown");
}

describe("AssertionError", () => {
  it("is an Error named AssertionError", () => {
    const e = new AssertionError("claimed x");
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("AssertionError");
    expect(String(e)).toBe("AssertionError: claimed x");
  });
});

describe("assert", () => {
  it("passes on true only, with its default message otherwise", () => {
    expect(() => assert(true)).not.toThrow();
    expect(rejection(() => assert(false))).toBe("assertion failed");
    expect(rejection(() => assert(false, "claimed"))).toBe("claimed");
  });
});

describe("assertEqual: what counts as equal", () => {
  it("numbers by ===: 0 and -0 are equal, NaN equals NaN, 1 and 2 are not", () => {
    expect(() => assertEqual(0, -0)).not.toThrow();
    expect(() => assertEqual(Number.NaN, Number.NaN)).not.toThrow();
    expect(rejection(() => assertEqual(1, 2))).toBe("values differ: expected 2, got 1");
  });

  it("arrays and typed arrays element by element, lengths included", () => {
    expect(() => assertEqual([1, [2, 3]], [1, [2, 3]])).not.toThrow();
    expect(() => assertEqual(new Float64Array([1, 2]), new Float64Array([1, 2]))).not.toThrow();
    expect(() => assertEqual<unknown>(new Float64Array([1, 2]), [1, 2])).not.toThrow();
    expect(rejection(() => assertEqual([1], [2]))).toBe("values differ: expected [2], got [1]");
    expect(rejection(() => assertEqual([1], [1, 2]))).toBe("values differ: expected [1,2], got [1]");
    expect(rejection(() => assertEqual([1, 2], [1]))).toBe("values differ: expected [1], got [1,2]");
    expect(rejection(() => assertEqual([1, 2], [1, 3]))).toBe("values differ: expected [1,3], got [1,2]");
  });

  it("an array is not an object with the same indices, and neither is a typed array", () => {
    const like = { 0: 1, 1: 2 };
    expect(() => assertFails(() => assertEqual<unknown>([1, 2], like))).not.toThrow();
    expect(() => assertFails(() => assertEqual<unknown>(like, [1, 2]))).not.toThrow();
    expect(() => assertFails(() => assertEqual<unknown>(new Float64Array([1, 2]), like))).not.toThrow();
    expect(() => assertFails(() => assertEqual<unknown>(like, new Float64Array([1, 2])))).not.toThrow();
  });

  it("null or undefined against an array or an object is unequal (an AssertionError, not a TypeError)", () => {
    for (const [a, b] of [
      [[1], null],
      [null, [1]],
      [[1], undefined],
      [undefined, [1]],
      [{}, null],
      [null, {}],
      [{ a: 1 }, undefined],
    ] as const) {
      expect(() => assertFails(() => assertEqual<unknown>(a, b))).not.toThrow();
    }
  });

  it("plain objects key by key, both ways; a string is not an object with the same indices", () => {
    expect(() => assertEqual({ a: 1, b: [2] }, { b: [2], a: 1 })).not.toThrow();
    expect(rejection(() => assertEqual<object>({ a: 1 }, { a: 1, b: 2 }))).toBe(
      'values differ: expected {"a":1,"b":2}, got {"a":1}',
    );
    expect(() => assertFails(() => assertEqual<object>({ a: 1 }, { b: 1 }))).not.toThrow();
    expect(() => assertFails(() => assertEqual({ a: 1, b: 2 }, { a: 1, b: 3 }))).not.toThrow();
    expect(() => assertFails(() => assertEqual<unknown>("ab", { 0: "a", 1: "b" }))).not.toThrow();
    expect(() => assertFails(() => assertEqual<unknown>({ 0: "a", 1: "b" }, "ab"))).not.toThrow();
    expect(() => assertFails(() => assertEqual<unknown>(1, "1"))).not.toThrow();
  });
});

describe("assertEqual: the message names both values exactly", () => {
  it("-0 is written -0, strings are quoted, typed arrays listed, infinities named", () => {
    expect(rejection(() => assertEqual(-0, 1, "sign"))).toBe("sign: expected 1, got -0");
    expect(rejection(() => assertEqual(0.5, -2))).toBe("values differ: expected -2, got 0.5");
    expect(rejection(() => assertEqual("a", "b"))).toBe('values differ: expected "b", got "a"');
    expect(rejection(() => assertEqual(new Float64Array([1, 2]), new Float64Array([1, 3])))).toBe(
      "values differ: expected [1, 3], got [1, 2]",
    );
    expect(rejection(() => assertEqual({ a: Number.POSITIVE_INFINITY, b: "x" }, { a: 1, b: "x" }))).toBe(
      'values differ: expected {"a":1,"b":"x"}, got {"a":"Infinity","b":"x"}',
    );
    expect(rejection(() => assertEqual([Number.NEGATIVE_INFINITY], [Number.NaN]))).toBe(
      'values differ: expected ["NaN"], got ["-Infinity"]',
    );
  });

  it("a value JSON cannot write (a cycle) is written by String", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(rejection(() => assertEqual<unknown>(cyclic, {}))).toBe("values differ: expected {}, got [object Object]");
  });
});

describe("assertClose", () => {
  it("accepts within the tolerance, the bound included, and equal infinities", () => {
    expect(() => assertClose(1, 1.5, 0.5)).not.toThrow();
    expect(() => assertClose([1, 2], [1.25, 2.5], 0.5)).not.toThrow();
    expect(() => assertClose(new Float64Array([0, 3]), [0, 3], 0)).not.toThrow();
    expect(() => assertClose(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 0)).not.toThrow();
    expect(() => assertClose(1, 1 + 1e-10)).not.toThrow(); // the default tolerance is 1e-9
  });

  it("rejects past the tolerance, with the difference, and names the index for more than one value", () => {
    expect(rejection(() => assertClose(1, 2, 0.5))).toBe(
      "values are not close: expected 2, got 1 (|difference| 1 > tolerance 0.5)",
    );
    expect(rejection(() => assertClose([3], [1], 0.5, "x"))).toBe(
      "x: expected 1, got 3 (|difference| 2 > tolerance 0.5)",
    );
    expect(rejection(() => assertClose([1, 2, 3], [1, 2, 4], 0.5, "x"))).toBe(
      "x: expected 4 at index 2, got 3 (|difference| 1 > tolerance 0.5)",
    );
    expect(rejection(() => assertClose(1, 1 + 1e-8))).toMatch(/^values are not close: expected 1\.00000001, got 1 /);
    expect(rejection(() => assertClose(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, 1e300))).toMatch(
      /expected Infinity, got -Infinity/,
    );
  });

  it("a NaN fails whatever the tolerance", () => {
    expect(() => assertFails(() => assertClose(Number.NaN, Number.NaN, Number.POSITIVE_INFINITY))).not.toThrow();
    expect(() => assertFails(() => assertClose([0, Number.NaN], [0, 0], Number.POSITIVE_INFINITY))).not.toThrow();
    expect(() => assertFails(() => assertClose(0, Number.NaN, Number.POSITIVE_INFINITY))).not.toThrow();
  });

  it("rejects a length mismatch and a tolerance that is negative or NaN", () => {
    expect(rejection(() => assertClose([1, 2], [1], 1))).toBe("values are not close: expected 1 value(s), got 2");
    expect(rejection(() => assertClose(1, [1, 1], 1, "m"))).toBe("m: expected 2 value(s), got 1");
    expect(rejection(() => assertClose(1, 1, -1))).toBe("assertClose: tolerance must be >= 0, got -1");
    expect(rejection(() => assertClose(1, 1, Number.NaN))).toBe("assertClose: tolerance must be >= 0, got NaN");
  });
});

describe("assertFails", () => {
  it("names the default claim when the negative control passes", () => {
    expect(rejection(() => assertFails(() => undefined))).toBe(
      "negative control passed, but it must fail: the check fails on the counterexample",
    );
  });
});
