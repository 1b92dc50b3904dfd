// Shared helpers of the engine tests: finite differences, dot-product (adjoint) checks, point generators.
import fc from "fast-check";
import { Tensor, jvp, vjp, tensor } from "../../../src";
import type { Value } from "../../../src";

export type Fn = (...xs: any[]) => Value;

/** Evaluates f on concrete tensors (no trace) and returns the output tensor. */
export function evalPlain(f: Fn, xs: readonly Tensor[]): Tensor {
  const out = f(...xs) as unknown;
  if (typeof out === "number") return tensor(out);
  if (out instanceof Tensor) return out;
  throw new Error(`evalPlain: unexpected output ${String(out)}`);
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`dot: lengths ${a.length} vs ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(x: Tensor, v: Tensor, h: number): Tensor {
  return new Tensor(
    Float64Array.from(x.data, (xi, i) => xi + h * v.data[i]),
    x.shape,
  );
}

/** Central difference of f at xs along vs: (f(x + h v) - f(x - h v)) / 2h, flat. */
export function centralDifference(f: Fn, xs: readonly Tensor[], vs: readonly Tensor[], h = 1e-6): Float64Array {
  const plus = evalPlain(
    f,
    xs.map((x, i) => axpy(x, vs[i], h)),
  );
  const minus = evalPlain(
    f,
    xs.map((x, i) => axpy(x, vs[i], -h)),
  );
  return Float64Array.from(plus.data, (p, i) => (p - minus.data[i]) / (2 * h));
}

/** |a - b| <= rel * max(|a|, |b|) + abs. */
export function close(a: number, b: number, rel: number, abs: number): boolean {
  if (a === b) return true;
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b)) + abs;
}

export function expectClose(a: number, b: number, rel: number, abs: number, what: string): void {
  if (!close(a, b, rel, abs))
    throw new Error(`${what}: ${a} vs ${b} (|diff| ${Math.abs(a - b)}, rel ${rel}, abs ${abs})`);
}

/** A traced function of a list of tensors, spreading them into f. */
export const spread = (f: Fn) => (xs: any) => f(...(xs as unknown[]));

/**
 * Checks at one point: J v by jvp against central differences, and <J v, w> = <v, J^T w> with vjp.
 * Returns nothing; throws with a description on failure.
 */
export function checkDerivatives(
  name: string,
  f: Fn,
  xs: Tensor[],
  vs: Tensor[],
  w: Tensor,
  opts: { fdRel?: number; fdAbs?: number; adjRel?: number; h?: number } = {},
): void {
  const g = spread(f);
  const fw = jvp(g, xs, vs);
  const Jv = (fw.tangent as Tensor).data;
  const fd = centralDifference(f, xs, vs, opts.h ?? 1e-6);
  if (fd.length !== Jv.length)
    throw new Error(`${name}: jvp tangent has ${Jv.length} elements, the output ${fd.length}`);
  for (let i = 0; i < fd.length; i++)
    expectClose(
      Jv[i],
      fd[i],
      opts.fdRel ?? 1e-6,
      opts.fdAbs ?? 1e-7,
      `${name}: jvp vs finite difference at output ${i}`,
    );
  const out = evalPlain(f, xs);
  const cot = new Tensor(w.data, out.shape);
  const rv = vjp(g, xs, cot);
  const JTw = rv.vjp as unknown as Tensor[];
  const lhs = dot(Jv, w.data);
  let rhs = 0;
  for (let i = 0; i < xs.length; i++) {
    if (JTw[i].size !== xs[i].size)
      throw new Error(`${name}: vjp for input ${i} has ${JTw[i].size} elements, the input ${xs[i].size}`);
    rhs += dot(vs[i].data, JTw[i].data);
  }
  const scale = Math.abs(dot(Jv.map(Math.abs), w.data.map(Math.abs))) + 1;
  expectClose(lhs, rhs, opts.adjRel ?? 1e-12, 1e-12 * scale, `${name}: <J v, w> vs <v, J^T w>`);
}

/** Domains for the coordinates of a point: a map from a uniform u in [-1, 1] to a value. */
export type Domain = (u: number) => number;
export const anywhere: Domain = (u) => 2 * u;
/** |x| >= 0.1. */
export const awayFromZero: Domain = (u) => (u >= 0 ? 0.1 + 2 * u : -0.1 + 2 * u);
/** x in [0.2, 2.2]. */
export const positive: Domain = (u) => 1.2 + u;
/** x at least 0.1 away from every point of `kinks`, spread over [lo, hi]. */
export function awayFrom(kinks: readonly number[], lo: number, hi: number): Domain {
  return (u) => {
    let x = lo + ((u + 1) / 2) * (hi - lo);
    for (const k of kinks) if (Math.abs(x - k) < 0.1) x = x < k ? k - 0.1 : k + 0.1;
    return x;
  };
}

/** An arbitrary of n unbiased uniforms in [-1, 1] (noBias: no edge values such as 0 or duplicates). */
export function uniforms(n: number): fc.Arbitrary<number[]> {
  return fc.noBias(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: n, maxLength: n }));
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Cuts a flat list of numbers into tensors of the given shapes. */
export function cut(
  values: readonly number[],
  shapes: readonly (readonly number[])[],
  domains?: readonly Domain[],
): Tensor[] {
  let off = 0;
  return shapes.map((s, i) => {
    const n = sizeOf(s);
    const d = domains ? domains[i] : (u: number) => u;
    const t = new Tensor(Float64Array.from(values.slice(off, off + n), d), [...s]);
    off += n;
    return t;
  });
}

/** The smallest gap between two values of a list (Infinity for fewer than two). */
export function minGap(values: ArrayLike<number>): number {
  const v = Array.from(values).sort((a, b) => a - b);
  let g = Infinity;
  for (let i = 1; i < v.length; i++) g = Math.min(g, v[i] - v[i - 1]);
  return g;
}
