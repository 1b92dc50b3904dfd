// Rewrites the public entry points of the CommonJS build (dist/index.js, dist/notebook/index.js) so that their
// exports are plain data properties. Run by `npm run build` after the TypeScript compiler.
//
// Why: tsc emits every re-export (`export { grad } from "./engine/transforms"`, `export * from "./ops"`) as an
// accessor property whose getter reads the other module's exports object; a program that calls `N.relu(x)` or
// destructures the ops on every call pays a getter call and a megamorphic keyed load per name, a measurable share
// of a small scalar program's gradient. The library never reassigns an exported binding, so the value read once,
// when the entry point finishes loading, is the value the getter would return forever.
//
// The rewrite keeps the shapes Node's CommonJS named-export detection reads (`exports.name = ...`,
// `__exportStar(require("./ops"), exports)`), so `import { grad } from "nonsmooth-ad"` in an ES module still
// sees every name; the source map stays line-aligned (each line is replaced by one line). Afterwards the script
// loads the original and the rewritten entry side by side in a fresh process and fails unless both export the same
// names with identical values.
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ENTRIES = ["dist/index.js", "dist/notebook/index.js"];

/** tsc's re-export of one name: `Object.defineProperty(exports, "x", { enumerable: true, get: function () { return m_1.y; } });` */
const GETTER =
  /^Object\.defineProperty\(exports, "([$\w]+)", \{ enumerable: true, get: function \(\) \{ return ([$\w]+)\.([$\w]+); \} \}\);$/;
/** tsc's `export *` helper: defines an accessor per name (through __createBinding). */
const STAR_HELPER =
  /var __exportStar = \(this && this\.__exportStar\) \|\| function\(m, exports\) \{\n( +)for \(var p in m\) if \(p !== "default" && !Object\.prototype\.hasOwnProperty\.call\(exports, p\)\) __createBinding\(exports, m, p\);\n\};/;

/** The rewritten source of one entry point, or an error naming what tsc emitted that the rewrite does not know. */
function flatten(file, text) {
  let replaced = 0;
  const lines = text.split("\n").map((line) => {
    const m = GETTER.exec(line);
    if (m === null) return line;
    replaced++;
    return `exports.${m[1]} = ${m[2]}.${m[3]};`;
  });
  let out = lines.join("\n");
  if (out.includes("__exportStar(require(")) {
    if (!STAR_HELPER.test(out)) throw new Error(`${file}: tsc's __exportStar helper has an unknown form`);
    // the same helper, copying each value once instead of defining a getter (same line count)
    out = out.replace(
      STAR_HELPER,
      (_all, indent) =>
        `var __exportStar = (this && this.__exportStar) || function(m, exports) {\n${indent}for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports, p)) exports[p] = m[p];\n};`,
    );
  }
  if (/Object\.defineProperty\(exports, "[$\w]+", \{[^}]*get:/.test(out))
    throw new Error(`${file}: a re-export of an unknown form is left as a getter`);
  return { out, replaced };
}

for (const rel of ENTRIES) {
  const file = path.join(ROOT, rel);
  const text = fs.readFileSync(file, "utf8");
  // already flat (the script ran on this build): nothing to do
  if (!text.split("\n").some((line) => GETTER.test(line)) && !STAR_HELPER.test(text)) continue;
  const { out, replaced } = flatten(rel, text);
  // the original next to the rewritten one (same folder: its relative requires load the same modules), compared
  const original = path.join(path.dirname(file), `.flatten-check-${process.pid}.js`);
  fs.writeFileSync(original, text);
  fs.writeFileSync(file, out);
  try {
    const check = spawnSync(
      process.execPath,
      [
        "-e",
        `const a = require(${JSON.stringify(original)}); const b = require(${JSON.stringify(file)});
const ka = Object.keys(a).sort(); const kb = Object.keys(b).sort();
if (ka.join() !== kb.join()) throw new Error("the names differ: " + ka.filter((k) => !kb.includes(k)).concat(kb.filter((k) => !ka.includes(k))).join(", "));
for (const k of kb) {
  const d = Object.getOwnPropertyDescriptor(b, k);
  if (!("value" in d)) throw new Error(k + " is still an accessor");
  if (a[k] !== b[k] || b[k] === undefined) throw new Error(k + " differs from the original export");
}`,
      ],
      { encoding: "utf8" },
    );
    if (check.status !== 0) {
      fs.writeFileSync(file, text);
      throw new Error(`flatten-exports: ${rel}: ${check.stderr.trim()}`);
    }
  } finally {
    fs.rmSync(original, { force: true });
  }
  console.log(`flatten-exports: ${rel}: ${replaced} re-exports and the export * helper made data properties`);
}
