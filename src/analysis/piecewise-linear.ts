/**
 * Piecewise linearization and the abs-normal form (Griewank 2013, "On stable piecewise linearization and
 * generalized algorithmic differentiation"; Griewank and Walther 2008, ch. 14). At a point x̊, a program built
 * from smooth primitives and piecewise-linear ones (abs, relu, maximum, minimum, max/min reductions, clip, hinge,
 * softshrink, leakyRelu) has a piecewise-linear model Δf(x̊; Δx): every smooth node is replaced by its tangent
 * map, every piecewise-linear node is kept. Its error |f(x̊ + Δx) - f(x̊) - Δf(x̊; Δx)| is second order in |Δx|
 * (Griewank 2013, Prop. 1), and it is exact near x̊ when f is itself piecewise linear.
 *
 * Near x̊ only the switching variables that vanish at x̊ (the active ones) can change sign, and the model is the
 * abs-normal form, in Griewank's notation
 *
 *   z = c + Z Δx + L |z|,    y = b + J Δx + Y |z|,
 *
 * with c = 0 (active switches vanish at x̊), b = f(x̊) and L strictly lower triangular: z_i depends on the earlier
 * switches only. Each active switch gets a row; its sign pattern σ along a direction d selects one linear piece,
 * whose Jacobian J + Y Σ (I - L Σ)^-1 Z is a directionally active Jacobian, an element of Clarke's generalized
 * Jacobian of f (Griewank 2013, Sect. 4; Khan and Barton 2015 for the lexicographic counterpart).
 *
 * Everything is read from the primitive declarations (`engine/primitives.ts`), never from a table of names here:
 * smooth nodes and nodes off their kink set are pushed through the primitive's own lexicographic rule (the chain
 * rule of its declared partials); at a kink of a piecewise-linear kind (`scalar`, `bounds`, `ties`) the two
 * one-sided gradients are read from the same rule by probing directions, and the node is written as
 * m·Δu + σ|n·Δu| with m, n the half-sum and half-difference of the two gradients. A kink with no Clarke set
 * (sqrt, pow, sign), the norm at 0 (nonsmooth in several variables at once) and user primitives (pieces not
 * declared linear) are refused with an error naming the primitive.
 *
 * @module
 */
import { Tensor } from "../tensor";
import { Tracer } from "../engine/trace";
import type { Env, TapeNode } from "../engine/trace";
import type { LexSlot } from "../engine/nonsmooth";
import { broadcastIndex } from "../kernels";
import { rounding } from "../precision";
import { inputTensor, recordProgram } from "./record";
import { INPUT } from "../engine/transforms";
import type { Program, Recorded } from "./record";
import { finiteArray } from "../validate";

/** The abs-normal form of the local piecewise-linear model, in Griewank's notation (c = 0, b = f(x̊)). */
export interface AbsNormalForm {
  /** Number of inputs n. */
  readonly n: number;
  /** Number of outputs m. */
  readonly m: number;
  /** Number of active switching variables s (those that vanish at the point). */
  readonly s: number;
  /** c (s entries): the switching variables at the point, all 0. */
  readonly c: number[];
  /** Z (s × n): how the switching variables depend on Δx. */
  readonly Z: number[][];
  /** L (s × s, strictly lower triangular): how they depend on the absolute values of the earlier ones. */
  readonly L: number[][];
  /** b (m entries): f at the point. */
  readonly b: number[];
  /** J (m × n): the part of the model linear in Δx. */
  readonly J: number[][];
  /** Y (m × s): the part of the model linear in |z|. */
  readonly Y: number[][];
  /** For each switching variable, the primitive (and tape node) it comes from, e.g. "relu@3". */
  readonly sources: string[];
}

/** The piecewise linearization of a program at a point. */
export interface PiecewiseLinearization {
  /** The point x̊ (flattened). */
  readonly point: number[];
  /** f(x̊), flattened. */
  readonly value: number[];
  /** The abs-normal form of the model near x̊ (active switching variables only). */
  readonly absNormal: AbsNormalForm;
  /** The number of active switching variables (kinks of the program met at x̊). */
  readonly activeSwitches: number;
  /**
   * Griewank's stable piecewise-linear model Δf(x̊; Δx) for any Δx: smooth nodes by their tangent maps,
   * piecewise-linear nodes kept whole (inactive kinks included, so it stays piecewise linear far from x̊).
   */
  model(dx: number | readonly number[]): number[];
}

