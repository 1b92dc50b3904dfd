import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { minNormElement } from "../../../src";

const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);

/** Distance from 0 to the segment [a, b] (exact projection). */
function segDist(a: number[], b: number[]): number {
  const d = b.map((v, i) => v - a[i]);
  const dd = dot(d, d);
  const t = dd === 0 ? 0 : Math.min(1, Math.max(0, -dot(a, d) / dd));
  const p = a.map((v, i) => v + t * d[i]);
  return Math.sqrt(dot(p, p));
}

/** Brute force in 2-D: 0 if 0 is inside some triangle of the points, else the least distance to a segment. */
function brute2D(points: number[][]): number {
  const n = points.length;
  const cross = (o: number[], a: number[], b: number[]) =>
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++)
      for (let k = j + 1; k < n; k++) {
        const [a, b, c] = [points[i], points[j], points[k]];
        const z = [0, 0];
        const s1 = cross(a, b, z),
          s2 = cross(b, c, z),
          s3 = cross(c, a, z);
        if ((s1 > 0 && s2 > 0 && s3 > 0) || (s1 < 0 && s2 < 0 && s3 < 0)) return 0;
      }
  let best = Infinity;
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) best = Math.min(best, segDist(points[i], points[j]));
  return best;
}

const coord = fc.integer({ min: -1000, max: 1000 }).map((v) => v / 100);

describe("minNormElement (Wolfe)", () => {
  it("is exact on known polytopes", () => {
    expect(minNormElement([[3]]).point).toEqual([3]);
    expect(minNormElement([[2], [-1]]).norm).toBe(0);
    expect(minNormElement([[2], [5]]).point).toEqual([2]);
    const s = minNormElement([
      [1, 0],
      [0, 1],
    ]);
    expect(s.point[0]).toBeCloseTo(0.5, 15);
    expect(s.point[1]).toBeCloseTo(0.5, 15);
    // the standard simplex in R^5: the barycentre, at distance 1/sqrt(5)
    const e = Array.from({ length: 5 }, (_, i) => Array.from({ length: 5 }, (_, j) => (i === j ? 1 : 0)));
    const r = minNormElement(e);
    for (const v of r.point) expect(v).toBeCloseTo(0.2, 14);
    expect(r.norm).toBeCloseTo(1 / Math.sqrt(5), 14);
    // a square [1,2]x[-1,1] in the plane: closest point (1, 0), on an edge, from the corners only
    const q = minNormElement([
      [1, -1],
      [2, -1],
      [2, 1],
      [1, 1],
    ]);
    expect(q.point[0]).toBeCloseTo(1, 14);
    expect(q.point[1]).toBeCloseTo(0, 14);
    expect(q.support.length).toBe(2);
  });

  it("satisfies the optimality conditions on random point sets (property)", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 5 })
          .chain((n) => fc.array(fc.array(coord, { minLength: n, maxLength: n }), { minLength: 1, maxLength: 12 })),
        (points) => {
          const r = minNormElement(points);
          // x is the convex combination of its weights
          const sum = r.weights.reduce((a, b) => a + b, 0);
          expect(Math.abs(sum - 1)).toBeLessThan(1e-12);
          expect(r.weights.every((w) => w >= 0)).toBe(true);
          const comb = r.point.map((_, i) => points.reduce((s, p, j) => s + r.weights[j] * p[i], 0));
          comb.forEach((v, i) => expect(Math.abs(v - r.point[i])).toBeLessThan(1e-9));
          // first-order optimality: <x, p - x> >= 0 for every p
          const scale = Math.max(1, ...points.map((p) => dot(p, p)));
          for (const p of points) expect(dot(r.point, p) - dot(r.point, r.point)).toBeGreaterThan(-1e-9 * scale);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it("agrees with brute force in the plane (property)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(coord, coord).map(([a, b]) => [a, b]),
          { minLength: 1, maxLength: 8 },
        ),
        (points) => {
          expect(Math.abs(minNormElement(points).norm - brute2D(points))).toBeLessThan(1e-9);
        },
      ),
      { seed: 7, numRuns: 400 },
    );
  });

  it("rejects bad input with clear messages", () => {
    expect(() => minNormElement([])).toThrow(/non-empty/);
    expect(() => minNormElement([[1, 2], [3]])).toThrow(/dimension mismatch: point 1 has 1 coordinate/);
    expect(() => minNormElement([[NaN]])).toThrow(/non-finite/);
  });
});
