#!/usr/bin/env node
// `npm test`: prerequisites, build, then `vitest run` over both projects (unit and integration). Extra arguments
// go to vitest (`npm test -- --project unit`). The exit code is vitest's.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensurePrerequisites } from "./prerequisites.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function step(label, fn) {
  const t0 = Date.now();
  fn();
  console.log(`${label}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

try {
  step("prerequisites", () => ensurePrerequisites());
  step("build", () => {
    // the WebAssembly kernels (src/wasm), then the library
    const w = spawnSync(process.execPath, ["scripts/build-wasm.mjs"], { cwd: ROOT, stdio: "inherit" });
    if (w.status !== 0) throw new Error(`build failed (build-wasm exited with ${w.status ?? w.signal})`);
    const r = spawnSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
      cwd: ROOT,
      stdio: "inherit",
    });
    if (r.status !== 0) throw new Error(`build failed (tsc exited with ${r.status ?? r.signal})`);
    // the entry points' re-exports as data properties (see the script)
    const x = spawnSync(process.execPath, ["scripts/flatten-exports.mjs"], { cwd: ROOT, stdio: "inherit" });
    if (x.status !== 0) throw new Error(`build failed (flatten-exports exited with ${x.status ?? x.signal})`);
  });
} catch (e) {
  console.error(`test: ${e.message}`);
  process.exit(1);
}

// NSAD_PREPARED tells the integration project's globalSetup that prerequisites and build are done.
const r = spawnSync(process.execPath, ["node_modules/vitest/vitest.mjs", "run", ...process.argv.slice(2)], {
  cwd: ROOT,
  stdio: "inherit",
  env: { ...process.env, NSAD_PREPARED: "1" },
});
if (r.error) {
  console.error(`test: could not start vitest (${r.error.message})`);
  process.exit(1);
}
process.exit(r.status ?? 1);
