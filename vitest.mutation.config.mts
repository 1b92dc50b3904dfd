import { defineConfig } from "vitest/config";

// The unit project, as Stryker runs it (stryker.config.mjs): the library's tests in test/unit, which import
// src/ directly, so a mutant in the sandbox's src/ reaches them. Left out: the tests that exercise the built dist/
// through "nonsmooth-ad" or a child process (the docs examples, the memory probes), which cannot see a mutant, and
// the integration, lite and slurm projects (the workbook, a browser, a cluster).
export default defineConfig({
  test: {
    name: "unit",
    include: ["test/unit/**/*.test.ts"],
    exclude: ["**/node_modules/**", "test/unit/docs-examples*.test.ts", "test/unit/reliability/memory*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
  },
});
