/**
 * The code version a sweep plan is tied to: the package's version and a hash of its compiled code (dist/), e.g.
 * `0.1.0+dist.3f9a1c0b52de`. Records computed by another build must not be mixed into a plan's results: the
 * version alone would not see a rebuilt dist/ after an edit, and a git commit would not see uncommitted edits
 * nor exist in an installed package; the hash of what actually runs sees both.
 *
 * @module
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** The compiled library's directory: this file's own when it runs from dist/, else the repository's dist/. */
export function distDirectory(): string {
  const here = __dirname;
  const candidates = [path.resolve(here, ".."), path.resolve(here, "../../dist")];
  const found = candidates.find((d) => path.basename(d) === "dist" && fs.existsSync(path.join(d, "index.js")));
  if (!found)
    throw new Error(
      "sweep plan: the compiled library (dist/index.js) was not found: build the library first (npm run build)",
    );
  return found;
}

function listFiles(dir: string, rel = ""): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(dir, r));
    else if (e.isFile() && /\.(js|cjs|mjs|json)$/.test(e.name)) out.push(r);
  }
  return out;
}

const cache = new Map<string, string>();

/**
 * The running package's code version: `<package version>+dist.<first 12 hex digits of a SHA-256 over dist/'s
 * JavaScript files, paths and contents>`. Computed once per process.
 *
 * @example
 * ```ts
 * import { codeVersion, assert } from "nonsmooth-ad";
 * assert(/^\d+\.\d+\.\d+\S*\+dist\.[0-9a-f]{12}$/.test(codeVersion()));
 * ```
 */
export function codeVersion(): string {
  const dist = distDirectory();
  const known = cache.get(dist);
  if (known) return known;
  const h = createHash("sha256");
  for (const f of listFiles(dist).sort()) {
    h.update(f);
    h.update("\0");
    h.update(fs.readFileSync(path.join(dist, f)));
    h.update("\0");
  }
  const pkg = JSON.parse(fs.readFileSync(path.resolve(dist, "../package.json"), "utf8")) as { version?: string };
  const version = `${pkg.version ?? "0.0.0"}+dist.${h.digest("hex").slice(0, 12)}`;
  cache.set(dist, version);
  return version;
}

/** SHA-256 (hex) of a file's bytes: ties a plan to the exact module of a user's runner. */
export function fileHash(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}
