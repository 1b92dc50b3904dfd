import { describe, expect, it } from "vitest";
import {
  barChart,
  contourPlot,
  functionPlot,
  heatmap,
  histogram,
  linePlot,
  scatterPlot,
  setValuedField,
  show,
  vectorField,
  VEGALITE_MIME,
  type VegaLiteSpec,
} from "../../src/notebook";
import { countNonWhite, decodePng, distinctColours } from "./png";

const f2 = (x: number, y: number) => Math.max(Math.abs(x), 2 * Math.abs(y)) + 0.3 * x;
const grid: { x: number; y: number; u: number; v: number }[] = [];
for (let x = -1; x <= 1; x += 0.5) for (let y = -1; y <= 1; y += 0.5) grid.push({ x, y, u: -x, v: -2 * y });

// Every chart kind, at a size that is not the default, so the test sees the requested size honoured.
const W = 420;
const H = 300;
const kinds: [string, VegaLiteSpec][] = [
  [
    "line (log axes)",
    linePlot(
      [
        { name: "a", x: [1, 10, 100], y: [1, 0.1, 0.01] },
        { name: "b", x: [1, 10, 100], y: [2, 0.5, 0.2] },
      ],
      { logX: true, logY: true, width: W, height: H },
    ),
  ],
  [
    "function with points",
    functionPlot(Math.abs, [-1, 1], { points: [{ x: 0, y: 0, label: "kink" }], width: W, height: H }),
  ],
  [
    "scatter",
    scatterPlot(
      [
        { a: 1, b: 2, c: "p" },
        { a: 2, b: 1, c: "q" },
        { a: 3, b: 3, c: "p" },
      ],
      { x: "a", y: "b", color: "c", width: W, height: H },
    ),
  ],
  ["histogram", histogram([1, 2, 2, 3, 3, 3, 4, 4, 5], { bins: 5, width: W, height: H })],
  ["bar", barChart({ a: 1, b: 3, c: 2 }, { width: W, height: H })],
  [
    "heatmap with contours and a path",
    heatmap(f2, {
      n: 21,
      contours: 4,
      paths: [
        {
          name: "p",
          points: [
            [0.8, 0.8],
            [0, 0],
          ],
        },
      ],
      width: W,
      height: H,
    }),
  ],
  ["contour", contourPlot(f2, { n: 21, levels: 5, width: W, height: H })],
  ["vector field", vectorField(grid, { width: W, height: H })],
  [
    "set-valued field",
    setValuedField(
      [
        {
          x: 0,
          y: 0,
          vertices: [
            [-1, -1],
            [1, -1],
            [1, 1],
            [-1, 1],
          ],
        },
        {
          x: 1,
          y: 0,
          vertices: [
            [1, -1],
            [1, 1],
          ],
        },
        { x: 1, y: 1, vertices: [[1, 1]] },
      ],
      { width: W, height: H },
    ),
  ],
];

