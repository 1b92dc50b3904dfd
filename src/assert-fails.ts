/**
 * Negative controls: a check that must be able to fail is run on a counterexample built to violate its claim,
 * and its failure is asserted.
 *
 * @module
 */
import { AssertionError } from "./assert";

/**
 * Runs `check` (a function that calls the assertion helpers) and returns the message of the
 * {@link AssertionError} it throws; throws an AssertionError with `message` when the check passes. Any other
 * error (a bug, bad input) propagates unchanged, so a crash never counts as the expected failure.
 *
 * @example
 * ```ts
 * import { assert, assertFails, assertEqual } from "nonsmooth-ad";
 * const isCritical = (g: number[]) => assertEqual(g, [0, 0], "0 is in the field");
 * isCritical([0, 0]);
 * const why = assertFails(() => isCritical([1, 0]), "the check must reject a non-critical point");
 * assert(why.includes("0 is in the field"));
 * ```
 */
export function assertFails(check: () => void, message = "the check was expected to fail but passed"): string {
  if (typeof check !== "function") throw new TypeError("assertFails: check must be a function that runs assertions");
  try {
    check();
  } catch (e) {
    if (e instanceof AssertionError) return e.message;
    throw e;
  }
  throw new AssertionError(message);
}
