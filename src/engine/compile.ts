/**
 * The compiled mode of reverse mode for scalar programs: trace once, generate straight-line JavaScript for the
 * value and the gradient, and run that while the traced structure holds.
 *
 * The code is generated from the primitives' declarations, as the other interpreters are: each value is the
 * primitive's declared scalar function, each partial is its declared partials written in the algebra of
 * JavaScript expressions (`codeAlgebra`: the number algebra's operations, in the same order, with the same
 * rounding), and a kink's choice is the declared select, called at run time with the policy of the call (so a
 * random or per-application policy draws exactly as the tape does). Each nonsmooth application is guarded by its
 * declared kink test and switching quantities (inlined from their declared code form where the primitive has
 * one): the branch of every kink (relu's x > 0, x = 0 or x < 0) must be the traced one, otherwise the call throws
 * instead of answering with another branch's derivative. On a guarded branch, the selects of a primitive that
 * declares them constant per branch are written as numbers (the policy's choice too, unless it is drawn at
 * random or asked per application). Results, kink reports and errors are bitwise those of `valueAndGrad` on the
 * same point.
 *
 * @module
 */
import { Tensor, scalar } from "../tensor";
import { isExact } from "../precision";
import type { NumberFormat } from "../arithmetic/formats";
import type { KinkPolicy } from "../policy";
import { codeAlgebra } from "./primitives";
import type { CodeSink } from "./primitives";
import { NONE_OPERAND } from "./scalar-tape";
import { Refs, cotangentTerm, literal } from "./codegen";
import type { ScalarProgram } from "./scalar-tape";
import { Tracer, checkNoOverflow } from "./trace";
import type { Env, LinEnv, Value } from "./trace";
import type { KinkLog } from "./kink-report";
import { LazyValueAndGrad, checkFinite, pack, record } from "./transforms";
import type { DiffOptions, Like, Primal, Traced, ValueAndGrad } from "./transforms";

/** A compiled value-and-gradient function: call it like `valueAndGrad(f, x, options)` without f and options. */
/** A compiled function of one scalar: a number in, a number gradient out; a scalar tensor in, a tensor out. */
export type CompiledValueAndGrad = <X extends number | Tensor>(x: X) => ValueAndGrad<Like<X>>;
/** A compiled function of a list of scalar tensors: one gradient tensor per input. */
/**
 * A compiled function of a list of scalars, given as scalar tensors (one gradient tensor each) or as plain numbers
 * (one gradient number each: the form without allocation of a tensor per input).
 */
export type CompiledValueAndGradList = <X extends readonly Tensor[] | readonly number[]>(
  x: X,
) => ValueAndGrad<X extends readonly number[] ? number[] : Tensor[]>;

type Input = number | Tensor | readonly Tensor[] | readonly number[];

/** The sign class of a switching quantity: 1 positive, 2 negative, 3 zero, 4 NaN. */
function signClass(s: number): number {
  return s > 0 ? 1 : s < 0 ? 2 : s === 0 ? 3 : 4;
}

/** One number for the sign classes of a list of switching quantities (the branch of one kink application). */
function branchOf(s: readonly number[]): number {
  let b = 0;
  for (let i = 0; i < s.length; i++) b = b * 5 + signClass(s[i]);
  return b;
}

const SIGN_WORDS = ["", "> 0", "< 0", "= 0", "NaN"];

function branchWords(b: number): string {
  const w: string[] = [];
  for (; b > 0; b = Math.floor(b / 5)) w.unshift(SIGN_WORDS[b % 5]);
  return w.join(", ");
}

/** Code that is true when the number `e` is NOT in the sign class of the traced value `v`. */
function signTest(e: string, v: number): string {
  return v > 0 ? `!(${e} > 0)` : v < 0 ? `!(${e} < 0)` : v === 0 ? `${e} !== 0` : `${e} === ${e}`;
}

/** Code that is true when the switching quantities in `s` are NOT in the sign classes of `traced` (inline tests). */
function sameBranch(s: string, traced: readonly number[]): string {
  return `(${s}.length !== ${traced.length}${traced.map((v, j) => ` || ${signTest(`${s}[${j}]`, v)}`).join("")})`;
}

