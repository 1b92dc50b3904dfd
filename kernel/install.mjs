#!/usr/bin/env node
// Installs the Jupyter kernel spec "nonsmooth-ad": this checkout's tslab, started by the Node binary that runs
// this script, both by absolute path (so the kernel loads the same tslab module as the library's display helpers).
//
//   node kernel/install.mjs                 -> $JUPYTER_DATA_DIR/kernels/nonsmooth-ad
//                                              (default ~/.local/share/jupyter/kernels/nonsmooth-ad)
//   node kernel/install.mjs --prefix DIR    -> DIR/share/jupyter/kernels/nonsmooth-ad
//                                              (Jupyter finds it with JUPYTER_PATH=DIR/share/jupyter)
//   node kernel/install.mjs --print         -> prints the kernel.json it would write, installs nothing
//
// The kernel inherits the environment of the Jupyter client that starts it, so NSAD_SCALE set for
// `jupyter lab`, nbclient or the workbook runner reaches the notebooks as process.env.NSAD_SCALE.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const KERNEL_NAME = "nonsmooth-ad";
export const DISPLAY_NAME = "TypeScript (nonsmooth-ad)";
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Absolute path of this checkout's tslab launcher; throws a clear error if npm install has not been run. */
export function tslabBinary(root = REPO_ROOT) {
  const bin = path.join(root, "node_modules", "tslab", "bin", "tslab");
  if (!fs.existsSync(bin)) {
    throw new Error(
      `tslab is not installed: ${bin} does not exist. Run \`npm ci\` (or \`npm install\`) in ${root} first.`,
    );
  }
  return bin;
}

/** The kernel.json content: the same argv shape as `tslab install` writes, with absolute paths. */
export function kernelSpec({ root = REPO_ROOT, node = process.execPath } = {}) {
  return {
    argv: [node, tslabBinary(root), "kernel", "--config-path", "{connection_file}"],
    display_name: DISPLAY_NAME,
    language: "typescript",
    interrupt_mode: "signal",
    metadata: { "nonsmooth-ad": { checkout: root } },
  };
}

/** The user's Jupyter data folder, as Jupyter itself computes it on Linux/macOS. */
export function userDataDir(env = process.env) {
  if (env.JUPYTER_DATA_DIR) return path.resolve(env.JUPYTER_DATA_DIR);
  if (process.platform === "darwin") return path.join(os.homedir(), "Library", "Jupyter");
  const xdg = env.XDG_DATA_HOME || path.join(os.homedir(), ".local", "share");
  return path.join(xdg, "jupyter");
}

/** The Jupyter data folder under an install prefix (add it to JUPYTER_PATH to make the kernel findable). */
export function prefixDataDir(prefix) {
  return path.join(path.resolve(prefix), "share", "jupyter");
}

/**
 * Writes DATA_DIR/kernels/nonsmooth-ad/kernel.json, where DATA_DIR is DIR/share/jupyter with `prefix`, else the
 * user's data folder. Returns { dir, dataDir, spec }.
 */
/** @param {{ prefix?: string, root?: string, node?: string }} [options] */
export function installKernel({ prefix, root = REPO_ROOT, node = process.execPath } = {}) {
  const spec = kernelSpec({ root, node });
  const dataDir = prefix ? prefixDataDir(prefix) : userDataDir();
  const dir = path.join(dataDir, "kernels", KERNEL_NAME);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "kernel.json"), `${JSON.stringify(spec, null, 2)}\n`);
  return { dir, dataDir, spec };
}

function usage() {
  return [
    "usage: node kernel/install.mjs [--prefix DIR] [--print]",
    "  (no option)    install into the user's Jupyter data folder ($JUPYTER_DATA_DIR or ~/.local/share/jupyter)",
    "  --prefix DIR   install into DIR/share/jupyter/kernels/nonsmooth-ad; use JUPYTER_PATH=DIR/share/jupyter",
    "  --print        print the kernel.json and install nothing",
  ].join("\n");
}

function main(argv) {
  let prefix;
  let print = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--prefix") {
      prefix = argv[++i];
      if (!prefix) throw new Error(`--prefix needs a folder\n${usage()}`);
    } else if (a.startsWith("--prefix=")) {
      prefix = a.slice("--prefix=".length);
    } else if (a === "--print") {
      print = true;
    } else if (a === "-h" || a === "--help") {
      console.log(usage());
      return;
    } else {
      throw new Error(`unknown argument ${JSON.stringify(a)}\n${usage()}`);
    }
  }
  if (print) {
    console.log(JSON.stringify(kernelSpec(), null, 2));
    return;
  }
  const { dir, dataDir } = installKernel({ prefix });
  console.log(`Installed Jupyter kernel "${KERNEL_NAME}" (${DISPLAY_NAME}) in ${dir}`);
  if (prefix) console.log(`Make Jupyter find it with: export JUPYTER_PATH=${dataDir}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    console.error(`kernel/install.mjs: ${e.message}`);
    process.exit(1);
  }
}