const ENV64: Env = { precision: "float64", round: rounding("float64") };

/** A node of the model: value and one coefficient column per column (Δx then |z|), shaped like the value. */
interface Expr {
  readonly value: Tensor;
  /** cols[c][e]: coefficient of column c in element e (columns past the end are zero); null for a constant. */
  readonly cols: Float64Array[] | null;
}

const PIECEWISE_LINEAR_KINDS = new Set(["scalar", "bounds", "ties"]);

/** Refuses what has no abs-normal form, naming the primitive (checked on the recorded tape before any work). */
function checkSupported(fn: string, node: TapeNode): void {
  const prim = node.prim;
  if (prim.lex === undefined)
    throw new Error(`${fn}: unsupported primitive "${prim.name}": its declaration has no lexicographic rule`);
  const k = prim.kink;
  if (!k) return;
  const kind = k.choice.kind;
  if (kind === "user") {
    throw new Error(
      `${fn}: unsupported primitive "${prim.name}": a user primitive does not declare its pieces linear, so it has no abs-normal form`,
    );
  }
  if (PIECEWISE_LINEAR_KINDS.has(kind)) return;
  const ins = node.inputs.map((v) => (v instanceof Tracer ? v.value : v));
  if (k.count(ins, node.params as never) > 0) {
    const why = k.notLipschitz
      ? `${k.notLipschitz}: the program is not locally Lipschitz here`
      : "it is nonsmooth in several variables at once here, which no abs-normal form with one switch per kink describes";
    throw new Error(`${fn}: unsupported primitive "${prim.name}" at its kink: ${why}`);
  }
}

/** An input of a node broadcast to the output's shape, with its columns. */
function broadcastSlot(e: Expr, shape: readonly number[], size: number): Expr {
  if (e.value.size === size && e.value.shape.length === shape.length) return e;
  const idx = broadcastIndex(e.value.shape, shape);
  const value = new Tensor(
    Float64Array.from(idx, (i) => e.value.data[i]),
    [...shape],
  );
  return { value, cols: e.cols && e.cols.map((c) => Float64Array.from(idx, (i) => c[i])) };
}

/** Runs a node's declared lexicographic rule with given columns per input (k of them). */
function runLex(node: TapeNode, ins: readonly LexSlot[], k: number): Float64Array[] | null {
  return node.prim.lex!(ins, node.output.value, node.params as never, k);
}

/** The gradient of element e (one entry per input) on the side a probe direction selects. */
interface Sides {
  /** Per element, the distinct one-sided gradients found (1: smooth there; 2: an active kink). */
  readonly grads: number[][][];
}

/**
 * The one-sided gradients of an elementwise node at every element, from its lexicographic rule: for each input i
 * and sign ±, the directions (±e_i, e_1, ..., e_a) select a side, and columns 1..a are the partials there.
 */
function elementwiseSides(fn: string, node: TapeNode, vals: readonly Tensor[]): Sides {
  const a = vals.length;
  const size = node.output.value.size;
  const grads: number[][][] = Array.from({ length: size }, () => []);
  for (let i = 0; i < a; i++) {
    for (const sgn of [1, -1]) {
      const ins: LexSlot[] = vals.map((v, j) => ({
        value: v,
        cols: [
          new Float64Array(size).fill(j === i ? sgn : 0),
          ...vals.map((_, l) => new Float64Array(size).fill(l === j ? 1 : 0)),
        ],
      }));
      const out = runLex(node, ins, 1 + a)!;
      for (let e = 0; e < size; e++) {
        const g = Array.from({ length: a }, (_, j) => out[1 + j][e] + 0);
        if (!grads[e].some((h) => h.every((v, j) => v === g[j]))) grads[e].push(g);
      }
    }
  }
  for (let e = 0; e < size; e++) {
    if (grads[e].length > 2) {
      throw new Error(
        `${fn}: unsupported primitive "${node.prim.name}": ${grads[e].length} one-sided gradients at one element, more than one switching variable describes`,
      );
    }
  }
  return { grads };
}

