// Measures the heap a kept result retains (run with node --expose-gc --single-threaded: no background compilation
// or collection thread, whose pending jobs can hold objects alive for a while on a loaded machine; argv[2]: the compiled library, argv[3]: the
// number of operations of the program). Prints one JSON line: { kind: retained bytes, ... }. Retained size, not
// time: after a full collection, the heap with the result kept minus the heap before the call.
"use strict";
const m = require(process.argv[2]);
const ops = Number(process.argv[3] ?? 100000);

// a long program with a kink hit (relu at 0) and a NaN-free smooth chain: ops / 2 multiply-adds on a vector of 4
function program(x) {
  let y = m.relu(m.sub(x, x)); // 4 kink hits
  y = m.add(y, x);
  for (let i = 0; i < ops / 2; i++) y = m.add(m.mul(y, 0.999999), 0.000001);
  return m.sum(y);
}
function vecProgram(x) {
  let y = m.add(m.relu(m.sub(x, x)), x);
  for (let i = 0; i < ops / 2; i++) y = m.add(m.mul(y, 0.999999), 0.000001);
  return y;
}
const x = [1, 2, 3, 4];
const kinds = {
  grad: () => m.grad(program, x),
  valueAndGrad: () => m.valueAndGrad(program, x),
  "valueAndGrad.kinks": () => m.valueAndGrad(program, x).kinks,
  "valueAndGrad.kinks (read)": () => {
    const r = m.valueAndGrad(program, x);
    void r.kinks.toString();
    return r;
  },
  kinkReport: () => m.kinkReport(program, x),
  evaluate: () => m.evaluate(program, x),
  jvp: () => m.jvp(program, x, [1, 0, 0, 0]),
  vjp: () => m.vjp(vecProgram, x, [1, 1, 1, 1]),
  jacobian: () => m.jacobian(vecProgram, x),
  hvp: () => m.hvp((v) => m.sum(m.mul(vecProgram(v), vecProgram(v))), x, [1, 0, 0, 0]),
};

function heap() {
  global.gc();
  global.gc();
  return process.memoryUsage().heapUsed;
}

const out = {};
// a first run of every kind warms up code and caches, which are not the result's
for (const run of Object.values(kinds)) void run();
for (const [name, run] of Object.entries(kinds)) {
  const before = heap();
  let kept = run();
  out[name] = heap() - before;
  kept = null;
  out[`${name} (dropped)`] = heap() - before;
}
console.log(JSON.stringify(out));
