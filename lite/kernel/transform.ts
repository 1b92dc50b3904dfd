/**
 * Turns one notebook cell of TypeScript into JavaScript that a browser can run the way tslab runs it in Node:
 *
 * - types are stripped by the TypeScript compiler (`transpileModule`: syntax only, no type check);
 * - `import ... from "pkg"` becomes a `require("pkg")` the kernel resolves (the library's browser bundle);
 * - top-level declarations (`const`, `let`, `var`, `function`, `class`, `enum`) become assignments to properties
 *   of one scope object that lives as long as the kernel, so that the next cell sees them; the cell body runs
 *   inside `with (scope)` in an async function, which gives top-level `await`;
 * - the value of the last expression statement is returned, to be shown as the cell's result.
 *
 * The module takes the `typescript` module as an argument so that the same code runs in Node (unit tests) and in
 * the browser kernel.
 */
import type * as TS from "typescript";

/** The compiled cell. */
export interface CompiledCell {
  /** The body of an async function `(scope, require) => ...` (sloppy mode: it uses `with`). */
  readonly body: string;
  /** The names the cell declares at top level (they become properties of the scope). */
  readonly declared: readonly string[];
  /** Whether the cell ends with an expression whose value is returned. */
  readonly hasResult: boolean;
}

/** A syntax error of a cell, with its 1-based line and column. */
export class CellSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${message} (line ${line}, column ${column})`);
    this.name = "SyntaxError";
  }
}

const SCOPE = "__nsad_scope__";

function bindingNames(ts: typeof TS, name: TS.BindingName, out: string[]): void {
  if (ts.isIdentifier(name)) out.push(name.text);
  else
    for (const el of name.elements) {
      if (ts.isOmittedExpression(el)) continue;
      bindingNames(ts, el.name, out);
    }
}

function hasModifier(ts: typeof TS, node: TS.Node, kind: TS.SyntaxKind): boolean {
  const mods = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined;
  return !!mods && mods.some((m) => m.kind === kind);
}

/**
 * Rewrites the imports of the TypeScript source into `const ... = require(...)` (keeping type-only imports out),
 * and drops `export` keywords, before the types are stripped.
 */
function rewriteImports(ts: typeof TS, source: string): string {
  const sf = ts.createSourceFile("cell.ts", source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const edits: { start: number; end: number; text: string }[] = [];
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st)) {
      const spec = (st.moduleSpecifier as TS.StringLiteral).text;
      const clause = st.importClause;
      const req = `require(${JSON.stringify(spec)})`;
      const parts: string[] = [];
      if (!clause) parts.push(`${req};`);
      else if (!clause.isTypeOnly) {
        if (clause.name) parts.push(`const ${clause.name.text} = __nsad_default__(${req});`);
        const nb = clause.namedBindings;
        if (nb && ts.isNamespaceImport(nb)) parts.push(`const ${nb.name.text} = ${req};`);
        else if (nb && ts.isNamedImports(nb)) {
          const els = nb.elements.filter((e) => !e.isTypeOnly);
          if (els.length > 0) {
            const fields = els.map((e) => (e.propertyName ? `${e.propertyName.text}: ${e.name.text}` : e.name.text));
            parts.push(`const { ${fields.join(", ")} } = ${req};`);
          }
        }
      }
      edits.push({ start: st.getStart(sf), end: st.end, text: parts.join(" ") });
    } else if (ts.isExportDeclaration(st) || ts.isExportAssignment(st)) {
      edits.push({ start: st.getStart(sf), end: st.end, text: "" });
    } else if (hasModifier(ts, st, ts.SyntaxKind.ExportKeyword)) {
      const mod = ts.getModifiers(st as TS.HasModifiers)!.find((m) => m.kind === ts.SyntaxKind.ExportKeyword)!;
      edits.push({ start: mod.getStart(sf), end: mod.end, text: "" });
      const def = ts.getModifiers(st as TS.HasModifiers)!.find((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
      if (def) edits.push({ start: def.getStart(sf), end: def.end, text: "" });
    }
  }
  return applyEdits(source, edits);
}

function applyEdits(source: string, edits: { start: number; end: number; text: string }[]): string {
  let out = source;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/**
 * Compiles one cell. Throws {@link CellSyntaxError} on a syntax error.
 *
 * @param ts the `typescript` module
 * @param source the cell's TypeScript
 */
export function compileCell(ts: typeof TS, source: string): CompiledCell {
  const syntax = ts.createSourceFile("cell.ts", source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const diags = (syntax as unknown as { parseDiagnostics?: TS.Diagnostic[] }).parseDiagnostics ?? [];
  if (diags.length > 0) {
    const d = diags[0];
    const pos = syntax.getLineAndCharacterOfPosition(d.start ?? 0);
    throw new CellSyntaxError(ts.flattenDiagnosticMessageText(d.messageText, "\n"), pos.line + 1, pos.character + 1);
  }
  const ts2 = rewriteImports(ts, source);
  const js = ts.transpileModule(ts2, {
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      isolatedModules: false,
      verbatimModuleSyntax: false,
      alwaysStrict: false,
      removeComments: false,
      useDefineForClassFields: true,
    },
    reportDiagnostics: false,
  }).outputText;
  // transpileModule appends "export {};" to a file it considers a module: drop it
  const cleaned = js.replace(/^export \{\};\s*$/m, "");
  const sf = ts.createSourceFile("cell.js", cleaned, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const declared: string[] = [];
  const hoisted: string[] = [];
  const edits: { start: number; end: number; text: string }[] = [];
  const stmts = sf.statements;
  let hasResult = false;
  stmts.forEach((st, i) => {
    const start = st.getStart(sf);
    const text = cleaned.slice(start, st.end);
    if (ts.isVariableStatement(st)) {
      const assigns: string[] = [];
      for (const d of st.declarationList.declarations) {
        const names: string[] = [];
        bindingNames(ts, d.name, names);
        declared.push(...names);
        const isVar = (st.declarationList.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) === 0;
        if (d.initializer) {
          const target = cleaned.slice(d.name.getStart(sf), d.name.end);
          const init = cleaned.slice(d.initializer.getStart(sf), d.initializer.end);
          assigns.push(ts.isIdentifier(d.name) ? `${target} = ${init}` : `(${target} = ${init})`);
        } else if (!isVar) {
          for (const n of names) assigns.push(`${n} = undefined`);
        }
      }
      edits.push({ start, end: st.end, text: assigns.length ? `${assigns.join(";\n")};` : "" });
    } else if (ts.isFunctionDeclaration(st) && st.name && st.body) {
      declared.push(st.name.text);
      hoisted.push(`${st.name.text} = (${text});`);
      edits.push({ start, end: st.end, text: "" });
    } else if (ts.isClassDeclaration(st) && st.name) {
      declared.push(st.name.text);
      edits.push({ start, end: st.end, text: `${st.name.text} = (${text});` });
    } else if (i === stmts.length - 1 && ts.isExpressionStatement(st)) {
      hasResult = true;
      const expr = cleaned.slice(st.expression.getStart(sf), st.expression.end);
      edits.push({ start, end: st.end, text: `return (${expr});` });
    }
  });
  const body = applyEdits(cleaned, edits);
  return {
    body: `with (${SCOPE}) {\n${hoisted.join("\n")}\n${body}\n}`,
    declared: [...new Set(declared)],
    hasResult,
  };
}

/** The name of the scope parameter of the compiled cell's function. */
export const SCOPE_PARAM = SCOPE;