/** σ for an active element: +1 if moving along g1 - g2 selects g1 (a convex kink, max-like), else -1. */
function elementwiseSigns(
  node: TapeNode,
  vals: readonly Tensor[],
  active: readonly number[],
  grads: number[][][],
): Map<number, number> {
  const a = vals.length;
  const size = node.output.value.size;
  const ins: LexSlot[] = vals.map((v, j) => {
    const d = new Float64Array(size);
    for (const e of active) d[e] = grads[e][0][j] - grads[e][1][j];
    return { value: v, cols: [d, ...vals.map((_, l) => new Float64Array(size).fill(l === j ? 1 : 0))] };
  });
  const out = runLex(node, ins, 1 + a)!;
  const signs = new Map<number, number>();
  for (const e of active) signs.set(e, grads[e][0].every((v, j) => v === out[1 + j][e] + 0) ? 1 : -1);
  return signs;
}

/** Builds the expressions of every node and the abs-normal form. */
function buildForm(fn: string, rec: Recorded, n: number): { form: AbsNormalForm; exprs: Expr[] } {
  const exprs = new Array<Expr>(rec.nodes.length);
  const zRows: Float64Array[] = []; // row of switch i over columns [Δx (n), |z| (i)]
  const sources: string[] = [];
  let width = n;
  const exprOf = (v: Tracer | Tensor): Expr => (v instanceof Tracer ? exprs[v.index] : { value: v, cols: null });
  const padded = (e: Expr, w: number): LexSlot => ({
    value: e.value,
    cols: e.cols && Array.from({ length: w }, (_, c) => e.cols![c] ?? new Float64Array(e.value.size)),
  });
  /** Row vector (over columns) of element e of an expression. */
  const rowOf = (e: Expr, el: number, w: number): Float64Array => {
    const r = new Float64Array(w);
    if (e.cols) for (let c = 0; c < Math.min(w, e.cols.length); c++) r[c] = e.cols[c][el];
    return r;
  };
  const newSwitch = (row: Float64Array, source: string): number => {
    zRows.push(row);
    sources.push(source);
    return width++;
  };

  for (let i = 0; i < rec.nodes.length; i++) {
    const node = rec.nodes[i];
    if (node.prim === INPUT) {
      exprs[i] = {
        value: node.output.value,
        cols: Array.from({ length: n }, (_, c) => Float64Array.from({ length: n }, (_, e) => (e === c ? 1 : 0))),
      };
      continue;
    }
    checkSupported(fn, node);
    const ins = node.inputs.map(exprOf);
    if (ins.every((e) => !e.cols)) {
      exprs[i] = { value: node.output.value, cols: null };
      continue;
    }
    const w0 = width;
    // the chain rule of the declared partials (exact off the kink set)
    const base = runLex(
      node,
      ins.map((e) => padded(e, w0)),
      w0,
    );
    const cols: Float64Array[] = base ?? Array.from({ length: w0 }, () => new Float64Array(node.output.value.size));
    const kink = node.prim.kink;
    const rawIns = ins.map((e) => e.value);
    if (kink && PIECEWISE_LINEAR_KINDS.has(kink.choice.kind) && kink.count(rawIns, node.params as never) > 0) {
      const size = node.output.value.size;
      const grow = (): void => void cols.push(new Float64Array(size));
      const source = `${node.prim.name}@${i}`;
      if (kink.choice.kind === "ties") {
        // a reduction: which entries can win each lane, moving up or down (read from the rule by probing)
        const x = ins[0];
        const N = x.value.size;
        const winners = new Map<number, number[]>(); // lane -> entries that win it on some side
        for (let q = 0; q < N; q++) {
          for (const sgn of [1, -1]) {
            const d = new Float64Array(N);
            d[q] = sgn;
            const e = new Float64Array(N);
            e[q] = 1;
            const out = runLex(node, [{ value: x.value, cols: [d, e] }], 2)!;
            for (let l = 0; l < size; l++) {
              if (out[1][l] !== 0) {
                const ws = winners.get(l) ?? [];
                if (!ws.includes(q)) ws.push(q);
                winners.set(l, ws);
              }
            }
          }
        }
        for (const [l, ws] of [...winners.entries()].sort((p, q) => p[0] - q[0])) {
          if (ws.length < 2) continue;
          ws.sort((p, q) => p - q);
          // σ: does the first tied entry win when it alone moves up? (a max-like reduction)
          const d = new Float64Array(N);
          d[ws[0]] = 1;
          const e = new Float64Array(N);
          e[ws[0]] = 1;
          const up = runLex(node, [{ value: x.value, cols: [d, e] }], 2)!;
          const sigma = up[1][l] !== 0 ? 1 : -1;
          let acc = rowOf(x, ws[0], width);
          for (let t = 1; t < ws.length; t++) {
            const u = rowOf(x, ws[t], width);
            const zr = new Float64Array(width);
            for (let c = 0; c < width; c++) zr[c] = (acc[c] - u[c]) / 2;
            const col = newSwitch(zr, source);
            grow();
            const next = new Float64Array(width);
            for (let c = 0; c < col; c++) next[c] = (acc[c] + u[c]) / 2;
            next[col] = sigma;
            acc = next;
          }
          for (let c = 0; c < width; c++) cols[c][l] = acc[c];
        }
      } else {
        const vals = ins.map((e) => broadcastSlot(e, node.output.value.shape, size));
        const { grads } = elementwiseSides(
          fn,
          node,
          vals.map((v) => v.value),
        );
        const active: number[] = [];
        for (let e = 0; e < size; e++) if (grads[e].length === 2) active.push(e);
        const signs = elementwiseSigns(
          node,
          vals.map((v) => v.value),
          active,
          grads,
        );
        for (const e of active) {
          const [g1, g2] = grads[e];
          const rows = vals.map((v) => rowOf(v, e, width));
          const zr = new Float64Array(width);
          const mid = new Float64Array(width);
          rows.forEach((r, j) => {
            const half = (g1[j] - g2[j]) / 2;
            const avg = (g1[j] + g2[j]) / 2;
            for (let c = 0; c < r.length; c++) {
              zr[c] += half * r[c];
              mid[c] += avg * r[c];
            }
          });
          const col = newSwitch(zr, source);
          grow();
          for (let c = 0; c < col; c++) cols[c][e] = mid[c];
          cols[col][e] = signs.get(e)!;
        }
      }
    }
    exprs[i] = { value: node.output.value, cols };
  }

  const out =
    rec.output instanceof Tracer
      ? exprs[rec.output.index]
      : { value: rec.output instanceof Tensor ? rec.output : new Tensor(Float64Array.of(rec.output), []), cols: null };
  const m = out.value.size;
  const s = zRows.length;
  const row = (el: number): Float64Array => rowOf(out, el, width);
  const Z = zRows.map((r) => Array.from({ length: n }, (_, c) => r[c] + 0));
  const L = zRows.map((r) => Array.from({ length: s }, (_, j) => (n + j < r.length ? r[n + j] + 0 : 0)));
  const outRows = Array.from({ length: m }, (_, el) => row(el));
  const form: AbsNormalForm = {
    n,
    m,
    s,
    c: new Array<number>(s).fill(0),
    Z,
    L,
    b: Array.from(out.value.data),
    J: outRows.map((r) => Array.from({ length: n }, (_, c) => r[c] + 0)),
    Y: outRows.map((r) => Array.from({ length: s }, (_, j) => r[n + j] + 0)),
    sources,
  };
  return { form, exprs };
}