interface Generated {
  /** Runs the program on rounded inputs, writes the gradient into g, returns the value. */
  run(x: Float64Array, g: Float64Array): number;
  /** The generated source (for inspection and tests). */
  source: string;
}

/** The failure of a call whose kink branch differs from the traced one. */
function branchError(
  label: string,
  node: number,
  op: string,
  traced: number,
  now: number,
  tracedAt: boolean,
  at: boolean,
): Error {
  return new Error(
    `${label}: this call takes another branch than the traced program at %${node} (${op}): traced with its switching quantities ${branchWords(traced)}${tracedAt ? " (at a kink)" : ""}, now ${branchWords(now)}${at ? " (at a kink)" : ""}; the compiled code is only valid on the traced branches: compile again at this point, or call valueAndGrad`,
  );
}

/** Generates the value-and-gradient code of a recorded scalar program with output entry `out`. */
function generate(
  label: string,
  p: ScalarProgram,
  /** The output entry, or -1 for a constant output. */
  out: number,
  constant: number,
  nInputs: number,
  precision: NumberFormat,
  policy: KinkPolicy,
  round: (x: number) => number,
): Generated {
  const refs = new Refs();
  const R = isExact(round) ? null : refs.ref(round);
  const rnd = (e: string): string => (R === null ? `(${e})` : `${R}(${e})`);
  const lines: string[] = [];
  const selects: string[] = [];
  /** The traced operand values of the entry whose partials are being written, when its selects are constants. */
  let constantAt: number[] | null = null;
  const sink: CodeSink = {
    number: literal,
    ref: (v) => refs.ref(v),
    select(_env: Env, xs: readonly string[], f: (a: number[], element: number) => number): string {
      // the select is a constant on the guarded branch: its value at the traced point, written as a number (the
      // same call the generated code would make, with the same environment)
      if (constantAt !== null) return literal(f(constantAt.slice(), 0));
      const arr = refs.own(new Array<number>(xs.length).fill(0));
      const fn = refs.own(f);
      selects.push(fn);
      return `(${xs.map((x, j) => `${arr}[${j}] = ${x}, `).join("")}${fn}(${arr}, 0))`;
    },
  };
  const K = codeAlgebra(R, sink);
  const operand = (r: number): string => (r >= 0 ? `v${r}` : literal(p.consts[-r - 1]));
  const operandValue = (r: number): number => (r >= 0 ? p.val[r] : p.consts[-r - 1]);
  const fail = refs.ref((node: number, op: string, traced: number, now: number, tracedAt: boolean, at: boolean) => {
    throw branchError(label, node, op, traced, now, tracedAt, at);
  });
  const branch = refs.ref(branchOf);
  // forward: values, and the guard of every kink application
  for (let i = 0; i < p.length; i++) {
    const prim = p.prims[i];
    if (prim === null) {
      lines.push(`const v${i} = x[${i}];`);
      continue;
    }
    const unary = p.a1[i] === NONE_OPERAND;
    const a = operand(p.a0[i]);
    const b = unary ? "0" : operand(p.a1[i]);
    const params = p.params[i];
    const P = params === undefined ? "undefined" : refs.ref(params);
    // the declared scalar function for these params, called directly (its call site here sees only it)
    const fn = prim.scalarFunction?.(params as never);
    if (fn === undefined) throw new Error(`${label}: primitive "${prim.name}" has no scalar function`);
    lines.push(`const v${i} = ${rnd(`${refs.own(fn)}(${a}${unary ? "" : `, ${b}`})`)};`);
    const rule = prim.kink?.element;
    if (rule !== undefined) {
      if (rule.switching === undefined)
        throw new Error(`${label}: primitive "${prim.name}" declares no switching quantities`);
      const xs = unary ? [operandValue(p.a0[i])] : [operandValue(p.a0[i]), operandValue(p.a1[i])];
      const tracedAt = rule.at(xs, params as never);
      const tracedSigns = rule.switching(xs, params as never);
      const traced = branchOf(tracedSigns);
      const code = rule.code;
      if (code !== undefined) {
        // the declared code form, tested inline; only a failing call runs the declared functions (for the message)
        const ops = unary ? [`(${a})`] : [`(${a})`, `(${b})`];
        const sw = code.switching(ops, P);
        const refuse = refs.ref((x0: number, x1: number): never => {
          const arr = unary ? [x0] : [x0, x1];
          const t = rule.at(arr, params as never) === true;
          const s = rule.switching!(arr, params as never);
          if (t === tracedAt && branchOf(s) === traced)
            throw new Error(`${label}: the code form of ${prim.name}'s kink test disagrees with its declaration`);
          throw branchError(label, i, prim.name, traced, branchOf(s), tracedAt, t);
        });
        const tests = sw.map((_e, j) => signTest(`s${j}`, tracedSigns[j]));
        lines.push(
          `{ ${sw.map((e, j) => `const s${j} = ${e}; `).join("")}if ((${code.at(ops, P)}) !== ${tracedAt}${tests.map((t) => ` || ${t}`).join("")}) ${refuse}(${a}, ${b}); }`,
        );
        continue;
      }
      const arr = refs.own(new Array<number>(xs.length).fill(0));
      const at = refs.ref(rule.at);
      const sw = refs.ref(rule.switching);
      lines.push(
        `${arr}[0] = ${a};${unary ? "" : ` ${arr}[1] = ${b};`}`,
        `{ const t = ${at}(${arr}, ${P}) === true; const s = ${sw}(${arr}, ${P}); if (t !== ${tracedAt} || ${sameBranch("s", tracedSigns)}) ${fail}(${i}, ${JSON.stringify(prim.name)}, ${traced}, ${branch}(s), ${tracedAt}, t); }`,
      );
    }
  }
  // backward: the declared partials of every entry the output's cotangent reaches, in reverse order
  const has = new Uint8Array(p.length);
  if (out >= 0) {
    has[out] = 1;
    lines.push(`let g${out} = 1;`);
  }
  for (let i = out; i >= 0; i--) {
    const prim = p.prims[i];
    if (has[i] === 0 || prim === null) continue;
    const refs0 = p.a1[i] === NONE_OPERAND ? [p.a0[i]] : [p.a0[i], p.a1[i]];
    const env: LinEnv = { precision, round, policy, node: i };
    if (prim.codePartials === undefined) throw new Error(`${label}: primitive "${prim.name}" has no scalar partials`);
    // a primitive whose selects depend only on the branch (declared with its kink test's code form) has constant
    // selects on the guarded branch: off its kink set always, on it when the policy's choice is one number (not
    // drawn at random per point, not asked of a per-application function)
    const rule = prim.kink?.element;
    constantAt = null;
    if (rule?.code?.constantSelects === true) {
      const xs = refs0.map(operandValue);
      if (
        !rule.at(xs.slice(), p.params[i] as never) ||
        (policy.randomSeed === undefined && policy.perKink === undefined)
      )
        constantAt = xs;
    }
    const ps = prim.codePartials(refs0.map(operand), `v${i}`, p.params[i] as never, env, K);
    constantAt = null;
    // every partial is evaluated (constants' too), as the tape does: a policy's per-kink choice is asked the same questions
    const names = ps.map((q, j) => {
      if (q === null || typeof q === "number") return q;
      if (typeof q !== "string")
        throw new Error(`${label}: primitive "${prim.name}" wrote a partial outside the algebra`);
      lines.push(`const p${i}_${j} = ${q};`);
      return `p${i}_${j}`;
    });
    const c = `g${i}`;
    names.forEach((q, j) => {
      const r = refs0[j];
      if (r < 0 || q === null) return;
      const term = cotangentTerm(q, c, rnd);
      if (has[r] === 0) {
        has[r] = 1;
        lines.push(`let g${r} = ${term};`);
      } else lines.push(`g${r} = ${rnd(`g${r} + ${term}`)};`);
    });
  }
  for (let k = 0; k < nInputs; k++) lines.push(`g[${k}] = ${has[k] === 1 ? `g${k}` : "0"};`);
  lines.push(`return ${out >= 0 ? `v${out}` : literal(constant)};`);
  const names = refs.values.map((_, j) => `k${j}`);
  const source = `"use strict";\nconst [${names.join(", ")}] = refs;\nreturn function compiledValueAndGrad(x, g) {\n  ${lines.join("\n  ")}\n};`;
  const run = new Function("refs", source)(refs.values) as Generated["run"];
  return { run, source };
}

