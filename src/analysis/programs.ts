/**
 * Seeded random programs of two variables for testing the semi-algebraic theorem of the talk (Bolte and Pauwels
 * 2021: the chain rule applied to semi-algebraic selections of Clarke Jacobians gives a conservative field):
 * binary expression trees whose nodes are semi-algebraic pieces, nonsmooth (abs, relu, max, min) and polynomial
 * (products, squares), so that the kink sets are curves, not only lines.
 *
 * A random loop crosses a program's kink set at finitely many parameters, so its circulation only sees the field
 * almost everywhere, where AD returns the gradient. To carry evidence a loop must run inside the kink set; hence
 * `kinkLines`: the first leaves of the tree are a nonsmooth primitive applied to a linear form ⟨n, (x, y)⟩, so that
 * the program hits a kink (a switching quantity exactly zero, AD makes a choice) at every point of the line
 * ⟨n, (x, y)⟩ = 0, and polygons with edges on those lines run inside the kink set.
 *
 * @module
 */
import { Rng } from "../rng";
import type { Value } from "../engine/trace";
import { abs, add, at, maximum, minimum, mul, neg, relu, sub } from "../ops";
import { evaluate } from "../engine/transforms";
import { object as checkObject } from "../validate";

/** Options of {@link randomProgram}. */
export interface RandomProgramOptions {
  /** The seed of the draws, or a generator to draw from (it advances). */
  readonly seed: number | Rng;
  /** The depth of the expression tree (2^depth leaves). Default 3. */
  readonly depth?: number;
  /**
   * Normals n of lines through the origin on which the program must hit a kink everywhere: the first leaves are
   * abs, relu, max(., 0) or relu2 = relu(-.) + (.) of ⟨n, (x, y)⟩. At most 2^depth of them. Default none.
   */
  readonly kinkLines?: readonly (readonly number[])[];
}

/** A random program of (x, y) and its description. */
export interface RandomProgram {
  /** The program, of a vector of 2 entries. */
  readonly f: (v: Value) => Value;
  /** Its value at a point, as a number. */
  readonly value: (x: readonly number[]) => number;
  /** A formula, e.g. "max(|x - y|, abs(x - (0.5x + 1y)))": |.| marks the kinky leaves, abs(.) the abs nodes. */
  readonly description: string;
  /** The normals of the lines through the origin on which it hits a kink everywhere (the option, copied). */
  readonly kinkLines: number[][];
}

interface Expr {
  readonly f: (v: Value) => Value;
  readonly s: string;
}

const pick = <T>(r: Rng, list: readonly T[]): T => list[r.int(list.length)];

function linearForm(n: readonly number[]): Expr {
  const [a, b] = n;
  const term = (c: number, name: string) => (c === 1 ? name : c === -1 ? `-${name}` : `${c}${name}`);
  const s =
    a === 0 ? term(b, "y") : b === 0 ? term(a, "x") : `${term(a, "x")} ${b < 0 ? "-" : "+"} ${term(Math.abs(b), "y")}`;
  // zero coefficients are left out, so that the form is exactly 0 on the line in floating point (x - y at x = y)
  const f = (v: Value): Value => {
    const parts: Value[] = [];
    if (a !== 0) parts.push(a === 1 ? at(v, 0) : mul(a, at(v, 0)));
    if (b !== 0) parts.push(b === 1 ? at(v, 1) : b === -1 ? neg(at(v, 1)) : mul(b, at(v, 1)));
    return parts.length === 1 ? parts[0] : add(parts[0], parts[1]);
  };
  return { f, s };
}

function kinkyLeaf(r: Rng, n: readonly number[]): Expr {
  const l = linearForm(n);
  switch (r.int(4)) {
    case 0:
      return { f: (v) => abs(l.f(v)), s: `|${l.s}|` };
    case 1:
      return { f: (v) => relu(l.f(v)), s: `relu(${l.s})` };
    case 2:
      return { f: (v) => maximum(l.f(v), 0), s: `max(${l.s}, 0)` };
    default:
      return { f: (v) => add(relu(neg(l.f(v))), l.f(v)), s: `relu2(${l.s})` };
  }
}

