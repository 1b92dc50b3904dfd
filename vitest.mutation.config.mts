import { defineConfig } from "vitest/config";

// The unit project, as Stryker runs it (stryker.config.mjs): the library's tests in test/unit, which import
// src/ directly, so a mutant in the sandbox's src/ reaches them (the docs examples too: they bind "nonsmooth-ad" to
// src). Left out: the type check of the examples and the memory probes (a compiler run, child processes on dist/),
// which cannot see a mutant; the threaded WebAssembly product (its worker threads do not start inside Stryker's
// test runner); the integration, lite and slurm projects (the workbook, a browser, a cluster). The setup file loads
// the library before any test (see its comment).
export default defineConfig({
  test: {
    name: "unit",
    include: ["test/unit/**/*.test.ts"],
    exclude: [
      "**/node_modules/**",
      "test/unit/docs-examples-types.test.ts",
      "test/unit/reliability/memory*.test.ts",
      "test/unit/kernels/wasm-matmul.test.ts",
    ],
    environment: "node",
    setupFiles: ["test/unit/mutation/load-library.ts"],
    testTimeout: 60_000,
  },
});
