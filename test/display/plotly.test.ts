import { describe, expect, it } from "vitest";
import { contourLines, resetPlotlyInlining, sampleGrid, surfacePlot } from "../../src/notebook";
import { decodePng, countNonWhite } from "./png";

function fallbackPng(html: string): Buffer {
  const m = html.match(/<img src="data:image\/png;base64,([A-Za-z0-9+/=]+)"/);
  if (!m) throw new Error("no fallback <img> in the HTML");
  return Buffer.from(m[1], "base64");
}

describe("surfacePlot", () => {
  const f = (x: number, y: number) => Math.abs(x) + 0.5 * y * y;

  it("inlines plotly.js in the first figure only, never from a CDN, with a PNG fallback in each", async () => {
    resetPlotlyInlining();
    const first = await surfacePlot(f, {
      n: 15,
      width: 400,
      height: 300,
      paths: [
        {
          name: "p",
          points: [
            [1, 1],
            [0, 0],
          ],
        },
      ],
    });
    const second = await surfacePlot(f, { n: 15, width: 400, height: 300 });
    const h1 = String(first.data["text/html"]);
    const h2 = String(second.data["text/html"]);
    expect(h1.length).toBeGreaterThan(3_000_000); // plotly.js-dist-min is ~4.7 MB
    expect(h1).toContain("plotly.js (MIT), inlined once per kernel session");
    expect(h2.length).toBeLessThan(200_000);
    for (const h of [h1, h2]) {
      expect(h).not.toMatch(/<script[^>]*\bsrc=/);
      const img = decodePng(fallbackPng(h));
      expect([img.width, img.height]).toEqual([400, 300]);
      expect(countNonWhite(img)).toBeGreaterThan(0.3 * 400 * 300); // a heatmap fills most of it
      expect(h).toContain("Plotly.newPlot");
    }
    expect(first.text).toContain("1 paths");
  });

  it("inlinePlotly: 'always' and 'never' override the session rule", async () => {
    resetPlotlyInlining();
    const never = await surfacePlot(f, { n: 5, inlinePlotly: "never" });
    expect(String(never.data["text/html"]).length).toBeLessThan(200_000);
    const always = await surfacePlot(f, { n: 5, inlinePlotly: "always" });
    expect(String(always.data["text/html"]).length).toBeGreaterThan(3_000_000);
  });

  it("refuses a path point that is not [x, y] or [x, y, z]", async () => {
    await expect(surfacePlot(f, { n: 5, paths: [{ name: "p", points: [[1]] }] })).rejects.toThrow(
      /options\.paths\[0\]\.points\[0\]/,
    );
  });
});

describe("contourLines (marching squares)", () => {
  it("puts every segment end on the level set of a piecewise linear function", () => {
    const g = (x: number, y: number) => Math.max(Math.abs(x), Math.abs(y));
    // grid step 0.1 and the kinks of g on grid lines or diagonals: g is linear along each cell edge
    const segs = contourLines(sampleGrid(g, { x: [-1, 1], y: [-1, 1], n: 21 }), [0.55]);
    expect(segs.length).toBeGreaterThan(20);
    for (const s of segs) {
      expect(g(s.x, s.y)).toBeCloseTo(0.55, 9);
      expect(g(s.x2, s.y2)).toBeCloseTo(0.55, 9);
    }
    // the square of side 1.1 has perimeter 4.4; in each of the 4 corner cells (side 0.1) the contour is the chord
    // between the midpoints of two sides, 0.05 * sqrt(2) long, instead of two half-sides (0.1)
    const length = segs.reduce((a, s) => a + Math.hypot(s.x2 - s.x, s.y2 - s.y), 0);
    expect(length).toBeCloseTo(4.4 - 4 * (0.1 - 0.05 * Math.SQRT2), 9);
  });

  it("returns no segment for a level outside the range", () => {
    expect(
      contourLines(
        sampleGrid((x, y) => x + y, { n: 5 }),
        [10],
      ),
    ).toEqual([]);
  });
});
