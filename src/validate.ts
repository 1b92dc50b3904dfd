/**
 * Checks of user input, shared by the whole library. One convention for every check: `(fn, name, value, ...)`,
 * the function being called, the name of the argument (or field, or index) being checked, then the value; every
 * check returns the value it accepted (narrowed), so that a caller can check and bind in one line.
 *
 * Every message names the function, the argument and the bad value: `fn: name must be ..., got value` (or
 * `fn: name is value; ...` for one entry of an array or a record). A wrong type throws a TypeError, a value of the
 * right type but outside the allowed range a RangeError.
 *
 * @module
 * @internal
 */

/** The bad value as it appears in a message: numbers and undefined as themselves, the rest as JSON. */
function describeValue(v: unknown): string {
  if (typeof v === "number") return String(v);
  if (v === undefined) return "undefined";
  if (typeof v === "function") return "a function";
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** A number that is finite (any sign). @internal */
export function finite(fn: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v))
    throw new TypeError(`${fn}: ${name} is ${describeValue(v)}; it must be a finite number`);
  return v;
}

/** A finite number > 0. @internal */
export function positive(fn: string, name: string, v: unknown): number {
  if (typeof v !== "number") throw new TypeError(`${fn}: ${name} must be a finite number > 0, got ${describeValue(v)}`);
  if (!Number.isFinite(v) || !(v > 0))
    throw new RangeError(`${fn}: ${name} must be a finite number > 0, got ${describeValue(v)}`);
  return v;
}

/** A finite number >= 0. @internal */
export function nonNegative(fn: string, name: string, v: unknown): number {
  if (typeof v !== "number")
    throw new TypeError(`${fn}: ${name} must be a finite number >= 0, got ${describeValue(v)}`);
  if (!Number.isFinite(v) || !(v >= 0))
    throw new RangeError(`${fn}: ${name} must be a finite number >= 0, got ${describeValue(v)}`);
  return v;
}

/** A number in [0, 1) (momentum and decay rates). @internal */
export function unitInterval(fn: string, name: string, v: unknown): number {
  if (typeof v !== "number") throw new TypeError(`${fn}: ${name} must be in [0, 1), got ${describeValue(v)}`);
  if (!(v >= 0 && v < 1)) throw new RangeError(`${fn}: ${name} must be in [0, 1), got ${describeValue(v)}`);
  return v;
}

/** A number in (0, 1) (shrink factors, Armijo constants). @internal */
export function openUnitInterval(fn: string, name: string, v: unknown): number {
  if (typeof v !== "number") throw new TypeError(`${fn}: ${name} must be in (0, 1), got ${describeValue(v)}`);
  if (!(v > 0 && v < 1)) throw new RangeError(`${fn}: ${name} must be in (0, 1), got ${describeValue(v)}`);
  return v;
}

/** An integer >= min (default 1). @internal */
export function integer(fn: string, name: string, v: unknown, min = 1): number {
  if (typeof v !== "number")
    throw new TypeError(`${fn}: ${name} must be an integer >= ${min}, got ${describeValue(v)}`);
  if (!Number.isInteger(v) || v < min)
    throw new RangeError(`${fn}: ${name} must be an integer >= ${min}, got ${describeValue(v)}`);
  return v;
}

/** One of a fixed set of strings. @internal */
export function oneOf<T extends string>(fn: string, name: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== "string" || !allowed.includes(v as T)) {
    throw new RangeError(
      `${fn}: ${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, got ${describeValue(v)}`,
    );
  }
  return v as T;
}

/** An array-like of finite numbers, copied into a plain array; a bad entry is named `name[i]`. @internal */
export function finiteArray(fn: string, name: string, values: unknown): number[] {
  if (values == null || typeof values === "string" || typeof (values as ArrayLike<number>).length !== "number") {
    throw new TypeError(`${fn}: ${name} must be an array of numbers, got ${describeValue(values)}`);
  }
  const a = values as ArrayLike<unknown>;
  const out = new Array<number>(a.length);
  for (let i = 0; i < a.length; i++) out[i] = finite(fn, `${name}[${i}]`, a[i]);
  return out;
}

