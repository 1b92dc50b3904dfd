import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { node } from "./exec";
import { REPO_ROOT, TEST_BUILD, requireWorkbookSuccess } from "./workbook-build";

const NOTEBOOK_DIR = path.join(REPO_ROOT, "notebooks");
const notebooks = fs
  .readdirSync(NOTEBOOK_DIR)
  .filter((f) => f.endsWith(".ipynb"))
  .sort();

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: unknown[];
  execution_count?: number | null;
}
const read = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));
const source = (c: Cell) => (Array.isArray(c.source) ? c.source.join("") : c.source);

describe("the workbook's notebooks", () => {
  it("exist", () => {
    expect(notebooks).toContain("00-getting-started.ipynb");
  });

  it("all execute through the real kernel without error (globalSetup's workbook run)", () => {
    const r = requireWorkbookSuccess();
    for (const nb of notebooks)
      expect(r.output).toMatch(new RegExp(`notebooks/${nb.replace(/\./g, "\\.")} \\.\\.\\. ok`));
  });

  it.each(notebooks)("%s: its executed copy has every code cell run", (nb) => {
    requireWorkbookSuccess();
    const executed = path.join(TEST_BUILD, "notebooks", nb);
    expect(fs.existsSync(executed), executed).toBe(true);
    const cells: Cell[] = read(executed).cells;
    const code = cells.filter((c) => c.cell_type === "code" && source(c).trim());
    expect(code.length).toBeGreaterThan(0);
    expect(code.map((c) => c.execution_count)).toEqual(code.map((_, i) => i + 1));
  });

  it.each(notebooks)("%s: names the nonsmooth-ad kernel and is nbformat 4.5+", (nb) => {
    const j = read(path.join(NOTEBOOK_DIR, nb));
    expect(j.metadata.kernelspec).toEqual({
      name: "nonsmooth-ad",
      display_name: "TypeScript (nonsmooth-ad)",
      language: "typescript",
    });
    expect(j.metadata.language_info?.name).toBe("typescript");
    expect(j.nbformat).toBe(4);
    expect(j.nbformat_minor).toBeGreaterThanOrEqual(5);
  });

  it.each(notebooks)("%s: is committed without outputs or execution counts", (nb) => {
    const cells: Cell[] = read(path.join(NOTEBOOK_DIR, nb)).cells;
    const dirty = cells
      .map((c, i) => ({ i: i + 1, c }))
      .filter(({ c }) => c.cell_type === "code" && ((c.outputs?.length ?? 0) > 0 || c.execution_count != null))
      .map(({ i }) => `cell ${i}`);
    expect(dirty, `${nb} has outputs; run npm run clean-notebooks`).toEqual([]);
  });

  it("clean-notebooks --check passes on notebooks/ and fails, naming it, on an executed copy", async () => {
    const ok = await node("scripts/clean-notebooks.mjs", ["--check"]);
    expect(ok.code, ok.output).toBe(0);
    requireWorkbookSuccess();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nsad-dirty-"));
    const dirty = path.join(dir, "dirty.ipynb");
    fs.copyFileSync(path.join(TEST_BUILD, "notebooks", notebooks[0]), dirty);
    const bad = await node("scripts/clean-notebooks.mjs", ["--check", dirty]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("dirty.ipynb");
    // Cleaning it gives back the committed notebook, metadata included.
    const fix = await node("scripts/clean-notebooks.mjs", [dirty]);
    expect(fix.code, fix.output).toBe(0);
    const cleaned = read(dirty);
    const original = read(path.join(NOTEBOOK_DIR, notebooks[0]));
    expect(cleaned.cells.map(source)).toEqual(original.cells.map(source));
    expect(cleaned.metadata.kernelspec).toEqual(original.metadata.kernelspec);
    expect((await node("scripts/clean-notebooks.mjs", ["--check", dirty])).code).toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
