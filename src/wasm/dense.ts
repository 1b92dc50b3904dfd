/**
 * The WebAssembly SIMD matrix product (src/wasm/kernels.wat, assembled into dist/wasm/kernels.wasm by
 * `npm run build`) and the worker threads that share its memory. Everything here is optional: when WebAssembly
 * SIMD, the assembled file, shared memory or worker threads are missing (a browser, an unbuilt checkout), the
 * kernels of src/kernels.ts run their JavaScript loops instead, which give the same results (see that module).
 *
 * @module
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Worker, isMainThread } from "node:worker_threads";

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
const MAX_WORKERS = 7;
const CHUNK_BYTES = 1 << 18;
const MAX_PAGES = 32768; // kernels.wat's memory maximum (2 GiB)
const F16_MAX = 65504;

interface Exports {
  pack_a(src: number, rs: number, cs: number, m: number, k: number, dst: number, mode: number): number;
  pack_b(src: number, rs: number, cs: number, k: number, n: number, dst: number, mode: number): number;
  last_max(): number;
  last_min(): number;
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

// The control block shared with the workers (Int32 slots). Work sharing: a product is cut into chunks of row
// panels, and every thread (this one included) claims the next chunk with an atomic increment of NEXT until none
// is left, so a worker that the system schedules late simply takes fewer chunks. ACTIVE counts workers inside a
// job; this thread returns only when it is back to 0, and writes a new job only then. NEXT is >= the chunk count
// between jobs, so a worker that wakes late claims nothing of a finished job.
const JOB = 0; // job sequence number (workers wait on it)
const NEXT = 1; // next chunk to claim
const ACTIVE = 2; // workers inside the current job
const OVERFLOW = 3; // float16 overflow count of the job (mode 3)
const READY = 4; // workers started
const ARGS = 5; // ap, bp, c, m, n, k, tile0, mode, chunks, chunkPanels, panels
const CTRL_INTS = 16;
const CLOSED = 0x3fffffff;

// The worker: instantiates the same module on the same memory, then takes chunks of each job.
const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const { module, memory, ctrl: sab, id } = workerData;
const ctrl = new Int32Array(sab);
const { gemm } = new WebAssembly.Instance(module, { env: { memory } }).exports;
Atomics.add(ctrl, ${READY}, 1);
Atomics.notify(ctrl, ${READY});
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, ${JOB}, seen);
  seen = Atomics.load(ctrl, ${JOB});
  Atomics.add(ctrl, ${ACTIVE}, 1);
  try {
    for (;;) {
      const c = Atomics.add(ctrl, ${NEXT}, 1);
      const a = (i) => ctrl[${ARGS} + i];
      if (c >= a(8)) break;
      const ib0 = c * a(9);
      const ib1 = Math.min(ib0 + a(9), a(10));
      const r = gemm(a(0), a(1), a(2), a(3), a(4), a(5), ib0, ib1, a(6) + id * ${TILE_BYTES}, a(7));
      if (r !== 0) Atomics.add(ctrl, ${OVERFLOW}, r);
    }
  } finally {
    Atomics.sub(ctrl, ${ACTIVE}, 1);
    Atomics.notify(ctrl, ${ACTIVE});
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

/** How many chunks of products worker threads have computed in this process (tests check that threads ran). */
export function wasmJobsHandedOff(): number {
  return handedOff;
}

/** Products with fewer multiply-adds than this run on one thread (a hand-off costs tens of microseconds). */
export const THREAD_THRESHOLD = 1 << 21;

