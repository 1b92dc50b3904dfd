import { describe, it, expect } from "vitest";
import { assertFails, assert, AssertionError } from "../../src";

describe("assertFails", () => {
  it("returns the failing check's message", () => {
    expect(assertFails(() => assert(false, "claimed x"))).toBe("claimed x");
  });
  it("throws an AssertionError when the check passes", () => {
    expect(() => assertFails(() => assert(true, "ok"), "must reject")).toThrow(AssertionError);
    expect(() => assertFails(() => undefined, "must reject")).toThrow(
      /negative control passed, but it must fail: must reject/,
    );
  });
  it("lets other errors through and rejects non-functions", () => {
    expect(() =>
      assertFails(() => {
        throw new RangeError("bug");
      }),
    ).toThrow(RangeError);
    expect(() => assertFails(42 as unknown as () => void)).toThrow(/expected a function/);
  });
});
