/**
 * Checks of hyper-parameters, with messages that name the function, the parameter and the allowed range.
 *
 * @module
 */

/** A finite number > 0. */
export function positive(where: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v) || !(v > 0)) throw new Error(`${where}: ${name} must be a finite number > 0, got ${String(v)}`);
  return v;
}

/** A finite number >= 0. */
export function nonNegative(where: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v) || !(v >= 0)) throw new Error(`${where}: ${name} must be a finite number >= 0, got ${String(v)}`);
  return v;
}

/** A number in [0, 1) (momentum and decay rates). */
export function unitInterval(where: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !(v >= 0 && v < 1)) throw new Error(`${where}: ${name} must be in [0, 1), got ${String(v)}`);
  return v;
}

/** An integer >= min. */
export function integer(where: string, name: string, v: unknown, min = 1): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) throw new Error(`${where}: ${name} must be an integer >= ${min}, got ${String(v)}`);
  return v;
}

/** A finite number (any sign). */
export function finite(where: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`${where}: ${name} must be a finite number, got ${String(v)}`);
  return v;
}

/** One of a fixed set of strings. */
export function oneOf<T extends string>(where: string, name: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== "string" || !allowed.includes(v as T)) {
    throw new Error(`${where}: ${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}
