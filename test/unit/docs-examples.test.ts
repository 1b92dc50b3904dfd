// Every ```ts block inside an @example TSDoc tag of every src/**/*.ts file runs as a test, named by file and
// declaration. Examples are collected when the test runs (new files and examples are picked up without editing
// this file). Imports of "nonsmooth-ad" and "nonsmooth-ad/notebook" resolve to the repository's src (through
// vitest's TypeScript transform), so no build is needed; the example is transpiled to CommonJS with the pinned
// TypeScript and run inside an async function (top-level await works). A failing example fails its test.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import ts from "typescript";

import { extractExamples, listTs, root, srcDir } from "./docs-examples.lib";
import type { Example } from "./docs-examples.lib";

const realRequire = createRequire(path.join(root, "package.json"));

/** Runs one example: transpiled to CommonJS, library imports bound to src, inside an async function. */
async function runExample(ex: Example, libs: Record<string, unknown>): Promise<string[]> {
  const out = ts.transpileModule(ex.code, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: `${ex.file}.example.ts`,
    reportDiagnostics: true,
  });
  if (out.diagnostics && out.diagnostics.length) {
    throw new Error(
      `example does not parse: ${out.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")).join("; ")}`,
    );
  }
  const logs: string[] = [];
  const fakeConsole = {
    ...console,
    log: (...a: unknown[]) => logs.push(a.map(String).join(" ")),
    info: (...a: unknown[]) => logs.push(a.map(String).join(" ")),
    warn: (...a: unknown[]) => logs.push(a.map(String).join(" ")),
  };
  const req = (id: string): unknown => {
    if (id in libs) return libs[id];
    return realRequire(id);
  };
  const module = { exports: {} as Record<string, unknown> };
  const fn = new Function("require", "exports", "module", "console", `return (async () => {\n${out.outputText}\n})();`);
  await fn(req, module.exports, module, fakeConsole);
  return logs;
}

const files = listTs(srcDir);
const all = files.flatMap((f) => extractExamples(f, readFileSync(f, "utf8")));

describe("docs examples: every @example ```ts block in src runs", () => {
  it("finds the examples (the collector works)", () => {
    expect(all.length).toBeGreaterThan(20);
    expect(all.some((e) => e.file === path.join("src", "engine", "transforms.ts") && e.name === "grad")).toBe(true);
    // a sanity check of the extractor on a synthetic file
    const synthetic = [
      "/**",
      " * Doc.",
      " *",
      " * @example",
      " * ```ts",
      " * const a = 1;",
      " * ```",
      " * @param x not code",
      " * ```ts",
      " * not an example",
      " * ```",
      " */",
      "export function foo(x: number) {}",
    ].join("\n");
    const ex = extractExamples(path.join(srcDir, "synthetic.ts"), synthetic);
    expect(ex).toHaveLength(1);
    expect(ex[0]).toMatchObject({ name: "foo", code: "const a = 1;", line: 6 });
  });

  it("a failing example fails (synchronously or after an await), and imports resolve to src", async () => {
    const lib = { "nonsmooth-ad": await import("../../src/index") };
    const mk = (code: string): Example => ({ file: "src/synthetic.ts", name: "x", line: 1, code });
    await expect(
      runExample(mk('import { assertEqual } from "nonsmooth-ad";\nassertEqual(1, 2);'), lib),
    ).rejects.toThrow("expected 2, got 1");
    await expect(
      runExample(
        mk(
          'import { grad, relu } from "nonsmooth-ad";\nawait Promise.resolve();\nif (grad(relu, 1) !== 2) throw new Error("late");',
        ),
        lib,
      ),
    ).rejects.toThrow("late");
    await expect(runExample(mk("const x: number = ;"), lib)).rejects.toThrow("example does not parse");
    const logs = await runExample(mk('import { grad, relu } from "nonsmooth-ad";\nconsole.log(grad(relu, 2));'), lib);
    expect(logs).toEqual(["1"]);
  });

  const byFile = new Map<string, Example[]>();
  for (const e of all) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  for (const [file, examples] of byFile) {
    describe(file, () => {
      for (const ex of examples) {
        it(`${ex.name} (line ${ex.line})`, { timeout: 120_000 }, async () => {
          const libs: Record<string, unknown> = {};
          if (/["']nonsmooth-ad["']/.test(ex.code)) libs["nonsmooth-ad"] = await import("../../src/index");
          if (/["']nonsmooth-ad\/notebook["']/.test(ex.code))
            libs["nonsmooth-ad/notebook"] = await import("../../src/notebook/index");
          try {
            await runExample(ex, libs);
          } catch (e) {
            const err = e as Error;
            err.message = `example of ${ex.name} in ${ex.file}:${ex.line} failed: ${err.message}\n--- example ---\n${ex.code}`;
            throw err;
          }
        });
      }
    });
  }
});
