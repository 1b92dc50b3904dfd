// Loads @tensorflow/tfjs on its pure-JS CPU backend, the peer the benchmarks compare with. tfjs prints a banner
// advising tfjs-node on its first op; that is beside the point here, so the console is quiet while it loads.
import { createRequire } from "node:module";

const requireCjs = createRequire(import.meta.url);

export async function loadTf() {
  const { warn, log: plainLog } = console;
  console.warn = () => {};
  console.log = () => {};
  try {
    const tf = requireCjs("@tensorflow/tfjs");
    await tf.setBackend("cpu");
    await tf.ready();
    tf.tidy(() => tf.add(tf.scalar(1), 1).dataSync()); // the banner prints on the first op
    return tf;
  } finally {
    console.warn = warn;
    console.log = plainLog;
  }
}
