/**
 * THE table of primitives: for each one, its value, its partial derivatives (or, for structural ops, its pair of
 * linear maps), its kinks and its lexicographic rule, side by side. Forward and reverse mode are both derived
 * from these declarations, so they pick the same element of the Clarke set at every kink by construction; the
 * policy tables, the kink report, kink location and the lexicographic mode read the kink declarations here too
 * (see `nonsmooth.ts` and CONTRIBUTING.md, "Adding a nonsmooth primitive").
 *
 * Partials are written with the library's own ops, so when the backward pass is recorded (Hessian-vector
 * products) they are differentiated too. Choices at kinks are constants chosen by the policy (Bolte and Pauwels
 * 2020: any such selection of the Clarke Jacobian, chain-ruled, is a conservative field for the program).
 *
 * @module
 */
import { Tensor, fmtShape, sameShape, shapeSize, broadcastShapes } from "../tensor";
import * as K from "../kernels";
import type { KinkPolicy, TieRule } from "../policy";
import { keyedUniform } from "../rng";
import { rounding } from "../precision";
import { modelLaneDot, modelMatmul2d, modelSumTo } from "../kernels-model";
import { apply, primal, shapeOf, Tracer } from "./trace";
import type { Env, LinEnv, Linear, Primitive, Value } from "./trace";
import { choose, fsign, fsignDiff, lexNotLipschitz, registerKink } from "./nonsmooth";
import type { ElementKinkCode } from "./nonsmooth";
import type { Bound, KinkChoice, KinkDeclaration, LexCols, LexRule, LexSide, LexSlot } from "./nonsmooth";

/* ------------------------------------------------------------------------------------------------ helpers */

/**
 * A partial derivative times a tangent or cotangent, with a strong zero: 0 * p = 0 even when p is infinite or
 * NaN, so a direction that does not move an input never meets the cusp of sqrt at 0 (style rule 6: symbolic zero
 * is not "no derivative", and 0 * Infinity is never computed). Forward and reverse mode then agree entry by
 * entry even where a partial is infinite.
 */
function scaleBy(p: Value | number, t: Value, env?: Env): Value {
  if (p === 1) return t;
  // not recording (plain tensors): straight to the kernel, skipping the bookkeeping of apply
  if (env && t instanceof Tensor && typeof p !== "number" && p instanceof Tensor)
    return K.map2("mulStrongZero", p, t, strongZeroProduct, env.round);
  if (p === -1) return apply(PRIMS.neg, [t], undefined);
  return apply(PRIMS.mulStrongZero, [p, t], undefined);
}

const strongZeroProduct = (a: number, b: number): number => (a === 0 || b === 0 ? 0 : a * b);

const addV = (a: Value, b: Value): Value => apply(PRIMS.add, [a, b], undefined);
const subV = (a: Value, b: Value): Value => apply(PRIMS.sub, [a, b], undefined);
const mulV = (a: Value, b: Value): Value => apply(PRIMS.mul, [a, b], undefined);
/** Weights (partials) times a tangent or cotangent, with the strong zero of scaleBy. */
const weightV = (w: Value, t: Value): Value => apply(PRIMS.mulStrongZero, [w, t], undefined);
const divV = (a: Value, b: Value): Value => apply(PRIMS.div, [a, b], undefined);
const negV = (a: Value): Value => apply(PRIMS.neg, [a], undefined);
const sumToV = (a: Value, shape: readonly number[]): Value =>
  sameShape(shapeOf(a), shape) ? a : apply(PRIMS.sumTo, [a], { shape: [...shape] });
const broadcastToV = (a: Value, shape: readonly number[]): Value =>
  sameShape(shapeOf(a), shape) ? a : apply(PRIMS.broadcastTo, [a], { shape: [...shape] });
const reshapeV = (a: Value, shape: readonly number[]): Value =>
  sameShape(shapeOf(a), shape) ? a : apply(PRIMS.reshape, [a], { shape: [...shape] });
/** Applies a table primitive by name (the explicit types keep the table's own type inference acyclic). */
function call(name: string, args: readonly Value[], params?: unknown): Value {
  return apply((PRIMS as unknown as Record<string, Primitive<unknown>>)[name], args, params);
}
const sumAxisV = (a: Value, axis: number | null, keepDims: boolean): Value => apply(PRIMS.sum, [a], { axis, keepDims });

/**
 * A constant tensor computed elementwise from the primal values of `xs` (broadcast): the way partials that
 * depend on a kink choice are built. `f` also receives the element index (for keyed random draws).
 */
function select(env: Env, xs: readonly Value[], f: (a: number[], element: number) => number): Tensor {
  const ts = xs.map(primal);
  const a = new Array<number>(ts.length);
  if (ts.length === 1 || ts.every((t) => sameShape(t.shape, ts[0].shape))) {
    // no broadcasting: read every operand at the same flat index
    const n = ts[0].size;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < ts.length; j++) a[j] = ts[j].data[i];
      out[i] = env.round(f(a, i));
    }
    return new Tensor(out, ts[0].shape);
  }
  const shape = broadcastShapes("select", ...ts.map((t) => t.shape));
  const idx = ts.map((t) => K.broadcastIndex(t.shape, shape));
  const n = shapeSize(shape);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < ts.length; j++) a[j] = ts[j].data[idx[j][i]];
    out[i] = env.round(f(a, i));
  }
  return new Tensor(out, shape);
}

/** Counts the (broadcast) elements where `at` holds. */
function countWhere<P>(xs: readonly Tensor[], at: (a: number[], params: P) => boolean, params: P): number {
  const a = new Array<number>(xs.length);
  let c = 0;
  if (xs.length === 1 || xs.every((t) => sameShape(t.shape, xs[0].shape))) {
    const n = xs[0].size;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < xs.length; j++) a[j] = xs[j].data[i];
      if (at(a, params)) c++;
    }
    return c;
  }
  const shape = broadcastShapes("kinks", ...xs.map((t) => t.shape));
  const idx = xs.map((t) => K.broadcastIndex(t.shape, shape));
  for (let i = 0; i < idx[0].length; i++) {
    for (let j = 0; j < xs.length; j++) a[j] = xs[j].data[idx[j][i]];
    if (at(a, params)) c++;
  }
  return c;
}

/**
 * The arithmetic partials are written in. Each elementwise primitive declares its partials ONCE against this
 * interface; the engine interprets the declaration in three algebras: on values (tensors or traced values, through
 * the primitives themselves, so a recorded backward pass can be differentiated again), on plain numbers (scalar
 * applications), and on JavaScript expressions (`codeAlgebra`: the scalar tape's backward kernels and
 * `compileValueAndGrad` generate code from it). All round after every operation in the same order, so they agree
 * bitwise.
 */
export interface Algebra<T> {
  add(a: T | number, b: T | number): T;
  sub(a: T | number, b: T | number): T;
  mul(a: T | number, b: T | number): T;
  div(a: T | number, b: T | number): T;
  neg(a: T): T;
  sin(a: T): T;
  cos(a: T): T;
  sigmoid(a: T): T;
  pow(a: T, p: number): T;
  /** A constant computed elementwise from primal values (the way a kink choice enters a partial). */
  select(env: Env, xs: readonly T[], f: (a: number[], element: number) => number): T;
}

/** The algebra of values: every operation is a primitive application (recorded when its inputs are traced). */
const VALUE_ALGEBRA: Algebra<Value> = {
  add: (a, b) => apply(PRIMS.add, [a, b], undefined),
  sub: (a, b) => apply(PRIMS.sub, [a, b], undefined),
  mul: (a, b) => apply(PRIMS.mul, [a, b], undefined),
  div: (a, b) => apply(PRIMS.div, [a, b], undefined),
  neg: (a) => apply(PRIMS.neg, [a], undefined),
  sin: (a) => call("sin", [a]),
  cos: (a) => call("cos", [a]),
  sigmoid: (a) => call("sigmoid", [a]),
  pow: (a, p) => call("pow", [a], { p }),
  select: (env, xs, f) => select(env, xs, f),
};

const numberAlgebras = new Map<K.Round, Algebra<number>>();

/** The algebra of plain numbers in a precision (each result rounded, as the value algebra's primitives do). */
let lastRound: K.Round | undefined;
let lastAlgebra: Algebra<number> | undefined;

