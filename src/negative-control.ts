/**
 * Negative controls: a check that cannot fail proves nothing, so a notebook runs each kind of check once more on a
 * counterexample built to violate the claim, and asserts that the check rejects it.
 *
 * @module
 */
import { AssertionError } from "./assert";

/**
 * Runs `check` (a function that asserts something) and asserts that it FAILS with an {@link AssertionError};
 * returns that error's message, which says what the check found. Any other error (a bug, bad input) propagates.
 *
 * @example
 * ```ts
 * import { assertFails, assert, assertEqual } from "nonsmooth-ad";
 * const inUnitInterval = (v: number) => assert(v >= 0 && v <= 1, `${v} lies in [0, 1]`);
 * inUnitInterval(0.5);                                  // the claim
 * const why = assertFails(() => inUnitInterval(1.5), "the check rejects 1.5"); // its negative control
 * assertEqual(why, "1.5 lies in [0, 1]");
 * ```
 */
export function assertFails(check: () => void, message = "the check fails on the counterexample"): string {
  if (typeof check !== "function") throw new TypeError("assertFails: expected a function that runs a check");
  try {
    check();
  } catch (e) {
    if (e instanceof AssertionError) return e.message;
    throw e;
  }
  throw new AssertionError(`negative control passed, but it must fail: ${message}`);
}
