/**
 * Sample points of a curve (for drawing it) and the area a planar loop encloses, computed from points of the loop
 * alone (the shoelace formula), independently of any line integral: the reference value against which the
 * circulation of the rotation field (-y, x), twice the area by Green's formula, is checked.
 *
 * @module
 */
import type { Curve } from "./loops";

/**
 * Points of a curve at `perPiece` equally spaced parameters on each smooth piece, the breaks included (so a
 * polygon's vertices are all there), from γ(0) to γ(1).
 *
 * @example
 * ```ts
 * import { curvePoints, loops, assertEqual } from "nonsmooth-ad";
 * const square = loops.rectangle([0, 1], [0, 1]);
 * assertEqual(curvePoints(square, 1), [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]);
 * ```
 */
export function curvePoints(curve: Curve, perPiece = 50): number[][] {
  const fn = "curvePoints";
  if (!curve || typeof curve.point !== "function" || !Array.isArray(curve.breaks))
    throw new Error(`${fn}: expected a curve (see loops, paths)`);
  if (!(Number.isInteger(perPiece) && perPiece >= 1))
    throw new Error(`${fn}: perPiece must be a positive integer, got ${perPiece}`);
  const b = curve.breaks;
  const out: number[][] = [];
  for (let i = 0; i + 1 < b.length; i++) {
    for (let k = 0; k < perPiece; k++) out.push(curve.point(b[i] + ((b[i + 1] - b[i]) * k) / perPiece));
  }
  out.push(curve.point(1));
  return out;
}

/**
 * The signed area a closed planar loop encloses (positive when it runs counter-clockwise; a loop that winds twice
 * counts twice): the shoelace formula on the inscribed polygon through `curvePoints(loop, perPiece)`. Exact for
 * polygons; for a smooth piece the inscribed polygon misses O(1/perPiece^2) of the area.
 *
 * @example
 * ```ts
 * import { enclosedArea, loops, assertClose } from "nonsmooth-ad";
 * assertClose(enclosedArea(loops.rectangle([0, 2], [0, 1])), 2, 1e-15);
 * assertClose(enclosedArea(loops.circle([0, 0], 1), 20000), Math.PI, 1e-7);
 * ```
 */
export function enclosedArea(loop: Curve, perPiece = 200): number {
  const fn = "enclosedArea";
  if (!loop || !loop.closed) throw new Error(`${fn}: the curve must be a closed loop (see loops)`);
  if (loop.dimension !== 2)
    throw new Error(
      `${fn}: dimension mismatch: the loop must lie in the plane, it has ${loop.dimension} coordinate(s)`,
    );
  const vs = curvePoints(loop, perPiece);
  let a = 0;
  for (let i = 0; i + 1 < vs.length; i++) a += (vs[i][0] * vs[i + 1][1] - vs[i + 1][0] * vs[i][1]) / 2;
  return a;
}
