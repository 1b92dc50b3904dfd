import { describe, expect, it } from "vitest";
import { intervalPlot, show, VEGALITE_MIME } from "../../src/notebook";
import { countNonWhite, decodePng, distinctColours } from "./png";

describe("intervalPlot", () => {
  const data = {
    curves: [
      { name: "f'", x: [-1, 0, 1], y: [-1, 0, 1] },
      { name: "g'", x: [-1, 1], y: [0.5, 0.5], dashed: true },
    ],
    intervals: [{ name: "D(t)", x: [0, 0.5], lo: [-1, 0], hi: [1, 2] }],
    points: [{ name: "AD", x: [0], y: [0] }],
  };

  it("renders curves, intervals and points with one legend entry each, axes padded around all data", async () => {
    const spec = intervalPlot(data, { width: 360, height: 240, xTitle: "t" });
    const enc = (spec.layer as any[])[1].encoding;
    expect(enc.color.scale.domain).toEqual(["f'", "g'", "D(t)", "AD"]);
    expect(enc.strokeDash.scale.range).toEqual([
      [1, 0],
      [6, 4],
      [1, 0],
      [1, 0],
    ]);
    const [ylo, yhi] = enc.y.scale.domain;
    expect(ylo).toBeLessThan(-1); // the lowest end of an interval is inside the frame
    expect(yhi).toBeGreaterThan(2);
    const [xlo, xhi] = enc.x.scale.domain;
    expect(xlo).toBeLessThan(-1);
    expect(xhi).toBeGreaterThan(1);
    expect(enc.x.title).toBe("t");
    const out = await show(spec);
    expect(out.mimeTypes.sort()).toEqual([VEGALITE_MIME, "image/png", "text/plain"].sort());
    const img = decodePng(out.png!);
    expect([img.width, img.height]).toEqual([360, 240]);
    expect(countNonWhite(img)).toBeGreaterThan(0.02 * 360 * 240);
    expect(distinctColours(img)).toBeGreaterThan(8);
  });

  it("draws steps under nested interval groups, each group narrower than the one before", async () => {
    const spec = intervalPlot(
      {
        steps: [{ name: "f'", x: [-2, 0], x2: [0, 3], y: [0, 1] }],
        intervals: [
          { name: "hull", x: [0], lo: [-1], hi: [1] },
          { name: "Clarke", x: [0], lo: [0], hi: [1] },
        ],
        points: [{ name: "AD", x: [0], y: [1] }],
      },
      { width: 300, height: 200 },
    );
    const layers = spec.layer as {
      mark: { type: string; strokeWidth?: number };
      transform?: { filter: string }[];
      encoding: Record<string, { scale?: { domain: number[] } }>;
    }[];
    const widths = layers.filter((l) => l.transform?.[0].filter.includes("'interval'")).map((l) => l.mark.strokeWidth);
    expect(widths).toEqual([10, 6]);
    const step = layers.find((l) => l.transform?.[0].filter.includes("'step'"))!;
    expect(step.encoding.x2).toEqual({ field: "x2" });
    const xdom = step.encoding.x.scale!.domain;
    expect(xdom[0]).toBeLessThan(-2); // the steps' ends are inside the frame
    expect(xdom[1]).toBeGreaterThan(3);
    const out = await show(spec);
    expect(countNonWhite(decodePng(out.png!))).toBeGreaterThan(0.01 * 300 * 200);
    expect(() => intervalPlot({ steps: [{ name: "s", x: [0], x2: [1, 2], y: [0] }] })).toThrow(/length/);
  });

  it("rejects bad input clearly", () => {
    expect(() => intervalPlot({})).toThrow(/nothing to draw/);
    expect(() => intervalPlot({ points: [{ name: "a", x: [0], y: [NaN] }] })).toThrow(/finite/);
    expect(() => intervalPlot({ intervals: [{ name: "a", x: [0], lo: [1], hi: [0] }] })).toThrow(/lo = 1 > hi = 0/);
    expect(() =>
      intervalPlot({ curves: [{ name: "a", x: [0], y: [0] }], points: [{ name: "a", x: [0], y: [0] }] }),
    ).toThrow(/used twice/);
    expect(() => intervalPlot({ points: [{ name: "a", x: [0, 1], y: [0] }] })).toThrow(/length/);
  });
});
