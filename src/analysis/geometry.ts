/**
 * Small vector and hull helpers shared by the analysis modules: dot products, the convex hull of a finite set in
 * one and two dimensions, and argument checks with messages that name the calling function.
 *
 * @module
 */

/** ⟨a, b⟩. */
export function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** The Euclidean norm. */
export function norm2(a: readonly number[]): number {
  return Math.sqrt(dot(a, a));
}

/** a + s b. */
export function axpy(a: readonly number[], s: number, b: readonly number[]): number[] {
  return a.map((v, i) => v + s * b[i]);
}

/** Throws unless `x` is a non-empty array of finite numbers. */
export function checkPoint(fn: string, x: unknown, what = "point"): number[] {
  if (!Array.isArray(x) || x.length === 0 || !x.every((v) => typeof v === "number" && Number.isFinite(v))) {
    throw new Error(`${fn}: the ${what} must be a non-empty array of finite numbers, got ${JSON.stringify(x)}`);
  }
  return x as number[];
}

/** Throws unless every point has `n` coordinates. */
export function checkDims(fn: string, points: readonly (readonly number[])[], n: number, what = "point"): void {
  points.forEach((p, i) => {
    if (p.length !== n)
      throw new Error(`${fn}: dimension mismatch: ${what} ${i} has ${p.length} coordinate(s), expected ${n}`);
  });
}

/** Removes exact duplicates (keeps the first occurrence). */
export function uniquePoints(points: readonly (readonly number[])[]): number[][] {
  const seen = new Set<string>();
  const out: number[][] = [];
  for (const p of points) {
    const k = p.join(",");
    if (!seen.has(k)) {
      seen.add(k);
      out.push([...p]);
    }
  }
  return out;
}

const cross = (o: readonly number[], a: readonly number[], b: readonly number[]): number =>
  (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);

/**
 * The vertices of the convex hull of planar points, counter-clockwise, starting from the lowest-leftmost point
 * (Andrew's monotone chain). Collinear points on edges are dropped; a segment gives its two ends, a point itself.
 * `tol` treats nearly collinear triples (relative to the points' spread) as collinear.
 */
export function convexHull2D(points: readonly (readonly number[])[], tol = 1e-12): number[][] {
  const pts = uniquePoints(points).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length <= 2) return pts;
  let spread = 0;
  for (const p of pts) spread = Math.max(spread, Math.abs(p[0] - pts[0][0]), Math.abs(p[1] - pts[0][1]));
  const eps = tol * spread * spread;
  const lower: number[][] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= eps) lower.pop();
    lower.push(p);
  }
  const upper: number[][] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= eps) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  const hull = lower.concat(upper);
  // all points collinear: the chains collapse to the two ends
  return hull.length === 0 ? [pts[0], pts[pts.length - 1]] : hull;
}

/** The smallest and largest first coordinate: the hull of points on the line. */
export function hull1D(points: readonly (readonly number[])[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points) {
    if (p[0] < lo) lo = p[0];
    if (p[0] > hi) hi = p[0];
  }
  return [lo, hi];
}

/**
 * Generators of the convex hull of a finite set: the interval ends in 1-D, the ordered hull vertices in 2-D. In
 * higher dimension the hull's vertices are not computed: the distinct points are returned (they span the same hull).
 */
export function extremePoints(points: readonly (readonly number[])[]): number[][] {
  if (points.length === 0) return [];
  const n = points[0].length;
  if (n === 1) {
    const [lo, hi] = hull1D(points);
    return lo === hi ? [[lo]] : [[lo], [hi]];
  }
  if (n === 2) return convexHull2D(points);
  return uniquePoints(points);
}

/** Solves A x = b (A square, row-major copy) by Gaussian elimination with partial pivoting; null if singular. */
export function solve(A: readonly (readonly number[])[], b: readonly number[], rcond = 1e-13): number[] | null {
  const n = b.length;
  const M = A.map((r, i) => [...r, b[i]]);
  let scale = 0;
  for (const r of A) for (const v of r) scale = Math.max(scale, Math.abs(v));
  if (scale === 0) return n === 0 ? [] : null;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    if (Math.abs(M[p][c]) <= rcond * scale) return null;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c];
      if (f === 0) continue;
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r][n];
    for (let k = r + 1; k < n; k++) s -= M[r][k] * x[k];
    x[r] = s / M[r][r];
  }
  return x;
}
