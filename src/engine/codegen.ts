/**
 * Small pieces of JavaScript code generation shared by the compiled mode (`compile.ts`) and the scalar tape's
 * backward kernels (`scalar-tape.ts`): exact number literals, the values generated code refers to, and the
 * cotangent times a partial written exactly as the number interpreters compute it.
 *
 * @module
 */
import { codeAlgebra } from "./primitives";
import type { CodeSink } from "./primitives";
import type { Env, LinEnv, Primitive } from "./trace";

/** A number as exact JavaScript source (-0, NaN and the infinities included; the shortest form round-trips). */
export function literal(v: number): string {
  if (Object.is(v, -0)) return "(-0)";
  if (v !== v) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "(-Infinity)";
  return v < 0 ? `(${String(v)})` : String(v);
}

/** What the generated code needs from outside: captured values, by name. */
export class Refs {
  readonly values: unknown[] = [];
  private readonly names = new Map<unknown, string>();
  ref(v: unknown): string {
    let n = this.names.get(v);
    if (n === undefined) {
      n = `k${this.values.length}`;
      this.values.push(v);
      this.names.set(v, n);
    }
    return n;
  }
  /** A fresh name for a value that must not be shared (a scratch array). */
  own(v: unknown): string {
    const n = `k${this.values.length}`;
    this.values.push(v);
    return n;
  }
}

/**
 * The contribution of cotangent `c` through partial `q` (an expression, a constant or null), as the scalar
 * interpreters compute it: a partial 1 passes the cotangent through, others multiply with a strong zero (0 times
 * an infinite partial is 0) and round. `rnd` wraps an expression in the precision's rounding.
 */
export function cotangentTerm(q: string | number, c: string, rnd: (e: string) => string): string {
  if (typeof q === "number") return q === 1 ? c : rnd(q === 0 ? "0" : `${c} === 0 ? 0 : ${literal(q)} * ${c}`);
  return `(${q} === 1 ? ${c} : ${rnd(`${q} === 0 || ${c} === 0 ? 0 : ${q} * ${c}`)})`;
}

/** A backward kernel: adds the cotangent c of one scalar application to the adjoints of its traced operands. */
export type BackwardKernel = (
  x0: number,
  x1: number,
  y: number,
  c: number,
  adj: Float64Array,
  has: Uint8Array,
  r0: number,
  r1: number,
) => void;

/**
 * The body of the backward kernel of a parameterless elementwise primitive, generated from its declared partials
 * in a precision: the partials written in the algebra of expressions, each kink's select calling the declared rule
 * with `env` (whose policy and node the caller sets before each entry: the rule reads them when it runs). The
 * body reads `x0`, `x1` (the operands' values), `y`, `c` (the cotangent), `r0`, `r1` (the operand references) and
 * updates `adj` and `has`; what it refers to is named in `refs`. Null when the primitive has no partials in that
 * algebra.
 */
export function backwardKernelBody(
  prim: Primitive<never>,
  arity: number,
  env: LinEnv,
  round: ((x: number) => number) | null,
  refs: Refs,
): string[] | null {
  if (prim.codePartials === undefined) return null;
  const R = round === null ? null : refs.ref(round);
  const rnd = (e: string): string => (R === null ? `(${e})` : `${R}(${e})`);
  const sink: CodeSink = {
    number: literal,
    ref: (v) => refs.ref(v),
    select(_env: Env, xs: readonly string[], f: (a: number[], element: number) => number): string {
      const arr = refs.own(new Array<number>(xs.length).fill(0));
      return `(${xs.map((x, j) => `${arr}[${j}] = ${x}, `).join("")}${refs.own(f)}(${arr}, 0))`;
    },
  };
  const xs = arity === 1 ? ["x0"] : ["x0", "x1"];
  const ps = prim.codePartials(xs, "y", undefined as never, env, codeAlgebra(R, sink));
  const lines: string[] = [];
  // every partial is evaluated, the constants' too, in order: as the number interpreter does
  const qs = ps.map((q, j) => {
    if (q === null || typeof q === "number") return q;
    if (typeof q !== "string") return undefined;
    lines.push(`const p${j} = ${q};`);
    return `p${j}`;
  });
  if (qs.some((q) => q === undefined)) return null;
  qs.forEach((q, j) => {
    if (q === null || q === undefined) return;
    const r = `r${j}`;
    lines.push(
      `if (${r} >= 0) { const g = ${cotangentTerm(q, "c", rnd)}; if (has[${r}] === 0) { adj[${r}] = g; has[${r}] = 1; } else adj[${r}] = ${rnd(`adj[${r}] + g`)}; }`,
    );
  });
  return lines;
}

/** The generated function of `refs` and `body` (the names k0, k1, ... bound to the referred values). */
export function compileWithRefs<F>(refs: Refs, body: string): F {
  const names = refs.values.map((_, j) => `k${j}`);
  const source = `"use strict";\nconst [${names.join(", ")}] = refs;\n${body}`;
  return new Function("refs", source)(refs.values) as F;
}

/**
 * Generates the backward kernel of a parameterless elementwise primitive (see `backwardKernelBody`), as a
 * function of its own. Null when the primitive has no partials in the algebra of expressions.
 */
export function backwardKernel(
  prim: Primitive<never>,
  arity: number,
  env: LinEnv,
  round: ((x: number) => number) | null,
): BackwardKernel | null {
  const refs = new Refs();
  const lines = backwardKernelBody(prim, arity, env, round, refs);
  if (lines === null) return null;
  return compileWithRefs<BackwardKernel>(
    refs,
    `return function ${prim.name}Backward(x0, x1, y, c, adj, has, r0, r1) {\n  ${lines.join("\n  ")}\n};`,
  );
}
