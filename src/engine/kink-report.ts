/**
 * Kink reports: which primitives were evaluated exactly at a kink, how often, what the policy chose there, and
 * whether that choice lies in the Clarke set.
 *
 * @module
 */
import type { Trace } from "./trace";
import { describeKinkChoice } from "./nonsmooth";

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
  /** The arithmetic the evaluation ran in: the precision or arithmetic model's name ("float64", "bfloat16", ...). */
  readonly precision: string;
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

/** What a report is built from: the policy, the kink events and the arithmetic model of a trace (a Trace is one). */
export type KinkLog = Pick<Trace, "policy" | "kinkEvents"> & { readonly model: { readonly name: string } };

/**
 * Aggregates the kink events of a trace into a report. The report keeps only what it shows (its entries and the
 * policy's name): a kept report must not keep the trace, whose tape may hold hundreds of megabytes.
 */
export function buildKinkReport(log: KinkLog): KinkReport {
  // closures below see only these locals, never `log` (a closure keeps alive every variable its scope captures)
  const kinkPolicy = log.policy;
  const entries: KinkEntry[] = log.kinkEvents.map((e) => {
    // the wording comes from the kink's declaration (its choice kind and Clarke range)
    const { choice, outside } = describeKinkChoice(kinkPolicy, e.key);
    return {
      op: e.op,
      node: e.node,
      key: e.key,
      count: e.count,
      choice,
      outsideClarke: outside,
      notLipschitz: e.notLipschitz,
    };
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
  const policy = kinkPolicy.name;
  const precision = log.model.name;
  // the arithmetic is named when it is not the default float64
  const inModel = precision === "float64" ? "" : ` in ${precision}`;
  return {
    policy,
    precision,
    total,
    entries,
    byOp,
    byKey,
    outsideClarke,
    toString() {
      if (entries.length === 0) return `no kink hit (policy ${policy}${inModel})`;
      const lines = entries.map(
        (e) =>
          `${e.op} at ${e.node >= 0 ? `%${e.node}` : "a constant"}: ${e.count} hit(s); ${e.choice}` +
          (e.outsideClarke ? "  [outside the Clarke set]" : "") +
          (e.notLipschitz ? `  [not Lipschitz: ${e.notLipschitz}]` : ""),
      );
      return [`${total} kink hit(s) under policy ${policy}${inModel}:`, ...lines].join("\n");
    },
  };
}