/**
 * Compiles the value and gradient of a scalar program: the returned function traces `f` at its first call, generates
 * JavaScript for its value and gradient (each kink's policy choice compiled in behind a guard on its branch), and
 * runs that code on later calls. Results, kink reports and errors are bitwise those of `valueAndGrad(f, x, options)`.
 *
 * A later call throws, rather than answer for another program, when its input has another form (a number versus a
 * list of scalar tensors, another count), or when some kink application falls on another branch than at the first
 * call (relu's input crossing or reaching 0, say). The function must be built from the library's ops on scalars,
 * with no JavaScript branch on a traced value: reading a traced value (`.value`, `valueOf`) while tracing is refused.
 *
 * @example
 * ```ts
 * import { compileValueAndGrad, valueAndGrad, relu, mul, sub, policies, assert, assertEqual } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * const f = (t: Value) => mul(relu(sub(t, 1)), t);
 * const fast = compileValueAndGrad(f, { policy: policies.pytorch });
 * assertEqual(fast(3).grad, valueAndGrad(f, 3).grad); // traced at 3: relu's input is > 0
 * assertEqual(fast(2).value, 2);
 * let refused = "";
 * try {
 *   fast(0.5); // relu's input < 0: another branch
 * } catch (e) {
 *   refused = (e as Error).message;
 * }
 * assert(refused.includes("another branch"), "a call on another kink branch is refused");
 * ```
 */
