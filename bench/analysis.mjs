// Benchmark of the analysis module (uses the built library in dist/: run `npm run build` first).
//   node bench/analysis.mjs            standalone: prints one line per measurement
//   import { run } from "./analysis.mjs"; await run()    from the bench runner (returns summary rows)
//
// 1. circulation of the AD field of a 2-input relu network (hidden 16-16) along a loop, 10,000 quadrature points
//    (fixed mode) and adaptive to 1e-9;
// 2. the lexicographic derivative against reverse mode (valueAndGrad) on the same program.
import { createRequire } from "node:module";
import { printReport, row } from "./lib/timing.mjs";
import { fileURLToPath } from "node:url";

const requireCjs = createRequire(import.meta.url);
const N = requireCjs("../dist/index.js");
const { Rng, reluNetwork } = N;

/** A seeded 2-input relu network (the library's reluNetwork) as a program. */
function reluNet(seed, hidden) {
  return reluNetwork({ sizes: [2, ...hidden], seed }).f;
}

/** Median time (ms) of `reps` runs of fn, after one warm-up run; also returns the last result. */
function time(fn, reps) {
  let result = fn();
  const ts = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    result = fn();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return { ms: ts[Math.floor(ts.length / 2)], result };
}

/** Runs the analysis benchmarks, prints them, and returns summary rows for bench/run.mjs. */
export async function run(report = printReport) {
  const f = reluNet(1, [16, 16]);
  const loop = N.loops.randomSmooth(3, { radius: 1.5 });
  const field = N.adField(f, N.policies.pytorch);

  const fixed = time(() => N.circulation(field, loop, { points: 10_000 }), 5);
  report("analysis: circulation, relu net 2-16-16-1, 10k points", {
    ms: +fixed.ms.toFixed(1),
    evaluations: fixed.result.evaluations,
    value: fixed.result.value,
    errorEstimate: fixed.result.errorEstimate,
  });
  const adaptive = time(() => N.circulation(field, loop, { tolerance: 1e-9 }), 3);
  report("analysis: circulation, relu net 2-16-16-1, adaptive to 1e-9", {
    ms: +adaptive.ms.toFixed(1),
    evaluations: adaptive.result.evaluations,
    value: adaptive.result.value,
    errorEstimate: adaptive.result.errorEstimate,
  });

  const rng = new Rng(7);
  const xs = Array.from({ length: 2000 }, () => [rng.uniform(-1.5, 1.5), rng.uniform(-1.5, 1.5)]);
  const rev = time(() => xs.map((x) => N.valueAndGrad(f, x).grad), 5);
  const lex = time(() => xs.map((x) => N.lexicographicGradient(f, x)), 5);
  let maxDiff = 0;
  rev.result.forEach((g, i) => g.forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - lex.result[i][j])))));
  const rows = [
    row("circulation", "10k-point circulation of a 2-16-16-1 relu net's AD field (ms)", fixed.ms, 1000, "lower", " ms"),
    row("circulation", "adaptive circulation to 1e-9 (ms)", adaptive.ms, undefined, "lower", " ms"),
    row("lexicographic", "lexicographic gradient time / reverse mode (2 inputs)", lex.ms / rev.ms, undefined, "lower"),
  ];
  report("analysis: lexicographic gradient vs valueAndGrad, relu net 2-16-16-1", {
    reverseUsPerCall: +((rev.ms * 1000) / xs.length).toFixed(1),
    lexicographicUsPerCall: +((lex.ms * 1000) / xs.length).toFixed(1),
    ratio: +(lex.ms / rev.ms).toFixed(2),
    maxDifference: maxDiff,
  });
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await run();
}
