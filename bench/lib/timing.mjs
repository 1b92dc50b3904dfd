// Careful timing: warm up, then run batches of calls until at least `minTime` seconds and `minBatches` batches
// have elapsed, and report the median time per call over the batches (robust to GC pauses and JIT tiers).
import { performance } from "node:perf_hooks";

/** A sink the measured functions write to, so the JIT cannot drop their work. */
export const sink = { value: 0 };

/** The statistics of batches of `perBatch` calls, each timed per call: the median and the spread around it. */
function summarize(times, perBatch) {
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  return {
    perCall: median,
    callsPerSecond: 1 / median,
    batches: times.length,
    calls: perBatch * times.length,
    spread: (times[times.length - 1] - times[0]) / median,
  };
}

function timeBatch(fn, n) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn(i);
  return (performance.now() - t0) / 1000;
}

/**
 * Measures `fn` (called with the iteration index). Returns { perCall (s), callsPerSecond, batches, calls, spread }.
 * Options: minTime (s, default 0.5), minBatches (default 7), warmup (s, default 0.2), batchTime (s, default minTime / minBatches).
 */
/**
 * @param {(i: number) => void} fn
 * @param {{ minTime?: number, minBatches?: number, warmup?: number, batchTime?: number }} [options]
 */
export function measure(fn, { minTime = 0.5, minBatches = 7, warmup = 0.2, batchTime } = {}) {
  const target = batchTime ?? minTime / minBatches;
  // warm-up: run until `warmup` seconds have passed (at least 3 calls), growing the count geometrically
  let n = 1;
  let spent = 0;
  let warmCalls = 0;
  while (spent < warmup || warmCalls < 3) {
    spent += timeBatch(fn, n);
    warmCalls += n;
    n *= 2;
  }
  const perCallGuess = spent / warmCalls;
  const perBatch = Math.max(1, Math.round(target / Math.max(perCallGuess, 1e-9)));
  const times = [];
  let total = 0;
  while (total < minTime || times.length < minBatches) {
    const t = timeBatch(fn, perBatch);
    times.push(t / perBatch);
    total += t;
  }
  return summarize(times, perBatch);
}

/** Asynchronous variant (for APIs that must be awaited); same statistics. */
export async function measureAsync(fn, { minTime = 0.5, minBatches = 7, warmup = 0.2 } = {}) {
  const target = minTime / minBatches;
  const batch = async (k) => {
    const t0 = performance.now();
    for (let i = 0; i < k; i++) await fn(i);
    return (performance.now() - t0) / 1000;
  };
  let n = 1;
  let spent = 0;
  let warmCalls = 0;
  while (spent < warmup || warmCalls < 3) {
    spent += await batch(n);
    warmCalls += n;
    n *= 2;
  }
  const perBatch = Math.max(1, Math.round(target / Math.max(spent / warmCalls, 1e-9)));
  const times = [];
  let total = 0;
  while (total < minTime || times.length < minBatches) {
    const t = await batch(perBatch);
    times.push(t / perBatch);
    total += t;
  }
  return summarize(times, perBatch);
}

/** Formats seconds per call with a unit. */
export function fmtTime(s) {
  if (s < 1e-6) return `${(s * 1e9).toFixed(1)} ns`;
  if (s < 1e-3) return `${(s * 1e6).toFixed(2)} µs`;
  if (s < 1) return `${(s * 1e3).toFixed(2)} ms`;
  return `${s.toFixed(3)} s`;
}

/** A row of the summary table: a ratio and its target, `better` saying which direction passes. */
export function row(bench, metric, value, target, better = "higher", unit = "x") {
  const ok = target === undefined ? undefined : better === "higher" ? value >= target : value <= target;
  return { bench, metric, value, target, better, unit, ok };
}

/** Prints rows as an aligned table. */
export function printTable(rows, out = console.log) {
  const cells = rows.map((r) => [
    r.bench,
    r.metric,
    typeof r.value === "number" ? `${r.value.toPrecision(4)}${r.unit === "x" ? "x" : ` ${r.unit}`}` : String(r.value),
    r.target === undefined
      ? ""
      : `${r.better === "higher" ? ">=" : "<="} ${r.target}${r.unit === "x" ? "x" : ` ${r.unit}`}`,
    r.ok === undefined ? "" : r.ok ? "met" : "MISSED",
  ]);
  const head = ["bench", "metric", "value", "target", ""];
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) =>
    c
      .map((x, i) => x.padEnd(w[i]))
      .join("  ")
      .trimEnd();
  out(line(head));
  out(w.map((n) => "-".repeat(n)).join("  "));
  for (const c of cells) out(line(c));
}

/**
 * Measures several functions with interleaved batches (A B C A B C ...), so that background load and CPU
 * frequency changes hit all of them alike and their ratios stay meaningful. Each function is warmed up, its
 * batch size calibrated to about `batchTime` seconds, and batches run until each function has had at least
 * `minTime` seconds and `minBatches` batches. Returns one result per function (median time per call).
 */
/**
 * @param {((i: number) => void)[]} fns
 * @param {{ minTime?: number, minBatches?: number, warmup?: number, batchTime?: number }} [options]
 */
export function measureInterleaved(fns, { minTime = 0.5, minBatches = 7, warmup = 0.2, batchTime } = {}) {
  const target = batchTime ?? minTime / minBatches;
  const sizes = fns.map((fn) => {
    let n = 1;
    let spent = 0;
    let calls = 0;
    while (spent < warmup || calls < 3) {
      spent += timeBatch(fn, n);
      calls += n;
      n *= 2;
    }
    return Math.max(1, Math.round(target / Math.max(spent / calls, 1e-9)));
  });
  const times = fns.map(() => /** @type {number[]} */ ([]));
  const totals = fns.map(() => 0);
  while (totals.some((t, i) => t < minTime || times[i].length < minBatches)) {
    fns.forEach((fn, i) => {
      const t = timeBatch(fn, sizes[i]);
      times[i].push(t / sizes[i]);
      totals[i] += t;
    });
  }
  return times.map((ts, i) => summarize(ts, sizes[i]));
}

/** Prints one measurement as "name: key=value ..." (the default report of the benchmark modules run standalone). */
export const printReport = (name, fields) =>
  console.log(
    `${name}: ${Object.entries(fields)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ")}`,
  );
