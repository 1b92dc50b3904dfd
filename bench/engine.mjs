// Engine benchmarks (run after `npm run build`; never part of the tests):
//  (a) gradient of a small scalar nonsmooth program: grad (the scalar tape) and compileValueAndGrad vs tfjs (CPU) vs
//      the plain JavaScript function;
//  (b) MLP 784-256-256-10 loss gradient, batch 128: valueAndGrad (float64) on the WebAssembly SIMD kernels with
//      worker threads, on one thread, and on the JavaScript kernels, vs tfjs (float32, CPU) vs hand-written
//      JavaScript backprop on the library's own matmul kernel; the matrix product alone, one and two threads;
//  (c) the same MLP's forward pass in emulated float32 and float16, and in the bfloat16, float16-tensor-core,
//      bfloat16-tensor-core and float32-blas arithmetic models, vs float64;
//  (d) peak memory of a 1e6-operation scalar program's gradient (scalar tape vs node list, fresh processes).
// Every ratio is measured within this run. `node bench/engine.mjs` runs it standalone (`node bench/engine.mjs a`:
// section (a) alone, `node bench/engine.mjs c` section (c) alone).
import { loadTf } from "./lib/tfjs.mjs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { spawnSync } from "node:child_process";
import { measureInterleaved, fmtTime, row, printTable, sink } from "./lib/timing.mjs";

const require = createRequire(import.meta.url);
const N = require("../dist/index.js");
const { matmul2d, setKernelBackend } = require("../dist/kernels.js");
const { setWasmThreads, startWasmThreads, wasmAvailable } = require("../dist/wasm/dense.js");
const { rounding } = require("../dist/precision.js");

const log = (...a) => console.log(...a);

/* ------------------------------------------------------------------------------------------------ (a) */

// 19 primitives on three scalars: mul sub relu, sin add abs, mul maximum, sub relu mul, sub abs mul sin add, maximum mul add
function programPlain(x, y, z) {
  const a = Math.max(x * y - z, 0);
  const b = Math.abs(Math.sin(x) + y);
  const c = Math.max(a, b * z);
  const d = Math.max(c - 0.5, 0) * x;
  const e = Math.abs(d - y) + Math.sin(z * c);
  return Math.max(e, a) * b + d;
}

/** @param {N.Tracer[]} v */
function programAD([x, y, z]) {
  const { add, sub, mul, relu, abs, sin, maximum } = N;
  const a = relu(sub(mul(x, y), z));
  const b = abs(add(sin(x), y));
  const c = maximum(a, mul(b, z));
  const d = mul(relu(sub(c, 0.5)), x);
  const e = add(abs(sub(d, y)), sin(mul(z, c)));
  return add(mul(maximum(e, a), b), d);
}

function programTf(tf) {
  return (x, y, z) => {
    const a = tf.relu(tf.sub(tf.mul(x, y), z));
    const b = tf.abs(tf.add(tf.sin(x), y));
    const c = tf.maximum(a, tf.mul(b, z));
    const d = tf.mul(tf.relu(tf.sub(c, 0.5)), x);
    const e = tf.add(tf.abs(tf.sub(d, y)), tf.sin(tf.mul(z, c)));
    return tf.add(tf.mul(tf.maximum(e, a), b), d);
  };
}

