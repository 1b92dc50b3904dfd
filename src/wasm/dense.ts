/**
 * The WebAssembly SIMD matrix product (src/wasm/kernels.wat, assembled into dist/wasm/kernels.wasm by
 * `npm run build`) and the worker threads that share its memory. Everything here is optional: when WebAssembly
 * SIMD, the assembled file, shared memory or worker threads are missing (a browser, an unbuilt checkout), the
 * kernels of src/kernels.ts run their JavaScript loops instead, which give the same results (see that module).
 *
 * @module
 */
import fs from "node:fs";
import path from "node:path";

// The few WebAssembly JavaScript API members used here (the compiler's ES2022 library, without the DOM's, does not
// declare them; Node and browsers have them).
interface WasmModule {
  readonly __brand?: "WebAssembly.Module";
}
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => WasmModule;
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
};

/** The arithmetic of a product in WebAssembly: the mode argument of kernels.wat's gemm. */
export type WasmMode = "float64" | "float32" | "float16";

const MODE_CODE: Record<WasmMode, number> = { float64: 0, float32: 1, float16: 2 };
const F16_CHECKED = 3; // float16, tracking overflow (see kernels.wat)
const MR = 4; // rows of a register block (kernels.wat)
const NR = 8; // columns of a register block
const TILE_BYTES = 256; // a 4 x 8 block of doubles: the scratch of one thread
const PAGE = 65536;
const MAX_PAGES = 32768; // kernels.wat's memory maximum (2 GiB)
const F16_MAX = 65504;

interface Exports {
  pack_a(src: number, rs: number, cs: number, m: number, k: number, dst: number, mode: number): number;
  pack_b(src: number, rs: number, cs: number, k: number, n: number, dst: number, mode: number): number;
  gemm(
    ap: number,
    bp: number,
    c: number,
    m: number,
    n: number,
    k: number,
    ib0: number,
    ib1: number,
    tile: number,
    mode: number,
  ): number;
}

interface Engine {
  readonly module: WasmModule;
  readonly memory: WasmMemory;
  readonly x: Exports;
}

let engine: Engine | null | undefined; // undefined: not tried yet; null: unavailable

function wasmFile(): string | null {
  const candidates = [
    path.join(__dirname, "kernels.wasm"), // dist/wasm, next to the compiled loader
    path.resolve(__dirname, "../../dist/wasm/kernels.wasm"), // src/wasm, run from source (tests)
  ];
  for (const c of candidates) {
    try {
      if (fs.existsSync(c)) return c;
    } catch {
      // no file system (a browser): the JavaScript path
    }
  }
  return null;
}

function load(): Engine | null {
  try {
    if (typeof WebAssembly !== "object" || typeof SharedArrayBuffer !== "function") return null;
    const file = wasmFile();
    if (file === null) return null;
    // compiling fails where SIMD128 or shared memory is unsupported: then the JavaScript path
    const module = new WebAssembly.Module(fs.readFileSync(file));
    const memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    return { module, memory, x: instance.exports as unknown as Exports };
  } catch {
    return null;
  }
}

/** The loaded WebAssembly kernels, or null where they cannot run. */
function getEngine(): Engine | null {
  if (engine === undefined) engine = load();
  return engine;
}

/** True when the WebAssembly SIMD kernels are loaded (false in a browser or before `npm run build`). */
export function wasmAvailable(): boolean {
  return getEngine() !== null;
}

/* ------------------------------------------------------------------------------------------ worker threads */

// One Int32Array slot block per worker: [job, done, ready, args x 10, result]
const SLOT = 16;
const JOB = 0;
const DONE = 1;
const READY = 2;
const ARGS = 3;
const RESULT = 13;

