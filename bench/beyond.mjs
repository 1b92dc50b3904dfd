// Benchmark of notebook 07's tools (uses the built library in dist/: run `npm run build` first).
//   node bench/beyond.mjs            standalone: prints one line per measurement
//   import { run } from "./beyond.mjs"; await run()    from the bench runner (returns summary rows)
//
// 1. the abs-normal form (piecewiseLinearization) of a relu network 2-8-8-1 against one reverse pass
//    (valueAndGrad) on the same program, at a random point (no kink met) and at a point where first-layer units
//    sit on their kinks (active switches): the cost ratio, measured interleaved in the same run;
// 2. nonsmooth Newton on the complementarity problem min(x, G(x)) = 0 of notebook 07 (n = 1) and on a 4-D
//    linear complementarity problem: Newton iterations per second with the lexicographic and the
//    piecewise-linear Jacobians.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { measureInterleaved, printReport, row, sink } from "./lib/timing.mjs";

const requireCjs = createRequire(import.meta.url);
const N = requireCjs("../dist/index.js");
const { reluNetwork, tensor, matmul, add, sub, minimum, square, at, concat, reshape } = N;

/** A seeded 2-input relu network (the library's reluNetwork), with kink rows through the origin, as a program. */
function reluNet(seed, hidden, kinkRows = []) {
  return reluNetwork({ sizes: [2, ...hidden], seed, kinkRows }).f;
}

/** Runs the benchmarks, prints them, and returns summary rows for bench/run.mjs. */
export async function run(report = printReport) {
  const rows = [];
  // 1. abs-normal form vs one reverse pass
  const f = reluNet(
    1,
    [8, 8],
    [
      [1, 0],
      [0, 1],
      [1, -1],
    ],
  );
  for (const { label, x } of [
    { label: "random point", x: [0.37, -0.81] },
    { label: "kink point (origin: 3 units at a kink)", x: [0, 0] },
  ]) {
    const s = N.piecewiseLinearization(f, x).activeSwitches;
    const [rev, pl] = measureInterleaved(
      [
        () => (sink.value += N.valueAndGrad(f, x).grad[0]),
        () => (sink.value += N.piecewiseLinearization(f, x).absNormal.J[0][0]),
      ],
      { minTime: 0.6 },
    );
    const ratio = pl.perCall / rev.perCall;
    report(`beyond: abs-normal form vs reverse pass, relu net 2-8-8-1, ${label}`, {
      activeSwitches: s,
      reverseUs: +(rev.perCall * 1e6).toFixed(1),
      absNormalUs: +(pl.perCall * 1e6).toFixed(1),
      ratio: +ratio.toFixed(2),
    });
    rows.push(
      row(
        "abs-normal form",
        `piecewiseLinearization / valueAndGrad, 2-8-8-1 net, ${label} (s = ${s})`,
        ratio,
        undefined,
        "lower",
      ),
    );
  }

  // 2. Newton iterations per second
  const G = (x) => sub(sub(2, x), square(sub(x, 1)));
  const F1 = (v) => minimum(at(v, 0), G(at(v, 0)));
  const M = [
    [4, -1, 0, 0],
    [-1, 4, -1, 0],
    [0, -1, 4, -1],
    [0, 0, -1, 4],
  ];
  const qv = [-1, 2, -3, 1];
  const F4 = (v) => {
    const Gv = add(matmul(tensor(M), v), tensor(qv));
    return concat(M.map((_, i) => reshape(minimum(at(v, i), at(Gv, i)), [1])));
  };
  for (const { label, F, x0 } of [
    { label: "min(x, G(x)), n = 1, from the kink", F: F1, x0: [1] },
    { label: "LCP, n = 4", F: F4, x0: [1, 1, 1, 1] },
  ]) {
    const lexRun = N.nonsmoothNewton(F, x0, { maxIterations: 50 });
    const its = Math.max(lexRun.iterations, 1);
    const [lex, pwl] = measureInterleaved(
      [
        () => (sink.value += N.nonsmoothNewton(F, x0).x[0]),
        () => (sink.value += N.nonsmoothNewton(F, x0, { jacobian: "piecewise-linear" }).x[0]),
      ],
      { minTime: 0.6 },
    );
    const lexRate = its / lex.perCall;
    const pwlRate = its / pwl.perCall;
    report(`beyond: nonsmooth Newton, ${label}`, {
      iterations: lexRun.iterations,
      converged: lexRun.converged,
      lexicographicItersPerSecond: Math.round(lexRate),
      piecewiseLinearItersPerSecond: Math.round(pwlRate),
    });
    rows.push(
      row("newton", `Newton iterations per second, lexicographic, ${label}`, lexRate, undefined, "higher", "/s"),
    );
    rows.push(
      row(
        "newton",
        `piecewise-linear / lexicographic time per solve, ${label}`,
        pwl.perCall / lex.perCall,
        undefined,
        "lower",
      ),
    );
  }
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await run();
}
