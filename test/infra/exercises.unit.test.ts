// The exercises convention (CONTRIBUTING.md, "Adding an exercise"), checked on the committed notebooks. An exercise is a
// markdown cell tagged `exercise` whose text starts with `### Exercise N.k: <title>` (N the notebook's number, k = 1,
// 2, ... in order), followed by its solution: the cells tagged `solution` right after it, a markdown cell starting
// `**Solution.**` then code cells, at least one of which calls an assertion helper (so the workbook run checks the
// solution). Exercises sit in a final `## Exercises` section (only a references section may follow it). Student
// builds drop the `solution` cells; instructor builds keep them.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const notebooks = readdirSync(path.join(root, "notebooks"))
  .filter((f) => f.endsWith(".ipynb"))
  .sort();

/** The notebooks that must end with 2 to 4 exercises. */
const WITH_EXERCISES = /^0[1-6]-/;
const MIN_EXERCISES = 2;
const MAX_EXERCISES = 4;

export interface NotebookCell {
  cell_type: string;
  source: string | string[];
  metadata?: { tags?: string[] };
}

const text = (c: NotebookCell): string => (Array.isArray(c.source) ? c.source.join("") : c.source);
const tagged = (c: NotebookCell, tag: string): boolean => (c.metadata?.tags ?? []).includes(tag);
const heading2 = (c: NotebookCell): string | undefined =>
  c.cell_type === "markdown"
    ? text(c)
        .match(/^## +(.+)$/m)?.[1]
        .trim()
    : undefined;
/** A call of the library's assertion helpers: assert, assertEqual, assertClose, assertFails, ... */
const ASSERTION_CALL = /\bassert[A-Za-z]*\s*\(/;
const REFERENCES = /^(references|bibliography)\b/i;

/** The exercises of a notebook, in order: the index of each `exercise` cell and of its solution cells. */
export function exercisesOf(cells: readonly NotebookCell[]): { exercise: number; solution: number[] }[] {
  const out: { exercise: number; solution: number[] }[] = [];
  cells.forEach((c, i) => {
    if (!tagged(c, "exercise")) return;
    const solution: number[] = [];
    for (let j = i + 1; j < cells.length && tagged(cells[j], "solution") && !tagged(cells[j], "exercise"); j++)
      solution.push(j);
    out.push({ exercise: i, solution });
  });
  return out;
}

/**
 * Every violation of the exercises convention in one notebook, as readable sentences (empty when it is followed).
 * `file` is the notebook's file name (its number N is read from it); `required` asks for 2 to 4 exercises.
 */
export function exerciseProblems(file: string, cells: readonly NotebookCell[], required: boolean): string[] {
  const problems: string[] = [];
  const n = Number(file.match(/^(\d+)-/)?.[1] ?? Number.NaN);
  const exercises = exercisesOf(cells);
  if (required && (exercises.length < MIN_EXERCISES || exercises.length > MAX_EXERCISES))
    problems.push(`${file}: ${exercises.length} exercise(s), expected ${MIN_EXERCISES} to ${MAX_EXERCISES}`);
  const section = cells.findIndex((c) => heading2(c) === "Exercises");
  if (exercises.length > 0 && section < 0) problems.push(`${file}: exercises but no "## Exercises" heading`);
  if (section >= 0) {
    // the section is final: after it, only a references section may start
    cells.forEach((c, i) => {
      const h = heading2(c);
      if (i > section && h !== undefined && !REFERENCES.test(h))
        problems.push(
          `${file}: cell ${i} starts the section "## ${h}" after "## Exercises" (exercises come last, before references only)`,
        );
    });
  }
  exercises.forEach(({ exercise, solution }, k) => {
    const c = cells[exercise];
    const where = `${file}: cell ${exercise}`;
    const title = text(c).match(/^### Exercise (\d+)\.(\d+): \S/);
    if (c.cell_type !== "markdown") problems.push(`${where} is tagged exercise but is a ${c.cell_type} cell`);
    if (!title) problems.push(`${where}: an exercise must start with "### Exercise ${n}.${k + 1}: <title>"`);
    else if (Number(title[1]) !== n || Number(title[2]) !== k + 1)
      problems.push(`${where}: numbered ${title[1]}.${title[2]}, expected ${n}.${k + 1}`);
    if (section < 0 || exercise < section)
      problems.push(`${where}: the exercise is not under the "## Exercises" heading`);
    else {
      const ref = cells.findIndex((x, i) => i > section && REFERENCES.test(heading2(x) ?? ""));
      if (ref >= 0 && exercise > ref) problems.push(`${where}: the exercise comes after the references section`);
    }
    if (solution.length === 0) {
      problems.push(`${where}: the exercise has no solution (no cell tagged solution right after it)`);
      return;
    }
    const first = cells[solution[0]];
    if (first.cell_type !== "markdown" || !text(first).startsWith("**Solution.**"))
      problems.push(`${file}: cell ${solution[0]}: a solution starts with a markdown cell "**Solution.** ..."`);
    if (!solution.some((j) => cells[j].cell_type === "code" && ASSERTION_CALL.test(text(cells[j]))))
      problems.push(`${where}: no code cell of the solution calls an assertion helper (assert, assertEqual, ...)`);
  });
  // a solution cell that follows no exercise would be dropped from student builds without anything to solve
  const owned = new Set(exercises.flatMap((e) => e.solution));
  cells.forEach((c, i) => {
    if (tagged(c, "solution") && !owned.has(i))
      problems.push(`${file}: cell ${i} is tagged solution but follows no exercise`);
  });
  return problems;
}

function cellsOf(file: string): NotebookCell[] {
  return (JSON.parse(readFileSync(path.join(root, "notebooks", file), "utf8")) as { cells: NotebookCell[] }).cells;
}

// small in-memory notebooks for the negative controls
const md = (source: string, tags?: string[]): NotebookCell => ({ cell_type: "markdown", source, metadata: { tags } });
const code = (source: string, tags?: string[]): NotebookCell => ({ cell_type: "code", source, metadata: { tags } });
const good = (): NotebookCell[] => [
  md("# 03 · A notebook"),
  code('import { assert } from "nonsmooth-ad";'),
  md("## Exercises"),
  md("### Exercise 3.1: First\n\nDo this.", ["exercise"]),
  md("**Solution.** Because.", ["solution"]),
  code("assertEqual(1 + 1, 2);", ["solution"]),
  md("### Exercise 3.2: Second", ["exercise"]),
  md("**Solution.** So.", ["solution"]),
  code("const x = 2;", ["solution"]),
  code('console.log("rejected:", assertFails(() => assert(x === 3), "x is 2"));', ["solution"]),
];

describe("the exercises convention", () => {
  it("the checker accepts a notebook that follows the convention", () => {
    expect(exerciseProblems("03-a.ipynb", good(), true)).toEqual([]);
    expect(exercisesOf(good())).toEqual([
      { exercise: 3, solution: [4, 5] },
      { exercise: 6, solution: [7, 8, 9] },
    ]);
  });

  it("the checker reports a missing solution, wrong numbering and the other violations (negative control)", () => {
    const missing = good().filter((_, i) => i !== 4 && i !== 5);
    expect(exerciseProblems("03-a.ipynb", missing, true)).toEqual([
      "03-a.ipynb: cell 3: the exercise has no solution (no cell tagged solution right after it)",
    ]);
    const renumbered = good();
    renumbered[6] = md("### Exercise 3.3: Second", ["exercise"]);
    expect(exerciseProblems("03-a.ipynb", renumbered, true)).toEqual([
      "03-a.ipynb: cell 6: numbered 3.3, expected 3.2",
    ]);
    const otherNotebook = good();
    otherNotebook[3] = md("### Exercise 2.1: First", ["exercise"]);
    expect(exerciseProblems("03-a.ipynb", otherNotebook, true)).toEqual([
      "03-a.ipynb: cell 3: numbered 2.1, expected 3.1",
    ]);
    const untitled = good();
    untitled[3] = md("Exercise: do this", ["exercise"]);
    expect(exerciseProblems("03-a.ipynb", untitled, true)).toEqual([
      '03-a.ipynb: cell 3: an exercise must start with "### Exercise 3.1: <title>"',
    ]);
    const unchecked = good();
    unchecked[5] = code("console.log(1 + 1);", ["solution"]);
    expect(exerciseProblems("03-a.ipynb", unchecked, true)).toEqual([
      "03-a.ipynb: cell 3: no code cell of the solution calls an assertion helper (assert, assertEqual, ...)",
    ]);
    const noSolutionText = good();
    noSolutionText[4] = md("The answer is 2.", ["solution"]);
    expect(exerciseProblems("03-a.ipynb", noSolutionText, true)).toEqual([
      '03-a.ipynb: cell 4: a solution starts with a markdown cell "**Solution.** ..."',
    ]);
    const noHeading = good().filter((_, i) => i !== 2);
    expect(exerciseProblems("03-a.ipynb", noHeading, true)).toEqual([
      '03-a.ipynb: exercises but no "## Exercises" heading',
      '03-a.ipynb: cell 2: the exercise is not under the "## Exercises" heading',
      '03-a.ipynb: cell 5: the exercise is not under the "## Exercises" heading',
    ]);
    const notLast = [...good(), md("## Conclusion")];
    expect(exerciseProblems("03-a.ipynb", notLast, true)).toEqual([
      '03-a.ipynb: cell 10 starts the section "## Conclusion" after "## Exercises" (exercises come last, before references only)',
    ]);
    expect(exerciseProblems("03-a.ipynb", [...good(), md("## References\n\n[BP21] ...")], true)).toEqual([]);
    const orphan = [...good().slice(0, 3), md("**Solution.** Lost.", ["solution"])];
    expect(exerciseProblems("03-a.ipynb", orphan, true)).toEqual([
      "03-a.ipynb: 0 exercise(s), expected 2 to 4",
      "03-a.ipynb: cell 3 is tagged solution but follows no exercise",
    ]);
    expect(exerciseProblems("03-a.ipynb", good().slice(0, 6), true)).toEqual([
      "03-a.ipynb: 1 exercise(s), expected 2 to 4",
    ]);
    expect(exerciseProblems("03-a.ipynb", good().slice(0, 6), false)).toEqual([]);
  });

  it("notebooks 01 to 06 are the ones that must have exercises", () => {
    expect(notebooks.filter((f) => WITH_EXERCISES.test(f)).map((f) => f.slice(0, 2))).toEqual([
      "01",
      "02",
      "03",
      "04",
      "05",
      "06",
    ]);
  });

  it.each(notebooks)("%s follows the exercises convention", (file) => {
    expect(exerciseProblems(file, cellsOf(file), WITH_EXERCISES.test(file))).toEqual([]);
  });
});
