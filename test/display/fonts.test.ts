import { describe, expect, it } from "vitest";
import { chartFontFiles, linePlot, renderPng, svgToPng } from "../../src/notebook";
import { countDark, decodePng } from "./png";

describe("text is drawn with a font the project controls", () => {
  it("finds DejaVu Sans (shipped in assets/fonts, or Debian's fonts-dejavu-core)", () => {
    const files = chartFontFiles();
    expect(files.length).toBeGreaterThan(0);
    expect(files.some((f) => /DejaVuSans\.ttf$/.test(f))).toBe(true);
  });

  it("a text-only SVG renders glyph pixels; the same SVG without text renders none", () => {
    const svg = (t: string) =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="5" y="28" font-family="DejaVu Sans" font-size="24" fill="black">${t}</text></svg>`;
    const withText = decodePng(svgToPng(svg("Kink 0.5")).png);
    const without = decodePng(svgToPng(svg("")).png);
    const all = { x0: 0, y0: 0, x1: 200, y1: 40 };
    expect(countDark(without, all)).toBe(0);
    expect(countDark(withText, all)).toBeGreaterThan(150);
  });

  it("a generic sans-serif family also gets the chart font (labels never vanish)", () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="5" y="28" font-family="sans-serif" font-size="24">abc</text></svg>`;
    expect(countDark(decodePng(svgToPng(svg).png), { x0: 0, y0: 0, x1: 200, y1: 40 })).toBeGreaterThan(80);
  });

  it("a chart's title is drawn: dark pixels in the title band only when there is a title", async () => {
    const data = { name: "s", y: [1, 2, 3] };
    const titled = decodePng(
      (await renderPng(linePlot(data, { title: "A TITLE THAT SHOWS", width: 480, height: 320 }))).png,
    );
    const plain = decodePng((await renderPng(linePlot(data, { width: 480, height: 320 }))).png);
    const band = { x0: 50, y0: 0, x1: 150, y1: 10 }; // titles are anchored at the left edge (the y-axis labels are left of x = 50)
    expect(countDark(plain, band)).toBe(0);
    expect(countDark(titled, band)).toBeGreaterThan(100);
  });
});
