// Mutation testing (Stryker): a small plausible bug that no test notices marks a missing test. Not run in CI (a
// module takes minutes to an hour); run by hand on the module you touch, see CONTRIBUTING.md, "Mutation testing":
//   npm run mutation -- --mutate src/policy.ts
//   npm run mutation -- --mutate src/engine/nonsmooth.ts:100-200 --testFiles test/unit/engine/kinks.test.ts
// The HTML report lands in reports/mutation/mutation.html.
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutation.config.mts", related: true },
  // only the tests that execute a mutant run against it
  coverageAnalysis: "perTest",
  // A mutant that runs only while a module loads (a preset's value, a table built at import) would need every test
  // file run again on a fresh import (hours for a module here), and with vitest 4.1 this runner does not activate
  // such mutants at all (every one reported as surviving, even a preset value kinks.test.ts checks): ignored.
  ignoreStatic: true,
  // the machine running this is usually shared: two workers at most
  concurrency: 2,
  // a default: pick the module on the command line (--mutate), one module (or one line range) at a time
  mutate: ["src/negative-control.ts"],
  // the sandbox needs src/, test/, the configs and dist/wasm (the WebAssembly kernel the sources load); not the
  // workbook, the site or the documents
  ignorePatterns: ["build", "reports", "notebooks", "lite", "docs", "bench", "assets", "kernel", "coverage"],
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  // a loaded machine runs tests slower than the dry run measured
  timeoutMS: 20_000,
  dryRunTimeoutMinutes: 30,
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
};
