import { defineConfig } from "vitest/config";

// Four projects:
// - unit: fast, pure Node (the library's tests, the display helpers' tests, pure tests of the infra scripts, the
//   browser kernel's tests in test/lite/*.unit.test.ts);
// - lite: the workbook in JupyterLab in the browser (test/lite/*.browser.test.ts), built and run in Chromium;
// - integration: the real Jupyter kernel, the notebooks and the static site. Its globalSetup runs the workbook
//   once into build/test/ (see test/infra/global-setup.ts); tests read the executed notebooks and the site there;
// - slurm: the sweep's SLURM backend on a real one-node cluster (see .ci/run).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: [
            "test/unit/**/*.test.ts",
            "test/display/**/*.test.ts",
            "test/infra/**/*.unit.test.ts",
            "test/lite/**/*.unit.test.ts",
          ],
          environment: "node",
          // a guard against hangs, not a speed limit: some property tests take seconds on a loaded 2-core machine
          testTimeout: 60_000,
        },
      },
      {
        // the lab site (JupyterLab in the browser): builds it, then runs every notebook in headless Chromium
        test: {
          name: "lite",
          include: ["test/lite/**/*.browser.test.ts"],
          environment: "node",
          testTimeout: 900_000,
          hookTimeout: 300_000,
        },
      },
      {
        // the sweep's SLURM backend against a real cluster (scripts/slurm/cluster.sh start); skipped with a
        // message when none answers, required by CI (NSAD_REQUIRE_SLURM=1)
        test: {
          name: "slurm",
          include: ["test/slurm/**/*.test.ts"],
          environment: "node",
          testTimeout: 300_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/infra/**/*.test.ts", "test/site/**/*.test.ts"],
          exclude: ["**/node_modules/**", "test/infra/**/*.unit.test.ts"],
          environment: "node",
          globalSetup: ["test/infra/global-setup.ts"],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
