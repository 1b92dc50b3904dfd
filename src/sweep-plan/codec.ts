/**
 * Plain data as JSON text, losslessly: what a sweep's configurations and records are made of (numbers, strings,
 * booleans, null, undefined, arrays, typed arrays, plain objects). Worker threads copy such data with the
 * structured clone; a plan file and a results file must give back the same values, bit for bit, so JSON's gaps
 * are tagged: NaN, the infinities and -0 (which JSON writes as null or 0), undefined (which JSON drops) and typed
 * arrays (which JSON turns into objects keyed by index). Finite numbers are written by JSON.stringify, whose
 * shortest round-trip form reads back to the same double. Class instances are written as their own enumerable
 * fields, as the structured clone does; functions, symbols, bigints, maps, sets and cycles are refused.
 *
 * @module
 */

const TAG = "$nsad";

const TYPED = {
  Float64Array,
  Float32Array,
  Int32Array,
  Int16Array,
  Int8Array,
  Uint32Array,
  Uint16Array,
  Uint8Array,
  Uint8ClampedArray,
} as const;
type TypedName = keyof typeof TYPED;

function encodeNumber(x: number): unknown {
  if (Number.isNaN(x)) return { [TAG]: "NaN" };
  if (x === Infinity) return { [TAG]: "Infinity" };
  if (x === -Infinity) return { [TAG]: "-Infinity" };
  if (Object.is(x, -0)) return { [TAG]: "-0" };
  return x;
}

function toTree(value: unknown, at: string, seen: Set<object>, where: string): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (value === undefined) return { [TAG]: "undefined" };
  if (typeof value === "number") return encodeNumber(value);
  if (typeof value !== "object")
    throw new Error(`${where}: ${at || "the value"} is a ${typeof value}, which cannot be written as plain data`);
  if (seen.has(value)) throw new Error(`${where}: ${at || "the value"} refers to itself (a cycle)`);
  if (value instanceof Map || value instanceof Set || value instanceof Date || value instanceof ArrayBuffer)
    throw new Error(`${where}: ${at || "the value"} is a ${value.constructor.name}; use arrays and plain objects`);
  if (ArrayBuffer.isView(value)) {
    const name = value.constructor.name as TypedName;
    if (!(name in TYPED))
      throw new Error(`${where}: ${at || "the value"} is a ${name}, which cannot be written as plain data`);
    return { [TAG]: name, values: Array.from(value as unknown as ArrayLike<number>, encodeNumber) };
  }
  seen.add(value);
  try {
    if (Array.isArray(value)) return Array.from(value, (v, i) => toTree(v, `${at}[${i}]`, seen, where));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toTree(v, `${at}.${k}`, seen, where);
    // an object of the caller's that happens to have the tag as a key is wrapped, so it cannot be misread
    return TAG in out ? { [TAG]: "object", fields: out } : out;
  } finally {
    seen.delete(value);
  }
}

function fromTree(tree: unknown): unknown {
  if (tree === null || typeof tree !== "object") return tree;
  if (Array.isArray(tree)) return tree.map(fromTree);
  const o = tree as Record<string, unknown>;
  if (TAG in o) {
    const tag = o[TAG];
    switch (tag) {
      case "NaN":
        return NaN;
      case "Infinity":
        return Infinity;
      case "-Infinity":
        return -Infinity;
      case "-0":
        return -0;
      case "undefined":
        return undefined;
      case "object": {
        const fields = o.fields as Record<string, unknown>;
        return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, fromTree(v)]));
      }
      default:
        if (typeof tag === "string" && tag in TYPED && Array.isArray(o.values))
          return new TYPED[tag as TypedName]((o.values as unknown[]).map((v) => fromTree(v) as number));
        throw new Error(`plain data: unknown tag ${JSON.stringify(tag)}`);
    }
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, fromTree(v)]));
}

/** The JSON tree of plain data (what {@link encodePlainData} stringifies); for files that embed such trees. */
export function toPlainTree(value: unknown, where: string): unknown {
  return toTree(value, "", new Set(), where);
}

/** The plain data of a JSON tree made by {@link toPlainTree}. */
export function fromPlainTree(tree: unknown): unknown {
  return fromTree(tree);
}

/**
 * Writes plain data as one line of JSON that {@link decodePlainData} reads back to the same values, bit for bit
 * (NaN, infinities, -0, undefined and typed arrays included). `where` names the caller in error messages.
 *
 * @example
 * ```ts
 * import { encodePlainData, decodePlainData, assert } from "nonsmooth-ad";
 * const record = { loss: -0, grad: new Float64Array([NaN, 1 / 3]), note: undefined };
 * const back = decodePlainData(encodePlainData(record)) as typeof record;
 * assert(Object.is(back.loss, -0) && Number.isNaN(back.grad[0]) && back.grad[1] === 1 / 3 && "note" in back);
 * ```
 */
export function encodePlainData(value: unknown, where = "encodePlainData"): string {
  return JSON.stringify(toTree(value, "", new Set(), where));
}

/**
 * Reads a line written by {@link encodePlainData}.
 *
 * @example
 * ```ts
 * import { decodePlainData, assertEqual } from "nonsmooth-ad";
 * assertEqual(decodePlainData('{"x":[1,{"$nsad":"Infinity"}]}'), { x: [1, Infinity] });
 * ```
 */
export function decodePlainData(text: string): unknown {
  if (typeof text !== "string") throw new Error(`decodePlainData: text must be a string, got ${typeof text}`);
  return fromTree(JSON.parse(text));
}