/** Evaluates Griewank's stable model: tangent maps at smooth nodes, φ(ů + Δu) - φ(ů) at piecewise-linear ones. */
function stableModel(rec: Recorded, dx: Float64Array): number[] {
  const deltas = new Array<Float64Array | null>(rec.nodes.length);
  const deltaOf = (v: Tracer | Tensor): Float64Array | null => (v instanceof Tracer ? deltas[v.index] : null);
  for (let i = 0; i < rec.nodes.length; i++) {
    const node = rec.nodes[i];
    if (node.prim === INPUT) {
      deltas[i] = dx;
      continue;
    }
    const ds = node.inputs.map(deltaOf);
    if (ds.every((d) => d === null)) {
      deltas[i] = null;
      continue;
    }
    const vals = node.inputs.map((v) => (v instanceof Tracer ? v.value : v));
    const kink = node.prim.kink;
    if (kink && PIECEWISE_LINEAR_KINDS.has(kink.choice.kind)) {
      const moved = vals.map((v, j) =>
        ds[j]
          ? new Tensor(
              Float64Array.from(v.data, (u, e) => u + ds[j]![e]),
              v.shape,
            )
          : v,
      );
      const y = node.prim.value(moved, node.params as never, ENV64).data;
      deltas[i] = Float64Array.from(y, (v, e) => v - node.output.value.data[e]);
    } else {
      const out = runLex(
        node,
        vals.map((v, j) => ({ value: v, cols: ds[j] ? [ds[j]!] : null })),
        1,
      );
      deltas[i] = out ? out[0] : new Float64Array(node.output.value.size);
    }
  }
  if (!(rec.output instanceof Tracer))
    return new Array<number>(rec.output instanceof Tensor ? rec.output.size : 1).fill(0);
  return Array.from(deltas[rec.output.index] ?? new Float64Array(rec.output.size), (v) => v + 0);
}