function numberAlgebra(round: K.Round): Algebra<number> {
  if (round === lastRound) return lastAlgebra!; // one precision per call: skip the map lookup
  lastRound = round;
  lastAlgebra = numberAlgebraOf(round);
  return lastAlgebra;
}

function numberAlgebraOf(round: K.Round): Algebra<number> {
  let A = numberAlgebras.get(round);
  if (!A) {
    const r = round;
    A = {
      add: (a, b) => r(a + b),
      sub: (a, b) => r(a - b),
      mul: (a, b) => r(a * b),
      div: (a, b) => r(a / b),
      neg: (a) => -a,
      sin: (a) => r(Math.sin(a)),
      cos: (a) => r(Math.cos(a)),
      sigmoid: (a) => r(sigmoidValue(a)),
      pow: (a, p) => r(a ** p),
      select: (_env, xs, f) => r(f(xs as number[], 0)),
    };
    numberAlgebras.set(round, A);
  }
  return A;
}

/** Where the expression algebra puts what generated code refers to: constants and the selects of kink choices. */
export interface CodeSink {
  /** The expression of a constant number (exact: -0, NaN and infinities included). */
  number(v: number): string;
  /** The name under which generated code reaches a JavaScript value (a function the algebra calls). */
  ref(v: unknown): string;
  /** The expression of a select: the declared function `f` called at run time on the operands' expressions. */
  select(env: Env, xs: readonly string[], f: (a: number[], element: number) => number): string;
}

/**
 * The algebra of JavaScript expressions: the number algebra written out as code (the same operations in the same
 * order, each rounded by the function named `round`, or not at all when the precision is exact), so that code
 * generated from a primitive's declared partials computes bitwise what the number algebra computes.
 */
export function codeAlgebra(round: string | null, sink: CodeSink): Algebra<string> {
  const r = (e: string): string => (round === null ? `(${e})` : `${round}(${e})`);
  const x = (a: string | number): string => (typeof a === "number" ? sink.number(a) : a);
  return {
    add: (a, b) => r(`${x(a)} + ${x(b)}`),
    sub: (a, b) => r(`${x(a)} - ${x(b)}`),
    mul: (a, b) => r(`${x(a)} * ${x(b)}`),
    div: (a, b) => r(`${x(a)} / ${x(b)}`),
    neg: (a) => `(-${a})`,
    sin: (a) => r(`Math.sin(${a})`),
    cos: (a) => r(`Math.cos(${a})`),
    sigmoid: (a) => r(`${sink.ref(sigmoidValue)}(${a})`),
    pow: (a, p) => r(`${a} ** ${sink.number(p)}`),
    select: (env, xs, f) => r(sink.select(env, xs, f)),
  };
}

/** The logistic function, stable on both sides (never exp of a large positive number). */
function sigmoidValue(a: number): number {
  return a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a));
}

/** The choice at one kink hit, inside a partial: the element, the input value and, for `bounds` kinks, the bound. */
export type Choice = (env: LinEnv, element: number, x: number, part?: Bound) => number;

/**
 * The kink set of an elementwise primitive, declared next to its partials: everything the interpreters need.
 * Kink set, choice kind and Clarke range feed the policy tables and the kink report; `switching` feeds kink
 * location; `lex` feeds the lexicographic forward mode at a kink (away from kinks it uses the declared partials).
 */
export interface ElementwiseKink<P> {
  /** The policy key (a field of the policy; `primitives.NAME` for user primitives). */
  readonly key: string;
  /** What the policy chooses there, and its Clarke range. */
  readonly choice: KinkChoice;
  /** True exactly on the kink set. */
  readonly at: (a: number[], params: P) => boolean;
  /** Switching quantities at a point: exactly 0 on the kink set, changing sign across it (as many at every point). */
  readonly switching: (a: number[], params: P) => number[];
  /** `at` and `switching` written as JavaScript expressions, for generated code (see `ElementKinkCode`). */
  readonly code?: ElementKinkCode;
  /**
   * The partials at a kink in the lexicographic forward mode: those of the branch the program enters when it moves
   * along the directions, in order (`s.side(u, row)` is fsign(u, row); Khan and Barton 2015). Required unless the
   * kink is `notLipschitz`.
   */
  readonly lex?: (a: readonly number[], rows: readonly Float64Array[], s: LexSide, params: P) => readonly number[];
  /** Set when the function is not locally Lipschitz on its kink set (no Clarke set there): what AD returns. */
  readonly notLipschitz?: string;
  /** For a `notLipschitz` kink: where it sits, for the lexicographic evaluator's error ("at 0", ...). */
  readonly where?: (params: P) => string;
}

/** Declaration of an elementwise primitive: scalar value, partials, and (if nonsmooth) its kink set. */
export interface ElementwiseSpec<P> {
  readonly name: string;
  readonly arity: number;
  /** The scalar function (given the params). */
  readonly f: (params: P) => (...a: number[]) => number;
  /**
   * One partial per input at the point, written in the algebra K (see Algebra); a number is a constant partial
   * (1 and -1 cost no multiplication), null a structurally zero one. At a kink, `choice(env, element, x)` is the
   * policy's choice for this primitive's kink key (the key is written once, in `kink`).
   */
  readonly partials: <T>(
    K: Algebra<T>,
    xs: readonly T[],
    y: T,
    params: P,
    env: LinEnv,
    choice: Choice,
  ) => (T | number | null)[];
  /** The kink set: where the primitive is not differentiable. */
  readonly kink?: ElementwiseKink<P>;
  /** Why the lexicographic evaluator refuses this primitive (user primitives); absent: it is supported. */
  readonly lexRefusal?: string;
  readonly secondOrder?: boolean;
  readonly describe?: (params: P) => string;
}

/** The code form of the kink test `a === 0` with switching quantity a (relu, abs, sign, sqrt, ...). */
const AT_ZERO: ElementKinkCode = { at: ([a]) => `${a} === 0`, switching: ([a]) => [a], constantSelects: true };

/** The code form of the tie test `a === b` with switching quantity sign(a - b) (maximum, minimum). */
const AT_TIE: ElementKinkCode = {
  at: ([a, b]) => `${a} === ${b}`,
  switching: ([a, b]) => [`${a} > ${b} ? 1 : ${a} < ${b} ? -1 : ${a} === ${b} ? 0 : NaN`],
  constantSelects: true,
};

/** The switching quantities of every (broadcast) element of one application, in element order. */
function switchingOf<P>(xs: readonly Tensor[], rule: (a: number[], params: P) => number[], params: P): number[] {
  const out: number[] = [];
  const a = new Array<number>(xs.length);
  if (xs.length === 1 || xs.every((t) => sameShape(t.shape, xs[0].shape))) {
    const n = xs[0].size;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < xs.length; j++) a[j] = xs[j].data[i];
      for (const s of rule(a, params)) out.push(s);
    }
    return out;
  }
  const shape = broadcastShapes("kinks", ...xs.map((t) => t.shape));
  const idx = xs.map((t) => K.broadcastIndex(t.shape, shape));
  for (let i = 0; i < idx[0].length; i++) {
    for (let j = 0; j < xs.length; j++) a[j] = xs[j].data[idx[j][i]];
    for (const s of rule(a, params)) out.push(s);
  }
  return out;
}

/**
 * The environment the lexicographic rules evaluate the declared partials in: float64, and a policy that refuses
 * to be read (the smooth partials are used only off the kink set, where no choice is made).
 */
const LEX_ENV: LinEnv = {
  precision: "float64",
  round: rounding("float64"),
  node: -1,
  policy: new Proxy({} as KinkPolicy, {
    get(_t, prop) {
      throw new Error(
        `lexicographic: a kink policy was consulted off the kink set (property ${String(prop)}): a primitive's partials and its kink set disagree`,
      );
    },
  }),
};

/** Column j of a slot as a tensor (zeros for a constant). */
function colTensor(s: LexSlot, j: number): Tensor {
  return new Tensor(s.cols ? s.cols[j] : new Float64Array(s.value.size), s.value.shape);
}

/** The kink choice inside partials evaluated for the lexicographic mode: a placeholder the kink's own rule replaces. */
const LEX_PLACEHOLDER: Choice = () => NaN;

/**
 * The lexicographic rule of an elementwise primitive: per element, the declared partials off the kink set (all
 * elements at once, in the value algebra on plain tensors: the same float64 operations as the scalar path) and
 * the kink's own rule on it, times the inputs' tangent rows.
 */