function randomLeaf(r: Rng): Expr {
  const k = r.int(3);
  if (k === 0) return { f: (v) => at(v, 0), s: "x" };
  if (k === 1) return { f: (v) => at(v, 1), s: "y" };
  const a = pick(r, [-1, -0.5, 0.5, 1]);
  const b = pick(r, [-1, -0.5, 0.5, 1]);
  const c = pick(r, [-0.5, -0.25, 0, 0, 0.25, 0.5]);
  return {
    f: (v) => add(add(mul(a, at(v, 0)), mul(b, at(v, 1))), c),
    s: `(${a}x ${b < 0 ? "-" : "+"} ${Math.abs(b)}y${c === 0 ? "" : ` ${c < 0 ? "-" : "+"} ${Math.abs(c)}`})`,
  };
}

/**
 * A seeded random program of (x, y): a binary tree of the given depth whose nodes combine two subexpressions u, v
 * by one of |u| + v, relu(u) - v, max(u, v), min(u, v), uv/2, u²/2 + v, |u - v|, u - relu(-v), and whose leaves are
 * x, y or affine forms ax + by + c; the first leaves are the kinky leaves of `kinkLines`. Every piece is
 * semi-algebraic and locally Lipschitz, so the theorem applies to its AD field under any kink policy.
 *
 * @example
 * ```ts
 * import { randomProgram, adField, circulation, loops, policies, assert } from "nonsmooth-ad";
 * const p = randomProgram({ seed: 1, kinkLines: [[1, 0], [0, 1]] });
 * // the rectangle [0, 0.7] x [0, 0.9] has edges on x = 0 and y = 0: it runs inside the kink set
 * const c = circulation(adField(p.f, policies.random(2)), loops.rectangle([0, 0.7], [0, 0.9]), { tolerance: 1e-9 });
 * assert(Math.abs(c.value) <= Math.max(c.errorEstimate, 1e-12), p.description);
 * ```
 */
export function randomProgram(options: RandomProgramOptions): RandomProgram {
  const fn = "randomProgram";
  checkObject(fn, "options", options);
  const depth = options?.depth ?? 3;
  if (!(Number.isInteger(depth) && depth >= 0 && depth <= 8))
    throw new Error(`${fn}: depth must be an integer in [0, 8], got ${depth}`);
  const lines = options.kinkLines ?? [];
  if (!Array.isArray(lines) || lines.length > 2 ** depth) {
    throw new Error(
      `${fn}: kinkLines must be a list of at most 2^depth = ${2 ** depth} normals, got ${JSON.stringify(lines)}`,
    );
  }
  lines.forEach((n, i) => {
    if (!Array.isArray(n) || n.length !== 2 || !n.every(Number.isFinite) || (n[0] === 0 && n[1] === 0)) {
      throw new Error(
        `${fn}: kinkLines[${i}] must be a non-zero normal [a, b] of a line of the plane, got ${JSON.stringify(n)}`,
      );
    }
  });
  const seed = options.seed;
  if (!(seed instanceof Rng) && !Number.isFinite(seed))
    throw new Error(`${fn}: seed must be a number or an Rng, got ${String(seed)}`);
  const r = seed instanceof Rng ? seed : new Rng(seed);
  let leaf = 0;
  const build = (d: number): Expr => {
    if (d === 0) return leaf < lines.length ? kinkyLeaf(r, lines[leaf++]) : (leaf++, randomLeaf(r));
    const a = build(d - 1);
    const b = build(d - 1);
    switch (r.int(8)) {
      case 0:
        return { f: (v) => add(abs(a.f(v)), b.f(v)), s: `(abs(${a.s}) + ${b.s})` };
      case 1:
        return { f: (v) => sub(relu(a.f(v)), b.f(v)), s: `(relu(${a.s}) - ${b.s})` };
      case 2:
        return { f: (v) => maximum(a.f(v), b.f(v)), s: `max(${a.s}, ${b.s})` };
      case 3:
        return { f: (v) => minimum(a.f(v), b.f(v)), s: `min(${a.s}, ${b.s})` };
      case 4:
        return { f: (v) => mul(0.5, mul(a.f(v), b.f(v))), s: `${a.s}·${b.s}/2` };
      case 5:
        return { f: (v) => add(mul(0.5, mul(a.f(v), a.f(v))), b.f(v)), s: `(${a.s}^2/2 + ${b.s})` };
      case 6:
        return { f: (v) => abs(sub(a.f(v), b.f(v))), s: `abs(${a.s} - ${b.s})` };
      default:
        return { f: (v) => sub(a.f(v), relu(neg(b.f(v)))), s: `(${a.s} - relu(-${b.s}))` };
    }
  };
  const e = build(depth);
  return {
    f: e.f,
    value: (x) => evaluate(e.f, [...x]).value.item(),
    description: e.s,
    kinkLines: lines.map((n) => [...n]),
  };
}