/** Checks an increment against the input size. */
function increment(fn: string, dx: unknown, n: number): Float64Array {
  const d = typeof dx === "number" ? [dx] : finiteArray(fn, "dx", dx);
  if (typeof dx === "number" && !Number.isFinite(dx)) throw new Error(`${fn}: dx must be finite, got ${dx}`);
  if (d.length !== n)
    throw new Error(`${fn}: dimension mismatch: dx must have ${n} entries (one per input element), got ${d.length}`);
  return Float64Array.from(d);
}

/**
 * The piecewise linearization of f at x (Griewank 2013): the abs-normal form of the local model, the number of
 * active switching variables, and the stable model Δf(x; Δx) itself. Programs of smooth primitives and the
 * piecewise-linear ones (abs, relu, leakyRelu, maximum, minimum, max, min, clip, hardtanh, relu6, hinge,
 * softshrink); sqrt/pow/sign at their kink, the norm at 0 and user primitives are refused.
 *
 * @example
 * ```ts
 * import { piecewiseLinearization, relu, neg, add, assertEqual } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * const relu2 = (t: Value) => add(relu(neg(t)), t); // = relu(t), written differently
 * const pl = piecewiseLinearization(relu2, 0);
 * assertEqual(pl.activeSwitches, 1);             // one kink met at 0
 * assertEqual(pl.absNormal.Z, [[-0.5]]);          // z = -Δt/2 (the switch of relu(-t))
 * assertEqual(pl.model(0.5), [0.5]);             // the model is relu itself
 * assertEqual(pl.model(-0.5), [0]);
 * ```
 */
export function piecewiseLinearization(f: Program, x: number | readonly number[]): PiecewiseLinearization {
  const fn = "piecewiseLinearization";
  const xt = inputTensor(fn, x);
  const rec = recordProgram(fn, f, xt);
  const n = xt.size;
  const { form } = buildForm(fn, rec, n);
  for (const v of form.b) if (!Number.isFinite(v)) throw new Error(`${fn}: f(x) is not finite (${v})`);
  return {
    point: Array.from(xt.data),
    value: form.b,
    absNormal: form,
    activeSwitches: form.s,
    model: (dx) => stableModel(rec, increment(`${fn}: model`, dx, n)),
  };
}

/** An abs-normal form must be what piecewiseLinearization returned: its sizes and matrices, consistent. */
function checkForm(fn: string, form: unknown): asserts form is AbsNormalForm {
  const f = form as Partial<AbsNormalForm> | null;
  const ok =
    f !== null &&
    typeof f === "object" &&
    Number.isInteger(f.n) &&
    Number.isInteger(f.m) &&
    Number.isInteger(f.s) &&
    Array.isArray(f.c) &&
    Array.isArray(f.Z) &&
    Array.isArray(f.L) &&
    Array.isArray(f.b) &&
    Array.isArray(f.J) &&
    Array.isArray(f.Y) &&
    f.c.length === f.s &&
    f.Z.length === f.s &&
    f.b.length === f.m &&
    f.J.length === f.m;
  if (!ok)
    throw new TypeError(
      `${fn}: the first argument must be an abs-normal form (the absNormal field of what piecewiseLinearization(f, x) returns), got ${typeof form === "string" ? JSON.stringify(form) : typeof form}`,
    );
}

