// Issue 15, defect 12: `--timeout Infinity` (or 1e7) made the workbook's backstop timer fire at once, because Node
// caps timers at 2^31 - 1 ms (a longer delay is taken as 1 ms). Such timeouts are refused with the limit and why.
import { describe, expect, it } from "vitest";
import { parseArgs } from "../../scripts/workbook.mjs";

describe("workbook --timeout", () => {
  it("refuses timeouts the backstop timer cannot wait for, naming the limit", () => {
    for (const t of ["Infinity", "1e7", "2147364"]) {
      expect(() => parseArgs(["--timeout", t], {})).toThrow(
        /the timeout must be at most 2147363 s \(about 24 days\): Node's timers cannot wait longer/,
      );
    }
    expect(() => parseArgs([], { NSAD_NOTEBOOK_TIMEOUT: "Infinity" })).toThrow(/at most 2147363 s/);
  });
  it("accepts the largest timeout the backstop can wait for", () => {
    expect(parseArgs(["--timeout", "2147363"], {}).timeout).toBe(2147363);
  });
});
