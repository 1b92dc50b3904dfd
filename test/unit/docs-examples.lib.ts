// The @example blocks of the library's TSDoc comments: where they are and how to collect them. Shared by the test
// that runs every example and the test that type-checks them.
import { readdirSync } from "node:fs";
import path from "node:path";

export const root = path.resolve(__dirname, "../..");
export const srcDir = path.join(root, "src");

export interface Example {
  /** Path relative to the repository root. */
  readonly file: string;
  /** The declaration the TSDoc comment documents (or "line N"). */
  readonly name: string;
  /** 1-based line of the code block's first line. */
  readonly line: number;
  readonly code: string;
}

export function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listTs(p));
    else if (e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push(p);
  }
  return out.sort();
}

const DECL =
  /^\s*(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|const|let|var|class|interface|type|enum|namespace)\s+([A-Za-z_$][\w$]*)/;
const MEMBER =
  /^\s*(?:public\s+|private\s+|protected\s+|static\s+|readonly\s+|async\s+|get\s+|set\s+)*([A-Za-z_$][\w$]*)\s*[(<:=]/;

/** Extracts the ```ts blocks of the @example tags of one file's TSDoc comments. */
export function extractExamples(file: string, text: string): Example[] {
  const rel = path.relative(root, file);
  const examples: Example[] = [];
  const comment = /\/\*\*([\s\S]*?)\*\//g;
  let m: RegExpExecArray | null;
  while ((m = comment.exec(text))) {
    const body = m[1];
    if (!body.includes("@example")) continue;
    const startLine = text.slice(0, m.index).split("\n").length;
    const lines = body.split("\n").map((l) => l.replace(/^\s*\* ?/, ""));
    // the declaration after the comment
    const after = text
      .slice(m.index + m[0].length)
      .split("\n")
      .find((l) => l.trim() !== "" && !l.trim().startsWith("//") && !l.trim().startsWith("@"));
    const decl = after ? (DECL.exec(after) ?? MEMBER.exec(after)) : null;
    const name = decl ? decl[1] : `line ${startLine}`;
    let inExample = false;
    let block: string[] | null = null;
    let blockLine = 0;
    let count = 0;
    lines.forEach((l, i) => {
      if (block === null) {
        if (/^@example\b/.test(l.trim())) inExample = true;
        else if (/^@\w+/.test(l.trim())) inExample = false;
        else if (inExample && /^```(ts|typescript)\s*$/.test(l.trim())) {
          block = [];
          blockLine = startLine + i + 1;
        }
      } else if (/^```\s*$/.test(l.trim())) {
        count++;
        examples.push({
          file: rel,
          name: count > 1 ? `${name} #${count}` : name,
          line: blockLine,
          code: block.join("\n"),
        });
        block = null;
      } else block.push(l);
    });
  }
  return examples;
}