/**
 * Evaluates an abs-normal form at an increment Δx: the switching variables z (solved in order, L being strictly
 * lower triangular) and y = b + J Δx + Y |z|.
 *
 * @example
 * ```ts
 * import { piecewiseLinearization, evaluateAbsNormal, abs, assertEqual } from "nonsmooth-ad";
 * const form = piecewiseLinearization(abs, 0).absNormal;
 * assertEqual(evaluateAbsNormal(form, -2), { z: [-2], y: [2] });
 * ```
 */
export function evaluateAbsNormal(form: AbsNormalForm, dx: number | readonly number[]): { z: number[]; y: number[] } {
  checkForm("evaluateAbsNormal", form);
  const d = increment("evaluateAbsNormal", dx, form.n);
  const z: number[] = [];
  for (let i = 0; i < form.s; i++) {
    let v = form.c[i];
    for (let c = 0; c < form.n; c++) v += form.Z[i][c] * d[c];
    for (let j = 0; j < i; j++) v += form.L[i][j] * Math.abs(z[j]);
    z.push(v + 0);
  }
  const y = form.b.map((b, r) => {
    let v = b;
    for (let c = 0; c < form.n; c++) v += form.J[r][c] * d[c];
    for (let j = 0; j < form.s; j++) v += form.Y[r][j] * Math.abs(z[j]);
    return v + 0;
  });
  return { z, y };
}

/**
 * The directionally active Jacobian of an abs-normal form along d (Griewank 2013): the Jacobian of the linear
 * piece the model enters when it moves from 0 along d, then along e_1, ..., e_n (ties broken lexicographically),
 * J + Y Σ (I - L Σ)^-1 Z with Σ the signs of the switching variables there. An element of Clarke's generalized
 * Jacobian of f. Also returns the signature σ.
 *
 * @example
 * ```ts
 * import { piecewiseLinearization, activeJacobian, abs, assertEqual } from "nonsmooth-ad";
 * const form = piecewiseLinearization(abs, 0).absNormal;
 * assertEqual(activeJacobian(form, -1), { jacobian: [[-1]], signature: [-1] });
 * assertEqual(activeJacobian(form, 1), { jacobian: [[1]], signature: [1] });
 * ```
 */
export function activeJacobian(
  form: AbsNormalForm,
  d?: number | readonly number[],
): { jacobian: number[][]; signature: number[] } {
  const fn = "activeJacobian";
  checkForm(fn, form);
  const { n, s } = form;
  // k = 1 + n columns: the direction d, then the unit vectors (the tie-breaks and the Jacobian columns)
  const dirs: Float64Array[] = [];
  if (d !== undefined) dirs.push(increment(fn, d, n));
  for (let c = 0; c < n; c++) dirs.push(Float64Array.from({ length: n }, (_, e) => (e === c ? 1 : 0)));
  const k = dirs.length;
  const zr: Float64Array[] = []; // z_i along each column
  const sig: number[] = [];
  for (let i = 0; i < s; i++) {
    const r = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      let v = 0;
      for (let c = 0; c < n; c++) v += form.Z[i][c] * dirs[j][c];
      for (let l = 0; l < i; l++) v += form.L[i][l] * sig[l] * zr[l][j];
      r[j] = v;
    }
    let sg = 0;
    for (let j = 0; j < k && sg === 0; j++) sg = r[j] > 0 ? 1 : r[j] < 0 ? -1 : 0;
    zr.push(r);
    sig.push(sg);
  }
  const off = k - n;
  const jacobian = form.J.map((Jr, row) =>
    Jr.map((v, c) => {
      let g = v;
      for (let i = 0; i < s; i++) g += form.Y[row][i] * sig[i] * zr[i][off + c];
      return g + 0;
    }),
  );
  return { jacobian, signature: sig };
}

