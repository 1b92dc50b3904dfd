// Peak memory of the gradient of a long scalar program (run with node --expose-gc; argv[2]: the compiled library,
// argv[3]: the number of operations, argv[4]: "tape" for the scalar tape, "nodes" for the node list it replaces).
// Prints one JSON line: the peak resident set size (MB) of the process, the part of it before the call, and the
// heap still retained after the call returned and a full collection (bytes).
"use strict";
const m = require(process.argv[2]);
const { valueAndGradOnNodes } = require(`${process.argv[2]}/engine/transforms.js`);
const ops = Number(process.argv[3] ?? 1e6);
const mode = process.argv[4] ?? "tape";

function program(x) {
  let y = m.relu(x); // a kink hit when x = 0 (not here) and a nonsmooth primitive on the tape
  for (let i = 0; i < ops / 2; i++) y = m.add(m.mul(y, 0.999999), 0.000001);
  return y;
}
function heap() {
  global.gc();
  global.gc();
  return process.memoryUsage().heapUsed;
}
// warm up code and caches on a short program
void m.valueAndGrad((x) => m.add(m.mul(x, 2), 1), 1);
const before = heap();
const rssBefore = process.memoryUsage().rss / 2 ** 20;
const run = mode === "tape" ? m.valueAndGrad : valueAndGradOnNodes;
const r = run(program, 1);
const grad = r.grad;
const retained = heap() - before;
console.log(JSON.stringify({ peakMB: process.resourceUsage().maxRSS / 1024, rssBeforeMB: rssBefore, retained, grad }));
