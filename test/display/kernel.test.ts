import { inspect } from "node:util";
import { createRequire } from "node:module";
import { afterEach, describe, expect, it } from "vitest";
import { linePlot, progress, show, showTable } from "../../src/notebook";
import { inKernel, setDisplayWriterForTests, type DisplayMessage } from "../../src/notebook/kernel";

const require = createRequire(import.meta.url);

afterEach(() => setDisplayWriterForTests(undefined));

describe("the tslab bridge (src/notebook/kernel.ts)", () => {
  it("outside a kernel, tslab's own display throws 'Not ready' while our functions return the bundle unsent", async () => {
    const tslab = require("tslab");
    expect(() => tslab.display.text("x")).toThrow(/Not ready/);
    expect(require("tslab/dist/jupyter").lastWriteDisplayData).toBeNull();
    expect(inKernel()).toBe(false);
    const out = await show(linePlot({ name: "s", y: [1, 2] }));
    expect(out.sent).toBe(false);
  });

  it("inside a kernel (tslab's lastWriteDisplayData set), one display_data message carries all three MIME types", async () => {
    const jupyter = require("tslab/dist/jupyter");
    const sent: [DisplayMessage, boolean][] = [];
    jupyter.lastWriteDisplayData = (m: DisplayMessage, u: boolean) => sent.push([m, u]);
    try {
      expect(inKernel()).toBe(true);
      const out = await show(linePlot({ name: "s", y: [1, 2] }));
      expect(out.sent).toBe(true);
      expect(inspect(out)).toBe(""); // as a cell's last expression, a displayed bundle adds no text line of its own
      expect(sent).toHaveLength(1);
      const [msg, update] = sent[0];
      expect(update).toBe(false);
      expect(Object.keys(msg.data).sort()).toEqual(["application/vnd.vegalite.v5+json", "image/png", "text/plain"]);
      expect(Buffer.from(String(msg.data["image/png"]), "base64").subarray(1, 4).toString()).toBe("PNG");
    } finally {
      jupyter.lastWriteDisplayData = null;
    }
  });

  it("printing a bundle (a cell's last expression) shows one short line, not the PNG", async () => {
    const out = showTable([{ a: 1 }], { caption: "tiny" });
    const printed = inspect(out);
    expect(printed.length).toBeLessThan(200);
    expect(printed).toContain("tiny");
  });
});

describe("progress", () => {
  it("falls back to occasional plain lines outside a kernel", () => {
    let t = 0;
    const lines: string[] = [];
    const p = progress(100, { label: "loop", write: (l) => lines.push(l), now: () => t, lineMs: 1000 });
    expect(p.mode).toBe("lines");
    for (let i = 0; i < 100; i++) {
      t += 100; // 10 s in all
      p.tick();
    }
    p.done();
    // first step, then at most one per tenth and per second, then the end
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.length).toBeLessThanOrEqual(12);
    expect(lines[0]).toMatch(/^loop: .* 1\/100 \(1%\)/);
    expect(lines[lines.length - 1]).toMatch(/100\/100 \(100%\) 10\.0 it\/s, elapsed 10\.0s, remaining 0\.0s/);
    expect(lines.some((l) => /50\/100/.test(l) || /5\d\/100/.test(l))).toBe(true);
  });

  it("reports the remaining time from the rate so far", () => {
    let t = 0;
    const lines: string[] = [];
    const p = progress(10, { write: (l) => lines.push(l), now: () => t, lineMs: 0 });
    t = 2000;
    p.tick(4); // 4 steps in 2 s: 2 it/s, 6 left: 3 s
    expect(lines[lines.length - 1]).toContain("4/10 (40%) 2.00 it/s, elapsed 2.0s, remaining 3.0s");
  });

  it("updates one output in place inside a kernel (same display_id, update after the first)", () => {
    const sent: [DisplayMessage, boolean][] = [];
    setDisplayWriterForTests((m, u) => sent.push([m, u]));
    let t = 0;
    const p = progress(50, { now: () => t, updateMs: 100 });
    expect(p.mode).toBe("inplace");
    for (let i = 0; i < 50; i++) {
      t += 20;
      p.tick();
    }
    p.done();
    const ids = new Set(sent.map(([m]) => m.transient?.display_id));
    expect(ids.size).toBe(1);
    expect(sent[0][1]).toBe(false);
    expect(sent.slice(1).every(([, u]) => u)).toBe(true);
    // throttled: 1 s of work at one update per 100 ms, plus the first and the last
    expect(sent.length).toBeLessThanOrEqual(13);
    expect(String(sent[sent.length - 1][0].data["text/plain"])).toContain("50/50 (100%)");
  });
});
