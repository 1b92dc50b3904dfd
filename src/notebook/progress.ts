/**
 * Progress for long loops: one line updated in place in a kernel; occasional plain lines elsewhere.
 * @module
 */
import { randomBytes } from "node:crypto";
import { inKernel, sendDisplayData } from "./kernel";
import { finite } from "../validate";

/** Options of {@link progress}. */
export interface ProgressOptions {
  /** Text in front of the counts. */
  label?: string;
  /**
   * "inplace": one output updated in place (needs a kernel); "lines": plain lines on stdout (or `write`);
   * "auto" (default): "inplace" in a kernel, otherwise "lines".
   */
  mode?: "auto" | "inplace" | "lines";
  /** In place: minimum milliseconds between updates. Default 150. */
  updateMs?: number;
  /** Lines: minimum milliseconds between lines (besides the first and the last). Default 2000. */
  lineMs?: number;
  /** Lines: where lines go. Default: `console.log`. */
  write?: (line: string) => void;
  /** Clock in milliseconds (for tests). Default `Date.now`. */
  now?: () => number;
}

function duration(ms: number): string {
  if (!Number.isFinite(ms)) return "?";
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

function rate(perSec: number): string {
  if (!Number.isFinite(perSec)) return "? it/s";
  if (perSec >= 1) return `${perSec >= 100 ? perSec.toFixed(0) : perSec.toPrecision(3)} it/s`;
  return `${perSec > 0 ? (1 / perSec).toPrecision(3) : "?"} s/it`;
}

/**
 * A progress indicator; make one with {@link progress}.
 *
 * @example
 * ```ts
 * import { progress } from "nonsmooth-ad/notebook";
 * import { assertEqual } from "nonsmooth-ad";
 * let ms = 0; // a fake clock
 * const p = progress(4, { mode: "lines", write: () => {}, now: () => ms });
 * ms = 1500;
 * p.tick(3, "loss=0.5");
 * assertEqual([p.count, p.mode], [3, "lines"]);
 * assertEqual(p.line(), "[###############.....] 3/4 (75%) 2.00 it/s, elapsed 1.5s, remaining 0.5s | loss=0.5");
 * ```
 */
export class Progress {
  /** Steps done so far. */
  count = 0;
  private readonly start: number;
  private lastShown = -Infinity;
  private lastDecile = -1;
  private readonly id = randomBytes(8).toString("hex");
  private shownOnce = false;
  private finished = false;
  private note = "";
  /** "inplace" or "lines": how this indicator reports. */
  readonly mode: "inplace" | "lines";

  /** @internal */
  constructor(
    readonly total: number,
    private readonly options: ProgressOptions,
  ) {
    const now = options.now ?? Date.now;
    this.start = now();
    const want = options.mode ?? "auto";
    this.mode =
      want === "lines"
        ? "lines"
        : want === "inplace"
          ? inKernel()
            ? "inplace"
            : "lines"
          : inKernel()
            ? "inplace"
            : "lines";
    if (this.mode === "inplace") this.show(true);
  }

  /** The current status line: label, count/total, percent, rate, elapsed and remaining time, note. */
  line(): string {
    const elapsed = (this.options.now ?? Date.now)() - this.start;
    const perSec = elapsed > 0 ? (this.count * 1000) / elapsed : NaN;
    const pct = this.total > 0 ? Math.floor((100 * this.count) / this.total) : 100;
    const remaining = this.count >= this.total ? 0 : perSec > 0 ? ((this.total - this.count) / perSec) * 1000 : NaN;
    const label = this.options.label ? `${this.options.label}: ` : "";
    const width = 20;
    const filled = this.total > 0 ? Math.min(width, Math.round((width * this.count) / this.total)) : width;
    const bar = `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
    return (
      `${label}${bar} ${this.count}/${this.total} (${pct}%) ${rate(perSec)}, elapsed ${duration(elapsed)}, remaining ${duration(remaining)}` +
      (this.note ? ` | ${this.note}` : "")
    );
  }

  /** Records `n` more steps done (default 1), with an optional note (e.g. the current loss). */
  tick(n = 1, note?: string): void {
    finite("Progress.tick", "n", n);
    this.count = Math.min(this.total, this.count + n);
    if (note !== undefined) this.note = note;
    this.show(false);
  }

  /** Marks the loop finished (count = total unless `partial`) and shows the final line. */
  done(note?: string, partial = false): void {
    if (this.finished) return;
    if (!partial) this.count = this.total;
    if (note !== undefined) this.note = note;
    this.finished = true;
    this.show(true);
  }

  private show(force: boolean): void {
    const now = (this.options.now ?? Date.now)();
    if (this.mode === "inplace") {
      if (!force && now - this.lastShown < (this.options.updateMs ?? 150)) return;
      this.lastShown = now;
      const text = this.line();
      const ok = sendDisplayData(
        { data: { "text/plain": text }, metadata: {}, transient: { display_id: this.id } },
        this.shownOnce,
      );
      this.shownOnce = this.shownOnce || ok;
      return;
    }
    // lines: the first tick, each new tenth if lineMs has passed since the last line, and the end
    const decile = this.total > 0 ? Math.floor((10 * this.count) / this.total) : 10;
    const first = !this.shownOnce;
    const due = decile > this.lastDecile && now - this.lastShown >= (this.options.lineMs ?? 2000);
    if (!(force || first || due)) return;
    this.lastShown = now;
    this.lastDecile = decile;
    this.shownOnce = true;
    (this.options.write ?? ((l: string) => console.log(l)))(this.line());
  }
}

/**
 * Starts a progress indicator for a loop of `total` steps. In a kernel: one output line updated in place
 * (throttled); elsewhere (plain Node, CI logs): a line at the first step, at most one per tenth and per
 * `lineMs`, and one at the end.
 *
 * @example
 * ```ts
 * import { progress } from "nonsmooth-ad/notebook";
 * import { assertEqual } from "nonsmooth-ad";
 * // plain lines (as outside a kernel), collected here with a fake clock of 1 ms per step to show them exactly
 * const lines: string[] = [];
 * let ms = 0;
 * const p = progress(1000, { label: "sgd", mode: "lines", write: (l) => lines.push(l), now: () => ms });
 * let x = 1;
 * for (let k = 0; k < 1000; k++) { ms += 1; x -= 0.01 * Math.sign(x); p.tick(1, `x=${Math.abs(x).toFixed(3)}`); }
 * p.done();
 * assertEqual(lines.length, 2); // the first step and the end (a line per tenth only when lineMs = 2 s has passed)
 * assertEqual(lines[1], "sgd: [####################] 1000/1000 (100%) 1000 it/s, elapsed 1.0s, remaining 0.0s | x=0.000");
 * ```
 */
export function progress(total: number, options: ProgressOptions = {}): Progress {
  if (typeof total !== "number" || !Number.isInteger(total) || total < 0) {
    throw new RangeError(`progress: total must be an integer >= 0, got ${String(total)}`);
  }
  return new Progress(total, options);
}

/**
 * Iterates over `items` with a progress indicator (see {@link progress}), finishing it at the end.
 *
 * @example
 * ```ts
 * import { withProgress } from "nonsmooth-ad/notebook";
 * import { assert, assertEqual } from "nonsmooth-ad";
 * const lines: string[] = [];
 * let sum = 0;
 * for (const k of withProgress([1, 2, 3, 4], { label: "sum", mode: "lines", write: (l) => lines.push(l) })) sum += k;
 * assertEqual(sum, 10);
 * assert(lines[lines.length - 1].startsWith("sum: [####################] 4/4 (100%)"), lines.join("\n"));
 * ```
 */
export function* withProgress<T>(items: readonly T[], options: ProgressOptions = {}): Generator<T, void, undefined> {
  const p = progress(items.length, options);
  try {
    for (const item of items) {
      yield item;
      p.tick();
    }
  } finally {
    p.done(undefined, p.count < items.length);
  }
}