function elementwiseLex<P>(spec: ElementwiseSpec<P>): LexRule<P> {
  const { name, kink } = spec;
  if (spec.lexRefusal !== undefined) {
    const why = spec.lexRefusal;
    return () => {
      throw new Error(`lexicographic: unsupported primitive "${name}": ${why}`);
    };
  }
  return (ins, out, params, k) => {
    const n = out.size;
    const idx = ins.map((s) => K.broadcastIndex(s.value.shape, out.shape));
    // the partials at every element (at kink elements a placeholder, replaced below)
    const partial = spec
      .partials(
        VALUE_ALGEBRA,
        ins.map((s) => s.value),
        out,
        params,
        LEX_ENV,
        LEX_PLACEHOLDER,
      )
      .map((q): ((e: number) => number) => {
        if (q === null) return () => 0;
        if (typeof q === "number") return () => q;
        const t = primal(q);
        const at = K.broadcastIndex(t.shape, out.shape);
        return (e) => t.data[at[e]];
      });
    const cols = Array.from({ length: k }, () => new Float64Array(n));
    const rows = ins.map(() => new Float64Array(k));
    const a = new Array<number>(ins.length);
    const sides: LexSide = { side: (u, row) => fsign(u, row, k), sideDiff: (x, y, X, Y) => fsignDiff(x, y, X, Y, k) };
    const p = new Array<number>(ins.length);
    for (let e = 0; e < n; e++) {
      for (let i = 0; i < ins.length; i++) {
        const at = idx[i][e];
        a[i] = ins[i].value.data[at];
        const c = ins[i].cols;
        for (let j = 0; j < k; j++) rows[i][j] = c ? c[j][at] : 0;
      }
      if (kink && kink.at(a, params)) {
        if (kink.lex) {
          const q = kink.lex(a, rows, sides, params);
          for (let i = 0; i < ins.length; i++) p[i] = q[i];
        } else {
          // not locally Lipschitz here: moving off the point along any direction has no finite derivative
          if (rows.some((r) => r.some((v, j) => j < k && v !== 0))) throw lexNotLipschitz(name, kink.where!(params));
          p.fill(0);
        }
      } else {
        for (let i = 0; i < ins.length; i++) p[i] = partial[i](e);
      }
      for (let i = 0; i < ins.length; i++) {
        if (!ins[i].cols || p[i] === 0) continue;
        for (let j = 0; j < k; j++) cols[j][e] += p[i] * rows[i][j];
      }
    }
    return cols;
  };
}

/** Builds an elementwise primitive: both linear maps, its kink declaration and its lexicographic rule come from the one spec. */
export function elementwise<P>(spec: ElementwiseSpec<P>): Primitive<P> {
  const { name, arity } = spec;
  const k = spec.kink;
  if (k) {
    if (!k.lex && !k.notLipschitz && spec.lexRefusal === undefined)
      throw new Error(`${name}: a Lipschitz kink needs a lexicographic rule (kink.lex)`);
    if (k.notLipschitz && !k.lex && !k.where)
      throw new Error(`${name}: a non-Lipschitz kink needs kink.where for the lexicographic evaluator's error`);
  }
  const kink: KinkDeclaration<P> | undefined = k && {
    key: k.key,
    op: name,
    choice: k.choice,
    notLipschitz: k.notLipschitz,
    count: (inputs, params) => countWhere(inputs, k.at, params),
    switching: (inputs, params) => switchingOf(inputs, k.switching, params),
    element: { at: k.at, lex: k.lex, switching: k.switching, code: k.code },
  };
  if (kink) registerKink(kink);
  const choice: Choice = (env, element, x, part) => {
    if (!kink) throw new Error(`${name}: a partial asked for a kink choice, but the primitive declares no kink`);
    return choose(env.policy, kink as KinkDeclaration<never>, env.node, element, x, part);
  };
  let fNoParams: ((...a: number[]) => number) | undefined; // the scalar function of a parameterless primitive, built once
  return {
    name,
    secondOrder: spec.secondOrder ?? true,
    describe: spec.describe,
    // present from the start, so every elementwise primitive keeps one object layout when the scalar tape fills it
    tapeSlot: undefined,
    value(inputs, params, env) {
      const f = params === undefined ? (fNoParams ??= spec.f(params)) : spec.f(params);
      if (arity === 1) return K.map1(inputs[0], f, env.round);
      if (arity === 2) return K.map2(name, inputs[0], inputs[1], f, env.round);
      return K.mapN(name, [...inputs], f, env.round);
    },
    linearize(xs, y, params, env): Linear {
      const ps = spec.partials(VALUE_ALGEBRA, xs, y, params, env, choice);
      const outShape = shapeOf(y);
      return {
        jvp(ts) {
          let acc: Value | null = null;
          for (let i = 0; i < arity; i++) {
            const p = ps[i];
            const t = ts[i];
            if (p === null || t === null || t === undefined) continue;
            const term = scaleBy(p, t, env);
            acc = acc === null ? term : addV(acc, term);
          }
          return acc === null ? null : broadcastToV(acc, outShape);
        },
        vjp(c, needed) {
          return ps.map((p, i) =>
            p === null || needed?.[i] === false ? null : sumToV(scaleBy(p, c, env), shapeOf(xs[i])),
          );
        },
      };
    },
    scalarValue:
      arity === 1
        ? (a, _b, params) => (params === undefined ? (fNoParams ??= spec.f(params)) : spec.f(params))(a)
        : arity === 2
          ? (a, b, params) => (params === undefined ? (fNoParams ??= spec.f(params)) : spec.f(params))(a, b)
          : undefined,
    scalarFunction: (params) =>
      arity <= 2 ? (params === undefined ? (fNoParams ??= spec.f(params)) : spec.f(params)) : undefined,
    codePartials(xs, y, params, env, K) {
      return spec.partials(K, xs, y, params, env, choice);
    },
    scalarPartials(xs, y, params, env) {
      return spec.partials(numberAlgebra(env.round), xs, y, params, env, choice);
    },
    scalarVjp(xs, y, params, env, c) {
      const ps = spec.partials(numberAlgebra(env.round), xs, y, params, env, choice);
      const out = new Array<number | null>(ps.length);
      for (let i = 0; i < ps.length; i++) {
        const p = ps[i];
        out[i] = p === null ? null : p === 1 ? c : env.round(strongZeroProduct(p, c));
      }
      return out;
    },
    kink,
    lex: elementwiseLex(spec),
  };
}

/** A lexicographic rule for an op linear in its single input: the op applied to each tangent column. */
function linearLex<P>(value: (inputs: readonly Tensor[], params: P, env: Env) => Tensor): LexRule<P> {
  return (ins, _out, params, k) => {
    const s = ins[0];
    if (!s.cols) return null;
    return Array.from({ length: k }, (_, j) => value([colTensor(s, j)], params, LEX_ENV).data);
  };
}

/** A primitive whose value is linear in its single input: jvp applies it, vjp applies its transpose. */
function linearPrimitive<P>(
  name: string,
  value: (x: Tensor, params: P, env: Env) => Tensor,
  transpose: (c: Value, x: Value, params: P) => Value,
  describe?: (params: P) => string,
): Primitive<P> {
  const prim: Primitive<P> = {
    name,
    secondOrder: true,
    describe,
    value: (inputs, params, env) => value(inputs[0], params, env),
    linearize(xs, _y, params) {
      return {
        jvp: (ts) => (ts[0] === null ? null : apply(prim, [ts[0]], params)),
        vjp: (c) => [transpose(c, xs[0], params)],
      };
    },
    lex: linearLex((inputs, params, env) => value(inputs[0], params, env)),
  };
  return prim;
}

/* -------------------------------------------------------------------------------- reductions with ties */

