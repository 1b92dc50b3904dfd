#!/usr/bin/env node
// Test accuracy against s = relu'(0) (Bertoin et al., NeurIPS 2021, Section 4) at a larger size than notebook 05's
// Section 5: the same network, data, methods and seeds, more runs and values of s.
//   node scripts/relu-slope-accuracy.mjs [--precision float16] [--slopes 0,1,50,1000,10000] [--runs 12] [--steps 60]
//        [--seed 1] [--max-minutes 60] [--allow-long] [--out results.json]
// Prints, per method and s, the runs that part from s = 0, the relu(0) hits, the mean test accuracy, the mean paired
// difference with s = 0 and its standard error, the runs below s = 0 beyond the noise of 200 test digits, and the
// diverged runs. Run `npm run build` first.
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { arg, flag } from "./lib/cli-args.mjs";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const L = require(path.join(root, "dist/index.js"));

const precision = arg("precision", "float16");
const slopes = String(arg("slopes", "0,1,50,1000,10000")).split(",").map(Number);
const runs = Number(arg("runs", "12"));
const steps = Number(arg("steps", "60"));
const seed = Number(arg("seed", "1"));
const out = arg("out", undefined);
// notebook 05, Sections 3 and 5: 300 training and 200 test digits, 784-32-32-10, batches of 16
const all = L.loadMnist({ count: 500, seed: 0 });
const { train, test } = L.trainTestSplit(all, 0.4, 1);
const methods = [
  { optimizer: "sgd", stepSize: 0.1 },
  { optimizer: "sgd", stepSize: 0.1, normalization: "batch" },
  { optimizer: "adam", stepSize: 0.003 },
];
const t0 = Date.now();
const rows = L.reluSlopeAccuracy({
  slopes,
  hidden: [32, 32],
  data: train,
  testData: test,
  precision,
  methods,
  steps,
  batchSize: 16,
  runs,
  seed,
  maxMinutes: Number(arg("max-minutes", "60")),
  allowLong: flag("allow-long"),
  onProgress: (p) => {
    if (p.done === 0) console.log(`estimated ${(p.estimatedSeconds / 60).toFixed(1)} minutes for ${p.total} runs`);
  },
});
const seconds = (Date.now() - t0) / 1000;
const n = test.X.shape[0];
const noise = (p) => 1.96 * Math.sqrt((2 * p * (1 - p)) / n);
console.log(`${precision}, ${runs} runs of ${steps} steps per method and s, ${seconds.toFixed(0)} s wall clock`);
console.log(
  "method            | s       | parted | hits | mean acc | mean diff (se)  | below s=0 beyond noise | diverged",
);
for (const method of ["SGD", "SGD + batch norm", "Adam"]) {
  const ref = rows.filter((r) => r.method === method && r.s === slopes[0]);
  for (const s of slopes) {
    const at = rows.filter((r) => r.method === method && r.s === s);
    const d = at.map((r, i) => r.testAccuracy - ref[i].testAccuracy);
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    const se = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (d.length - 1) / d.length);
    const below = at.filter((r, i) => {
      const a = r.testAccuracy;
      const b = ref[i].testAccuracy;
      return a < b && b - a > noise((a + b) / 2);
    }).length;
    console.log(
      [
        method.padEnd(17),
        String(s).padEnd(7),
        String(at.filter((r) => r.firstDifference >= 0).length).padStart(6),
        String(at.reduce((a, r) => a + r.kinks, 0)).padStart(4),
        (at.reduce((a, r) => a + r.testAccuracy, 0) / at.length).toFixed(3).padStart(8),
        `${mean >= 0 ? "+" : ""}${mean.toFixed(3)} (${se.toFixed(3)})`.padEnd(15),
        String(below).padStart(22),
        String(at.filter((r) => r.diverged).length).padStart(8),
      ].join(" | "),
    );
  }
}
if (out) writeFileSync(out, JSON.stringify({ precision, slopes, runs, steps, seed, seconds, rows }, null, 1));
