// Pure tests of the infrastructure scripts (no kernel): part of the fast unit project.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findOutputs, stripNotebook, formatNotebook } from "../../scripts/clean-notebooks.mjs";
import { kernelSpec, prefixDataDir, userDataDir } from "../../kernel/install.mjs";
import { parseArgs } from "../../scripts/workbook.mjs";

const executed = {
  cells: [
    { cell_type: "markdown", id: "a", metadata: {}, source: ["# t"] },
    {
      cell_type: "code",
      id: "b",
      execution_count: 3,
      metadata: { execution: { "iopub.status.busy": "x" }, tags: ["keep"] },
      outputs: [{ output_type: "stream", name: "stdout", text: ["hi\n"] }],
      source: ["1 + 1"],
    },
  ],
  metadata: { kernelspec: { name: "nonsmooth-ad", display_name: "TypeScript (nonsmooth-ad)", language: "typescript" } },
  nbformat: 4,
  nbformat_minor: 5,
};

describe("clean-notebooks", () => {
  it("finds outputs and execution counts, naming the cell", () => {
    expect(findOutputs(executed)).toEqual(["cell 2: 1 output(s)", "cell 2: execution_count 3"]);
  });

  it("strips them, keeping the kernelspec and other metadata", () => {
    const clean = stripNotebook(executed);
    expect(findOutputs(clean)).toEqual([]);
    expect(clean.cells[1].metadata).toEqual({ tags: ["keep"] });
    expect(clean.metadata).toEqual(executed.metadata);
    expect(executed.cells[1].outputs).toHaveLength(1); // the input is not modified
  });

  it("writes notebooks as nbformat does: sorted keys, one-space indent", () => {
    const text = formatNotebook({ nbformat: 4, cells: [], metadata: {} });
    expect(text).toBe('{\n "cells": [],\n "metadata": {},\n "nbformat": 4\n}\n');
  });
});

describe("kernel spec", () => {
  it("starts this checkout's tslab with the given node, by absolute paths", () => {
    const spec = kernelSpec({ node: "/opt/node/bin/node" });
    expect(spec.argv[0]).toBe("/opt/node/bin/node");
    expect(spec.argv[1]).toMatch(/node_modules\/tslab\/bin\/tslab$/);
    expect(path.isAbsolute(spec.argv[1])).toBe(true);
    expect(spec.argv.slice(2)).toEqual(["kernel", "--config-path", "{connection_file}"]);
  });

  it("throws a clear error when tslab is not installed", () => {
    expect(() => kernelSpec({ root: "/nonexistent-checkout" })).toThrow(/tslab is not installed: .* Run `npm ci`/);
  });

  it("puts a prefix install under PREFIX/share/jupyter and respects JUPYTER_DATA_DIR", () => {
    expect(prefixDataDir("/tmp/p")).toBe("/tmp/p/share/jupyter");
    expect(userDataDir({ JUPYTER_DATA_DIR: "/tmp/d" })).toBe("/tmp/d");
  });
});

describe("workbook options", () => {
  it("parses notebooks and options", () => {
    const o = parseArgs(["--out", "b", "x.ipynb", "--kernel-dir=/tmp/k", "--timeout", "30", "--no-site"], {});
    expect(o).toMatchObject({
      notebooks: ["x.ipynb"],
      out: "b",
      kernelDir: "/tmp/k",
      timeout: 30,
      site: false,
      build: true,
    });
  });

  it("defaults the timeout to 600 s or NSAD_NOTEBOOK_TIMEOUT", () => {
    expect(parseArgs([], {}).timeout).toBe(600);
    expect(parseArgs([], { NSAD_NOTEBOOK_TIMEOUT: "45" }).timeout).toBe(45);
  });

  it("rejects unknown options, missing values and bad timeouts", () => {
    expect(() => parseArgs(["--nope"], {})).toThrow(/unknown option "--nope"/);
    expect(() => parseArgs(["--out"], {})).toThrow(/--out needs a value/);
    expect(() => parseArgs(["--timeout", "-1"], {})).toThrow(/positive number of seconds \(got "-1"\)/);
  });
});

describe("prerequisites", () => {
  it("names a missing part and the exact apt-get command when it may not install", async () => {
    const { ensurePrerequisites } = await import("../../scripts/prerequisites.mjs");
    const requirements = {
      modules: { nsad_no_such_module: "python3-nsad-test" },
      files: { "/nonexistent/nsad-chromium": "chromium" },
      asRoot: false,
    };
    expect(() => ensurePrerequisites({ requirements })).toThrow(
      /\/nonexistent\/nsad-chromium \(Debian package chromium\)\n {2}- Python module nsad_no_such_module in \/usr\/bin\/python3 \(Debian package python3-nsad-test\)[\s\S]*sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium python3-nsad-test/,
    );
    expect(() => ensurePrerequisites({ requirements: { ...requirements, asRoot: true }, install: false })).toThrow(
      /Install them with:\n {2}apt-get update && apt-get install -y --no-install-recommends chromium python3-nsad-test/,
    );
  });
});