describe("every chart kind renders to one bundle with vega-lite JSON, a PNG of the requested size, and text", () => {
  for (const [name, spec] of kinds) {
    it(name, async () => {
      const t0 = performance.now();
      const out = await show(spec);
      const ms = performance.now() - t0;
      expect(out.mimeTypes.sort()).toEqual([VEGALITE_MIME, "image/png", "text/plain"].sort());
      expect(out.sent).toBe(false); // no kernel in a test
      expect(out.data[VEGALITE_MIME]).toBe(spec);
      expect((spec.$schema as string).includes("vega-lite/v5")).toBe(true);
      expect(out.text.length).toBeGreaterThan(10);
      const img = decodePng(out.png!);
      expect([img.width, img.height]).toEqual([W, H]);
      expect(out.metadata["image/png"]).toEqual({ width: W, height: H });
      // not blank: a visible share of the pixels is drawn, in several colours
      expect(countNonWhite(img)).toBeGreaterThan(0.02 * W * H);
      expect(distinctColours(img)).toBeGreaterThan(8);
      console.log(`${name}: PNG in ${ms.toFixed(0)} ms, ${out.png!.length} bytes`);
    });
  }

  it("column names with quotes, dots and brackets name columns, not vega-lite access paths", async () => {
    const rows = [
      { a: 1, "b.c": 2, "relu'(0)": "x", "v[0]": 1 },
      { a: 2, "b.c": 3, "relu'(0)": "y", "v[0]": 2 },
    ];
    const scatter = await show(scatterPlot(rows, { x: "a", y: "b.c", color: "relu'(0)", width: 200, height: 150 }));
    expect(distinctColours(decodePng(scatter.png!))).toBeGreaterThan(4);
    const bars = barChart(rows, { x: "relu'(0)", y: "v[0]", width: 200, height: 150 });
    expect((bars.encoding as any).y.title).toBe("v[0]");
    const img = decodePng((await show(bars)).png!);
    let blue = 0;
    for (let i = 0; i < img.rgba.length; i += 4) if (img.rgba[i + 2] > 150 && img.rgba[i] < 120) blue++;
    expect(blue).toBeGreaterThan(2000);
  });

  it("bars on a log axis are drawn (not stacked from 0, which a log scale cannot show)", async () => {
    const spec = barChart(
      [
        { f: "a", v: 1e-3 },
        { f: "b", v: 2 },
      ],
      { x: "f", y: "v", logY: true, width: 200, height: 150 },
    );
    expect((spec.encoding as any).y.stack).toBeNull();
    const img = decodePng((await show(spec)).png!);
    // the bar of b fills a large blue area: far more coloured pixels than axes and labels alone
    let blue = 0;
    for (let i = 0; i < img.rgba.length; i += 4) if (img.rgba[i + 2] > 150 && img.rgba[i] < 120) blue++;
    expect(blue).toBeGreaterThan(2000);
  });

  it("a faceted chart has one panel of the requested size per value", async () => {
    const spec = linePlot(
      [
        { name: "a", y: [1, 2, 3] },
        { name: "b", y: [3, 2, 1] },
      ],
      { facet: "series", width: 200, height: 150 },
    );
    const img = decodePng((await show(spec)).png!);
    expect(img.width).toBeGreaterThan(2 * 200);
    expect(img.height).toBeGreaterThan(150);
    expect(countNonWhite(img)).toBeGreaterThan(1000);
  });

  it("scale: 2 doubles the PNG's pixels but not the displayed size", async () => {
    const out = await show(barChart({ a: 1, b: 2 }, { width: 200, height: 120 }), { scale: 2 });
    const img = decodePng(out.png!);
    expect([img.width, img.height]).toEqual([400, 240]);
    expect(out.metadata["image/png"]).toEqual({ width: 200, height: 120 });
  });
});

describe("bad input is refused with the field and index named", () => {
  it("non-finite values", () => {
    expect(() => linePlot({ name: "s", y: [1, NaN, 3] })).toThrow(/series\[0\]\.y\[1\] is NaN/);
    expect(() =>
      scatterPlot(
        [
          { a: 1, b: 2 },
          { a: Infinity, b: 1 },
        ],
        { x: "a", y: "b" },
      ),
    ).toThrow(/records\[1\]\.a is Infinity/);
    expect(() => vectorField([{ x: 0, y: 0, u: 1, v: undefined as unknown as number }])).toThrow(
      /records\[0\]\.v is undefined/,
    );
    expect(() => heatmap((x, y) => (x > 0.5 ? NaN : x + y), { n: 5 })).toThrow(/z\[0\]\[4\]/);
  });
  it("wrong lengths", () => {
    expect(() => linePlot({ name: "s", x: [1, 2], y: [1, 2, 3] })).toThrow(
      /series\[0\]\.x has length 2 but series\[0\]\.y has length 3/,
    );
    expect(() => heatmap({ x: [0, 1], y: [0, 1], z: [[1, 2], [3]] })).toThrow(
      /grid\.z\[1\] has length 1 but grid\.x has length 2/,
    );
  });
  it("values a log axis cannot show", () => {
    expect(() => linePlot({ name: "s", x: [1, 2], y: [1, 0] }, { logY: true })).toThrow(
      /series\[0\]\.y\[1\] is 0; a log y axis needs values > 0/,
    );
  });
  it("a facet column that no record has", () => {
    expect(() => scatterPlot([{ a: 1, b: 2 }], { x: "a", y: "b", facet: "nope" })).toThrow(/"nope"/);
  });
});
