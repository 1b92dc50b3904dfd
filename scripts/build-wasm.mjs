// Assembles the WebAssembly kernels from their text source (src/wasm/*.wat) with wabt's wat2wasm (the npm build
// of the WebAssembly Binary Toolkit) into dist/wasm/*.wasm. Run by `npm run build` before the TypeScript compiler;
// nothing binary is kept in the repository.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import initWabt from "wabt";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SRC = path.join(ROOT, "src/wasm");
const OUT = path.join(ROOT, "dist/wasm");
// SIMD128 and shared memory (threads); never relaxed SIMD, whose rounding is left to the implementation
const FEATURES = { simd: true, threads: true, relaxed_simd: false };

const wabt = await initWabt();
fs.mkdirSync(OUT, { recursive: true });
for (const file of fs.readdirSync(SRC).filter((f) => f.endsWith(".wat"))) {
  const text = fs.readFileSync(path.join(SRC, file), "utf8");
  const mod = wabt.parseWat(file, text, FEATURES);
  try {
    // the typings omit validate's features argument; without it, shared memory fails validation
    /** @type {(features: object) => void} */ (mod.validate).call(mod, FEATURES);
    const { buffer } = mod.toBinary({ log: false, write_debug_names: true });
    fs.writeFileSync(path.join(OUT, file.replace(/\.wat$/, ".wasm")), buffer);
  } finally {
    mod.destroy();
  }
}
