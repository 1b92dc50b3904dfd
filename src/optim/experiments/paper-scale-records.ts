/**
 * Recorded results of {@link paperBifurcation} at the paper's own scale: one epoch of the 60,000 training digits
 * of the original MNIST files (`data: "mnist-full"`), so the shares are measured, not carried from 10,000 digits
 * by {@link scaleParting}. Too long to rerun in a notebook (minutes of CPU per run); the commands, times and
 * machine are in docs/precision-results.md ("At the paper's scale: 60,000 digits"), and rerunning a command gives
 * the same rows bit for bit.
 *
 * @module
 */
import type { ArithmeticModelName } from "../../arithmetic/models";

/** One configuration's recorded runs over 60,000 digits. */
export interface PaperScaleRecord {
  readonly depth: number;
  readonly width: number;
  readonly model: ArithmeticModelName;
  /** Digits in one epoch (234 mini-batches of 256 and a last one of 96). */
  readonly digits: number;
  /** Runs recorded (run indices 0 to runs - 1 of seed 0, unless `runIndices` says otherwise). */
  readonly runs: number;
  /** Runs whose copies parted. */
  readonly parted: number;
  /** Exact zeros among the hidden pre-activations of the mini-batches processed. */
  readonly zeros: number;
  /** The spacing prediction of that number (`predictedZeros` summed over the runs). */
  readonly predictedZeros: number;
  /** Hidden pre-activations computed (runs stopping at their first parting mini-batch compute fewer). */
  readonly preActivations: number;
  /** Whether runs stopped at their first parting mini-batch (the script's default) or processed the epoch. */
  readonly stopAtFirst: boolean;
  /** The run indices, as ranges. */
  readonly runIndices: string;
}

/**
 * The recorded 60,000-digit runs of depth 3, width 256 (the paper's Table 1 headline configuration) in the
 * 32-bit (`float32-blas`), 16-bit (`float16-tensor-core`) and 64-bit models.
 *
 * @example
 * ```ts
 * import { PAPER_SCALE_RECORDS, wilsonInterval, assert } from "nonsmooth-ad";
 * const f64 = PAPER_SCALE_RECORDS.find((r) => r.model === "float64")!;
 * assert(f64.digits === 60000 && f64.parted === 0, "float64: no run parted over the paper's epoch");
 * const [lo, hi] = wilsonInterval(f64.parted, f64.runs);
 * assert(lo === 0 && hi < 1, "its 95% interval starts at 0");
 * ```
 */
export const PAPER_SCALE_RECORDS: readonly PaperScaleRecord[] = Object.freeze([
  {
    depth: 3,
    width: 256,
    model: "float32-blas",
    digits: 60000,
    runs: 300,
    parted: 99,
    zeros: 99,
    predictedZeros: 109.17,
    preActivations: 11294416896,
    stopAtFirst: true,
    runIndices: "0-146, 400-552",
  },
  {
    depth: 3,
    width: 256,
    model: "float16-tensor-core",
    digits: 60000,
    runs: 20,
    parted: 20,
    zeros: 20,
    predictedZeros: 23.87,
    preActivations: 85721088,
    stopAtFirst: true,
    runIndices: "0-19",
  },
  {
    depth: 3,
    width: 256,
    model: "float64",
    digits: 60000,
    runs: 4,
    parted: 0,
    zeros: 0,
    predictedZeros: 0.0,
    preActivations: 184320000,
    stopAtFirst: false,
    runIndices: "0-3",
  },
]);
