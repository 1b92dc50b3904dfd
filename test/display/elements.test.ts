import { describe, expect, it } from "vitest";
import { elementsPlot, show, VEGALITE_MIME } from "../../src/notebook";
import { decodePng } from "./png";

describe("elementsPlot", () => {
  it("renders a set and points, with every point inside the axes' domains (never clipped)", async () => {
    const spec = elementsPlot(
      [
        {
          name: "Clarke segment",
          vertices: [
            [1, 0],
            [0, 1],
          ],
        },
      ],
      [
        { name: "AD tfjs", x: 2, y: 1 },
        { name: "lexicographic", x: 1, y: 0 },
        { name: "vertex", x: 1, y: 0 },
      ],
      { width: 360, height: 300, xTitle: "∂f/∂x", yTitle: "∂f/∂y" },
    );
    const out = await show(spec);
    expect(out.mimeTypes.sort()).toEqual([VEGALITE_MIME, "image/png", "text/plain"].sort());
    const img = decodePng(out.png!);
    expect([img.width, img.height]).toEqual([360, 300]);
    const layers = spec.layer as {
      encoding: { x: { scale: { domain: number[] } }; y: { scale: { domain: number[] } } };
    }[];
    const [x0, x1] = layers[1].encoding.x.scale.domain;
    const [y0, y1] = layers[1].encoding.y.scale.domain;
    expect(x0 < 0 && x1 > 2 && y0 < 0 && y1 > 1).toBe(true);
  });

  it("refuses bad input", () => {
    expect(() => elementsPlot([], [])).toThrow(/nothing to draw/);
    expect(() => elementsPlot([{ name: "s", vertices: [[1]] }], [])).toThrow(/\[x, y\]/);
    expect(() => elementsPlot([], [{ name: "p", x: NaN, y: 0 }])).toThrow();
  });
});
