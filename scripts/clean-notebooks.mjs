#!/usr/bin/env node
// Strips outputs and execution counts from notebooks (default: notebooks/*.ipynb), keeping all metadata (the
// kernelspec in particular). Notebooks are committed clean; executed copies live in build/notebooks/.
//
//   npm run clean-notebooks                     strip notebooks/*.ipynb in place
//   npm run clean-notebooks -- --check          exit 1 naming every notebook that has outputs or counts
//   node scripts/clean-notebooks.mjs [--check] [FILE.ipynb ...]
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** What makes a notebook unclean: a list of "cell N: ..." strings (empty when clean). */
export function findOutputs(nb) {
  const found = [];
  (nb.cells ?? []).forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    if (Array.isArray(cell.outputs) && cell.outputs.length > 0)
      found.push(`cell ${i + 1}: ${cell.outputs.length} output(s)`);
    if (cell.execution_count != null) found.push(`cell ${i + 1}: execution_count ${cell.execution_count}`);
  });
  return found;
}

/** Returns a copy of the notebook without outputs and execution counts (and without execution timing metadata). */
export function stripNotebook(nb) {
  const copy = structuredClone(nb);
  for (const cell of copy.cells ?? []) {
    if (cell.cell_type === "code") {
      cell.outputs = [];
      cell.execution_count = null;
    }
    if (cell.metadata && typeof cell.metadata === "object") delete cell.metadata.execution;
  }
  return copy;
}

function sortKeys(x) {
  if (Array.isArray(x)) return x.map(sortKeys);
  if (x && typeof x === "object")
    return Object.fromEntries(
      Object.keys(x)
        .sort()
        .map((k) => [k, sortKeys(x[k])]),
    );
  return x;
}

/** The notebook as text the way nbformat writes it (keys sorted, 1-space indent, final newline). */
export function formatNotebook(nb) {
  return `${JSON.stringify(sortKeys(nb), null, 1)}\n`;
}

function defaultFiles() {
  const dir = path.join(ROOT, "notebooks");
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ipynb"))
    .sort()
    .map((f) => path.join(dir, f));
}

function readNotebook(file) {
  let text;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new Error(`${file}: cannot read (${e.code ?? e.message})`);
  }
  try {
    return { text, nb: JSON.parse(text) };
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${e.message})`);
  }
}

export function main(argv) {
  const check = argv.includes("--check");
  const bad = argv.filter((a) => a.startsWith("-") && a !== "--check");
  if (bad.length)
    throw new Error(`unknown option ${JSON.stringify(bad[0])}; usage: clean-notebooks [--check] [FILE.ipynb ...]`);
  const given = argv.filter((a) => !a.startsWith("-"));
  const files = given.length ? given.map((f) => path.resolve(f)) : defaultFiles();
  const dirty = [];
  for (const file of files) {
    const { text, nb } = readNotebook(file);
    const found = findOutputs(nb);
    const r = path.relative(process.cwd(), file);
    const name = r && !r.startsWith("..") ? r : file;
    if (check) {
      if (found.length) dirty.push(`${name} (${found.join("; ")})`);
      continue;
    }
    const cleaned = formatNotebook(stripNotebook(nb));
    if (cleaned !== text) {
      fs.writeFileSync(file, cleaned);
      console.log(`cleaned ${name}`);
    }
  }
  if (check) {
    if (dirty.length) {
      console.error(`notebooks committed with outputs (run \`npm run clean-notebooks\`):\n  ${dirty.join("\n  ")}`);
      return 1;
    }
    console.log(`clean-notebooks: ${files.length} notebook(s) have no outputs`);
  }
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exit(main(process.argv.slice(2)));
  } catch (e) {
    console.error(`clean-notebooks: ${e.message}`);
    process.exit(2);
  }
}
