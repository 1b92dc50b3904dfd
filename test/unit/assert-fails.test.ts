import { describe, expect, it } from "vitest";
import { assert, assertFails, AssertionError } from "../../src";

describe("assertFails", () => {
  it("returns the message of the failed assertion", () => {
    expect(assertFails(() => assert(false, "boom"))).toBe("boom");
  });
  it("throws an AssertionError when the check passes", () => {
    expect(() => assertFails(() => assert(true), "must fail")).toThrow(AssertionError);
    expect(() => assertFails(() => undefined, "must fail")).toThrow(/must fail/);
  });
  it("lets other errors through: a crash is not the expected failure", () => {
    expect(() => assertFails(() => { throw new RangeError("bad input"); })).toThrow(RangeError);
    expect(() => assertFails(42 as unknown as () => void)).toThrow(/must be a function/);
  });
});