// The worker: instantiates the same module on the same memory, then runs the row panels it is given.
const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const { module, memory, ctrl: sab, slot } = workerData;
const ctrl = new Int32Array(sab, slot * 4, ${SLOT});
const { gemm } = new WebAssembly.Instance(module, { env: { memory } }).exports;
Atomics.store(ctrl, ${READY}, 1);
Atomics.notify(ctrl, ${READY});
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, ${JOB}, seen);
  seen = Atomics.load(ctrl, ${JOB});
  let r = -1;
  try {
    const a = (i) => ctrl[${ARGS} + i];
    r = gemm(a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9));
  } finally {
    Atomics.store(ctrl, ${RESULT}, r);
    Atomics.store(ctrl, ${DONE}, seen);
    Atomics.notify(ctrl, ${DONE});
  }
}
`;

interface Pool {
  readonly ctrl: Int32Array;
  readonly size: number;
}

let pool: Pool | null | undefined;
let threadLimit = Number.POSITIVE_INFINITY;
let handedOff = 0;

/** How many row ranges this process has handed to worker threads so far (tests check that threads ran). */
export function wasmJobsHandedOff(): number {
  return handedOff;
}

/** Products with fewer multiply-adds than this run on one thread (a hand-off costs tens of microseconds). */
export const THREAD_THRESHOLD = 1 << 21;

function startPool(e: Engine): Pool | null {
  try {
    if (typeof process !== "object" || !process.versions?.node) return null;
    // required here, not imported: a browser bundle maps worker_threads to a stub that throws
    const { Worker } = require("node:worker_threads") as typeof import("node:worker_threads");
    const os = require("node:os") as typeof import("node:os");
    const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
    const size = Math.min(cores - 1, 7);
    if (!(size >= 1)) return null;
    const ctrl = new Int32Array(new SharedArrayBuffer(size * SLOT * 4));
    for (let w = 0; w < size; w++) {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module: e.module, memory: e.memory, ctrl: ctrl.buffer, slot: w * SLOT },
      });
      worker.unref(); // never keeps the process alive
      worker.on("error", () => {
        // a worker that failed to start never sets READY, so it is never given work
      });
    }
    return { ctrl, size };
  } catch {
    return null;
  }
}

/**
 * Caps the threads of large products (1 = this thread only; the default uses every core). Results do not depend
 * on it: every output block is computed by the same code on the same packed data, whichever thread runs it.
 */
export function setWasmThreads(n: number): void {
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`setWasmThreads: expected an integer >= 1, got ${n}`);
  threadLimit = n;
}

/**
 * Starts the worker threads now (they otherwise start with the first large product, which runs on this thread
 * until they are ready) and waits up to `timeoutMs` for them; returns how many are ready (0 without threads).
 */
export function startWasmThreads(timeoutMs = 5000): number {
  const e = getEngine();
  if (e === null) return 0;
  if (pool === undefined) pool = startPool(e);
  if (pool === null) return 0;
  const until = Date.now() + timeoutMs;
  let ready = 0;
  for (let w = 0; w < pool.size; w++) {
    const at = w * SLOT + READY;
    while (Atomics.load(pool.ctrl, at) !== 1 && Date.now() < until) Atomics.wait(pool.ctrl, at, 0, 50);
    if (Atomics.load(pool.ctrl, at) === 1) ready++;
  }
  return ready;
}

/* ------------------------------------------------------------------------------------------ the product */

function ensureBytes(e: Engine, bytes: number): void {
  const have = e.memory.buffer.byteLength;
  if (bytes <= have) return;
  const pages = Math.ceil((bytes - have) / PAGE);
  if (have / PAGE + pages > MAX_PAGES) throw new RangeError("matmul: the operands do not fit in WebAssembly memory");
  e.memory.grow(pages);
}

function maxAbs(d: Float64Array): number {
  let m = 0;
  for (let i = 0; i < d.length; i++) {
    const v = Math.abs(d[i]);
    if (v > m) m = v;
  }
  return m;
}

/**
 * op(A) [m, k] times op(B) [k, n] into C, in WebAssembly, with the summation order of src/kernels.ts. Returns
 * false (C untouched) when this product must take the JavaScript path: the kernels are not loaded, the operands
 * are too large for the memory, an operand is not a value of the precision's format (a NaN, say), or a float16
 * product overflowed.
 */
export function wasmMatmul(
  a: Float64Array,
  ac: number,
  transA: boolean,
  b: Float64Array,
  bc: number,
  transB: boolean,
  C: Float64Array,
  m: number,
  k: number,
  n: number,
  precision: WasmMode,
): boolean {
  const e = getEngine();
  if (e === null) return false;
  let mode = MODE_CODE[precision];
  const es = mode === 0 ? 8 : 4;
  const nbI = Math.ceil(m / MR);
  const nbJ = Math.ceil(n / NR);
  // layout: raw A, raw B, packed A, packed B, C, one tile per thread (64-byte aligned: whole cache lines)
  const at = (bytes: number) => Math.ceil(bytes / 64) * 64;
  const rawA = 0;
  const rawB = at(rawA + a.length * 8);
  const packA = at(rawB + b.length * 8);
  const packB = at(packA + nbI * MR * k * es);
  const cOff = at(packB + nbJ * NR * k * es);
  const tiles = at(cOff + m * n * 8);
  const workers = threadsFor(e, m, k, n, nbI);
  const end = tiles + (workers + 1) * TILE_BYTES;
  if (end > MAX_PAGES * PAGE - PAGE) return false;
  ensureBytes(e, end);
  const heap = new Float64Array(e.memory.buffer);
  heap.set(a, rawA / 8);
  heap.set(b, rawB / 8);
  const x = e.x;
  // A (i, p) and B (p, j) as strides into the raw copies
  const [ars, acs] = transA ? [1, ac] : [ac, 1];
  const [brs, bcs] = transB ? [1, bc] : [bc, 1];
  const bad = x.pack_a(rawA, ars, acs, m, k, packA, mode) + x.pack_b(rawB, brs, bcs, k, n, packB, mode);
  if (bad > 0) return false;
  if (mode === MODE_CODE.float16) {
    // no product or partial sum can reach 65504 when k max|A| max|B| stays below it (with room for the rounding
    // of each term, at most a factor 1 + 2^-11 per operation); else the kernel that watches for overflow
    const bound = k * maxAbs(a) * maxAbs(b) * (1 + 2 ** -11) ** (2 * k + 2);
    if (!(bound < F16_MAX)) mode = F16_CHECKED;
  }
  const overflow = run(e, workers, packA, packB, cOff, m, n, k, nbI, tiles, mode);
  if (overflow > 0) return false;
  C.set(new Float64Array(e.memory.buffer, cOff, m * n));
  return true;
}

function threadsFor(e: Engine, m: number, k: number, n: number, nbI: number): number {
  if (threadLimit <= 1 || m * k * n < THREAD_THRESHOLD || nbI < 2) return 0;
  if (pool === undefined) pool = startPool(e);
  if (pool === null) return 0;
  let ready = 0;
  for (let w = 0; w < pool.size; w++) if (Atomics.load(pool.ctrl, w * SLOT + READY) === 1) ready++;
  return Math.min(ready, threadLimit - 1, nbI - 1);
}

/** Runs the row panels on this thread and `workers` ready workers; returns the overflow count (mode 3). */
function run(
  e: Engine,
  workers: number,
  ap: number,
  bp: number,
  c: number,
  m: number,
  n: number,
  k: number,
  nbI: number,
  tiles: number,
  mode: number,
): number {
  const parts = workers + 1;
  const cut = (t: number) => Math.round((nbI * t) / parts);
  const given: { slot: number; seq: number; ib0: number; ib1: number }[] = [];
  if (workers > 0 && pool) {
    const ctrl = pool.ctrl;
    let w = 0;
    for (let s = 0; s < pool.size && given.length < workers; s++) {
      const base = s * SLOT;
      if (Atomics.load(ctrl, base + READY) !== 1) continue;
      w++;
      const ib0 = cut(w);
      const ib1 = cut(w + 1);
      const args = [ap, bp, c, m, n, k, ib0, ib1, tiles + w * TILE_BYTES, mode];
      for (let i = 0; i < args.length; i++) ctrl[base + ARGS + i] = args[i];
      const seq = (Atomics.load(ctrl, base + JOB) + 1) | 0;
      Atomics.store(ctrl, base + JOB, seq);
      Atomics.notify(ctrl, base + JOB);
      given.push({ slot: base, seq, ib0, ib1 });
      handedOff++;
    }
  }
  let overflow = e.x.gemm(ap, bp, c, m, n, k, 0, cut(1), tiles, mode);
  for (const g of given) {
    const ctrl = (pool as Pool).ctrl;
    while (Atomics.load(ctrl, g.slot + DONE) !== g.seq)
      Atomics.wait(ctrl, g.slot + DONE, Atomics.load(ctrl, g.slot + DONE), 1000);
    const r = Atomics.load(ctrl, g.slot + RESULT);
    // a worker that threw leaves its rows to this thread (same code, same results)
    overflow += r >= 0 ? r : e.x.gemm(ap, bp, c, m, n, k, g.ib0, g.ib1, tiles, mode);
  }
  return overflow;
}
