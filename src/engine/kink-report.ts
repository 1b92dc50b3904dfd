/**
 * Kink reports: which primitives were evaluated exactly at a kink, how often, what the policy chose there, and
 * whether that choice lies in the Clarke set.
 *
 * @module
 */
import { CLARKE_RANGES, insideClarke } from "../policy";
import type { KinkPolicy } from "../policy";
import type { Trace } from "./trace";
import { userRange } from "./user-primitives";

/** One primitive application that hit kinks. */
export interface KinkEntry {
  readonly op: string;
  /** Tape index of the application (-1 if it did not depend on the inputs). */
  readonly node: number;
  /** The policy key deciding the choice. */
  readonly key: string;
  /** How many elements (or lanes, for reductions) sat on a kink. */
  readonly count: number;
  /** What the policy takes there, in words. */
  readonly choice: string;
  /** True when the choice is not in the Clarke set (e.g. tfjs's max over ties, the NaN norm gradient). */
  readonly outsideClarke: boolean;
  /** Set at points where the function is not locally Lipschitz (sqrt at 0): no Clarke set exists there. */
  readonly notLipschitz?: string;
}

/** The kinks hit during one evaluation. */
export interface KinkReport {
  readonly policy: string;
  readonly total: number;
  readonly entries: readonly KinkEntry[];
  /** Total hits per op name. */
  readonly byOp: Readonly<Record<string, number>>;
  /** Total hits per policy key. */
  readonly byKey: Readonly<Record<string, number>>;
  /** The entries whose choice lies outside the Clarke set. */
  readonly outsideClarke: readonly KinkEntry[];
  toString(): string;
}

function describeChoice(p: KinkPolicy, key: string): { choice: string; outside: boolean } {
  if (p.perKink) return { choice: "chosen per application (validated in the Clarke set)", outside: false };
  const random = p.randomSeed !== undefined;
  if (key in CLARKE_RANGES) {
    const k = key as keyof typeof CLARKE_RANGES;
    if (random) return { choice: `uniform in [${CLARKE_RANGES[k].join(", ")}]`, outside: false };
    return { choice: `${key} = ${p[k]}`, outside: !insideClarke(k, p[k]) };
  }
  if (key === "clip" || key === "hardtanh" || key === "relu6") {
    if (random) return { choice: "uniform in [0, 1] at each bound", outside: false };
    const b = p[key];
    return { choice: `${key} lower = ${b.lower}, upper = ${b.upper}`, outside: !(b.lower >= 0 && b.lower <= 1 && b.upper >= 0 && b.upper <= 1) };
  }
  if (key === "maxTies" || key === "minTies") {
    if (random) return { choice: "uniform on the simplex of tied entries", outside: false };
    const rule = p[key];
    const words = { split: "1/k to each tied entry", first: "all to the first tied entry", last: "all to the last tied entry", each: "1 to each tied entry" };
    return { choice: words[rule], outside: rule === "each" };
  }
  if (key === "norm") {
    if (random) return { choice: "uniform in the unit ball", outside: false };
    return { choice: p.norm === "zero" ? "gradient 0" : "gradient NaN", outside: p.norm === "nan" };
  }
  if (key === "sqrt" || key === "pow") return { choice: "derivative +inf", outside: false };
  if (key === "sign") return { choice: "derivative 0", outside: false };
  if (key.startsWith("primitives.")) {
    const name = key.slice("primitives.".length);
    const r = userRange(name);
    const v = p.primitives[name];
    if (random) return { choice: r ? `uniform in [${r.join(", ")}]` : "default", outside: false };
    if (v === undefined) return { choice: "the primitive's default", outside: false };
    return { choice: `${key} = ${v}`, outside: r ? !(v >= r[0] && v <= r[1]) : false };
  }
  return { choice: "unknown", outside: false };
}

/** Aggregates the kink events of a trace into a report. */
export function buildKinkReport(trace: Trace): KinkReport {
  const entries: KinkEntry[] = trace.kinkEvents.map((e) => {
    const { choice, outside } = describeChoice(trace.policy, e.key);
    return { op: e.op, node: e.node, key: e.key, count: e.count, choice, outsideClarke: outside, notLipschitz: e.notLipschitz };
  });
  const byOp: Record<string, number> = {};
  const byKey: Record<string, number> = {};
  let total = 0;
  for (const e of entries) {
    byOp[e.op] = (byOp[e.op] ?? 0) + e.count;
    byKey[e.key] = (byKey[e.key] ?? 0) + e.count;
    total += e.count;
  }
  const outsideClarke = entries.filter((e) => e.outsideClarke);
  return {
    policy: trace.policy.name,
    total,
    entries,
    byOp,
    byKey,
    outsideClarke,
    toString() {
      if (entries.length === 0) return `no kink hit (policy ${trace.policy.name})`;
      const lines = entries.map(
        (e) =>
          `${e.op} at ${e.node >= 0 ? `%${e.node}` : "a constant"}: ${e.count} hit(s); ${e.choice}` +
          (e.outsideClarke ? "  [outside the Clarke set]" : "") +
          (e.notLipschitz ? `  [not Lipschitz: ${e.notLipschitz}]` : ""),
      );
      return [`${total} kink hit(s) under policy ${trace.policy.name}:`, ...lines].join("\n");
    },
  };
}
