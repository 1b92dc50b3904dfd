// Builds what the browser kernel runs (the library's browser bundle, and the kernel module itself) with esbuild
// into a temporary folder, so that the kernel's unit tests run the same code in Node.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";

export const ROOT = path.resolve(__dirname, "..", "..");

export interface Built {
  dir: string;
  /** file URL of a built module */
  url(file: string): string;
}

export async function buildKernelForNode(): Promise<Built> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nsad-lite-kernel-"));
  const { buildLibrary } = (await import("../../scripts/build-lite.mjs")) as {
    buildLibrary(outdir: string, minify: boolean): Promise<number>;
  };
  await buildLibrary(path.join(dir, "nsad"), false);
  await build({
    absWorkingDir: ROOT,
    entryPoints: {
      kernel: "lite/kernel/kernel.ts",
      session: "lite/kernel/session.ts",
      buffer: "lite/browser/node/buffer.ts",
    },
    outdir: dir,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "es2022",
    // the kernel's own dependencies are bundled; Node's built-ins stay
    logLevel: "error",
  });
  return { dir, url: (file) => `file://${path.join(dir, file)}` };
}
