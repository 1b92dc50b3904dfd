// The one validation module (src/validate.ts): one argument order (fn, name, value, ...), each check returns the
// value it accepted, and each message names the function, the argument and the bad value.
import { describe, expect, it } from "vitest";
import {
  allPositive,
  finite,
  finiteArray,
  integer,
  interval,
  nonNegative,
  numericField,
  oneOf,
  openUnitInterval,
  positive,
  recordArray,
  sameLength,
  unitInterval,
} from "../../src/validate";

describe("validate", () => {
  it("accepts good values and returns them", () => {
    expect(finite("f", "x", -2.5)).toBe(-2.5);
    expect(positive("f", "x", 1e-9)).toBe(1e-9);
    expect(nonNegative("f", "x", 0)).toBe(0);
    expect(unitInterval("f", "beta", 0)).toBe(0);
    expect(openUnitInterval("f", "armijo", 0.5)).toBe(0.5);
    expect(integer("f", "n", 0, 0)).toBe(0);
    expect(oneOf("f", "mode", "b", ["a", "b"] as const)).toBe("b");
    expect(finiteArray("f", "xs", Float64Array.of(1, 2))).toEqual([1, 2]);
    expect(interval("f", "domain", [-1, 1])).toEqual([-1, 1]);
    expect(numericField("f", "rows", [{ a: 1 }, { a: 2 }], "a")).toEqual([1, 2]);
    expect(recordArray("f", "rows", [{}])).toEqual([{}]);
    expect(() => sameLength("f", "x", 2, "y", 2)).not.toThrow();
    expect(() => allPositive("f", "y", [1, 2], "a log axis")).not.toThrow();
  });

  it("names the function, the argument and the bad value; TypeError for a wrong type, RangeError for a bad range", () => {
    expect(() => finite("f", "x", NaN)).toThrow("f: x is NaN; it must be a finite number");
    expect(() => finite("f", "x", "1")).toThrow(TypeError);
    expect(() => positive("sgd", "step size", -0.1)).toThrow("sgd: step size must be a finite number > 0, got -0.1");
    expect(() => positive("sgd", "step size", Infinity)).toThrow(RangeError);
    expect(() => positive("sgd", "step size", "0.1")).toThrow(TypeError);
    expect(() => nonNegative("f", "p", -1)).toThrow("f: p must be a finite number >= 0, got -1");
    expect(() => unitInterval("adam", "beta1", 1)).toThrow("adam: beta1 must be in [0, 1), got 1");
    expect(() => openUnitInterval("f", "backtrack", 0)).toThrow("f: backtrack must be in (0, 1), got 0");
    expect(() => openUnitInterval("f", "backtrack", 1)).toThrow(RangeError);
    expect(() => integer("mlp", "sizes[1]", 0)).toThrow("mlp: sizes[1] must be an integer >= 1, got 0");
    expect(() => integer("f", "n", 2.5, 2)).toThrow(RangeError);
    expect(() => oneOf("inna", "initialization", "tf", ["paper", "keras"])).toThrow(
      'inna: initialization must be one of "paper", "keras", got "tf"',
    );
    expect(() => finiteArray("linePlot", "series[0].y", [1, NaN])).toThrow("linePlot: series[0].y[1] is NaN");
    expect(() => finiteArray("f", "xs", "12")).toThrow(TypeError);
    expect(() => interval("f", "domain", [1, 0])).toThrow("f: domain must satisfy min < max, got [1, 0]");
    expect(() => interval("f", "domain", [0, undefined])).toThrow("f: domain[1] is undefined");
    expect(() => numericField("scatterPlot", "records", [{ a: 1 }, { a: Infinity }], "a")).toThrow(
      "scatterPlot: records[1].a is Infinity",
    );
    expect(() => recordArray("f", "records", [{}, 3])).toThrow("f: records[1] must be an object, got 3");
    expect(() => sameLength("f", "x", 2, "y", 3)).toThrow("f: x has length 2 but y has length 3; they must match");
    expect(() => allPositive("f", "y", [1, 0], "a log y axis")).toThrow("f: y[1] is 0; a log y axis needs values > 0");
    expect(() => allPositive("f", (i) => `records[${i}].v`, [-1], "a log axis")).toThrow("f: records[0].v is -1");
  });
});