export function compileValueAndGrad(f: (x: Tracer) => Value, options?: DiffOptions): CompiledValueAndGrad;
export function compileValueAndGrad(f: (x: Tracer[]) => Value, options?: DiffOptions): CompiledValueAndGradList;
export function compileValueAndGrad(
  f: ((x: Tracer) => Value) | ((x: Tracer[]) => Value),
  options?: DiffOptions,
): CompiledValueAndGrad | CompiledValueAndGradList {
  const op = "compileValueAndGrad";
  if (typeof f !== "function") throw new Error(`${op}: the first argument must be the function to differentiate`);
  // options are checked now, not at the first call
  record(op, () => 0, 0, options);
  let code: Generated | null = null;
  /** The kink log of the traced call, which every call reports (the branches, hence the kinks, are the traced ones). */
  let log: KinkLog | null = null;
  let policy: KinkPolicy | undefined;
  let precision: NumberFormat = "float64";
  let round: (x: number) => number = (v) => v;
  /** The form of the input: one scalar (a number or a scalar tensor) or a list of n scalar tensors. */
  let form: { multi: boolean; n: number } | null = null;
  let x = new Float64Array(0);
  let g = new Float64Array(0);
  const label = `${op}(${f.name || "anonymous"})`;

  /** One input number, checked and rounded as `record` does (same errors). */
  const load = (v: number, i: number, multi: boolean): void => {
    // the input's name is built only for a message
    if (!Number.isFinite(v)) checkFinite(op, new Tensor(Float64Array.of(v), []), multi ? `input ${i}` : "input");
    const r = round(v);
    if (r !== v && !Number.isFinite(r)) checkNoOverflow(op, multi ? `input ${i}` : "input", [v], [r], precision);
    x[i] = r;
  };
  const formError = (): Error =>
    new Error(
      `${label}: the input has another form than at the first call (${form!.multi ? `a list of ${form!.n} scalar tensors or ${form!.n} numbers` : "a number or a scalar tensor"}); compile again for this form`,
    );

  const first = (arg: Input): void => {
    // a list of numbers is a list of scalars here (a compiled program has no vector input)
    if (Array.isArray(arg) && arg.length > 0 && arg.every((v) => typeof v === "number"))
      arg = (arg as readonly number[]).map((v) => scalar(v));
    const packed = pack(op, arg as Primal);
    if (!packed.tensors.every((t) => t.shape.length === 0))
      throw new Error(
        `${label}: compiles programs of scalars only: the input must be a number, a scalar tensor or a list of scalar tensors`,
      );
    const rec = record(op, f as (x: unknown) => Value, arg as Primal, options, true, true);
    try {
      const tape = rec.tape;
      if (tape === undefined || rec.trace.fast !== tape) {
        throw new Error(
          `${label}: compiles programs of scalars only, but this one applied a primitive to a non-scalar value or one without a scalar rule (use valueAndGrad)`,
        );
      }
      if (rec.trace.valueRead) {
        throw new Error(
          `${label}: the function read a traced value (.value or valueOf): what it computes may then depend on the input in ways the trace cannot check, so it is not compiled (use valueAndGrad)`,
        );
      }
      policy = rec.trace.policy;
      precision = rec.trace.precision;
      round = rec.trace.round;
      log = { policy: rec.trace.policy, kinkEvents: rec.trace.kinkEvents.slice(), model: rec.trace.model };
      const n = rec.inputs.length;
      const out = rec.output;
      let constant = 0;
      if (!(out instanceof Tracer)) {
        const t = out instanceof Tensor ? out : new Tensor(Float64Array.of(out), []);
        if (t.size !== 1)
          throw new Error(`${label}: the function must return a scalar, but it returned a value of ${t.size} elements`);
        constant = t.data[0];
      }
      // a constant output still gets the guards: its kink report depends on the branches
      const index = out instanceof Tracer ? out.index : -1;
      code = generate(label, tape.program(), index, constant, n, precision, policy, round);
      form = { multi: packed.multi, n };
      x = new Float64Array(n);
      g = new Float64Array(n);
    } finally {
      rec.tape?.release();
    }
  };

  return ((arg: Input): ValueAndGrad<unknown> => {
    if (form === null) first(arg);
    const fm = form!;
    let numbers = false;
    if (fm.multi) {
      if (!Array.isArray(arg) || arg.length !== fm.n) throw formError();
      numbers = typeof arg[0] === "number";
      for (let i = 0; i < fm.n; i++) {
        const a: unknown = arg[i];
        if (numbers && typeof a === "number") load(a, i, true);
        else if (!numbers && a instanceof Tensor && a.shape.length === 0) load(a.data[0], i, true);
        else throw formError();
      }
    } else if (typeof arg === "number") load(arg, 0, false);
    else if (arg instanceof Tensor && arg.shape.length === 0) load(arg.data[0], 0, false);
    else throw formError();
    const value = code!.run(x, g);
    let grad: unknown;
    if (numbers) {
      const gs = new Array<number>(fm.n);
      for (let i = 0; i < fm.n; i++) gs[i] = g[i];
      grad = gs;
    } else if (fm.multi) {
      const gs = new Array<Tensor>(fm.n);
      for (let i = 0; i < fm.n; i++) gs[i] = scalar(g[i]);
      grad = gs;
    } else grad = typeof arg === "number" ? g[0] : scalar(g[0]);
    return new LazyValueAndGrad(value, grad, log!);
  }) as CompiledValueAndGrad | CompiledValueAndGradList;
}

/** The generated source of a compiled function's program at a point (for tests and the curious). @internal */
export function compiledSource<X extends number | Tensor | readonly Tensor[]>(
  f: (x: Traced<X>) => Value,
  x: X,
  options?: DiffOptions,
): string {
  const rec = record("compiledSource", f as (x: unknown) => Value, x as Primal, options, true, true);
  try {
    if (rec.tape === undefined || rec.trace.fast !== rec.tape || !(rec.output instanceof Tracer))
      throw new Error("compiledSource: not a scalar program with a traced output");
    return generate(
      "compiledSource",
      rec.tape.program(),
      rec.output.index,
      0,
      rec.inputs.length,
      rec.trace.precision,
      rec.trace.policy,
      rec.trace.round,
    ).source;
  } finally {
    rec.tape?.release();
  }
}