export async function benchScalar(tf) {
  log("\n(a) gradient of a 19-primitive scalar nonsmooth program (relu/abs/maximum/mul/add/sin) of 3 scalars");
  // 64 points on one branch of every kink (the compiled function is valid there); the other paths run the same points
  const pts = Array.from({ length: 64 }, (_, i) => [0.3 + 0.001 * i, -0.7 + 0.002 * i, 1.1 - 0.0005 * i]);
  const ptsT = pts.map((p) => p.map((v) => N.scalar(v)));
  const compiled = N.compileValueAndGrad(programAD);

  // correctness first: the gradients agree at a smooth point (tfjs in float32), the compiled one bitwise
  const g0 = N.grad(programAD, ptsT[5]).map((t) => t.data[0]);
  const c0 = compiled(ptsT[5]).grad.map((t) => t.data[0]);
  if (!g0.every((v, k) => Object.is(v, c0[k]))) throw new Error("bench (a): the compiled gradient differs from grad");
  for (const p of ptsT) compiled(p); // every point is on the traced branches (a call on another one throws)
  const tfGrad = tf.grads(programTf(tf));
  const tg = tf.tidy(() => tfGrad(pts[5].map((v) => tf.scalar(v))).map((t) => t.dataSync()[0]));
  const h = 1e-6;
  const fd = [0, 1, 2].map((k) => {
    const p = [...pts[5]];
    const m = [...pts[5]];
    p[k] += h;
    m[k] -= h;
    return (programPlain(...p) - programPlain(...m)) / (2 * h);
  });
  log(
    `  grad here ${g0.map((v) => v.toFixed(6)).join(", ")}; tfjs ${tg.map((v) => v.toFixed(6)).join(", ")}; finite diff ${fd.map((v) => v.toFixed(6)).join(", ")}`,
  );

  const [plain, ours, comp, compN, tfm] = measureInterleaved(
    [
      (i) => {
        const p = pts[i & 63];
        sink.value += programPlain(p[0], p[1], p[2]);
      },
      (i) => {
        const g = N.grad(programAD, ptsT[i & 63]);
        sink.value += g[0].data[0];
      },
      (i) => {
        const r = compiled(ptsT[i & 63]);
        sink.value += r.grad[0].data[0];
      },
      (i) => {
        const r = compiled(pts[i & 63]);
        sink.value += r.grad[0];
      },
      (i) => {
        const p = pts[i & 63];
        const v = tf.tidy(() => {
          const gs = tfGrad(p.map((x) => tf.scalar(x)));
          return gs[0].dataSync()[0];
        });
        sink.value += v;
      },
    ],
    { minTime: 1, minBatches: 9 },
  );
  log(
    `  plain JS evaluation          ${fmtTime(plain.perCall).padStart(10)}   ${plain.callsPerSecond.toExponential(3)} calls/s`,
  );
  log(
    `  grad (scalar tape)           ${fmtTime(ours.perCall).padStart(10)}   ${ours.callsPerSecond.toExponential(3)} calls/s`,
  );
  log(
    `  compileValueAndGrad (called) ${fmtTime(comp.perCall).padStart(10)}   ${comp.callsPerSecond.toExponential(3)} calls/s`,
  );
  log(
    `  same, numbers in and out     ${fmtTime(compN.perCall).padStart(10)}   ${compN.callsPerSecond.toExponential(3)} calls/s`,
  );
  log(
    `  tfjs tf.grads (cpu)          ${fmtTime(tfm.perCall).padStart(10)}   ${tfm.callsPerSecond.toExponential(3)} calls/s`,
  );
  const vsTf = tfm.perCall / ours.perCall;
  const vsPlain = ours.perCall / plain.perCall;
  const compVsPlain = comp.perCall / plain.perCall;
  const compVsTf = tfm.perCall / comp.perCall;
  const compNVsPlain = compN.perCall / plain.perCall;
  log(
    `  grad is ${vsTf.toFixed(1)}x faster than tfjs (target >= 300x) and costs ${vsPlain.toFixed(1)} plain evaluations (target <= 15); compiled: ${compVsTf.toFixed(0)}x faster than tfjs, ${compVsPlain.toFixed(1)} plain evaluations (${compNVsPlain.toFixed(1)} with numbers in and out; target <= 5)`,
  );
  return [
    row("(a) scalar program", "grad speed-up over tfjs", vsTf, 300, "higher"),
    row("(a) scalar program", "grad time / plain JS evaluation", vsPlain, 15, "lower"),
    row("(a) scalar program", "compiled time / plain JS evaluation", compVsPlain, 5, "lower"),
    row("(a) scalar program", "compiled, numbers in and out / plain", compNVsPlain, 5, "lower"),
    row("(a) scalar program", "compiled speed-up over tfjs", compVsTf, undefined, "higher"),
  ];
}

/**
 * Peak memory of the gradient of a 1e6-operation scalar program, on the scalar tape and on the node list it
 * replaces, each in a fresh process (the probe of the memory test).
 */
