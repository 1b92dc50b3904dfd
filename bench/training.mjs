// Training benchmark (run after `npm run build`; never part of the tests): mini-batch SGD epochs per second for a
// two-hidden-layer relu network 784-64-64-10 on 1000 MNIST digits, batch 32, softmax cross-entropy, step 0.1:
//  - the library's training loop (train(): seeded batches, valueAndGrad on the flat parameter vector, sgd update),
//    in float64 and in emulated float32;
//  - the same loop written with @tensorflow/tfjs (CPU backend, float32), same initial weights and same batches.
// Prints the ratios. `node bench/training.mjs` runs it standalone; bench/run.mjs imports it and calls run().
import { loadTf } from "./lib/tfjs.mjs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { measureInterleaved, fmtTime, row, printTable } from "./lib/timing.mjs";

const requireCjs = createRequire(import.meta.url);
const N = requireCjs("../dist/index.js");
const log = (...a) => console.log(...a);

const COUNT = 1000;
const SIZES = [784, 64, 64, 10];
const BATCH = 32;
const STEP = 0.1;
const SEED = 7;
const STEPS_PER_EPOCH = Math.ceil(COUNT / BATCH);

/** The tfjs version of the same network and loop, starting from the library's flat parameter vector. */
function tfTrainer(tf, net, w0, data) {
  const vars = [];
  for (const L of net.layers) {
    vars.push(
      tf.variable(
        tf.tensor2d(
          Float32Array.from(w0.subarray(L.weightOffset, L.weightOffset + L.fanIn * L.fanOut)),
          [L.fanIn, L.fanOut],
          "float32",
        ),
      ),
    );
    vars.push(
      tf.variable(tf.tensor1d(Float32Array.from(w0.subarray(L.biasOffset, L.biasOffset + L.fanOut)), "float32")),
    );
  }
  const X = tf.tensor2d(Float32Array.from(data.X.data), data.X.shape, "float32");
  const Y = tf.oneHot(tf.tensor1d(Int32Array.from(data.y), "int32"), 10).toFloat();
  const batches = Array.from({ length: STEPS_PER_EPOCH }, (_, k) =>
    tf.tensor1d(N.batchIndices(SEED, k, COUNT, BATCH), "int32"),
  );
  const opt = tf.train.sgd(STEP);
  const lossOf = (xb, yb) => {
    let h = xb;
    for (let l = 0; l < vars.length; l += 2) {
      h = tf.add(tf.matMul(h, vars[l]), vars[l + 1]);
      if (l + 2 < vars.length) h = tf.relu(h);
    }
    return tf.losses.softmaxCrossEntropy(yb, h, undefined, undefined, tf.Reduction.MEAN);
  };
  return {
    firstLoss() {
      return tf.tidy(() => lossOf(tf.gather(X, batches[0]), tf.gather(Y, batches[0])).dataSync()[0]);
    },
    epoch() {
      for (const idx of batches) {
        tf.tidy(() => {
          const xb = tf.gather(X, idx);
          const yb = tf.gather(Y, idx);
          opt.minimize(() => lossOf(xb, yb), false, vars);
        });
      }
    },
    reset() {
      let i = 0;
      for (const L of net.layers) {
        vars[i++].assign(
          tf.tensor2d(
            Float32Array.from(w0.subarray(L.weightOffset, L.weightOffset + L.fanIn * L.fanOut)),
            [L.fanIn, L.fanOut],
            "float32",
          ),
        );
        vars[i++].assign(tf.tensor1d(Float32Array.from(w0.subarray(L.biasOffset, L.biasOffset + L.fanOut)), "float32"));
      }
    },
  };
}

export async function run() {
  log(
    `MNIST subset: ${COUNT} digits, MLP ${SIZES.join("-")} relu, batch ${BATCH}, SGD step ${STEP}, ${STEPS_PER_EPOCH} steps per epoch`,
  );
  const data = N.loadMnist({ count: COUNT, seed: 1 });
  const net = N.mlp({ sizes: SIZES, activation: "relu", init: "pytorch", seed: SEED });
  const w0 = net.init();
  const config = (precision) => ({
    model: net,
    data,
    optimizer: N.sgd({ stepSize: STEP }),
    steps: STEPS_PER_EPOCH,
    batchSize: BATCH,
    seed: SEED,
    params: w0,
    precision,
    evalEvery: 0,
  });
  const tf = await loadTf();
  const tfRun = tfTrainer(tf, net, w0, data);

  // sanity: same weights and batch, same first loss (tfjs computes in float32)
  const first = N.train({ ...config("float64"), steps: 1 }).rows[0].loss;
  const tfFirst = tfRun.firstLoss();
  log(
    `first mini-batch loss: library ${first.toFixed(6)}, tfjs ${tfFirst.toFixed(6)} (|diff| ${Math.abs(first - tfFirst).toExponential(2)})`,
  );
  if (!(Math.abs(first - tfFirst) < 1e-4)) throw new Error("the library and tfjs loops do not compute the same loss");
  const libEpoch = N.train(config("float64")).rows;
  tfRun.reset();
  tfRun.epoch();
  log(`after one epoch: library last mini-batch loss ${libEpoch[libEpoch.length - 1].loss.toFixed(4)}`);
  tfRun.reset();

  const [lib64, lib32, tfjs] = measureInterleaved(
    [() => N.train(config("float64")), () => N.train(config("float32")), () => tfRun.epoch()],
    { minTime: 3, minBatches: 5, warmup: 0.5, batchTime: 0.5 },
  );
  log(
    `library float64:          ${fmtTime(lib64.perCall)} per epoch (${lib64.callsPerSecond.toFixed(2)} epochs/s, ${fmtTime(lib64.perCall / STEPS_PER_EPOCH)} per step)`,
  );
  log(`library emulated float32: ${fmtTime(lib32.perCall)} per epoch (${lib32.callsPerSecond.toFixed(2)} epochs/s)`);
  log(`tfjs CPU float32:         ${fmtTime(tfjs.perCall)} per epoch (${tfjs.callsPerSecond.toFixed(2)} epochs/s)`);
  const ratio = lib64.callsPerSecond / tfjs.callsPerSecond;
  log(`ratio library float64 / tfjs epochs per second: ${ratio.toFixed(2)}x`);
  const rows = [
    row("training", "SGD epochs/s, library float64 / tfjs cpu (MNIST 1000, 784-64-64-10, batch 32)", ratio),
    row(
      "training",
      "SGD epochs/s, library float32 emulated / library float64",
      lib32.callsPerSecond / lib64.callsPerSecond,
    ),
    row("training", "library float64 epochs/s", lib64.callsPerSecond, undefined, "higher", "epochs/s"),
  ];
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await run();
  log("");
  printTable(rows);
}
