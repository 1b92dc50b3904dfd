// A heatmap's spec carries what the chart draws and no more: one short record per drawn cell, coordinates once
// per column and row, values rounded far below what a colour or a pixel shows.
import { describe, expect, it } from "vitest";
import { heatmap, sampleGrid, show } from "../../src/notebook";
import { drawnCells, quantize, stepFor } from "../../src/notebook/charts/grid-cells";

const f = (x: number, y: number) => Math.abs(x) + 2 * Math.abs(y) + Math.sin(3 * x * y);

describe("heatmap data", () => {
  it("a 61x61 heatmap with contours and a path ships under 100 KB of JSON (it was about 640 KB)", () => {
    const spec = heatmap(f, { x: [-2, 2], y: [-2, 2], n: 61, contours: 8, paths: [{ name: "p", points: [[1, 1]] }] });
    const bytes = JSON.stringify(spec).length;
    console.log(`61x61 heatmap with 8 contour levels: ${bytes} bytes of JSON`);
    expect(bytes).toBeLessThan(100_000);
    const values = (spec.data as { values: Record<string, unknown>[] }).values;
    const cells = values.find((v) => v.layer === "cell") as { q: number[] };
    expect(cells.q.length).toBe(61 * 61);
  });

  it("cells are their values row after row; the rectangles come from one list of edges per axis", () => {
    const g = sampleGrid(f, { x: [-1, 1], y: [0, 2], n: [5, 3] });
    const cells = drawnCells(g, { width: 480, height: 320 });
    expect(cells.record.q.length).toBe(15);
    const lowest = Math.min(...g.z.flat());
    const step = stepFor(Math.max(...g.z.flat()) - lowest);
    expect(lowest + cells.record.q[7] * step).toBeCloseTo(g.z[1][2], 3); // 7 = 1 * 5 + 2: row 1, column 2
    expect(cells.record.q.every(Number.isInteger)).toBe(true);
    const calc = (as: string) => (cells.transform.find((t) => t.as === as) as { calculate: string }).calculate;
    expect(calc("i")).toBe("(datum.k - 1) % 5");
    expect(calc("j")).toBe("floor((datum.k - 1) / 5)");
    const x = calc("x");
    // edges of x = -1, -0.5, 0, 0.5, 1: half a step beyond the first sample, then the midpoints
    expect(x).toBe("[-1.25,-0.75,-0.25,0.25,0.75][datum.i]");
    expect(calc("cy")).toBe("[0,1,2][datum.j]");
  });

  it("a grid finer than the chart's pixels is thinned to at most one cell per pixel, keeping both ends", () => {
    const g = sampleGrid((x, y) => x + y, { n: [1001, 11] });
    const cells = drawnCells(g, { width: 200, height: 100 });
    expect(cells.nx).toBeLessThanOrEqual(201);
    expect(cells.ny).toBe(11);
    const cx = (cells.transform.find((t) => t.as === "cx") as { calculate: string }).calculate;
    expect(cx.startsWith("[-1,")).toBe(true);
    expect(cx.endsWith(",1][datum.i]")).toBe(true);
  });

  it("values are rounded to a ten-thousandth of their range, printed without float noise", () => {
    expect(quantize(0.1 + 0.2, 1e-4)).toBe(0.3);
    expect(quantize(1.234567, 1e-4)).toBe(1.2346);
    expect(quantize(-1234.5678, 0.01)).toBe(-1234.57);
    expect(quantize(0, 1e-4)).toBe(0);
    expect(quantize(Math.PI, 0)).toBe(Math.PI); // a constant grid: nothing to round to
    expect(stepFor(4)).toBe(1e-4);
    expect(stepFor(0.37)).toBe(1e-5);
    expect(stepFor(0)).toBe(0);
    // negative control: a coarser step does change the value
    expect(quantize(1.234567, 1e-2)).not.toBe(1.234567);
  });

  it("the chart still renders, and its text still describes the full grid", async () => {
    const out = await show(heatmap(f, { n: 61, contours: 4 }));
    expect(out.text.startsWith("Heatmap: 61x61 grid")).toBe(true);
  });

  it("vega-lite puts each cell where its value belongs: the colour of a cell follows f, not the array order", async () => {
    // a grid whose values grow along x only: the left column must come out dark, the right one bright
    const g = { x: [0, 1, 2, 3], y: [0, 1, 2], z: [0, 1, 2].map(() => [0, 1, 2, 3]) };
    const vega = await import("vega");
    const vl = await import("vega-lite");
    const compiled = vl.compile(heatmap(g) as never).spec;
    const view = new vega.View(vega.parse(compiled), { renderer: "none" });
    await view.runAsync();
    const cells = (compiled.data ?? [])
      .flatMap((d) => view.data(d.name) as Record<string, number>[])
      .filter((r) => r.z !== undefined && r.cx !== undefined);
    expect(cells.length).toBe(12);
    for (const c of cells) {
      expect(c.z).toBeCloseTo(c.cx, 9); // z = x on this grid: each row got its own cell's centre
      expect(c.cy).toBe(c.j);
    }
  });

  it("paths are one record each, rounded like the grid", () => {
    const spec = heatmap(f, {
      n: 5,
      paths: [
        {
          name: "descent",
          points: [
            [0.123456789, -0.5],
            [0, 0],
          ],
        },
      ],
    });
    const values = (spec.data as { values: Record<string, unknown>[] }).values;
    expect(values.find((v) => v.layer === "path")).toEqual({
      layer: "path",
      path: "descent",
      i: [0, 1],
      x: [0.1235, 0],
      y: [-0.5, 0],
    });
  });
});
