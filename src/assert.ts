/**
 * Assertion helpers for notebooks and examples. Unlike `console.assert`, they throw, so a false claim in a
 * notebook cell fails the cell (and the workbook run, and CI).
 *
 * @module
 */

/**
 * The error thrown by the assertion helpers; its message says what was claimed and what was found.
 *
 * @example
 * ```ts
 * import { assertEqual, AssertionError, assert } from "nonsmooth-ad";
 * let caught: unknown;
 * try { assertEqual(1 + 1, 3, "sum"); } catch (e) { caught = e; }
 * assert(caught instanceof AssertionError && caught.message === "sum: expected 3, got 2", String(caught));
 * ```
 */
export class AssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AssertionError";
  }
}

function describe(x: unknown): string {
  if (typeof x === "number") return Object.is(x, -0) ? "-0" : String(x);
  // Stryker disable next-line ConditionalExpression,StringLiteral: JSON.stringify below writes strings alike
  if (typeof x === "string") return JSON.stringify(x);
  if (ArrayBuffer.isView(x)) return `[${Array.from(x as unknown as ArrayLike<number>).join(", ")}]`;
  try {
    return JSON.stringify(x, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v));
  } catch {
    return String(x);
  }
}

/**
 * Throws an {@link AssertionError} with `message` unless `condition` is true.
 *
 * @example
 * ```ts
 * import { assert } from "nonsmooth-ad";
 * assert(1 + 1 === 2, "arithmetic works");
 * ```
 */
export function assert(condition: boolean, message = "assertion failed"): asserts condition {
  if (condition !== true) throw new AssertionError(message);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  // 0 and -0 are equal here; a number equals no other type (that is what the branches below find too, so the test
  // reads only a's type)
  if (typeof a === "number") return a === b;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b) || Array.isArray(a) || Array.isArray(b)) {
    const xa = a as ArrayLike<unknown>;
    const xb = b as ArrayLike<unknown>;
    // one side is an array or a typed array, so its length is a number and a missing length differs from it
    if (xa == null || xb == null || xa.length !== xb.length) return false;
    // Stryker disable next-line EqualityOperator: i <= length reads undefined on both sides at i = length (equal)
    for (let i = 0; i < xa.length; i++) if (!deepEqual(xa[i], xb[i])) return false;
    return true;
  }
  if (a && b && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a as object).sort();
    const kb = Object.keys(b as object).sort();
    if (!deepEqual(ka, kb)) return false;
    return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

/**
 * Throws unless `actual` equals `expected` exactly (numbers by `===`, arrays, typed arrays and plain objects
 * element by element).
 *
 * @example
 * ```ts
 * import { assertEqual } from "nonsmooth-ad";
 * assertEqual([1, 2], [1, 2], "same array");
 * ```
 */
export function assertEqual<T>(actual: T, expected: T, message = "values differ"): void {
  if (!deepEqual(actual, expected)) {
    throw new AssertionError(`${message}: expected ${describe(expected)}, got ${describe(actual)}`);
  }
}

function toNumbers(x: number | ArrayLike<number>): number[] {
  return typeof x === "number" ? [x] : Array.from(x);
}

/**
 * Throws unless `actual` is within `tolerance` of `expected` (absolute difference, element by element for
 * arrays). A NaN anywhere fails, whatever the tolerance.
 *
 * @example
 * ```ts
 * import { assertClose } from "nonsmooth-ad";
 * assertClose(Math.sin(Math.PI), 0, 1e-12, "sin(pi) is 0 to rounding");
 * ```
 */
export function assertClose(
  actual: number | ArrayLike<number>,
  expected: number | ArrayLike<number>,
  tolerance = 1e-9,
  message = "values are not close",
): void {
  if (!(tolerance >= 0)) throw new AssertionError(`assertClose: tolerance must be >= 0, got ${tolerance}`);
  const a = toNumbers(actual);
  const e = toNumbers(expected);
  if (a.length !== e.length) {
    throw new AssertionError(`${message}: expected ${e.length} value(s), got ${a.length}`);
  }
  // Stryker disable next-line EqualityOperator: i <= length compares undefined === undefined at i = length (ok)
  for (let i = 0; i < a.length; i++) {
    const ok = a[i] === e[i] || Math.abs(a[i] - e[i]) <= tolerance; // === lets +inf match +inf
    if (!ok) {
      const where = a.length > 1 ? ` at index ${i}` : "";
      throw new AssertionError(
        `${message}: expected ${describe(e[i])}${where}, got ${describe(a[i])} (|difference| ${Math.abs(a[i] - e[i])} > tolerance ${tolerance})`,
      );
    }
  }
}
