// Every @example block of the library type-checks as a user would write it: strict TypeScript against the library's
// own sources ("nonsmooth-ad" and "nonsmooth-ad/notebook" mapped to src), and without `any`, so that the documented
// way to write a program is the typed one (`Value`, `Tracer`). The runtime check is docs-examples.test.ts.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import ts from "typescript";
import { extractExamples, listTs, root, srcDir } from "./docs-examples.lib";
import type { Example } from "./docs-examples.lib";

const examples = listTs(srcDir).flatMap((f) => extractExamples(f, readFileSync(f, "utf8")));

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2022.d.ts"],
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  esModuleInterop: true,
  skipLibCheck: true,
  types: ["node"],
  baseUrl: root,
  paths: { "nonsmooth-ad": ["src/index.ts"], "nonsmooth-ad/notebook": ["src/notebook/index.ts"] },
};

/** Type errors of a set of examples, each compiled as its own module file (top-level await allowed). */
function typeErrors(exs: readonly Example[]): Map<Example, string[]> {
  const virtual = new Map<string, Example>();
  exs.forEach((ex, i) => virtual.set(path.join(root, "test", ".examples", `example${i}.ts`), ex));
  const host = ts.createCompilerHost(OPTIONS);
  const read = host.readFile.bind(host);
  const exists = host.fileExists.bind(host);
  host.readFile = (f) => (virtual.has(f) ? `${virtual.get(f)!.code}\nexport {};\n` : read(f));
  host.fileExists = (f) => virtual.has(f) || exists(f);
  const program = ts.createProgram([...virtual.keys()], OPTIONS, host);
  const errors = new Map<Example, string[]>();
  for (const [file, ex] of virtual) {
    const sf = program.getSourceFile(file)!;
    const msgs = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)].map((d) => {
      const { line } = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: -1 };
      return `line ${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`;
    });
    const anyUse = ex.code
      .split("\n")
      .flatMap((l, k) => (/(:\s*any\b|\bas any\b|<any>)/.test(l) ? [`line ${k + 1}: uses any: ${l.trim()}`] : []));
    if (msgs.length + anyUse.length > 0) errors.set(ex, [...msgs, ...anyUse]);
  }
  return errors;
}

describe("docs examples type-check (strict, no any)", () => {
  it("the checker sees type errors and any (negative control)", () => {
    const mk = (code: string): Example => ({ file: "src/synthetic.ts", name: "x", line: 1, code });
    const bad = [
      mk('import { relu } from "nonsmooth-ad";\nconst x: string = relu(1);'),
      mk('import { relu } from "nonsmooth-ad";\nconst f = (t: any) => relu(t);'),
    ];
    const errs = typeErrors(bad);
    expect(errs.get(bad[0])?.join(" ")).toMatch(/not assignable to type 'string'/);
    expect(errs.get(bad[1])?.join(" ")).toMatch(/uses any/);
    const good = mk(
      'import { relu, tensor } from "nonsmooth-ad";\nimport type { Value } from "nonsmooth-ad";\nconst f = (t: Value) => relu(t);\nconst a: number[] = relu(tensor([-1, 2])).toFlat();\nvoid f; void a;',
    );
    expect(typeErrors([good]).size).toBe(0);
  });

  it(`all ${examples.length} examples of src type-check without any`, { timeout: 180_000 }, () => {
    expect(examples.length).toBeGreaterThan(100);
    const errs = typeErrors(examples);
    const report = [...errs].map(([ex, m]) => `${ex.file} ${ex.name} (line ${ex.line}):\n  ${m.join("\n  ")}`);
    expect(report).toEqual([]);
  });
});
