// The site export on a small notebook with exercises (test/fixtures/exercises.ipynb): the student site drops every
// solution cell and its outputs, the instructor site keeps them all; the lab's notebooks likewise. The search for
// solution text is the one the site tests run on the real notebooks (test/site/solutions.ts), and it is checked
// here to be able to fail.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withoutSolutions } from "../../scripts/build-lite.mjs";
import { pageWeight, PAGE_BUDGET } from "../../scripts/export-site.mjs";
import { isSolution, type NotebookCell, solutionPhrases, solutionsShown } from "../site/solutions";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const FIXTURE = path.join(ROOT, "test", "fixtures", "exercises.ipynb");
const MARK = "solution-output-marker-7319";

let dir = "";
let cells: NotebookCell[] = [];
const page = (site: string) => fs.readFileSync(path.join(dir, site, "exercises.html"), "utf8");

function exportSite(site: string, extra: string[]) {
  const r = spawnSync(
    process.execPath,
    [
      path.join(ROOT, "scripts", "export-site.mjs"),
      "--notebooks",
      path.join(dir, "nb"),
      "--site",
      path.join(dir, site),
      "--no-api",
      ...extra,
    ],
    { encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`export-site failed: ${r.stdout}${r.stderr}`);
  return r.stdout;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "nsad-solutions-"));
  // as executed: the solution code cells have an output, which must go with them
  const nb = JSON.parse(fs.readFileSync(FIXTURE, "utf8"));
  for (const c of nb.cells)
    if (isSolution(c) && c.cell_type === "code") c.outputs = [{ output_type: "stream", name: "stdout", text: [MARK] }];
  cells = nb.cells;
  fs.mkdirSync(path.join(dir, "nb"));
  fs.writeFileSync(path.join(dir, "nb", "exercises.ipynb"), JSON.stringify(nb));
  exportSite("student", []);
  exportSite("instructor", ["--with-solutions"]);
}, 120_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("student and instructor sites", () => {
  it("the fixture has exercises, and each solution cell has phrases of its own to search for", () => {
    expect(cells.filter(isSolution).length).toBe(4);
    for (const s of solutionPhrases(cells)) expect(s.phrases.length, `cell ${s.index + 1}`).toBeGreaterThan(0);
  });

  it("the student page shows the exercises but no solution, nor a solution's output", () => {
    const html = page("student");
    expect(html).toContain("Exercise 1.1: the absolute value at its kink");
    expect(html).toContain("celltag_exercise");
    expect(html).not.toContain("celltag_solution");
    expect(html).not.toContain(MARK);
    for (const s of solutionsShown(cells, html)) expect(s.found, `solution cell ${s.index + 1}`).toBe(0);
  });

  it("the instructor page shows every solution, with its output, and says it is the instructor edition", () => {
    const html = page("instructor");
    expect(html.match(/celltag_solution/g)?.length).toBe(4);
    expect(html).toContain(MARK);
    expect(html).toContain("instructor edition");
    for (const s of solutionsShown(cells, html)) expect(s.found, `solution cell ${s.index + 1}`).toBe(s.of);
    expect(fs.readFileSync(path.join(dir, "instructor", "index.html"), "utf8")).toContain("(instructor edition)");
  });

  it("negative control: the search finds a solution in a page that shows one; a cell with no text of its own has no phrase", () => {
    const student = page("student");
    const src = cells[4].source;
    const leaked = student.replace("</body>", `<p>${Array.isArray(src) ? src.join("") : src}</p></body>`);
    expect(solutionsShown(cells, leaked).find((s) => s.index === 4)?.found).toBeGreaterThan(0);
    const bare: NotebookCell[] = [{ cell_type: "code", source: "x", metadata: { tags: ["solution"] } }];
    expect(solutionsShown(bare, student)).toEqual([{ index: 0, found: 0, of: 0 }]);
  });

  it("each site has its shared assets once, and the page loads them by relative paths", () => {
    for (const site of ["student", "instructor"]) {
      const html = page(site);
      for (const src of [...html.matchAll(/<(?:script|link)[^>]*\b(?:src|href)="([^"]+)"/g)].map((m) => m[1])) {
        if (src.endsWith(".html")) continue;
        expect(src, site).toMatch(/^assets\//);
        expect(fs.existsSync(path.join(dir, site, src)), `${site}/${src}`).toBe(true);
      }
      expect(pageWeight(html).weight).toBeLessThan(PAGE_BUDGET / 4);
    }
  });

  it("the lab's notebooks drop the solution cells, and keep them with --with-solutions", () => {
    const committed = fs.readFileSync(FIXTURE, "utf8");
    const student = JSON.parse(withoutSolutions(committed));
    expect(student.cells.length).toBe(cells.length - 4);
    expect(student.cells.some(isSolution)).toBe(false);
    expect(student.metadata).toEqual(JSON.parse(committed).metadata);
    // a notebook without solutions is served as committed, byte for byte
    expect(withoutSolutions(withoutSolutions(committed))).toBe(withoutSolutions(committed));
  });
});

describe("page weight", () => {
  it("counts a page's bytes beyond its images (data URIs)", () => {
    const img = `data:image/png;base64,${"A".repeat(1000)}`;
    expect(pageWeight(`<p>x</p><img src="${img}">`)).toEqual({ bytes: 1042, images: 1022, weight: 20 });
  });
});
