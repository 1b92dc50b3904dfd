/**
 * Time budget of the long experiments ({@link bifurcationExperiment}, {@link paperBifurcation}): they time a first
 * small piece of work, report the estimated duration before going on, and stop there, with a message saying how
 * long it would take, when the estimate exceeds `maxMinutes` (default 60) unless `allowLong` is set. The estimate
 * uses the wall clock, so it only decides whether to refuse; it never changes a result.
 *
 * @module
 */
import { positive } from "../../validate";

/** The progress of a long experiment, reported to its `onProgress` callback. */
export interface ExperimentProgress {
  /** Units of work done (runs) and their total. */
  readonly done: number;
  readonly total: number;
  /** Seconds since the experiment started. */
  readonly elapsedSeconds: number;
  /** The estimated total duration in seconds (first from the timed piece, then from the runs done). */
  readonly estimatedSeconds: number;
}

/** The budget options the long experiments accept. */
export interface BudgetOptions {
  /** Run even when the estimate exceeds `maxMinutes` (default false). */
  readonly allowLong?: boolean;
  /** The longest estimated duration accepted without `allowLong` (default 60 minutes). */
  readonly maxMinutes?: number;
  /** Called once with the estimate before the work proper, then after each run. */
  readonly onProgress?: (p: ExperimentProgress) => void;
}

/** The keys of {@link BudgetOptions}, for the configurations' unknown-key checks. */
export const BUDGET_KEYS = ["allowLong", "maxMinutes", "onProgress"] as const;

const now = (): number => (typeof performance !== "undefined" ? performance.now() : Date.now());

/** A running budget: start it, give it the estimate, tick it after each run. @internal */
export class Budget {
  private readonly start = now();
  private readonly allowLong: boolean;
  private readonly maxMinutes: number;
  private readonly onProgress?: (p: ExperimentProgress) => void;

  constructor(
    private readonly where: string,
    private readonly total: number,
    o: BudgetOptions,
  ) {
    if (o.allowLong !== undefined && typeof o.allowLong !== "boolean")
      throw new TypeError(`${where}: allowLong must be true or false, got ${JSON.stringify(o.allowLong)}`);
    this.allowLong = o.allowLong ?? false;
    this.maxMinutes = positive(where, "maxMinutes", o.maxMinutes ?? 60);
    if (o.onProgress !== undefined && typeof o.onProgress !== "function")
      throw new TypeError(`${where}: onProgress must be a function`);
    this.onProgress = o.onProgress;
  }

  /** Whether the caller needs an estimate at all (to refuse, or to report it). */
  get wanted(): boolean {
    return !this.allowLong || this.onProgress !== undefined;
  }

  /** Milliseconds since `since` (a value of {@link Budget.clock}). */
  static since(since: number): number {
    return now() - since;
  }

  /** The clock the pieces are timed with (milliseconds). */
  static clock(): number {
    return now();
  }

  /**
   * Reports the estimate (seconds for the whole experiment) and refuses, before the work proper, when it exceeds
   * the budget. `what` says what was timed, for the message.
   */
  estimate(seconds: number, what: string, lower: string): void {
    if (!this.allowLong && seconds > this.maxMinutes * 60) {
      throw new RangeError(
        `${this.where}: this configuration would take about ${(seconds / 60).toFixed(0)} minutes here (estimated from ${what}), more than maxMinutes = ${this.maxMinutes}; pass allowLong: true to run it anyway, or lower ${lower}`,
      );
    }
    this.onProgress?.({
      done: 0,
      total: this.total,
      elapsedSeconds: Budget.since(this.start) / 1000,
      estimatedSeconds: seconds,
    });
  }

  /** Reports that `done` runs out of the total are finished. */
  tick(done: number): void {
    if (!this.onProgress) return;
    const elapsed = Budget.since(this.start) / 1000;
    this.onProgress({
      done,
      total: this.total,
      elapsedSeconds: elapsed,
      estimatedSeconds: (elapsed * this.total) / done,
    });
  }
}