function startPool(e: Engine): Pool | null {
  try {
    if (typeof process !== "object" || !process.versions?.node) return null;
    // inside a worker (a sweep's, say) the other cores already run the other workers: no pool of its own
    if (!isMainThread) return null;
    // a browser bundle maps worker_threads and os to stubs (one core; Worker throws): then no threads
    const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
    const size = Math.min(cores - 1, MAX_WORKERS);
    if (!(size >= 1)) return null;
    const ctrl = new Int32Array(new SharedArrayBuffer(CTRL_INTS * 4));
    ctrl[NEXT] = CLOSED;
    for (let w = 0; w < size; w++) {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module: e.module, memory: e.memory, ctrl: ctrl.buffer, id: w + 1 },
      });
      worker.unref(); // never keeps the process alive
      worker.on("error", () => {
        // a worker that fails to start never counts as ready; the chunks go to the other threads
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
  for (;;) {
    const ready = Atomics.load(pool.ctrl, READY);
    if (ready >= pool.size || Date.now() >= until) return ready;
    Atomics.wait(pool.ctrl, READY, ready, 50);
  }
}

/* ------------------------------------------------------------------------------------------ the product */

/** Grows the memory to at least `bytes`; false when it cannot (then the JavaScript path runs). */
function ensureBytes(e: Engine, bytes: number): boolean {
  const have = e.memory.buffer.byteLength;
  if (bytes <= have) return true;
  if (bytes > MAX_PAGES * PAGE) return false;
  try {
    e.memory.grow(Math.ceil((bytes - have) / PAGE));
    return true;
  } catch {
    return false; // the system refused the memory
  }
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
  const mode = MODE_CODE[precision];
  return product(a, ac, transA, b, bc, transB, C, m, k, n, mode, mode === 0 ? 8 : 4, (maxA, maxB) => {
    if (mode !== MODE_CODE.float16) return mode;
    // no product or partial sum can reach 65504 when k max|A| max|B| stays below it (with room for the rounding
    // of each term, at most a factor 1 + 2^-11 per operation); else the kernel that watches for overflow
    const bound = k * maxA * maxB * (1 + 2 ** -11) ** (2 * k + 2);
    return bound < F16_MAX ? mode : F16_CHECKED;
  });
}

/**
 * The arithmetic models whose matrix products have a WebAssembly kernel (see src/kernels-model.ts, which chooses
 * them, and the notes of kernels.wat): `bfloat16` (every product and addition rounded to bfloat16, in order),
 * `float16-tensor-core` and `bfloat16-tensor-core` (16-bit values, their exact products accumulated in float32 in
 * blocks; the caller rounds the float32 sums to storage), `float32-fma` (float32 values, one float32 rounding per
 * term, in blocks).
 */
export type WasmModelKernel = "bfloat16" | "float16-tensor-core" | "bfloat16-tensor-core" | "float32-fma";

/** Products of two bfloat16 values are exact in float32 while they stay normal (at least 2^-126) and finite. */
const F32_MIN_NORMAL = 2 ** -126;
const F32_MAX = (2 - 2 ** -23) * 2 ** 127;
/**
 * When min|A| min|B| >= 2^-101 (over nonzero values), a float32 value of A (B) with exponent u (v) is a multiple
 * of 2^(u-23) (2^(v-23)), u + v >= -102, so every product, hence every sum acc + a b, is a multiple of
 * 2^(u+v-46) >= 2^-149: a sum below 2^-126 in magnitude is then a float32 value, exact in float64, and mode 6
 * need not watch float32's subnormal range (mode 7 does).
 */
const F32_FMA_NO_SMALL = 2 ** -101;

/**
 * op(A) [m, k] times op(B) [k, n] into C under one of the {@link WasmModelKernel}s, K cut in blocks of `block`
 * terms (the blocked kernels; block >= k is the sequential order). C receives the accumulated sums: bfloat16
 * values for `bfloat16`, float32 values otherwise. Returns false (C untouched) when the product must take the
 * JavaScript path: the kernels are not loaded, the operands do not fit the memory, an operand is not a finite
 * value of the storage format, or (bfloat16 values) a product of two of them could leave float32's normal range,
 * where it would be rounded (the kernels rely on exact products).
 */
export function wasmModelMatmul(
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
  kernel: WasmModelKernel,
  block: number,
): boolean {
  // the block travels in the mode's bits 4..31: a block the field cannot hold (more than 2^26 terms, only for
  // operands of 512 MiB and more) takes the JavaScript path rather than being summed in other blocks
  if (Math.min(block, k) > 1 << 26) return false;
  const blk = Math.max(1, Math.min(block, k));
  const packMode = kernel === "float32-fma" ? 6 : kernel === "float16-tensor-core" ? 2 : 4;
  const bf16 = kernel === "bfloat16" || kernel === "bfloat16-tensor-core";
  const gemmMode = kernel === "bfloat16" ? 4 : kernel === "float32-fma" ? 6 | (blk << 4) : 5 | (blk << 4);
  const ran = product(
    a,
    ac,
    transA,
    b,
    bc,
    transB,
    C,
    m,
    k,
    n,
    packMode,
    packMode === 6 ? 8 : 4,
    (maxA, maxB, minA, minB) => {
      if (bf16 && !(maxA * maxB <= F32_MAX && minA * minB >= F32_MIN_NORMAL)) return null;
      // mode 8: bfloat16 with the cheaper rounding, when no value can be subnormal or reach 2^111 (see kernels.wat)
      if (
        kernel === "bfloat16" &&
        minA * minB >= 2 ** -118 &&
        k * maxA * maxB * (1 + 2 ** -8) ** (2 * k + 2) < 2 ** 111
      )
        return 8;
      if (bf16) return gemmMode;
      // mode 7: the float32 kernel that also watches sums in float32's subnormal range
      return kernel === "float32-fma" && !(minA * minB >= F32_FMA_NO_SMALL) ? gemmMode + 1 : gemmMode;
    },
  );
  if (ran) modelProducts++;
  return ran;
}

let modelProducts = 0;
const modeRuns = new Map<number, number>();

/**
 * How many model products ran in WebAssembly in this process, in all or in one gemm mode (4-8, see kernels.wat):
 * tests check which path ran.
 */
export function wasmModelProducts(mode?: number): number {
  return mode === undefined ? modelProducts : (modeRuns.get(mode) ?? 0);
}

/**
 * Packs both operands in `packMode` (elements of `es` bytes), asks `gemmMode` for the kernel given the packed
 * operands' max |value| and min nonzero |value| (null: the JavaScript path), runs it; false when the JavaScript
 * path must run (see the callers).
 */
function product(
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
  packMode: number,
  es: number,
  gemmMode: (maxA: number, maxB: number, minA: number, minB: number) => number | null,
): boolean {
  const e = getEngine();
  if (e === null) return false;
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
  const end = tiles + (MAX_WORKERS + 1) * TILE_BYTES; // any worker may join a job, each with its tile
  if (!ensureBytes(e, end)) return false;
  const heap = new Float64Array(e.memory.buffer);
  heap.set(a, rawA / 8);
  heap.set(b, rawB / 8);
  const x = e.x;
  // A (i, p) and B (p, j) as strides into the raw copies
  const [ars, acs] = transA ? [1, ac] : [ac, 1];
  const [brs, bcs] = transB ? [1, bc] : [bc, 1];
  if (x.pack_a(rawA, ars, acs, m, k, packA, packMode) > 0) return false;
  const maxA = x.last_max();
  const minA = x.last_min();
  if (x.pack_b(rawB, brs, bcs, k, n, packB, packMode) > 0) return false;
  const mode = gemmMode(maxA, x.last_max(), minA, x.last_min());
  if (mode === null) return false;
  if (mode >= 4) modeRuns.set(mode & 15, (modeRuns.get(mode & 15) ?? 0) + 1);
  const overflow = run(e, workers, packA, packB, cOff, m, n, k, nbI, tiles, mode, es);
  if (overflow > 0) return false;
  C.set(new Float64Array(e.memory.buffer, cOff, m * n));
  return true;
}

function threadsFor(e: Engine, m: number, k: number, n: number, nbI: number): number {
  if (threadLimit <= 1 || m * k * n < THREAD_THRESHOLD || nbI < 2) return 0;
  if (pool === undefined) pool = startPool(e);
  if (pool === null) return 0;
  return Math.min(Atomics.load(pool.ctrl, READY), threadLimit - 1, pool.size);
}

/** Runs the row panels on this thread and up to `workers` workers; returns the overflow count (mode 3). */
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
  es: number,
): number {
  // chunks of row panels small enough to stay in a core's cache (about 256 KiB of packed A) while the kernel
  // sweeps every column panel over them, and a few per thread, to balance a worker that starts late
  const cached = Math.max(1, Math.floor(CHUNK_BYTES / (MR * k * es)));
  const chunkPanels = Math.min(cached, Math.max(1, Math.ceil(nbI / (4 * (workers + 1)))));
  const chunks = Math.ceil(nbI / chunkPanels);
  if (workers === 0 || !pool) {
    let overflow = 0;
    for (let ib0 = 0; ib0 < nbI; ib0 += chunkPanels)
      overflow += e.x.gemm(ap, bp, c, m, n, k, ib0, Math.min(ib0 + chunkPanels, nbI), tiles, mode);
    return overflow;
  }
  const ctrl = pool.ctrl;
  const args = [ap, bp, c, m, n, k, tiles, mode, chunks, chunkPanels, nbI];
  for (let i = 0; i < args.length; i++) ctrl[ARGS + i] = args[i];
  Atomics.store(ctrl, OVERFLOW, 0);
  Atomics.store(ctrl, NEXT, 0); // opens the job (the arguments above are written before)
  Atomics.add(ctrl, JOB, 1);
  Atomics.notify(ctrl, JOB, workers);
  let overflow = 0;
  let mine = 0;
  for (;;) {
    const chunk = Atomics.add(ctrl, NEXT, 1);
    if (chunk >= chunks) break;
    mine++;
    const ib0 = chunk * chunkPanels;
    overflow += e.x.gemm(ap, bp, c, m, n, k, ib0, Math.min(ib0 + chunkPanels, nbI), tiles, mode);
  }
  Atomics.store(ctrl, NEXT, CLOSED);
  // wait for the chunks that workers are still computing
  for (let active = Atomics.load(ctrl, ACTIVE); active !== 0; active = Atomics.load(ctrl, ACTIVE))
    Atomics.wait(ctrl, ACTIVE, active, 100);
  handedOff += chunks - mine;
  return overflow + Atomics.load(ctrl, OVERFLOW);
}
