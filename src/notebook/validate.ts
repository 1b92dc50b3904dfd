/**
 * Input checks with errors that name the function, the field and the index.
 * @module
 * @internal
 */

function describeValue(v: unknown): string {
  if (typeof v === "number") return String(v);
  if (v === undefined) return "undefined";
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Throws a TypeError naming `where` unless `value` is a finite number. @internal */
export function finite(value: unknown, where: string, fn: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TypeError(`${fn}: ${where} is ${describeValue(value)}; every value must be a finite number`);
  }
  return value;
}

/** Checks an array-like of finite numbers and copies it into a plain array. @internal */
export function finiteArray(values: unknown, name: string, fn: string): number[] {
  if (values == null || typeof (values as ArrayLike<number>).length !== "number" || typeof values === "string") {
    throw new TypeError(`${fn}: ${name} must be an array of numbers, got ${describeValue(values)}`);
  }
  const a = values as ArrayLike<unknown>;
  const out = new Array<number>(a.length);
  for (let i = 0; i < a.length; i++) out[i] = finite(a[i], `${name}[${i}]`, fn);
  return out;
}

/** Throws unless the two lengths agree. @internal */
export function sameLength(a: number, b: number, nameA: string, nameB: string, fn: string): void {
  if (a !== b) throw new RangeError(`${fn}: ${nameA} has length ${a} but ${nameB} has length ${b}; they must match`);
}

/** Throws unless every value is > 0 (for log scales). @internal */
export function positive(values: number[], name: string | ((i: number) => string), fn: string, why: string): void {
  for (let i = 0; i < values.length; i++) {
    const where = typeof name === "function" ? name(i) : `${name}[${i}]`;
    if (!(values[i] > 0)) throw new RangeError(`${fn}: ${where} is ${values[i]}; ${why} needs values > 0`);
  }
}

/** Checks a [lo, hi] interval with lo < hi. @internal */
export function interval(d: unknown, name: string, fn: string): [number, number] {
  if (!Array.isArray(d) || d.length !== 2) throw new TypeError(`${fn}: ${name} must be [min, max], got ${describeValue(d)}`);
  const lo = finite(d[0], `${name}[0]`, fn);
  const hi = finite(d[1], `${name}[1]`, fn);
  if (!(lo < hi)) throw new RangeError(`${fn}: ${name} must satisfy min < max, got [${lo}, ${hi}]`);
  return [lo, hi];
}

/** Checks a positive integer. @internal */
export function positiveInt(n: unknown, name: string, fn: string, min = 1): number {
  if (typeof n !== "number" || !Number.isInteger(n) || n < min) {
    throw new RangeError(`${fn}: ${name} must be an integer >= ${min}, got ${describeValue(n)}`);
  }
  return n;
}

/** Checks that `records` is a non-empty array of objects having `field` as a finite number. @internal */
export function numericField(records: readonly Record<string, unknown>[], field: string, fn: string, arrayName = "records"): number[] {
  return records.map((r, i) => finite(r == null ? undefined : r[field], `${arrayName}[${i}].${field}`, fn));
}

/** Checks an array of records. @internal */
export function recordArray(records: unknown, fn: string, name = "records"): Record<string, unknown>[] {
  if (!Array.isArray(records)) throw new TypeError(`${fn}: ${name} must be an array of objects, got ${describeValue(records)}`);
  records.forEach((r, i) => {
    if (r === null || typeof r !== "object" || Array.isArray(r)) {
      throw new TypeError(`${fn}: ${name}[${i}] must be an object, got ${describeValue(r)}`);
    }
  });
  return records as Record<string, unknown>[];
}