/** Options of {@link piecewiseLinearError}. */
export interface PiecewiseLinearErrorOptions {
  /** The radii |Δx| at which the error is measured (default 10^-1 ... 10^-4, 7 values). */
  readonly radii?: readonly number[];
  /** The direction of the increments (default: the all-ones vector normalised). */
  readonly direction?: number | readonly number[];
  /**
   * Which model: `"piecewise-linear"` (default, Δf(x; Δx)) or `"linear"`, the single linear map G Δx with G the
   * directionally active Jacobian along e_1, ..., e_n (a Clarke element: the best one Jacobian can do, first
   * order only when the ray crosses a kink met at x).
   */
  readonly model?: "piecewise-linear" | "linear";
}

/** The error of the piecewise-linear model along a ray, and the slope of its log-log fit. */
export interface PiecewiseLinearError {
  readonly radii: number[];
  /** max over outputs of |f(x + r d) - f(x) - Δf(x; r d)| at each radius. */
  readonly errors: number[];
  /** Least-squares slope of log(error) against log(r) over the radii with a non-zero error (NaN if fewer than 2). */
  readonly slope: number;
}

/**
 * Measures the error of the piecewise-linear model along x + r·d for decreasing r: second order (slope 2 on a
 * log-log plot) for programs of smooth and piecewise-linear primitives (Griewank 2013, Prop. 1), zero for
 * piecewise-linear programs.
 *
 * @example
 * ```ts
 * import { piecewiseLinearError, relu, sin, assert } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * const e = piecewiseLinearError((t: Value) => relu(sin(t)), 0);
 * assert(Math.abs(e.slope - 3) < 0.2); // here even third order: sin's second derivative vanishes at 0
 * // one Jacobian instead of the model: first order along a ray that crosses the kink to the other side
 * assert(Math.abs(piecewiseLinearError((t: Value) => relu(sin(t)), 0, { direction: -1, model: "linear" }).slope - 1) < 0.1);
 * ```
 */
export function piecewiseLinearError(
  f: Program,
  x: number | readonly number[],
  options: PiecewiseLinearErrorOptions = {},
): PiecewiseLinearError {
  const fn = "piecewiseLinearError";
  const pl = piecewiseLinearization(f, x);
  const n = pl.point.length;
  const radii = options.radii
    ? finiteArray(fn, "radii", options.radii)
    : Array.from({ length: 7 }, (_, i) => 10 ** (-1 - i * 0.5));
  if (radii.length === 0 || radii.some((r) => !(r > 0))) throw new Error(`${fn}: radii must be positive numbers`);
  let d =
    options.direction === undefined ? new Array<number>(n).fill(1) : Array.from(increment(fn, options.direction, n));
  const norm = Math.hypot(...d);
  if (!(norm > 0)) throw new Error(`${fn}: the direction must be non-zero`);
  d = d.map((v) => v / norm);
  const kind = options.model ?? "piecewise-linear";
  if (kind !== "piecewise-linear" && kind !== "linear")
    throw new Error(`${fn}: model must be "piecewise-linear" or "linear", got ${JSON.stringify(kind)}`);
  const G = kind === "linear" ? activeJacobian(pl.absNormal).jacobian : null;
  const errors = radii.map((r) => {
    const xr = pl.point.map((v, i) => v + r * d[i]);
    const rec = recordProgram(fn, f, inputTensor(fn, typeof x === "number" ? xr[0] : xr));
    const fx =
      rec.output instanceof Tracer
        ? Array.from(rec.output.value.data)
        : rec.output instanceof Tensor
          ? Array.from(rec.output.data)
          : [rec.output];
    const mdl = G ? G.map((row) => row.reduce((a, g, j) => a + g * r * d[j], 0)) : pl.model(d.map((v) => r * v));
    return Math.max(...fx.map((v, i) => Math.abs(v - pl.value[i] - mdl[i])));
  });
  const pts = radii.map((r, i) => [Math.log(r), Math.log(errors[i])]).filter((p) => Number.isFinite(p[1]));
  let slope = NaN;
  if (pts.length >= 2) {
    const mx = pts.reduce((a, p) => a + p[0], 0) / pts.length;
    const my = pts.reduce((a, p) => a + p[1], 0) / pts.length;
    let sxy = 0;
    let sxx = 0;
    for (const [a, b] of pts) {
      sxy += (a - mx) * (b - my);
      sxx += (a - mx) ** 2;
    }
    slope = sxy / sxx;
  }
  return { radii, errors, slope };
}
