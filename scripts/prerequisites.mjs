#!/usr/bin/env node
// The prerequisites step shared by `npm run workbook` and `npm test`: the parts of the system that npm cannot
// install. Checks Jupyter's Python parts (nbclient, nbconvert, nbformat, jupyter_client and the classic notebook
// server, in Debian's /usr/bin/python3), Chromium (/usr/bin/chromium) and the DejaVu fonts. Where something is
// missing it installs the Debian packages with apt-get when running as root with apt-get available; otherwise it
// stops with one message naming the exact command to run. Fast (one short Python call) when all is present.
//
//   node scripts/prerequisites.mjs           check, install what is missing if root
//   node scripts/prerequisites.mjs --check   check only; exit 1 naming what is missing
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const SYSTEM_PYTHON = "/usr/bin/python3";
export const CHROMIUM = "/usr/bin/chromium";
export const DEJAVU_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

// Python module -> Debian package that provides it.
const PYTHON_MODULES = {
  nbclient: "python3-nbclient",
  nbconvert: "python3-nbconvert",
  nbformat: "python3-nbformat",
  jupyter_client: "python3-jupyter-client",
  notebook: "jupyter-notebook",
};
// File that must exist -> Debian package that provides it.
const FILES = {
  [SYSTEM_PYTHON]: "python3",
  "/usr/bin/jupyter-notebook": "jupyter-notebook",
  "/usr/bin/jupyter-nbconvert": "jupyter-nbconvert",
  [CHROMIUM]: "chromium",
  [DEJAVU_FONT]: "fonts-dejavu-core",
};

/**
 * Returns [{ what, pkg }] for every missing part (empty when all is present). The requirement lists can be given
 * (tests do, to see the report for a part that is really absent); they default to the project's.
 */
export function findMissing({ python = SYSTEM_PYTHON, modules = PYTHON_MODULES, files = FILES } = {}) {
  const missing = [];
  for (const [file, pkg] of Object.entries(files)) {
    if (!fs.existsSync(file)) missing.push({ what: file, pkg });
  }
  if (fs.existsSync(python)) {
    const code =
      "import importlib.util, json, sys\n" +
      `mods = ${JSON.stringify(Object.keys(modules))}\n` +
      "print(json.dumps([m for m in mods if importlib.util.find_spec(m) is None]))";
    const r = spawnSync(python, ["-c", code], { encoding: "utf8" });
    let absent = Object.keys(modules);
    if (r.status === 0) {
      try {
        absent = JSON.parse(r.stdout.trim());
      } catch {
        /* treat all as missing */
      }
    }
    for (const m of absent) missing.push({ what: `Python module ${m} in ${python}`, pkg: modules[m] });
  } else {
    for (const [m, pkg] of Object.entries(modules)) missing.push({ what: `Python module ${m}`, pkg });
  }
  return missing;
}

function installCommand(pkgs, sudo) {
  const s = sudo ? "sudo " : "";
  return `${s}apt-get update && ${s}apt-get install -y --no-install-recommends ${pkgs.join(" ")}`;
}

/**
 * Checks, and installs what is missing when allowed and possible. Returns { installed: string[] }; throws an Error
 * whose message names the missing parts and the exact command to run when it cannot fix them itself.
 */
/** @param {{ install?: boolean, log?: (line: string) => void, requirements?: { asRoot?: boolean, python?: string, modules?: any, files?: any } }} [options] */
export function ensurePrerequisites({ install = true, log = console.log, requirements = {} } = {}) {
  let missing = findMissing(requirements);
  if (missing.length === 0) return { installed: [] };
  const pkgs = [...new Set(missing.map((m) => m.pkg))].sort();
  const list = missing.map((m) => `  - ${m.what} (Debian package ${m.pkg})`).join("\n");
  const isRoot = requirements.asRoot ?? (typeof process.getuid === "function" && process.getuid() === 0);
  const hasApt = fs.existsSync("/usr/bin/apt-get");
  if (!install || !isRoot || !hasApt) {
    const why = !install ? "" : !hasApt ? " (apt-get not found: install the equivalent packages of your system)" : "";
    throw new Error(`Missing prerequisites:\n${list}\nInstall them with:\n  ${installCommand(pkgs, !isRoot)}${why}`);
  }
  log(`prerequisites: installing ${pkgs.join(" ")} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update"], ["install", "-y", "--no-install-recommends", ...pkgs]]) {
    const r = spawnSync("apt-get", args, { stdio: ["ignore", "inherit", "inherit"], env });
    if (r.status !== 0) {
      throw new Error(`\`apt-get ${args.join(" ")}\` failed (exit ${r.status ?? r.signal}); missing:\n${list}`);
    }
  }
  missing = findMissing(requirements);
  if (missing.length > 0) {
    throw new Error(
      `still missing after apt-get install:\n${missing.map((m) => `  - ${m.what} (${m.pkg})`).join("\n")}`,
    );
  }
  return { installed: pkgs };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== "--check");
  if (unknown.length > 0) {
    console.error(
      `prerequisites: unknown argument ${JSON.stringify(unknown[0])}; usage: node scripts/prerequisites.mjs [--check]`,
    );
    process.exit(2);
  }
  try {
    const { installed } = ensurePrerequisites({ install: !args.includes("--check") });
    console.log(
      installed.length
        ? `prerequisites: installed ${installed.join(" ")}; all present`
        : "prerequisites: Jupyter (nbclient, nbconvert, notebook), Chromium and DejaVu fonts are present",
    );
  } catch (e) {
    console.error(`prerequisites: ${e.message}`);
    process.exit(1);
  }
}
