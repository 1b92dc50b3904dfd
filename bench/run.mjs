// `npm run bench` (= `npm run build && node bench/run.mjs`): the engine benchmarks, then the analysis and
// training benchmarks when they exist, then one summary table of the ratios measured in this run.
// A benchmark module either exports `async function run()` (returning summary rows, see bench/lib/timing.mjs)
// or runs standalone when imported.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";
import { printTable } from "./lib/timing.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const modules = ["engine.mjs", "analysis.mjs", "training.mjs", "beyond.mjs"];
const rows = [];
const failures = [];

for (const name of modules) {
  const file = path.join(here, name);
  if (!existsSync(file)) {
    console.log(`\n(bench/${name} not present: skipped)`);
    continue;
  }
  console.log(`\n=== bench/${name} ===`);
  const t0 = Date.now();
  try {
    const mod = await import(pathToFileURL(file).href);
    if (typeof mod.run === "function") {
      const out = await mod.run();
      if (Array.isArray(out)) {
        for (const r of out) {
          if (r && typeof r === "object" && "metric" in r) rows.push({ bench: name.replace(/\.mjs$/, ""), ...r });
        }
      }
    }
    console.log(`(bench/${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (e) {
    failures.push(name);
    console.error(`bench/${name} failed: ${e instanceof Error && e.stack ? e.stack : e}`);
  }
}

console.log("\n=== summary (ratios measured in this run) ===");
if (rows.length) printTable(rows);
else console.log("no summary rows");
const missed = rows.filter((r) => r.ok === false);
if (missed.length)
  console.log(`\n${missed.length} target(s) missed: ${missed.map((r) => `${r.bench}: ${r.metric}`).join("; ")}`);
if (failures.length) {
  console.error(`\nfailed: ${failures.join(", ")}`);
  process.exitCode = 1;
}
