// The site's copy of a chart spec (scripts/export/export_notebooks.py, script_json): data rounded far below a
// pixel and made columnar. The chart must come out the same: the rounded spec and the columnar rounded spec draw
// the same marks (vega's SVG, element order aside), for each kind of chart the notebooks use.
import { spawnSync } from "node:child_process";
import path from "node:path";
import * as vega from "vega";
import * as vl from "vega-lite";
import { describe, expect, it } from "vitest";
import { barChart, functionPlot, heatmap, linePlot, scatterPlot } from "../../src/notebook";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const PYTHON = process.env.NSAD_PYTHON ?? "/usr/bin/python3";

/** [round_data(spec), script_json(spec)] from the exporter itself. */
function sitePair(spec: unknown): [Record<string, unknown>, Record<string, unknown>] {
  const driver = [
    "import json, sys",
    `sys.path.insert(0, ${JSON.stringify(path.join(ROOT, "scripts", "export"))})`,
    "from export_notebooks import round_data, script_json",
    "spec = json.load(sys.stdin)",
    "print(json.dumps([round_data(json.loads(json.dumps(spec))), json.loads(script_json(spec))]))",
  ].join("\n");
  const r = spawnSync(PYTHON, ["-c", driver], { input: JSON.stringify(spec), encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

async function svgMarks(spec: Record<string, unknown>): Promise<string[]> {
  const view = new vega.View(vega.parse(vl.compile(spec as never).spec), { renderer: "none" });
  // clip-path and gradient ids count up across views (vega exports the reset, its types do not declare it)
  (vega as unknown as { resetSVGDefIds: () => void }).resetSVGDefIds();
  const svg = await view.toSVG();
  view.finalize();
  return svg.split("<").sort();
}

const wave = Array.from({ length: 300 }, (_, k) => k / 7);
const specs: [string, unknown][] = [
  [
    "line plot, 2 series",
    linePlot([
      { name: "sin", x: wave, y: wave.map(Math.sin) },
      { name: "cos t", x: wave, y: wave.map(Math.cos) },
    ]),
  ],
  [
    "function plot with marked points",
    functionPlot([{ name: "|x|", f: Math.abs }], [-2, 2], { points: [{ x: 0, y: 0, label: "kink" }] }),
  ],
  [
    "scatter with colours",
    scatterPlot(
      wave.map((w, k) => ({ a: w, b: Math.sin(w) * 1e-9, c: k % 2 ? "p" : "q" })),
      { x: "a", y: "b", color: "c" },
    ),
  ],
  [
    "faceted bars, a column name with a quote",
    barChart(
      [
        { fw: "A", "relu'(0)": 0, op: "x" },
        { fw: "B", "relu'(0)": 1, op: "x" },
        { fw: "A", "relu'(0)": 0.5, op: "y" },
      ],
      { x: "fw", y: "relu'(0)", facet: "op" },
    ),
  ],
  [
    "heatmap with contours and a path",
    heatmap((x, y) => Math.abs(x) + 2 * Math.abs(y), {
      n: 21,
      contours: 4,
      paths: [
        {
          name: "p",
          points: [
            [0.5, 0.5],
            [0, 0],
          ],
        },
      ],
    }),
  ],
];

describe("the site's copy of a chart", () => {
  for (const [name, spec] of specs)
    it(`${name}: the same marks, fewer bytes`, async () => {
      const [rounded, site] = sitePair(spec);
      expect(await svgMarks(site)).toEqual(await svgMarks(rounded));
      expect(JSON.stringify(site).length).toBeLessThanOrEqual(JSON.stringify(spec).length);
    });

  it("a line plot's page copy is columnar and at most half the notebook's", () => {
    const spec = specs[0][1] as { data: { values: unknown[] } };
    const [, site] = sitePair(spec);
    expect((site.data as { values: unknown[] }).values.length).toBe(2);
    expect(JSON.stringify(site).length).toBeLessThan(JSON.stringify(spec).length / 2);
  });

  it("negative control: a chart whose data lost a point draws different marks", async () => {
    const [rounded] = sitePair(specs[0][1]);
    const broken = structuredClone(rounded) as { data: { values: unknown[] } };
    broken.data.values.splice(10, 1);
    expect(await svgMarks(broken as never)).not.toEqual(await svgMarks(rounded));
  });
});
