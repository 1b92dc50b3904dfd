// What the committed notebooks and the README may not contain: `any` in code (programs are typed with Value and
// Tracer), and references to documents outside the repository (readers have only the repository: cite papers or
// the project's own docs).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const notebooks = readdirSync(path.join(root, "notebooks"))
  .filter((f) => f.endsWith(".ipynb"))
  .sort();

interface Cell {
  cell_type: string;
  source: string | string[];
}

const ANY = /(:\s*any\b|\bas any\b|<any>)/;
const OUTSIDE = /field[- ]notes|shared\/docs|\.\.\/shared/i;

/** The offending lines of one code text: `any` types. */
export function anyUses(code: string): string[] {
  return code.split("\n").filter((l) => ANY.test(l) && !l.trim().startsWith("//"));
}

/** The offending lines of one text: references to documents outside the repository. */
export function outsideReferences(text: string): string[] {
  return text.split("\n").filter((l) => OUTSIDE.test(l));
}

function cells(file: string): Cell[] {
  return (JSON.parse(readFileSync(path.join(root, "notebooks", file), "utf8")) as { cells: Cell[] }).cells;
}

const text = (c: Cell): string => (Array.isArray(c.source) ? c.source.join("") : c.source);

describe("notebook and README sources", () => {
  it("the checks see what they look for (negative control)", () => {
    expect(anyUses("const f = (t: any) => relu(t);\nconst g = (t: Value) => t;")).toEqual([
      "const f = (t: any) => relu(t);",
    ]);
    expect(anyUses("const x = y as any;")).toHaveLength(1);
    expect(anyUses("// a comment may say (t: any)\nconst ok = 1;")).toEqual([]);
    expect(outsideReferences("as the field notes say\nas [BP21] proves")).toEqual(["as the field notes say"]);
  });

  it.each(notebooks)("%s: typed code (no any) and no references outside the repository", (file) => {
    const cs = cells(file);
    const anys = cs.filter((c) => c.cell_type === "code").flatMap((c) => anyUses(text(c)));
    const outside = cs.flatMap((c) => outsideReferences(text(c)));
    expect({ anys, outside }).toEqual({ anys: [], outside: [] });
  });

  it("README: typed examples and no references outside the repository", () => {
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThan(0);
    expect({ anys: blocks.flatMap(anyUses), outside: outsideReferences(readme) }).toEqual({ anys: [], outside: [] });
  });
});