/** Weights of a max (or min) reduction: which entries of each lane receive the derivative. */
function extremumWeights(
  x: Tensor,
  axis: number | null,
  isMax: boolean,
  rule: TieRule,
  policy: KinkPolicy,
  node: number,
  round: K.Round,
): Tensor {
  const w = new Float64Array(x.size);
  const lanes = axis === null ? [[...Array(x.size).keys()]] : laneIndices(x.shape, axis);
  lanes.forEach((lane, li) => {
    let best = isMax ? -Infinity : Infinity;
    let hasNaN = false;
    for (const i of lane) {
      const v = x.data[i];
      if (v !== v) hasNaN = true;
      else if (isMax ? v > best : v < best) best = v;
    }
    if (hasNaN) {
      for (const i of lane) w[i] = NaN; // NaN in, NaN out: never silently a number
      return;
    }
    const ties = lane.filter((i) => x.data[i] === best);
    const k = ties.length;
    if (k === 1) {
      w[ties[0]] = 1;
      return;
    }
    const pick = policy.perKink?.({ key: isMax ? "maxTies" : "minTies", node, element: li, ties: k });
    if (pick !== undefined) {
      if (!(Number.isInteger(pick) && pick >= 0 && pick < k)) {
        throw new Error(
          `policy ${policy.name}: the choice ${pick} for ${isMax ? "maxTies" : "minTies"} must be the index of one of the ${k} tied entries`,
        );
      }
      w[ties[pick]] = 1;
      return;
    }
    if (policy.randomSeed !== undefined) {
      // uniform on the simplex of the tied entries (normalised exponentials), keyed like every random choice
      const e = ties.map((_i, j) => -Math.log(1 - keyedUniform(policy.randomSeed!, node, li, j, best)));
      const s = e.reduce((a, b) => a + b, 0);
      ties.forEach((i, j) => (w[i] = round(e[j] / s)));
      return;
    }
    switch (rule) {
      case "split":
        for (const i of ties) w[i] = round(1 / k);
        break;
      case "first":
        w[ties[0]] = 1;
        break;
      case "last":
        w[ties[k - 1]] = 1;
        break;
      case "each":
        for (const i of ties) w[i] = 1;
        break;
    }
  });
  return new Tensor(w, x.shape);
}

/** Flat indices of every lane along `axis`. */
function laneIndices(shape: readonly number[], axis: number): number[][] {
  const n = shape[axis];
  const outer = shapeSize(shape.slice(0, axis));
  const inner = shapeSize(shape.slice(axis + 1));
  const lanes: number[][] = [];
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const lane = new Array<number>(n);
      for (let j = 0; j < n; j++) lane[j] = o * n * inner + j * inner + i;
      lanes.push(lane);
    }
  return lanes;
}

/** Counts lanes with more than one extremal entry. */
function countTiedLanes(x: Tensor, axis: number | null, isMax: boolean): number {
  const lanes = axis === null ? [[...Array(x.size).keys()]] : laneIndices(x.shape, axis);
  let c = 0;
  for (const lane of lanes) {
    let best = isMax ? -Infinity : Infinity;
    for (const i of lane) if (isMax ? x.data[i] > best : x.data[i] < best) best = x.data[i];
    let k = 0;
    for (const i of lane) if (x.data[i] === best) k++;
    if (k > 1) c++;
  }
  return c;
}

/** The lanes of a reduction: every flat index at once (axis null), or the lanes along `axis`. */
function lanesOf(shape: readonly number[], axis: number | null): number[][] {
  return axis === null ? [[...Array(shapeSize(shape)).keys()]] : laneIndices(shape, axis);
}

/**
 * Switching quantities of a max (min) reduction: for each entry of each lane, x_i minus the max (min) of the
 * other entries. It is 0 exactly when x_i ties for the extremum, and changes sign when x_i enters or leaves the
 * set of extremal entries: the kink set of the reduction.
 */
function extremumSwitching(x: Tensor, axis: number | null, isMax: boolean): number[] {
  const out: number[] = [];
  for (const lane of lanesOf(x.shape, axis)) {
    if (lane.length < 2) continue;
    let best = lane[0];
    for (const i of lane) if (isMax ? x.data[i] > x.data[best] : x.data[i] < x.data[best]) best = i;
    let second = isMax ? -Infinity : Infinity;
    for (const i of lane) if (i !== best && (isMax ? x.data[i] > second : x.data[i] < second)) second = x.data[i];
    for (const i of lane) out.push(x.data[i] - (i === best ? second : x.data[best]));
  }
  return out;
}

/** Lexicographic rule of max / min over an axis: the entry that is lexicographically largest (smallest) in (u, U) wins each lane. */
function extremumLex(isMax: boolean): LexRule<AxisParams> {
  return ([s], _out, p, k) => {
    const ls = lanesOf(s.value.shape, p.axis);
    const cols = Array.from({ length: k }, () => new Float64Array(ls.length));
    if (!s.cols) return null;
    const c = s.cols;
    const d = s.value.data;
    const cmp = (i1: number, i2: number): number => {
      if (d[i1] !== d[i2]) return d[i1] > d[i2] ? 1 : -1;
      for (let j = 0; j < k; j++) if (c[j][i1] !== c[j][i2]) return c[j][i1] > c[j][i2] ? 1 : -1;
      return 0;
    };
    ls.forEach((lane, li) => {
      let best = lane[0];
      for (const i of lane) if (isMax ? cmp(i, best) > 0 : cmp(i, best) < 0) best = i;
      for (let j = 0; j < k; j++) cols[j][li] = c[j][best];
    });
    return cols;
  };
}

/** Σ over each lane of w · column: the tangent of a smooth reduction with weights w (the lexicographic rule of reductions). */
function weightedLanes(ls: readonly number[][], w: ArrayLike<number>, s: LexSlot, k: number): LexCols {
  if (!s.cols) return null;
  const cols = Array.from({ length: k }, () => new Float64Array(ls.length));
  for (let j = 0; j < k; j++) {
    const c = s.cols[j];
    ls.forEach((lane, li) => {
      let acc = 0;
      for (const i of lane) acc += w[i] * c[i];
      cols[j][li] = acc;
    });
  }
  return cols;
}

/**
 * log(sum_j exp(x_j)) of one lane, stably: m + log(sum exp(x - m)) with m the lane's max, rounded at every step
 * (under an arithmetic model, the sum of the terms exp(x_j - m) accumulated as the model adds, see `Env`).
 */
function stableLogSumExp(get: (j: number) => number, n: number, round: K.Round, env?: Env): number {
  let m = -Infinity;
  for (let j = 0; j < n; j++) m = Math.max(m, get(j));
  if (m === -Infinity || m === Infinity) return m;
  let s = 0;
  if (env?.contractions) s = modelLaneDot(env.contractions, n, (j) => round(Math.exp(round(get(j) - m))), null);
  else for (let j = 0; j < n; j++) s = round(s + round(Math.exp(round(get(j) - m))));
  return round(m + round(Math.log(s)));
}

interface AxisParams {
  readonly axis: number | null;
  readonly keepDims: boolean;
}

function reduceValue(x: Tensor, p: AxisParams, lane: (get: (j: number) => number, n: number) => number): Tensor {
  if (p.axis === null) {
    const v = lane((j) => x.data[j], x.size);
    return new Tensor(Float64Array.of(v), p.keepDims ? x.shape.map(() => 1) : []);
  }
  return K.reduceAxis(x, p.axis, p.keepDims, lane);
}

/** The shape a reduced value has with keepDims (for broadcasting cotangents back). */
function keptShape(shape: readonly number[], axis: number | null): number[] {
  return axis === null ? shape.map(() => 1) : shape.map((d, i) => (i === axis ? 1 : d));
}

function extremumPrimitive(name: "max" | "min"): Primitive<AxisParams> {
  const isMax = name === "max";
  // kinks: lanes whose extremum is attained more than once; the policy's maxTies / minTies shares the derivative
  const kink: KinkDeclaration<AxisParams> = {
    key: isMax ? "maxTies" : "minTies",
    op: name,
    choice: { kind: "ties" },
    count: (inputs, p) => countTiedLanes(inputs[0], p.axis, isMax),
    switching: (inputs, p) => extremumSwitching(inputs[0], p.axis, isMax),
  };
  registerKink(kink);
  return {
    name,
    secondOrder: true,
    describe: (p) => `axis=${p.axis}`,
    value(inputs, p) {
      return reduceValue(inputs[0], p, (get, n) => {
        if (n === 0) throw new Error(`${name}: cannot reduce an empty axis`);
        let b = get(0);
        for (let j = 1; j < n; j++) {
          const v = get(j);
          if (v !== v || b !== b) b = NaN;
          else if (isMax ? v > b : v < b) b = v;
        }
        return b;
      });
    },
    linearize(xs, _y, p, env) {
      const x = primal(xs[0]);
      const w = extremumWeights(
        x,
        p.axis,
        isMax,
        isMax ? env.policy.maxTies : env.policy.minTies,
        env.policy,
        env.node,
        env.round,
      );
      const kept = keptShape(x.shape, p.axis);
      return {
        jvp: (ts) => (ts[0] === null ? null : sumAxisV(weightV(w, ts[0]), p.axis, p.keepDims)),
        vjp: (c) => [weightV(w, broadcastToV(reshapeV(c, kept), x.shape))],
      };
    },
    kink,
    lex: extremumLex(isMax),
  };
}