/** Every entry > 0 (a log scale needs it; `why` says what needs it); `name` names the entries or the array. @internal */
export function allPositive(
  fn: string,
  name: string | ((i: number) => string),
  values: readonly number[],
  why: string,
): void {
  for (let i = 0; i < values.length; i++) {
    const where = typeof name === "function" ? name(i) : `${name}[${i}]`;
    if (!(values[i] > 0)) throw new RangeError(`${fn}: ${where} is ${values[i]}; ${why} needs values > 0`);
  }
}

/** Two lengths that must agree. @internal */
export function sameLength(fn: string, nameA: string, a: number, nameB: string, b: number): void {
  if (a !== b) throw new RangeError(`${fn}: ${nameA} has length ${a} but ${nameB} has length ${b}; they must match`);
}

/** An interval [lo, hi] of finite numbers with lo < hi. @internal */
export function interval(fn: string, name: string, d: unknown): [number, number] {
  if (!Array.isArray(d) || d.length !== 2)
    throw new TypeError(`${fn}: ${name} must be [min, max], got ${describeValue(d)}`);
  const lo = finite(fn, `${name}[0]`, d[0]);
  const hi = finite(fn, `${name}[1]`, d[1]);
  if (!(lo < hi)) throw new RangeError(`${fn}: ${name} must satisfy min < max, got [${lo}, ${hi}]`);
  return [lo, hi];
}

/** An array of plain objects (records), each entry checked. @internal */
export function recordArray(fn: string, name: string, records: unknown): Record<string, unknown>[] {
  if (!Array.isArray(records))
    throw new TypeError(`${fn}: ${name} must be an array of objects, got ${describeValue(records)}`);
  records.forEach((r, i) => {
    if (r === null || typeof r !== "object" || Array.isArray(r))
      throw new TypeError(`${fn}: ${name}[${i}] must be an object, got ${describeValue(r)}`);
  });
  return records as Record<string, unknown>[];
}

/** The field `field` of every record as a finite number; a bad one is named `name[i].field`. @internal */
export function numericField(
  fn: string,
  name: string,
  records: readonly Record<string, unknown>[],
  field: string,
): number[] {
  return records.map((r, i) => finite(fn, `${name}[${i}].${field}`, r == null ? undefined : r[field]));
}

/** A required object argument (a configuration, a declaration): null, a number or an array is named. @internal */
export function object<T extends object>(fn: string, name: string, v: T): T {
  if (v === null || typeof v !== "object" || Array.isArray(v))
    throw new TypeError(`${fn}: ${name} must be an object, got ${describeValue(v)}`);
  return v;
}

/**
 * An options object (undefined gives `{}`) whose keys are all among `allowed`: a misspelt key is an error that
 * lists the valid ones, never a silently ignored setting. @internal
 */
export function options<T extends object>(fn: string, name: string, v: T | undefined, allowed: readonly string[]): T {
  if (v === undefined) return {} as T;
  if (v === null || typeof v !== "object" || Array.isArray(v))
    throw new TypeError(`${fn}: ${name} must be an object, got ${describeValue(v)}`);
  for (const k of Object.keys(v)) {
    if (!allowed.includes(k))
      throw new RangeError(
        `${fn}: unknown option ${JSON.stringify(k)}: the options are ${allowed.map((a) => JSON.stringify(a)).join(", ")}`,
      );
  }
  return v;
}

/**
 * A seed: an integer in [-(2^53 - 1), 2^53 - 1] (every integer a float64 holds exactly). Seeds are hashed on all
 * their bits (see rng.ts), so two different accepted seeds never alias; a fraction or NaN would be truncated
 * silently, so it is refused. @internal
 */
export function seed(fn: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v)) {
    const err = typeof v === "number" ? RangeError : TypeError;
    throw new err(
      `${fn}: ${name} must be an integer in [${-Number.MAX_SAFE_INTEGER}, ${Number.MAX_SAFE_INTEGER}], got ${describeValue(v)}`,
    );
  }
  return v;
}
