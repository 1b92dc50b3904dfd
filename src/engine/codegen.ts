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
 * updates `adj` and `has` (or whatever `accumulate` writes); what it refers to is named in `refs`. Null when the
 * primitive has no partials in that algebra.
 */
export function backwardKernelBody(
  prim: Primitive<never>,
  arity: number,
  env: LinEnv,
  round: ((x: number) => number) | null,
  refs: Refs,
  accumulate: Accumulate = throughArrays,
): string[] | null {
  if (prim.codePartials === undefined) return null;
  const R = round === null ? null : refs.ref(round);
  const rnd = (e: string): string => (R === null ? `(${e})` : `${R}(${e})`);
  const xs = arity === 1 ? ["x0"] : ["x0", "x1"];
  // a primitive whose selects are constant on each branch off its kink set (declared with its kink test's code
  // form) has each select computed at the first point of each branch and read from a table afterwards; at the kink
  // (the policy's choice, maybe drawn per application) it is called every time
  const code = prim.kink?.element?.code;
  const branchwise = code?.constantSelects === true;
  let selects = 0;
  const sink: CodeSink = {
    number: literal,
    ref: (v) => refs.ref(v),
    select(_env: Env, sx: readonly string[], f: (a: number[], element: number) => number): string {
      const arr = refs.own(new Array<number>(sx.length).fill(0));
      const call = `(${sx.map((x, j) => `${arr}[${j}] = ${x}, `).join("")}${refs.own(f)}(${arr}, 0))`;
      if (!branchwise) return call;
      selects++;
      // NaN marks a branch not met yet (a select that is NaN on a branch is just called every time there)
      const C = refs.own(new Float64Array(5 ** code.switching(xs, "undefined").length).fill(Number.NaN));
      return `(kinkAt ? ${call} : ${C}[branch] === ${C}[branch] ? ${C}[branch] : (${C}[branch] = ${call}))`;
    },
  };
  const ps = prim.codePartials(xs, "y", undefined as never, env, codeAlgebra(R, sink));
  const lines: string[] = [];
  if (selects > 0 && code !== undefined) {
    // the kink test and the branch: the sign classes (1 positive, 2 negative, 3 zero, 4 NaN) of the switching
    // quantities, numbered as compile.ts numbers them
    const sw = code.switching(xs, "undefined");
    lines.push(
      `const kinkAt = ${code.at(xs, "undefined")};`,
      ...sw.map((e, j) => `const s${j} = ${e};`),
      `const branch = ${sw.map((_e, j) => `(s${j} > 0 ? 1 : s${j} < 0 ? 2 : s${j} === 0 ? 3 : 4)`).reduce((acc, c) => `${acc} * 5 + ${c}`)};`,
    );
  }
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
    const line = accumulate(j, cotangentTerm(q, "c", rnd), rnd);
    if (line !== "") lines.push(line);
  });
  return lines;
}

/**
 * How a kernel body adds `term` (the cotangent times the partial of operand j) to that operand's adjoint; "" when
 * the operand receives nothing (a constant). `rnd` wraps an expression in the precision's rounding.
 */
export type Accumulate = (j: number, term: string, rnd: (e: string) => string) => string;

/**
 * The adjoint of operand j in the `adj` and `has` arrays, its reference `r<j>` read at run time: a constant (a
 * negative reference) receives nothing, the first term is stored as it is, later ones are added and rounded.
 */
export const throughArrays: Accumulate = (j, term, rnd) => {
  const r = `r${j}`;
  return `if (${r} >= 0) { const g = ${term}; if (has[${r}] === 0) { adj[${r}] = g; has[${r}] = 1; } else adj[${r}] = ${rnd(`adj[${r}] + g`)}; }`;
};

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
