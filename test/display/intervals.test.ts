import { describe, expect, it } from "vitest";
import { intervalPlot, show, VEGALITE_MIME } from "../../src/notebook";
import { decodePng } from "./png";

describe("intervalPlot", () => {
  it("draws nested intervals, dots and steps in one bundle, with the axes covering every mark", async () => {
    const spec = intervalPlot(
      [{ x: 0, lo: -1, hi: 1, kind: "outer" }, { x: 0, lo: 0, hi: 1, kind: "inner" }, { x: 1, lo: 2, hi: 2, kind: "inner" }],
      { dots: [{ x: 0.05, y: 1, kind: "value" }], steps: [{ x: -1, x2: 0, y: 0 }], width: 400, height: 260, xTitle: "t" },
    );
    const out = await show(spec);
    expect(out.mimeTypes.sort()).toEqual([VEGALITE_MIME, "image/png", "text/plain"].sort());
    const img = decodePng(out.png!);
    expect([img.width, img.height]).toEqual([400, 260]);
    const layers = spec.layer as { mark: { strokeWidth?: number } }[];
    expect(layers.map((l) => l.mark.strokeWidth)).toEqual([1.5, 14, 6, undefined]); // steps, outer wider than inner, dots
    const enc = (layers[1] as unknown as { encoding: { y: { scale: { domain: number[] } }; x: { scale: { domain: number[] } } } }).encoding;
    expect(enc.y.scale.domain[0]).toBeLessThan(-1);
    expect(enc.y.scale.domain[1]).toBeGreaterThan(2);
    expect(enc.x.scale.domain[0]).toBeLessThan(-1);
    expect(out.text).toContain("3 intervals (outer, inner), 1 dots, 1 steps");
  });

  it("refuses bad input", () => {
    expect(() => intervalPlot([{ x: 0, lo: 1, hi: 0, kind: "a" }])).toThrow(/lo = 1 > hi = 0/);
    expect(() => intervalPlot([{ x: 0, lo: NaN, hi: 0, kind: "a" }])).toThrow(/finite/);
    expect(() => intervalPlot([])).toThrow(/nothing to draw/);
  });
});