export function benchMemory() {
  log("\n(d) gradient of a 1e6-operation scalar program: peak resident memory of a fresh process");
  const probe = new URL("../test/unit/reliability/memory-scalar-probe.cjs", import.meta.url);
  const dist = new URL("../dist", import.meta.url);
  const run = (mode) => {
    const r = spawnSync(process.execPath, ["--expose-gc", fileURLToPath(probe), fileURLToPath(dist), "1000000", mode], {
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`bench (d): the probe failed: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };
  const tape = run("tape");
  const nodes = run("nodes");
  log(
    `  scalar tape ${tape.peakMB.toFixed(0)} MB (${(tape.retained / 1024).toFixed(0)} kB retained after the call); node list ${nodes.peakMB.toFixed(0)} MB`,
  );
  return [
    row("(d) memory", "1e6-op scalar gradient, peak RSS", tape.peakMB, 300, "lower", "MB"),
    row("(d) memory", "same on the node list, peak RSS", nodes.peakMB, undefined, "lower", "MB"),
  ];
}

/* ------------------------------------------------------------------------------------------------ (b), (c) */

const SIZES = [784, 256, 256, 10];
const BATCH = 128;

function makeRng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mlpData() {
  const r = makeRng(1234);
  const params = [];
  for (let l = 0; l < 3; l++) {
    const [nin, nout] = [SIZES[l], SIZES[l + 1]];
    const scale = Math.sqrt(2 / nin);
    params.push(
      new N.Tensor(
        Float64Array.from({ length: nin * nout }, () => (r() * 2 - 1) * scale * Math.sqrt(3)),
        [nin, nout],
      ),
    );
    params.push(
      new N.Tensor(
        Float64Array.from({ length: nout }, () => (r() * 2 - 1) * 0.01),
        [nout],
      ),
    );
  }
  const X = new N.Tensor(
    Float64Array.from({ length: BATCH * SIZES[0] }, () => r()),
    [BATCH, SIZES[0]],
  );
  const labels = Array.from({ length: BATCH }, () => Math.floor(r() * 10));
  return { params, X, labels };
}

function mlpLoss(X, labels) {
  const { add, matmul, relu, softmaxCrossEntropy, mean } = N;
  /** @param {N.Tracer[]} params */
  return ([W1, b1, W2, b2, W3, b3]) => {
    const h1 = relu(add(matmul(X, W1), b1));
    const h2 = relu(add(matmul(h1, W2), b2));
    const z = add(matmul(h2, W3), b3);
    return mean(softmaxCrossEntropy(z, labels));
  };
}

/** Hand-written forward + backward on raw Float64Arrays, with the library's matmul kernel. */
function handBackprop(X, labels, params) {
  const round = rounding("float64");
  const [W1, b1, W2, b2, W3, b3] = params;
  const addBiasRelu = (Z, b, relu) => {
    const [m, n] = Z.shape;
    const d = Z.data;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        const v = d[i * n + j] + b.data[j];
        d[i * n + j] = relu && v < 0 ? 0 : v;
      }
    return Z;
  };
  const H1 = addBiasRelu(matmul2d(X, W1, false, false, round), b1, true);
  const H2 = addBiasRelu(matmul2d(H1, W2, false, false, round), b2, true);
  const Z = addBiasRelu(matmul2d(H2, W3, false, false, round), b3, false);
  // softmax cross-entropy and its cotangent (softmax - onehot) / B
  const C = 10;
  const dZd = new Float64Array(BATCH * C);
  let loss = 0;
  for (let r = 0; r < BATCH; r++) {
    let m = -Infinity;
    for (let j = 0; j < C; j++) m = Math.max(m, Z.data[r * C + j]);
    let s = 0;
    for (let j = 0; j < C; j++) s += Math.exp(Z.data[r * C + j] - m);
    const lse = m + Math.log(s);
    loss += lse - Z.data[r * C + labels[r]];
    for (let j = 0; j < C; j++) dZd[r * C + j] = Math.exp(Z.data[r * C + j] - lse) / BATCH;
    dZd[r * C + labels[r]] -= 1 / BATCH;
  }
  loss /= BATCH;
  const colSum = (D) => {
    const [m, n] = D.shape;
    const out = new Float64Array(n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[j] += D.data[i * n + j];
    return new N.Tensor(out, [n]);
  };
  const reluBack = (D, H) => {
    const d = D.data;
    for (let i = 0; i < d.length; i++) if (!(H.data[i] > 0)) d[i] = 0;
    return D;
  };
  const dZ = new N.Tensor(dZd, [BATCH, C]);
  const dW3 = matmul2d(H2, dZ, true, false, round);
  const db3 = colSum(dZ);
  const dZ2 = reluBack(matmul2d(dZ, W3, false, true, round), H2);
  const dW2 = matmul2d(H1, dZ2, true, false, round);
  const db2 = colSum(dZ2);
  const dZ1 = reluBack(matmul2d(dZ2, W2, false, true, round), H1);
  const dW1 = matmul2d(X, dZ1, true, false, round);
  const db1 = colSum(dZ1);
  return { loss, grads: [dW1, db1, dW2, db2, dW3, db3] };
}

/** f() on one thread (the WebAssembly kernels without workers). */
function oneThread(f) {
  setWasmThreads(1);
  try {
    return f();
  } finally {
    setWasmThreads(Number.MAX_SAFE_INTEGER);
  }
}

/** f() on the JavaScript kernels. */
function onJs(f) {
  const before = setKernelBackend("js");
  try {
    return f();
  } finally {
    setKernelBackend(before);
  }
}

function maxRelDiff(a, b) {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (Math.abs(b[i]) + 1e-12));
  return m;
}

/**
 * (c) the MLP's forward pass (`evaluate`) in float64, in the emulated float32 and float16, and in four arithmetic
 * models (bfloat16: every operation rounded to bfloat16; float16-tensor-core and bfloat16-tensor-core: 16-bit
 * values, matrix products and sums accumulated in float32 with FMA in blocks of 16; float32-blas: float32 values,
 * FMA, panels of 256), interleaved in one run.
 */
function benchForward(loss, params, opts, value64, valueTf) {
  const flopsF = 2 * BATCH * SIZES.slice(0, 3).reduce((s, nin, l) => s + nin * SIZES[l + 1], 0);
  const gf = (t) => flopsF / t / 1e9;
  const precisions = /** @type {const} */ ([
    "float64",
    "float32",
    "float16",
    "bfloat16",
    "float16-tensor-core",
    "bfloat16-tensor-core",
    "float32-blas",
  ]);
  log(
    `\n(c) the same MLP's forward pass (${(flopsF / 1e6).toFixed(1)} MFLOP): evaluate in float64, emulated float32 and float16, and the bfloat16, float16-tensor-core, bfloat16-tensor-core and float32-blas models`,
  );
  const times = measureInterleaved(
    precisions.map((precision) => () => {
      sink.value += N.evaluate(loss, params, { precision }).value.data[0];
    }),
    opts,
  );
  const v32 = N.evaluate(loss, params, { precision: "float32" }).value.data[0];
  log(
    `  float32 loss ${v32.toFixed(6)} (float64 ${value64.toFixed(6)}${valueTf === undefined ? "" : `, tfjs ${valueTf.toFixed(6)}`})`,
  );
  for (const [i, p] of precisions.entries())
    log(
      `  evaluate ${p.padEnd(19)} ${fmtTime(times[i].perCall).padStart(10)}   ${gf(times[i].perCall).toFixed(2)} GFLOP/s`,
    );
  const ratio = (i) => times[i].perCall / times[0].perCall;
  log(
    `  emulated float32 takes ${ratio(1).toFixed(2)}x the float64 time (target <= 1.2x), emulated float16 ${ratio(2).toFixed(2)}x (target <= 3x); bfloat16 ${ratio(3).toFixed(2)}x, float16-tensor-core ${ratio(4).toFixed(2)}x, bfloat16-tensor-core ${ratio(5).toFixed(2)}x (targets <= 3x), float32-blas ${ratio(6).toFixed(2)}x (no target)`,
  );
  return [
    row("(c) MLP forward", "float32 GFLOP/s", gf(times[1].perCall), undefined, "higher", "GFLOP/s"),
    row("(c) MLP forward", "float64 GFLOP/s", gf(times[0].perCall), undefined, "higher", "GFLOP/s"),
    row("(c) MLP forward", "float32 time / float64", ratio(1), 1.2, "lower"),
    row("(c) MLP forward", "float16 time / float64", ratio(2), 3, "lower"),
    row("(c) MLP forward", "bfloat16 time / float64", ratio(3), 3, "lower"),
    row("(c) MLP forward", "float16-tensor-core time / float64", ratio(4), 3, "lower"),
    row("(c) MLP forward", "bfloat16-tensor-core time / float64", ratio(5), 3, "lower"),
    row("(c) MLP forward", "float32-blas time / float64", ratio(6), undefined, "lower"),
  ];
}

/** (c) alone (`node bench/engine.mjs c`): the same data, no tfjs. */
function benchForwardAlone() {
  startWasmThreads();
  const { params, X, labels } = mlpData();
  const loss = mlpLoss(X, labels);
  return benchForward(
    loss,
    params,
    { minTime: 1.5, minBatches: 5, warmup: 0.5, batchTime: 0.25 },
    N.evaluate(loss, params).value.data[0],
  );
}

async function benchMlp(tf) {
  const flopsFB = 6 * BATCH * SIZES.slice(0, 3).reduce((s, nin, l) => s + nin * SIZES[l + 1], 0);
  log(
    `\n(b) MLP ${SIZES.join("-")}, batch ${BATCH}, relu, softmax cross-entropy: loss + gradient (${(flopsFB / 1e6).toFixed(1)} MFLOP a step)`,
  );
  const { params, X, labels } = mlpData();
  const loss = mlpLoss(X, labels);

  // correctness: the library and the hand-written backprop agree
  const r0 = N.valueAndGrad(loss, params);
  const h0 = handBackprop(X, labels, params);
  const diff = Math.max(...r0.grad.map((g, i) => maxRelDiff(g.data, h0.grads[i].data)));
  log(
    `  loss ${r0.value.toFixed(6)} (hand-written ${h0.loss.toFixed(6)}); max relative gradient difference ${diff.toExponential(2)}`,
  );
  if (!(Math.abs(r0.value - h0.loss) < 1e-9 && diff < 1e-6))
    throw new Error("bench (b): the library and the hand-written backprop disagree");

  // tfjs, float32 on its CPU backend
  const tp = params.map((p) => tf.tensor(Float32Array.from(p.data), [...p.shape]));
  const tX = tf.tensor(Float32Array.from(X.data), [...X.shape]);
  const tY = tf.oneHot(tf.tensor1d(labels, "int32"), 10);
  const tfLoss = (W1, b1, W2, b2, W3, b3) => {
    const h1 = tf.relu(tf.add(tf.matMul(tX, W1), b1));
    const h2 = tf.relu(tf.add(tf.matMul(h1, W2), b2));
    const z = tf.add(tf.matMul(h2, W3), b3);
    return tf.losses.softmaxCrossEntropy(tY, z);
  };
  const tfVG = tf.valueAndGrads(tfLoss);
  const tv = tf.tidy(() => tfVG(tp).value.dataSync()[0]);
  log(`  tfjs loss (float32) ${tv.toFixed(6)}`);

  const opts = { minTime: 1.5, minBatches: 5, warmup: 0.5, batchTime: 0.25 };
  const threads = startWasmThreads();
  log(
    `  WebAssembly SIMD kernels: ${wasmAvailable() ? `loaded, ${threads} worker thread(s) besides this one` : "NOT loaded (JavaScript kernels)"}`,
  );
  const [ours, ours1, oursJs, hand, tfm] = measureInterleaved(
    [
      () => {
        sink.value += N.valueAndGrad(loss, params).value;
      },
      () => {
        sink.value += oneThread(() => N.valueAndGrad(loss, params).value);
      },
      () => {
        sink.value += onJs(() => N.valueAndGrad(loss, params).value);
      },
      () => {
        sink.value += handBackprop(X, labels, params).loss;
      },
      () => {
        const v = tf.tidy(() => {
          const { value, grads } = tfVG(tp);
          for (const g of grads) g.dataSync();
          return value.dataSync()[0];
        });
        sink.value += v;
      },
    ],
    opts,
  );

  const gf = (t) => flopsFB / t / 1e9;
  log(
    `  nonsmooth-ad valueAndGrad (float64) ${fmtTime(ours.perCall).padStart(10)}   ${gf(ours.perCall).toFixed(2)} GFLOP/s (WebAssembly, threads)`,
  );
  log(
    `    one thread                        ${fmtTime(ours1.perCall).padStart(10)}   ${gf(ours1.perCall).toFixed(2)} GFLOP/s`,
  );
  log(
    `    JavaScript kernels                ${fmtTime(oursJs.perCall).padStart(10)}   ${gf(oursJs.perCall).toFixed(2)} GFLOP/s`,
  );
  log(
    `  hand-written backprop (float64)     ${fmtTime(hand.perCall).padStart(10)}   ${gf(hand.perCall).toFixed(2)} GFLOP/s`,
  );
  log(
    `  tfjs valueAndGrads (float32, cpu)   ${fmtTime(tfm.perCall).padStart(10)}   ${gf(tfm.perCall).toFixed(2)} GFLOP/s`,
  );
  const vsTf = tfm.perCall / ours.perCall;
  const vsHand = ours.perCall / hand.perCall;
  log(
    `  valueAndGrad is ${vsTf.toFixed(2)}x faster than tfjs (target >= 2x) and takes ${vsHand.toFixed(2)}x the hand-written time (target <= 1.5x)`,
  );

  // the largest product of the step alone, and a large square one (threads pay off with size)
  const gemmRows = [];
  for (const [m, k, n] of [
    [BATCH, SIZES[0], SIZES[1]],
    [512, 512, 512],
  ]) {
    const r = makeRng(99);
    const A = new N.Tensor(
      Float64Array.from({ length: m * k }, () => r() - 0.5),
      [m, k],
    );
    const B = new N.Tensor(
      Float64Array.from({ length: k * n }, () => r() - 0.5),
      [k, n],
    );
    const f64 = rounding("float64");
    const [g2, g1, gj] = measureInterleaved(
      [
        () => {
          sink.value += matmul2d(A, B, false, false, f64).data[0];
        },
        () => {
          sink.value += oneThread(() => matmul2d(A, B, false, false, f64).data[0]);
        },
        () => {
          sink.value += onJs(() => matmul2d(A, B, false, false, f64).data[0]);
        },
      ],
      { minTime: 1, minBatches: 5, warmup: 0.3, batchTime: 0.2 },
    );
    const gfm = (t) => (2 * m * k * n) / t / 1e9;
    log(
      `  matmul ${m}x${k} by ${k}x${n} (float64): WebAssembly ${gfm(g1.perCall).toFixed(2)} GFLOP/s one thread, ${gfm(g2.perCall).toFixed(2)} with threads (${(g1.perCall / g2.perCall).toFixed(2)}x); JavaScript ${gfm(gj.perCall).toFixed(2)}`,
    );
    const tag = `(b) matmul ${m}x${k}x${n}`;
    gemmRows.push(
      row(tag, "WebAssembly GFLOP/s, one thread", gfm(g1.perCall), undefined, "higher", "GFLOP/s"),
      row(
        tag,
        "threads / one thread speed-up",
        g1.perCall / g2.perCall,
        m === 512 && threads > 0 ? 1.6 : undefined,
        "higher",
      ),
      row(tag, "WebAssembly / JavaScript speed-up", gj.perCall / g1.perCall, undefined, "higher"),
    );
  }

  const forwardRows = benchForward(loss, params, opts, r0.value, tv);

  tp.forEach((t) => t.dispose());
  tX.dispose();
  tY.dispose();
  return [
    row("(b) MLP grad", "valueAndGrad speed-up over tfjs", vsTf, 2, "higher"),
    row("(b) MLP grad", "valueAndGrad time / hand-written", vsHand, 1.5, "lower"),
    row("(b) MLP grad", "valueAndGrad GFLOP/s", gf(ours.perCall), undefined, "higher", "GFLOP/s"),
    row("(b) MLP grad", "valueAndGrad GFLOP/s, one thread", gf(ours1.perCall), 12, "higher", "GFLOP/s"),
    row("(b) MLP grad", "valueAndGrad GFLOP/s, JavaScript kernels", gf(oursJs.perCall), undefined, "higher", "GFLOP/s"),
    row("(b) MLP grad", "hand-written GFLOP/s", gf(hand.perCall), undefined, "higher", "GFLOP/s"),
    row("(b) MLP grad", "tfjs GFLOP/s", gf(tfm.perCall), undefined, "higher", "GFLOP/s"),
    ...forwardRows,
    ...gemmRows,
  ];
}

/** Runs the engine benchmarks; returns the summary rows. */
export async function run() {
  const tf = await loadTf();
  log(`engine benchmarks: node ${process.version}, tfjs ${tf.version.tfjs} (${tf.getBackend()} backend)`);
  const rows = [...(await benchScalar(tf)), ...(await benchMlp(tf)), ...benchMemory()];
  if (sink.value === 12345.6789) log("(sink)");
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  // `node bench/engine.mjs a` runs section (a) alone (the scalar program)
  const only = process.argv[2];
  const rows = only === "a" ? await benchScalar(await loadTf()) : only === "c" ? benchForwardAlone() : await run();
  log("");
  printTable(rows);
}
