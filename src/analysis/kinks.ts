/**
 * Where a program's kinks are: the sign of each nonsmooth primitive's switching quantity (relu's input, the
 * difference of maximum's arguments, ...; each primitive declares its own with its kink set), and a search along
 * axis-parallel lines for the points where one of them is exactly zero (a kink hit in floating point). Internal
 * to the module.
 *
 * @module
 */
import { Tracer } from "../engine/trace";
import { inputTensor, recordProgram } from "./record";
import type { Program } from "./record";

/** The signs of all switching quantities of f at x, and a signature of the tape's structure. */
export function switchingSigns(
  fn: string,
  f: Program,
  x: readonly number[],
  scalarInput: boolean,
): { signs: number[]; signature: string } {
  const rec = recordProgram(fn, f, inputTensor(fn, scalarInput ? x[0] : x));
  const signs: number[] = [];
  const names: string[] = [];
  for (const node of rec.nodes) {
    names.push(node.prim.name);
    // each nonsmooth primitive declares how its kink set is located (see engine/nonsmooth.ts)
    const kink = node.prim.kink;
    if (!kink) continue;
    const ins = node.inputs.map((v) => (v instanceof Tracer ? v.value : v));
    for (const s of kink.switching(ins, node.params)) signs.push(Math.sign(s));
  }
  return { signs, signature: `${names.join(",")}:${signs.length}` };
}

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);

/** A float's rank among all floats (monotone: a < b iff key(a) < key(b); -0 and 0 share 0). */
function key(x: number): bigint {
  f64[0] = Math.abs(x);
  return x < 0 ? -i64[0] : i64[0];
}

function fromKey(k: bigint): number {
  i64[0] = k < 0n ? -k : k;
  return k < 0n ? -f64[0] : f64[0];
}

/**
 * The float halfway between lo and hi in rank: bisection by it reaches adjacent floats in at most 64 steps, and
 * meets 0 exactly when the interval straddles it.
 */
function midFloat(lo: number, hi: number): number {
  return fromKey((key(lo) + key(hi)) / 2n);
}

/**
 * Points of the line u -> point(u), u in the grid's range, where some switching quantity is exactly 0: the grid
 * points that are kinks, and, between consecutive grid points where a quantity changes sign, the float found by
 * bisection over the floats where it vanishes (if there is one: a sign change between adjacent floats is no kink hit).
 */
export function kinksOnLine(
  fn: string,
  f: Program,
  point: (u: number) => number[],
  grid: readonly number[],
  scalarInput: boolean,
): number[] {
  const found = new Set<number>();
  const at = (u: number) => switchingSigns(fn, f, point(u), scalarInput);
  let prev = at(grid[0]);
  if (prev.signs.includes(0)) found.add(grid[0]);
  for (let k = 1; k < grid.length; k++) {
    const cur = at(grid[k]);
    if (cur.signs.includes(0)) found.add(grid[k]);
    if (cur.signature === prev.signature) {
      for (let q = 0; q < cur.signs.length; q++) {
        if (prev.signs[q] * cur.signs[q] >= 0) continue;
        let lo = grid[k - 1];
        let hi = grid[k];
        const sLo = prev.signs[q];
        for (let it = 0; it < 80; it++) {
          const m = midFloat(lo, hi);
          if (!(m > lo && m < hi)) break;
          const s = at(m);
          if (s.signature !== cur.signature) break;
          const v = s.signs[q];
          if (v === 0) {
            found.add(m);
            break;
          }
          if (v === sLo) lo = m;
          else hi = m;
        }
      }
    }
    prev = cur;
  }
  return [...found].sort((a, b) => a - b);
}
