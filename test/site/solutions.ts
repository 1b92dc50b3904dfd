// Finding the exercises' solutions in a site page. A solution is a cell tagged "solution" (a markdown cell starting
// **Solution.** and the code cells after it); the student site must show none of them, the instructor site all.
// Pages render markdown and highlight code, so the search compares words (runs of letters and digits), not markup:
// each line of a solution cell that has at least three words, and whose words do not also occur in the
// notebook's other cells, is a phrase to look for in the page's visible text.

export interface NotebookCell {
  cell_type: string;
  source: string | string[];
  metadata?: { tags?: string[] };
  outputs?: unknown[];
}

export const SOLUTION_TAG = "solution";

const joined = (s: string | string[]) => (Array.isArray(s) ? s.join("") : s);

export const isSolution = (c: NotebookCell): boolean => (c.metadata?.tags ?? []).includes(SOLUTION_TAG);

/** The words of a text, lower-cased and joined by single spaces (with a space at each end, for whole-word search). */
export function words(text: string): string {
  const w = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return ` ${w.join(" ")} `;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** The visible text of an HTML page: scripts and styles removed, tags stripped, entities decoded. */
export function pageText(html: string): string {
  return html
    .replace(/<script\b[\s\S]*?<\/script>/gi, " ")
    .replace(/<style\b[\s\S]*?<\/style>/gi, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === "#")
        return String.fromCodePoint(
          e[1] === "x" || e[1] === "X" ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)),
        );
      return ENTITIES[e.toLowerCase()] ?? m;
    });
}

/** A markdown line without link targets (the page shows a link's text, not its address). */
const visibleMarkdown = (line: string) => line.replace(/\]\([^)]*\)/g, "]");

export interface SolutionPhrases {
  /** index of the cell in the notebook */
  index: number;
  /** the phrases to search for, as from {@link words} */
  phrases: string[];
}

/** The phrases of each solution cell of a notebook (see the top of this file). */
export function solutionPhrases(cells: NotebookCell[]): SolutionPhrases[] {
  const others = words(
    cells
      .filter((c) => !isSolution(c))
      .map((c) => joined(c.source))
      .join("\n"),
  );
  return cells.flatMap((c, index) => {
    if (!isSolution(c)) return [];
    const phrases = joined(c.source)
      .split("\n")
      .map((line) => words(c.cell_type === "markdown" ? visibleMarkdown(line) : line))
      .filter((p) => p.trim().split(" ").length >= 3 && !others.includes(p));
    return [{ index, phrases }];
  });
}

/**
 * What a page shows of a notebook's solutions: for each solution cell, how many of its phrases (`of`) the page
 * contains (`found`). A solution cell with no phrase of its own (`of` = 0: every line short or also elsewhere in
 * the notebook) cannot be found by its text; the site tests count solution cells by their tag as well, and
 * print such cells.
 */
export function solutionsShown(cells: NotebookCell[], html: string): { index: number; found: number; of: number }[] {
  const text = words(pageText(html));
  return solutionPhrases(cells).map(({ index, phrases }) => ({
    index,
    found: phrases.filter((p) => text.includes(p)).length,
    of: phrases.length,
  }));
}
