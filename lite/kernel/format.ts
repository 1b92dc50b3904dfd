/**
 * Text of a value, close to what Node's `util.inspect` prints (tslab prints a cell's last value that way): strings
 * quoted, arrays and plain objects expanded to a small depth, typed arrays by their elements, objects with a
 * `nodejs.util.inspect.custom` method (the library's DisplayBundle) by it.
 */
const CUSTOM = Symbol.for("nodejs.util.inspect.custom");

function quote(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n")}'`;
}

function fmt(v: unknown, depth: number, seen: Set<unknown>, top: boolean): string {
  if (typeof v === "string") return top ? quote(v) : quote(v);
  if (typeof v === "number") return Object.is(v, -0) ? "-0" : String(v);
  if (typeof v === "bigint") return `${v}n`;
  if (v === undefined || v === null || typeof v === "boolean") return String(v);
  if (typeof v === "symbol") return v.toString();
  if (typeof v === "function") return `[Function: ${v.name || "(anonymous)"}]`;
  const o = v as Record<string | symbol, unknown>;
  if (typeof o[CUSTOM] === "function") return String((o[CUSTOM] as () => unknown).call(o));
  if (seen.has(v)) return "[Circular]";
  if (v instanceof Error) return v.stack ?? `${v.name}: ${v.message}`;
  if (v instanceof Date) return v.toISOString();
  if (v instanceof RegExp) return String(v);
  if (v instanceof Promise) return "Promise { <pending> }";
  seen.add(v);
  try {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const a = Array.from(v as unknown as ArrayLike<number>);
      const shown = a.slice(0, 100).map((x) => fmt(x, depth - 1, seen, false));
      if (a.length > 100) shown.push(`... ${a.length - 100} more items`);
      return `${v.constructor.name}(${a.length}) [ ${shown.join(", ")} ]`;
    }
    if (Array.isArray(v)) {
      if (depth < 0) return "[Array]";
      const shown = v.slice(0, 100).map((x) => fmt(x, depth - 1, seen, false));
      if (v.length > 100) shown.push(`... ${v.length - 100} more items`);
      return shown.length ? `[ ${shown.join(", ")} ]` : "[]";
    }
    if (v instanceof Map) {
      if (depth < 0) return "[Map]";
      return `Map(${v.size}) { ${[...v].map(([k, x]) => `${fmt(k, depth - 1, seen, false)} => ${fmt(x, depth - 1, seen, false)}`).join(", ")} }`;
    }
    if (v instanceof Set) {
      if (depth < 0) return "[Set]";
      return `Set(${v.size}) { ${[...v].map((x) => fmt(x, depth - 1, seen, false)).join(", ")} }`;
    }
    const name = Object.getPrototypeOf(v)?.constructor?.name;
    const prefix = name && name !== "Object" ? `${name} ` : "";
    if (depth < 0) return `[${name || "Object"}]`;
    const keys = Object.keys(o);
    if (keys.length === 0) return `${prefix}{}`;
    const body = keys.map((k) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : quote(k)}: ${fmt(o[k], depth - 1, seen, false)}`);
    return `${prefix}{ ${body.join(", ")} }`;
  } finally {
    seen.delete(v);
  }
}

/** The text of `value` (depth 2, as Node's default). */
export function formatValue(value: unknown): string {
  return fmt(value, 2, new Set(), true);
}

/** The text `console.log(...args)` prints: strings as they are, other values formatted. */
export function formatLogArgs(args: readonly unknown[]): string {
  return args.map((a) => (typeof a === "string" ? a : formatValue(a))).join(" ");
}