/* ---------------------------------------------------------------------------------------------- matmul */

interface MatmulParams {
  readonly transA: boolean;
  readonly transB: boolean;
}

const matmulPrim: Primitive<MatmulParams> = {
  name: "matmul",
  secondOrder: true,
  describe: (p) => (p.transA || p.transB ? `transA=${p.transA} transB=${p.transB}` : ""),
  value(inputs, p, env) {
    const [a, b] = inputs;
    if (a.rank !== 2 || b.rank !== 2) {
      throw new Error(
        `matmul: expected 2-D operands after promotion, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
      );
    }
    if (env.contractions) return modelMatmul2d(a, b, p.transA, p.transB, env.contractions);
    return K.matmul2d(a, b, p.transA, p.transB, env.round);
  },
  linearize(xs, _y, p) {
    const [A, B] = xs;
    const mm = (x: Value, y: Value, tA: boolean, tB: boolean): Value =>
      apply(matmulPrim, [x, y], { transA: tA, transB: tB });
    return {
      jvp([ta, tb]) {
        const t1 = ta ? mm(ta, B, p.transA, p.transB) : null;
        const t2 = tb ? mm(A, tb, p.transA, p.transB) : null;
        return t1 && t2 ? addV(t1, t2) : (t1 ?? t2);
      },
      vjp(c, needed) {
        // C = op(A) op(B): d op(A) = dC op(B)^T and d op(B) = op(A)^T dC, transposed back when op transposes.
        const gA = needed?.[0] === false ? null : p.transA ? mm(B, c, p.transB, true) : mm(c, B, false, !p.transB);
        const gB = needed?.[1] === false ? null : p.transB ? mm(c, A, true, p.transA) : mm(A, c, !p.transA, false);
        return [gA, gB];
      },
    };
  },
  // bilinear: the tangent of A B along direction j is A_j B + A B_j
  lex([A, B], out, p, k) {
    return Array.from({ length: k }, (_, j) => {
      const acc = new Float64Array(out.size);
      if (A.cols) matmulPrim.value([colTensor(A, j), B.value], p, LEX_ENV).data.forEach((v, i) => (acc[i] += v));
      if (B.cols) matmulPrim.value([A.value, colTensor(B, j)], p, LEX_ENV).data.forEach((v, i) => (acc[i] += v));
      return acc;
    });
  },
};

/* ------------------------------------------------------------------------------------------ the table */

/**
 * The norm's kink: x = 0, a single point where it is nonsmooth in all variables at once. Its switching quantity
 * max |x_i| is 0 exactly there and never changes sign: along a line the point is found only when a sampled point
 * hits it (a line meets it by chance only).
 */
const normKink: KinkDeclaration<void> = {
  key: "norm",
  op: "norm",
  choice: { kind: "norm" },
  count: (inputs) => (inputs[0].data.every((v) => v === 0) ? 1 : 0),
  switching: (inputs) => [inputs[0].data.reduce((m, v) => Math.max(m, Math.abs(v)), 0)],
};
registerKink(normKink);

function sumValue(inputs: readonly Tensor[], p: AxisParams, env: Env): Tensor {
  const model = env.contractions;
  if (model) return reduceValue(inputs[0], p, (get, n) => modelLaneDot(model, n, get, null));
  return reduceValue(inputs[0], p, (get, n) => {
    let s = 0;
    for (let j = 0; j < n; j++) s = env.round(s + get(j));
    return s;
  });
}

/** Every built-in primitive, declared once. */
export const PRIMS = {
  add: elementwise<void>({ name: "add", arity: 2, f: () => (a, b) => a + b, partials: () => [1, 1] }),
  sub: elementwise<void>({ name: "sub", arity: 2, f: () => (a, b) => a - b, partials: () => [1, -1] }),
  mul: elementwise<void>({ name: "mul", arity: 2, f: () => (a, b) => a * b, partials: (_K, [a, b]) => [b, a] }),
  // the product of linear maps: like mul, but 0 times anything (inf, NaN) is 0
  mulStrongZero: elementwise<void>({
    name: "mulStrongZero",
    arity: 2,
    f: () => strongZeroProduct,
    partials: (_K, [a, b]) => [b, a],
  }),
  div: elementwise<void>({
    name: "div",
    arity: 2,
    f: () => (a, b) => a / b,
    partials: (K, [, b], y) => [K.div(1, b), K.neg(K.div(y, b))],
  }),
  neg: elementwise<void>({ name: "neg", arity: 1, f: () => (a) => -a, partials: () => [-1] }),
  square: elementwise<void>({ name: "square", arity: 1, f: () => (a) => a * a, partials: (K, [x]) => [K.mul(2, x)] }),
  pow: elementwise<{ p: number }>({
    name: "pow",
    arity: 1,
    f:
      ({ p }) =>
      (a) =>
        a ** p,
    partials: (K, [x], _y, { p }) => [p === 0 ? null : p === 1 ? 1 : p === 2 ? K.mul(2, x) : K.mul(p, K.pow(x, p - 1))],
    // x^p with 0 < p < 1 has an infinite derivative at 0 (like sqrt): reported, not drawn.
    kink: {
      key: "pow",
      choice: { kind: "fixed", words: "derivative +inf" },
      at: ([a], { p }) => a === 0 && p > 0 && p < 1,
      switching: ([a], { p }) => (p > 0 && p < 1 ? [a] : [1]),
      notLipschitz: "infinite derivative at 0",
      where: ({ p }) => `with exponent ${p} at 0`,
    },
    describe: ({ p }) => `p=${p}`,
  }),
  exp: elementwise<void>({ name: "exp", arity: 1, f: () => Math.exp, partials: (_K, _x, y) => [y] }),
  log: elementwise<void>({ name: "log", arity: 1, f: () => Math.log, partials: (K, [x]) => [K.div(1, x)] }),
  sqrt: elementwise<void>({
    name: "sqrt",
    arity: 1,
    f: () => Math.sqrt,
    partials: (K, _x, y) => [K.div(0.5, y)], // +inf at 0, as every framework returns
    kink: {
      key: "sqrt",
      choice: { kind: "fixed", words: "derivative +inf" },
      at: ([a]) => a === 0,
      switching: ([a]) => [a],
      code: AT_ZERO,
      notLipschitz: "sqrt is not Lipschitz at 0: derivative +inf",
      where: () => "at 0",
    },
  }),
  sin: elementwise<void>({ name: "sin", arity: 1, f: () => Math.sin, partials: (K, [x]) => [K.cos(x)] }),
  cos: elementwise<void>({ name: "cos", arity: 1, f: () => Math.cos, partials: (K, [x]) => [K.neg(K.sin(x))] }),
  tanh: elementwise<void>({
    name: "tanh",
    arity: 1,
    f: () => Math.tanh,
    partials: (K, _x, y) => [K.sub(1, K.mul(y, y))],
  }),
  sigmoid: elementwise<void>({
    name: "sigmoid",
    arity: 1,
    // stable on both sides: never exp of a large positive number
    f: () => sigmoidValue,
    partials: (K, _x, y) => [K.mul(y, K.sub(1, y))],
  }),
  softplus: elementwise<void>({
    name: "softplus",
    arity: 1,
    // log(1 + e^a) = max(a, 0) + log1p(e^-|a|): a smooth primitive, not assembled from nonsmooth parts
    f: () => (a) => Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a))),
    partials: (K, [x]) => [K.sigmoid(x)],
  }),
  relu: elementwise<void>({
    name: "relu",
    arity: 1,
    f: () => (a) => (a > 0 ? a : a === a ? 0 : NaN),
    // relu'(0) = s, any s in [0, 1] = Clarke set; PyTorch and TensorFlow take 0 (talk, Part I).
    partials: (K, [x], _y, _p, env, choice) => [
      K.select(env, [x], ([a], i) => (a > 0 ? 1 : a < 0 ? 0 : a === 0 ? choice(env, i, a) : NaN)),
    ],
    kink: {
      key: "relu",
      choice: { kind: "scalar", range: [0, 1] },
      at: ([a]) => a === 0,
      switching: ([a]) => [a],
      code: AT_ZERO,
      lex: ([a], [R], s) => [s.side(a, R) > 0 ? 1 : 0],
    },
  }),
  leakyRelu: elementwise<{ slope: number }>({
    name: "leakyRelu",
    arity: 1,
    f:
      ({ slope }) =>
      (a) =>
        a > 0 ? a : slope * a,
    partials: (K, [x], _y, { slope }, env, choice) => [
      K.select(env, [x], ([a], i) => {
        if (a > 0) return 1;
        if (a < 0) return slope;
        if (a !== 0) return NaN;
        const th = choice(env, i, a);
        return (1 - th) * slope + th; // Clarke set: the segment between slope and 1
      }),
    ],
    kink: {
      key: "leakyRelu",
      choice: { kind: "scalar", range: [0, 1] },
      at: ([a]) => a === 0,
      switching: ([a]) => [a],
      code: AT_ZERO,
      lex: ([a], [R], s, { slope }) => [s.side(a, R) > 0 ? 1 : slope],
    },
    describe: ({ slope }) => `slope=${slope}`,
  }),
  abs: elementwise<void>({
    name: "abs",
    arity: 1,
    f: () => Math.abs,
    partials: (K, [x], _y, _p, env, choice) => [
      K.select(env, [x], ([a], i) => (a > 0 ? 1 : a < 0 ? -1 : a === 0 ? choice(env, i, a) : NaN)),
    ],
    kink: {
      key: "abs",
      choice: { kind: "scalar", range: [-1, 1] },
      at: ([a]) => a === 0,
      switching: ([a]) => [a],
      code: AT_ZERO,
      lex: ([a], [R], s) => [s.side(a, R) || 0],
    },
  }),
  sign: elementwise<void>({
    name: "sign",
    arity: 1,
    f: () => (a) => (a > 0 ? 1 : a < 0 ? -1 : a === 0 ? 0 : NaN),
    // derivative 0 off 0; at 0 sign jumps: not Lipschitz, no Clarke set; 0 as every framework returns.
    partials: () => [null],
    kink: {
      key: "sign",
      choice: { kind: "fixed", words: "derivative 0" },
      at: ([a]) => a === 0,
      switching: ([a]) => [a],
      code: AT_ZERO,
      notLipschitz: "sign jumps at 0: derivative taken as 0",
      where: () => "jumps at 0",
    },
  }),
  maximum: elementwise<void>({
    name: "maximum",
    arity: 2,
    f: () => (a, b) => (a > b ? a : b > a ? b : a === b ? a : NaN),
    // at a tie the Clarke set is {(w, 1 - w) : w in [0, 1]}
    partials: (K, xs, _y, _p, env, choice) => {
      const wa = K.select(env, xs, ([a, b], i) => (a > b ? 1 : a < b ? 0 : a === b ? choice(env, i, a) : NaN));
      const wb = K.select(env, xs, ([a, b], i) => (a > b ? 0 : a < b ? 1 : a === b ? 1 - choice(env, i, a) : NaN));
      return [wa, wb];
    },
    kink: {
      key: "maximum",
      choice: { kind: "scalar", range: [0, 1] },
      at: ([a, b]) => a === b,
      switching: ([a, b]) => [a > b ? 1 : a < b ? -1 : a === b ? 0 : NaN],
      code: AT_TIE,
      lex: ([a, b], [A, B], s) => (s.sideDiff(a, b, A, B) >= 0 ? [1, 0] : [0, 1]),
    },
  }),
  minimum: elementwise<void>({
    name: "minimum",
    arity: 2,
    f: () => (a, b) => (a < b ? a : b < a ? b : a === b ? a : NaN),
    partials: (K, xs, _y, _p, env, choice) => {
      const wa = K.select(env, xs, ([a, b], i) => (a < b ? 1 : a > b ? 0 : a === b ? choice(env, i, a) : NaN));
      const wb = K.select(env, xs, ([a, b], i) => (a < b ? 0 : a > b ? 1 : a === b ? 1 - choice(env, i, a) : NaN));
      return [wa, wb];
    },
    kink: {
      key: "minimum",
      choice: { kind: "scalar", range: [0, 1] },
      at: ([a, b]) => a === b,
      switching: ([a, b]) => [a > b ? 1 : a < b ? -1 : a === b ? 0 : NaN],
      code: AT_TIE,
      lex: ([a, b], [A, B], s) => (s.sideDiff(a, b, A, B) <= 0 ? [1, 0] : [0, 1]),
    },
  }),
  clip: clampPrimitive("clip"),
  hardtanh: clampPrimitive("hardtanh"),
  relu6: clampPrimitive("relu6"),
  hinge: elementwise<void>({
    name: "hinge",
    arity: 1,
    // hinge(t) = max(0, 1 - t); at t = 1 the Clarke set is [-1, 0]
    f: () => (a) => (a < 1 ? 1 - a : a === a ? 0 : NaN),
    partials: (K, [x], _y, _p, env, choice) => [
      K.select(env, [x], ([a], i) => (a < 1 ? -1 : a > 1 ? 0 : a === 1 ? choice(env, i, a) : NaN)),
    ],
    kink: {
      key: "hinge",
      choice: { kind: "scalar", range: [-1, 0] },
      at: ([a]) => a === 1,
      switching: ([a]) => [a - 1],
      code: { at: ([a]) => `${a} === 1`, switching: ([a]) => [`${a} - 1`], constantSelects: true },
      lex: ([a], [R], s) => [s.side(a - 1, R) < 0 ? -1 : 0],
    },
  }),
  softshrink: elementwise<{ lambda: number }>({
    name: "softshrink",
    arity: 1,
    // the proximal map of λ|x| (soft thresholding): x - λ sign(x) off [-λ, λ], 0 on it
    f:
      ({ lambda }) =>
      (a) =>
        a > lambda ? a - lambda : a < -lambda ? a + lambda : a === a ? 0 : NaN,
    // derivative 1 outside [-λ, λ], 0 inside; at ±λ the Clarke set is [0, 1] and the policy picks per bound
    partials: (K, [x], _y, { lambda }, env, choice) => [
      K.select(env, [x], ([a], i) => {
        if (a > lambda || a < -lambda) return 1;
        if (a > -lambda && a < lambda) return 0;
        if (a === -lambda) return choice(env, i, a, "lower");
        if (a === lambda) return choice(env, i, a, "upper");
        return NaN;
      }),
    ],
    kink: {
      key: "softshrink",
      choice: { kind: "bounds", range: [0, 1] },
      at: ([a], { lambda }) => a === -lambda || a === lambda,
      switching: ([a], { lambda }) => [a > -lambda ? 1 : a < -lambda ? -1 : 0, a > lambda ? 1 : a < lambda ? -1 : 0],
      code: {
        at: ([a], p) => `${a} === -${p}.lambda || ${a} === ${p}.lambda`,
        switching: ([a], p) => [
          `${a} > -${p}.lambda ? 1 : ${a} < -${p}.lambda ? -1 : 0`,
          `${a} > ${p}.lambda ? 1 : ${a} < ${p}.lambda ? -1 : 0`,
        ],
        constantSelects: true,
      },
      // at -λ the program leaves the dead zone only when moving down, at λ only when moving up
      lex: ([a], [R], s, { lambda }) => [a === lambda ? (s.side(0, R) > 0 ? 1 : 0) : s.side(0, R) < 0 ? 1 : 0],
    },
    describe: ({ lambda }) => `lambda=${lambda}`,
  }),
  sum: {
    name: "sum",
    secondOrder: true,
    describe: (p: AxisParams) => `axis=${p.axis}`,
    value: sumValue,
    linearize(xs: readonly Value[], _y: Value, p: AxisParams): Linear {
      const shape = shapeOf(xs[0]);
      return {
        jvp: (ts) => (ts[0] === null ? null : sumAxisV(ts[0], p.axis, p.keepDims)),
        vjp: (c) => [broadcastToV(reshapeV(c, keptShape(shape, p.axis)), shape)],
      };
    },
    lex: linearLex(sumValue),
  } as Primitive<AxisParams>,
  max: extremumPrimitive("max"),
  min: extremumPrimitive("min"),
  matmul: matmulPrim,
  reshape: linearPrimitive<{ shape: number[] }>(
    "reshape",
    (x, { shape }) => {
      if (shapeSize(shape) !== x.size)
        throw new Error(`reshape: cannot reshape ${fmtShape(x.shape)} (${x.size} elements) to ${fmtShape(shape)}`);
      return new Tensor(x.data, shape);
    },
    (c, x) => reshapeV(c, shapeOf(x)),
    ({ shape }) => `shape=${fmtShape(shape)}`,
  ),
  transpose: linearPrimitive<{ perm: number[] }>(
    "transpose",
    (x, { perm }) => K.transposeKernel(x, perm),
    (c, _x, { perm }) => {
      const inv = new Array<number>(perm.length);
      perm.forEach((p, i) => (inv[p] = i));
      return call("transpose", [c], { perm: inv });
    },
    ({ perm }) => `perm=[${perm.join(", ")}]`,
  ),
  slice: linearPrimitive<{ begin: number[]; size: number[] }>(
    "slice",
    (x, { begin, size }) => K.sliceKernel(x, begin, size),
    (c, x, { begin }) => call("pad", [c], { shape: [...shapeOf(x)], begin }),
    ({ begin, size }) => `begin=[${begin}] size=[${size}]`,
  ),
  pad: linearPrimitive<{ shape: number[]; begin: number[] }>(
    "pad",
    (x, { shape, begin }) => K.padKernel(x, shape, begin),
    (c, x, { begin }) => call("slice", [c], { begin, size: [...shapeOf(x)] }),
    ({ shape, begin }) => `shape=${fmtShape(shape)} begin=[${begin}]`,
  ),
  broadcastTo: linearPrimitive<{ shape: number[] }>(
    "broadcastTo",
    (x, { shape }) => K.broadcastTo(x, shape),
    (c, x) => sumToV(c, shapeOf(x)),
    ({ shape }) => `shape=${fmtShape(shape)}`,
  ),
  sumTo: linearPrimitive<{ shape: number[] }>(
    "sumTo",
    (x, { shape }, env) =>
      env.contractions && !sameShape(x.shape, shape)
        ? modelSumTo(x, shape, env.contractions)
        : K.sumTo(x, shape, env.round),
    (c, x) => broadcastToV(c, shapeOf(x)),
    ({ shape }) => `shape=${fmtShape(shape)}`,
  ),
  concat: {
    name: "concat",
    secondOrder: true,
    describe: (p: { axis: number }) => `axis=${p.axis}`,
    value: (inputs: readonly Tensor[], p: { axis: number }) => K.concatKernel([...inputs], p.axis),
    linearize(xs: readonly Value[], _y: Value, p: { axis: number }): Linear {
      const shapes = xs.map(shapeOf);
      return {
        jvp(ts) {
          if (ts.every((t) => t === null)) return null;
          const parts = ts.map((t, i) => t ?? new Tensor(new Float64Array(shapeSize(shapes[i])), [...shapes[i]]));
          return call("concat", parts, p);
        },
        vjp(c) {
          let off = 0;
          return shapes.map((s) => {
            const begin = s.map((_, i) => (i === p.axis ? off : 0));
            off += s[p.axis];
            return call("slice", [c], { begin, size: [...s] });
          });
        },
      };
    },
    lex: (ins: readonly LexSlot[], _out: Tensor, p: { axis: number }, k: number): LexCols =>
      Array.from(
        { length: k },
        (_, j) =>
          K.concatKernel(
            ins.map((s) => colTensor(s, j)),
            p.axis,
          ).data,
      ),
  } as Primitive<{ axis: number }>,
  logsumexp: {
    name: "logsumexp",
    secondOrder: true,
    describe: (p: AxisParams) => `axis=${p.axis}`,
    value(inputs: readonly Tensor[], p: AxisParams, env: Env) {
      return reduceValue(inputs[0], p, (get, n) => {
        if (n === 0) throw new Error("logsumexp: cannot reduce an empty axis"); // log 0 = -Infinity, then NaN: refuse, like max
        return stableLogSumExp(get, n, env.round, env);
      });
    },
    linearize(xs: readonly Value[], y: Value, p: AxisParams): Linear {
      const shape = shapeOf(xs[0]);
      const kept = keptShape(shape, p.axis);
      // the partials are the softmax weights exp(x - lse)
      const w = call("exp", [subV(xs[0], broadcastToV(reshapeV(y, kept), shape))], undefined);
      return {
        jvp: (ts) => (ts[0] === null ? null : sumAxisV(weightV(w, ts[0]), p.axis, p.keepDims)),
        vjp: (c) => [weightV(w, broadcastToV(reshapeV(c, kept), shape))],
      };
    },
    lex([s]: readonly LexSlot[], out: Tensor, p: AxisParams, k: number): LexCols {
      const ls = lanesOf(s.value.shape, p.axis);
      const w = new Float64Array(s.value.size);
      ls.forEach((lane, li) => lane.forEach((i) => (w[i] = Math.exp(s.value.data[i] - out.data[li]))));
      return weightedLanes(ls, w, s, k);
    },
  } as Primitive<AxisParams>,
  softmaxCrossEntropy: {
    name: "softmaxCrossEntropy",
    secondOrder: true,
    // inputs: logits [..., C] and target probabilities [..., C] (one-hot or soft labels, a constant)
    value(inputs: readonly Tensor[], _p: void, env: Env) {
      const [z, y] = inputs;
      if (!sameShape(z.shape, y.shape)) {
        throw new Error(
          `softmaxCrossEntropy: logits ${fmtShape(z.shape)} and targets ${fmtShape(y.shape)} must have the same shape`,
        );
      }
      const axis = z.rank - 1;
      const C = z.shape[axis];
      const rows = z.size / C;
      const out = new Float64Array(rows);
      for (let r = 0; r < rows; r++) {
        const lse = stableLogSumExp((j) => z.data[r * C + j], C, env.round, env);
        let l = 0;
        if (env.contractions)
          l = modelLaneDot(
            env.contractions,
            C,
            (j) => y.data[r * C + j],
            (j) => env.round(lse - z.data[r * C + j]),
          );
        else
          for (let j = 0; j < C; j++)
            l = env.round(l + env.round(y.data[r * C + j] * env.round(lse - z.data[r * C + j])));
        out[r] = l;
      }
      return new Tensor(out, z.shape.slice(0, axis));
    },
    linearize(xs: readonly Value[]): Linear {
      const [z, y] = xs;
      if (y instanceof Tracer) throw new Error("softmaxCrossEntropy: the targets must be constants, not traced values");
      const shape = shapeOf(z);
      const axis = shape.length - 1;
      const kept = keptShape(shape, axis);
      const lse = call("logsumexp", [z], { axis, keepDims: true });
      const soft = call("exp", [subV(z, broadcastToV(lse, shape))], undefined);
      // d/dz sum_j y_j (lse - z_j) = softmax(z) * sum_j y_j - y
      const ysum = sumAxisV(y, axis, true);
      const g = subV(mulV(soft, broadcastToV(ysum, shape)), y);
      return {
        jvp: (ts) => (ts[0] === null ? null : sumAxisV(weightV(g, ts[0]), axis, false)),
        vjp: (c) => [weightV(g, broadcastToV(reshapeV(c, kept), shape)), null],
      };
    },
    lex([Z, Y]: readonly LexSlot[], _out: Tensor, _p: void, k: number): LexCols {
      if (Y.cols)
        throw new Error("lexicographic: softmaxCrossEntropy: the targets must be constants, not traced values");
      const shape = Z.value.shape;
      const ls = lanesOf(shape, shape.length - 1);
      const w = new Float64Array(Z.value.size);
      for (const lane of ls) {
        let m = -Infinity;
        for (const i of lane) m = Math.max(m, Z.value.data[i]);
        let s = 0;
        let ys = 0;
        for (const i of lane) {
          s += Math.exp(Z.value.data[i] - m);
          ys += Y.value.data[i];
        }
        for (const i of lane) w[i] = (Math.exp(Z.value.data[i] - m) / s) * ys - Y.value.data[i];
      }
      return weightedLanes(ls, w, Z, k);
    },
  } as Primitive<void>,
  squaredError: {
    name: "squaredError",
    secondOrder: true,
    // sum over the last axis of (prediction - target)^2: the talk's ||.||^2 per sample
    value(inputs: readonly Tensor[], _p: void, env: Env) {
      const [a, b] = inputs;
      if (!sameShape(a.shape, b.shape)) {
        throw new Error(
          `squaredError: prediction ${fmtShape(a.shape)} and target ${fmtShape(b.shape)} must have the same shape`,
        );
      }
      const model = env.contractions;
      if (a.rank === 0) {
        const d = env.round(a.data[0] - b.data[0]);
        const v = model
          ? modelLaneDot(
              model,
              1,
              () => d,
              () => d,
            )
          : env.round(d ** 2);
        return new Tensor(Float64Array.of(v), []);
      }
      const C = a.shape[a.rank - 1];
      const rows = C === 0 ? 0 : a.size / C;
      const out = new Float64Array(rows);
      for (let r = 0; r < rows; r++) {
        if (model) {
          const at = (j: number): number => env.round(a.data[r * C + j] - b.data[r * C + j]);
          out[r] = modelLaneDot(model, C, at, at);
          continue;
        }
        let s = 0;
        for (let j = 0; j < C; j++) {
          const d = env.round(a.data[r * C + j] - b.data[r * C + j]);
          s = env.round(s + env.round(d * d));
        }
        out[r] = s;
      }
      return new Tensor(out, a.shape.slice(0, a.rank - 1));
    },
    linearize(xs: readonly Value[]): Linear {
      const shape = shapeOf(xs[0]);
      const axis = shape.length === 0 ? null : shape.length - 1;
      const g = mulV(2, subV(xs[0], xs[1]));
      const kept = keptShape(shape, axis);
      const red = (v: Value): Value => (axis === null ? v : sumAxisV(v, axis, false));
      return {
        jvp([ta, tb]) {
          const d = ta && tb ? subV(ta, tb) : ta ? ta : tb ? negV(tb) : null;
          return d === null ? null : red(weightV(g, d));
        },
        vjp(c) {
          const gc = weightV(g, broadcastToV(reshapeV(c, kept), shape));
          return [gc, negV(gc)];
        },
      };
    },
    lex([A, B]: readonly LexSlot[], _out: Tensor, _p: void, k: number): LexCols {
      const shape = A.value.shape;
      const ls = shape.length === 0 ? [[0]] : lanesOf(shape, shape.length - 1);
      const w = A.value.data.map((v, i) => 2 * (v - B.value.data[i]));
      const ta = weightedLanes(ls, w, A, k);
      const tb = weightedLanes(ls, w, B, k);
      if (!ta) return tb && tb.map((c) => c.map((v) => -v));
      if (tb) ta.forEach((c, j) => c.forEach((v, i) => (c[i] = v - tb[j][i])));
      return ta;
    },
  } as Primitive<void>,
  norm: {
    name: "norm",
    secondOrder: true,
    value(inputs: readonly Tensor[], _p: void, env: Env) {
      const d = inputs[0].data;
      let s = 0;
      if (env.contractions)
        s = modelLaneDot(
          env.contractions,
          d.length,
          (i) => d[i],
          (i) => d[i],
        );
      else for (let i = 0; i < d.length; i++) s = env.round(s + env.round(d[i] * d[i]));
      return new Tensor(Float64Array.of(env.round(Math.sqrt(s))), []);
    },
    linearize(xs: readonly Value[], y: Value, _p: void, env: LinEnv): Linear {
      const x = xs[0];
      const shape = shapeOf(x);
      let g: Value;
      const xd = primal(x).data;
      if (xd.every((v) => v === 0)) {
        // at 0 the Clarke set is the unit ball: 0 is in it (PyTorch, TensorFlow); x/||x|| gives NaN (JAX, tfjs)
        if (env.policy.randomSeed !== undefined) {
          const n = shapeSize(shape);
          const v = Array.from({ length: n }, (_, i) => keyedUniform(env.policy.randomSeed!, env.node, i, 0) * 2 - 1);
          const r = Math.sqrt(v.reduce((a, b) => a + b * b, 0)) || 1;
          const rad = keyedUniform(env.policy.randomSeed!, env.node, -1, 0) ** (1 / Math.max(n, 1));
          g = new Tensor(
            Float64Array.from(v, (t) => env.round((t / r) * rad)),
            [...shape],
          );
        } else {
          g = new Tensor(new Float64Array(shapeSize(shape)).fill(env.policy.norm === "zero" ? 0 : NaN), [...shape]);
        }
      } else if (primal(y).data[0] === 0 || !Number.isFinite(primal(y).data[0])) {
        // ||x|| underflowed (or overflowed) although x != 0: x / ||x|| from x scaled by its largest entry
        let m = 0;
        for (const v of xd) m = Math.max(m, Math.abs(v));
        let s2 = 0;
        for (const v of xd) s2 += (v / m) ** 2;
        const r = Math.sqrt(s2);
        g = new Tensor(
          Float64Array.from(xd, (v) => env.round(v / m / r)),
          [...shape],
        );
      } else {
        g = divV(x, y);
      }
      return {
        jvp: (ts) => (ts[0] === null ? null : sumAxisV(weightV(g, ts[0]), null, false)),
        vjp: (c) => [weightV(g, c)],
      };
    },
    kink: normKink,
    lex([s]: readonly LexSlot[], out: Tensor, _p: void, k: number): LexCols {
      const y = out.data[0];
      if (y === 0) {
        throw new Error(
          'lexicographic: unsupported primitive "norm" at 0: the Euclidean norm is nonsmooth in several variables at once there, and lexicographic rules are only known for abs, max, min, relu and their kin; write the program without norm, or evaluate away from 0',
        );
      }
      const w = s.value.data.map((v) => v / y);
      return weightedLanes(lanesOf(s.value.shape, null), w, s, k);
    },
  } as Primitive<void>,
} satisfies Record<string, Primitive<any>>;

function clampPrimitive(key: "clip" | "hardtanh" | "relu6"): Primitive<{ lo: number; hi: number }> {
  return elementwise<{ lo: number; hi: number }>({
    name: key,
    arity: 1,
    f:
      ({ lo, hi }) =>
      (a) =>
        a < lo ? lo : a > hi ? hi : a,
    // derivative 1 inside, 0 outside; at a bound the Clarke set is [0, 1] and the policy picks per bound
    partials: (K, [x], _y, { lo, hi }, env, choice) => [
      K.select(env, [x], ([a], i) => {
        if (a > lo && a < hi) return 1;
        if (a < lo || a > hi) return 0;
        if (a === lo) return choice(env, i, a, "lower");
        if (a === hi) return choice(env, i, a, "upper");
        return NaN;
      }),
    ],
    kink: {
      key,
      choice: { kind: "bounds", range: [0, 1] },
      at: ([a], { lo, hi }) => a === lo || a === hi,
      switching: ([a], { lo, hi }) => [a > lo ? 1 : a < lo ? -1 : 0, a > hi ? 1 : a < hi ? -1 : 0],
      code: {
        at: ([a], p) => `${a} === ${p}.lo || ${a} === ${p}.hi`,
        switching: ([a], p) => [
          `${a} > ${p}.lo ? 1 : ${a} < ${p}.lo ? -1 : 0`,
          `${a} > ${p}.hi ? 1 : ${a} < ${p}.hi ? -1 : 0`,
        ],
        constantSelects: true,
      },
      // at lo the program enters the interior only when moving up, at hi only when moving down
      lex: ([a], [R], s, { lo }) => [a === lo ? (s.side(0, R) > 0 ? 1 : 0) : s.side(0, R) < 0 ? 1 : 0],
    },
    describe: ({ lo, hi }) => `lo=${lo} hi=${hi}`,
  });
}

/** The names of the built-in primitives. */

/**
 * The kink declarations of the built-in primitives, in table order: what the policy tables (`policy.ts`) read
 * their keys, kinds and Clarke ranges from.
 */
export const BUILTIN_KINKS: readonly KinkDeclaration<never>[] = Object.values(
  PRIMS as Record<string, Primitive<never>>,
).flatMap((p) => (p.kink ? [p.kink] : []));
