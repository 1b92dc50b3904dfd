/**
 * The differentiation calls: reverse mode (grad, valueAndGrad, vjp), forward mode (jvp), jacobian both ways,
 * Hessian-vector products (forward over reverse), plain evaluation with a kink report, and the printable tape.
 * All of them take the kink policy and the precision explicitly, as options of the call.
 *
 * @module
 */
import { Tensor, fmtShape, sameShape, scalar } from "../tensor";
import { resolvePrecision } from "../precision";
import type { PrecisionOption } from "../precision";
import { ARITHMETIC_MODELS } from "../arithmetic/models";
import type { ArithmeticModel } from "../arithmetic/models";
import { checkPolicy, policies } from "../policy";
import type { KinkPolicy } from "../policy";
import { PRIMS } from "./primitives";
import { map2, roundArrayFinite } from "../kernels";
import { Trace, Tracer, apply, checkNoOverflow, enterTrace, leaveTrace, primal, withTrace } from "./trace";
import type { Linear, LinEnv, Primitive, TapeNode, Value } from "./trace";
import { buildKinkReport } from "./kink-report";
import { ScalarTape } from "./scalar-tape";
import type { KinkLog, KinkReport } from "./kink-report";

/** Options of every differentiation call. */
export interface DiffOptions {
  /** Which Clarke element each nonsmooth primitive takes at its kinks. Default: `policies.pytorch`. */
  readonly policy?: KinkPolicy;
  /**
   * The arithmetic: "float64" (default), "float32" or "float16", rounding after every operation; or an arithmetic
   * model (a name of `ARITHMETIC_MODELS` such as "bfloat16" or "float16-tensor-core", or a spec
   * `{ storage, accumulation, fma, order, block }`): elementwise results rounded to its storage format, sums and
   * matrix products accumulated as the model says, the backward pass included (see {@link PrecisionOption}).
   */
  readonly precision?: PrecisionOption;
}

/** Inputs a call accepts: a number, an array of numbers, a Float64Array, a tensor, or an array of tensors. */
export type Primal = number | readonly number[] | Float64Array | Tensor | readonly Tensor[];

/** What the function being differentiated receives for an input of type X. */
export type Traced<X> = X extends readonly Tensor[] ? Tracer[] : Tracer;

/** A gradient (or tangent) has the type of the input it belongs to. */
export type Like<X> = X extends number
  ? number
  : X extends Float64Array
    ? Float64Array
    : X extends Tensor
      ? Tensor
      : X extends readonly Tensor[]
        ? Tensor[]
        : number[];

export interface Packed {
  tensors: Tensor[];
  unpack(ts: readonly Tensor[]): unknown;
  multi: boolean;
  /** The input itself when it is one number recorded on the scalar tape (then `tensors` is empty: none is made). */
  number?: number;
}

const NO_TENSORS: Tensor[] = [];

// how results are packed like the input, one function per form (shared: a call allocates no closure for it)
const unpackNumber = (ts: readonly Tensor[]): number => ts[0].data[0];
const unpackTensor = (ts: readonly Tensor[]): Tensor => ts[0];
const unpackFloat64Array = (ts: readonly Tensor[]): Float64Array => Float64Array.from(ts[0].data);
const unpackTensors = (ts: readonly Tensor[]): Tensor[] => [...ts];
const unpackNumbers = (ts: readonly Tensor[]): number[] => Array.from(ts[0].data);

/** How a list of scalar tensors recorded on the scalar tape is packed (its gradients: the list as it is made). */
const SCALAR_LIST: Packed = { tensors: NO_TENSORS, unpack: unpackTensors, multi: true };

/** Whether x is a non-empty array of scalar tensors. */
function isScalarList(x: Primal): boolean {
  if (!Array.isArray(x) || x.length === 0) return false;
  for (let i = 0; i < x.length; i++) {
    const t: unknown = x[i];
    if (!(t instanceof Tensor) || t.shape.length !== 0) return false;
  }
  return true;
}

function allTensors(x: readonly unknown[]): boolean {
  for (let i = 0; i < x.length; i++) if (!(x[i] instanceof Tensor)) return false;
  return true;
}

export function pack(op: string, x: Primal, what = "input"): Packed {
  if (typeof x === "number")
    return { tensors: [new Tensor(Float64Array.of(x), [])], unpack: unpackNumber, multi: false };
  if (x instanceof Tensor) return { tensors: [x], unpack: unpackTensor, multi: false };
  if (x instanceof Float64Array)
    return {
      tensors: [new Tensor(Float64Array.from(x), [x.length])],
      unpack: unpackFloat64Array,
      multi: false,
    };
  if (Array.isArray(x)) {
    if (x.length > 0 && allTensors(x)) {
      return { tensors: (x as Tensor[]).slice(), unpack: unpackTensors, multi: true };
    }
    if (x.every((t) => typeof t === "number")) {
      return {
        tensors: [new Tensor(Float64Array.from(x as number[]), [x.length])],
        unpack: unpackNumbers,
        multi: false,
      };
    }
  }
  throw new Error(
    `${op}: the ${what} must be a number, an array of numbers, a Float64Array, a Tensor or an array of Tensors`,
  );
}

function allFinite(d: Float64Array): boolean {
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return false;
  return true;
}

export function checkFinite(op: string, t: Tensor, what: string): void {
  for (let i = 0; i < t.data.length; i++) {
    if (!Number.isFinite(t.data[i])) {
      throw new Error(
        `${op}: the ${what} has a non-finite value ${t.data[i]} at flat index ${i} (shape ${fmtShape(t.shape)})`,
      );
    }
  }
}

let defaultOptions: { policy: KinkPolicy; model: ArithmeticModel } | undefined;

function resolveOptions(op: string, opts: DiffOptions | undefined): { policy: KinkPolicy; model: ArithmeticModel } {
  if (opts === undefined) return (defaultOptions ??= { policy: policies.pytorch, model: ARITHMETIC_MODELS.float64 });
  if (opts === null || typeof opts !== "object")
    throw new Error(`${op}: options must be an object like { policy, precision }`);
  for (const k of Object.keys(opts ?? {})) {
    if (k !== "policy" && k !== "precision")
      throw new Error(`${op}: unknown option "${k}": expected policy and precision`);
  }
  const policy = opts?.policy === undefined ? policies.pytorch : checkPolicy(opts.policy, op);
  const model = opts?.precision === undefined ? ARITHMETIC_MODELS.float64 : resolvePrecision(op, opts.precision);
  return { policy, model };
}

/** The marker of an input node on a tape (never linearized: the passes start from it). */
export const INPUT: Primitive<void> = {
  name: "input",
  secondOrder: true,
  value: (inputs) => inputs[0],
  linearize() {
    throw new Error("input nodes have no linearization");
  },
};

/** A recorded call: its trace (the tape), the traced inputs, the output and how to pack results like the input. */
export interface Recording {
  trace: Trace;
  inputs: Tracer[];
  output: Value;
  packed: Packed;
  /** The scalar tape the call was recorded on, if it started as one (it holds the program while `trace.fast` is it). */
  tape?: ScalarTape;
}

/**
 * Runs `f` on traced inputs, recording the tape (also used by the analysis evaluators, which walk the nodes with
 * `logKinks` false).
 */
export function record(
  op: string,
  f: (x: any) => Value,
  x: Primal,
  opts: DiffOptions | undefined,
  logKinks = true,
  scalarTape = false,
): Recording {
  if (typeof f !== "function") throw new Error(`${op}: the first argument must be the function to differentiate`);
  const { policy, model } = resolveOptions(op, opts);
  // one number on the scalar tape is read as it is (no tensor is made for it, nor for its gradient)
  const num = scalarTape && typeof x === "number";
  // so is a list of scalar tensors (not copied: it is read before f runs)
  const list = scalarTape && !num && isScalarList(x);
  const packed: Packed = num
    ? { tensors: NO_TENSORS, unpack: unpackNumber, multi: false, number: x }
    : list
      ? SCALAR_LIST
      : pack(op, x);
  const trace = new Trace(policy, model, () => `${op}(${f.name || "anonymous"})`);
  trace.logKinks = logKinks;
  // a program whose inputs are all scalars starts on the scalar tape (reverse mode and evaluation only)
  const ts = list ? (x as readonly Tensor[]) : packed.tensors;
  let scalars = scalarTape;
  for (let i = 0; scalars && i < ts.length; i++) if (ts[i].shape.length !== 0) scalars = false;
  const count = num ? 1 : ts.length;
  const tape = scalars ? new ScalarTape(trace, INPUT) : undefined;
  trace.fast = tape ?? null;
  // the trace is active while f runs (entered and left inline: a call allocates no closure for it)
  const prev = enterTrace(trace);
  try {
    const inputs = new Array<Tracer>(count);
    for (let i = 0; i < count; i++) {
      if (num) {
        // the same checks and messages as for the tensor of that number
        const v = x as number;
        if (!Number.isFinite(v)) checkFinite(op, new Tensor(Float64Array.of(v), []), "input");
        const r = trace.round(v);
        if (r !== v) checkNoOverflow(op, "input", [v], [r], trace.precision);
        inputs[i] = new Tracer(trace, tape!.input(r), undefined, r);
        continue;
      }
      const t = ts[i];
      if (tape) {
        // a scalar: its tracer holds the number (a tensor is made only if the program reads it)
        const v = t.data[0];
        if (!Number.isFinite(v)) checkFinite(op, t, inputName(packed, i));
        const r = trace.round(v);
        if (r !== v) checkNoOverflow(op, inputName(packed, i), t.data, [r], trace.precision);
        inputs[i] = new Tracer(trace, tape.input(r), undefined, r);
        continue;
      }
      if (!allFinite(t.data)) checkFinite(op, t, inputName(packed, i));
      const rounded = new Tensor(roundChecked(op, trace, t.data, inputName(packed, i)), t.shape);
      const tr = new Tracer(trace, trace.nodes.length, rounded);
      trace.nodes.push({ prim: INPUT, params: undefined, inputs: [], output: tr, needed: [] });
      inputs[i] = tr;
    }
    const output = f(packed.multi ? inputs : inputs[0]);
    if (output instanceof Tracer) {
      if (output.trace !== trace) throw new Error(`${op}: the function returned a traced value from another call`);
    } else if (!(output instanceof Tensor) && typeof output !== "number") {
      throw new Error(
        `${op}: the function must return a number, a Tensor or a traced value, got ${output === null ? "null" : typeof output}`,
      );
    }
    return { trace, inputs, output, packed, tape };
  } finally {
    leaveTrace(trace, prev);
  }
}

/** How messages name input i of a call. */
function inputName(packed: Packed, i: number): string {
  return packed.multi ? `input ${i}` : "input";
}

/**
 * Values handed to a call in reduced precision (inputs, tangents, cotangents) are rounded to it first, refusing a
 * finite value that overflows the precision (70000 in float16 would become Infinity).
 */
export function roundChecked(op: string, trace: Trace, d: Float64Array, what: string): Float64Array {
  if (trace.precision === "float64") return d;
  const { out, finite } = roundArrayFinite(d, trace.round);
  if (!finite) checkNoOverflow(op, what, d, out, trace.precision);
  return out;
}

/**
 * Under a policy whose norm gradient at 0 is NaN (JAX, tfjs), which inputs' derivatives are NaN: those upstream
 * of a norm evaluated at 0 that is itself upstream of the output. Both modes then return NaN for them, whatever
 * the tangents or cotangents that reach that norm: the frameworks multiply the NaN in plain IEEE arithmetic
 * (0 · NaN = NaN), while the two modes here meet it with symbolic and strong zeros in different places (forward
 * mode sees v - v give a tangent 0, reverse mode a cotangent NaN - NaN), and would otherwise disagree. Returns
 * null when nothing is NaN (the usual case, found without walking the tape for every other policy).
 */
function nanNormInputs(rec: Recording): boolean[] | null {
  const { trace, inputs, output } = rec;
  if (trace.policy.norm !== "nan" || trace.policy.randomSeed !== undefined || !(output instanceof Tracer)) return null;
  const nodes = trace.nodes;
  const reach = new Uint8Array(nodes.length);
  reach[output.index] = 1;
  const up = new Uint8Array(nodes.length);
  let any = false;
  for (let i = output.index; i >= 0; i--) {
    if (!reach[i]) continue;
    const node = nodes[i];
    if (node.prim === PRIMS.norm && primal(node.inputs[0]).data.every((v) => v === 0)) {
      up[i] = 1;
      any = true;
    }
    for (const inp of node.inputs) if (inp instanceof Tracer) reach[inp.index] = 1;
  }
  if (!any) return null;
  for (let i = output.index; i >= 0; i--) {
    if (!up[i]) continue;
    for (const inp of nodes[i].inputs) if (inp instanceof Tracer) up[inp.index] = 1;
  }
  const poisoned = inputs.map((inp) => up[inp.index] === 1);
  return poisoned.some((b) => b) ? poisoned : null;
}

/** A tensor of NaN shaped like t. */
function nanLike(t: Tensor): Tensor {
  return new Tensor(new Float64Array(t.size).fill(NaN), t.shape);
}

function linEnv(trace: Trace, index: number): LinEnv {
  return { precision: trace.precision, round: trace.round, policy: trace.policy, node: index };
}

/** The linearization of a node on primal tensors, computed once and shared by both modes. */
function linearization(trace: Trace, node: TapeNode): Linear {
  if (!node.lin) {
    node.lin = node.prim.linearize(
      node.inputs.map(primal),
      node.output.value,
      node.params,
      linEnv(trace, node.output.index),
    );
  }
  return node.lin;
}

const addV = (a: Value, b: Value): Value => apply(PRIMS.add, [a, b], undefined);
const plus = (a: number, b: number): number => a + b;

/** Accumulates two cotangents: plain tensors of one shape go straight to the kernel (no recording needed). */
function accumulate(trace: Trace, a: Value, b: Value): Value {
  if (a instanceof Tensor && b instanceof Tensor && sameShape(a.shape, b.shape))
    return map2("add", a, b, plus, trace.round);
  return addV(a, b);
}

/** Pulls `cot` back from `out` to every node; returns the cotangent of each node (undefined: zero). */
function backward(rec: Recording, cot: Tensor, createGraph: boolean): (Value | undefined)[] {
  const { trace, output } = rec;
  const cots: (Value | undefined)[] = new Array(trace.nodes.length);
  if (!(output instanceof Tracer)) return cots;
  cots[output.index] = cot;
  const prevLog = trace.logKinks;
  trace.logKinks = false;
  try {
    const scratch: { -readonly [K in keyof LinEnv]: LinEnv[K] } = { ...linEnv(trace, 0) };
    const xs1 = [0];
    const xs2 = [0, 0];
    return withTrace(trace, () => {
      for (let i = output.index; i >= 0; i--) {
        const c = cots[i];
        if (c === undefined) continue; // symbolic zero: nothing flows, no 0 * inf is ever formed
        const node = trace.nodes[i];
        if (node.prim === INPUT) continue;
        if (!createGraph && node.scalar && node.prim.scalarVjp) {
          // scalar fast path: the same partials, interpreted on numbers (no tensors, no bookkeeping); the number
          // algebra uses its arguments synchronously, so one scratch environment and argument array serve every node
          const cv = typeof c === "number" ? c : primal(c).data[0];
          const k = node.inputs.length;
          const xs = k === 1 ? xs1 : k === 2 ? xs2 : new Array<number>(k);
          for (let j = 0; j < k; j++) {
            const inp = node.inputs[j];
            xs[j] = inp instanceof Tracer ? inp.value.data[0] : inp.data[0];
          }
          scratch.node = i;
          const gs = node.prim.scalarVjp(xs, node.output.value.data[0], node.params, scratch, cv);
          for (let j = 0; j < node.inputs.length; j++) {
            const inp = node.inputs[j];
            const g = gs[j];
            if (!(inp instanceof Tracer) || g === null) continue;
            const prev = cots[inp.index];
            cots[inp.index] =
              prev === undefined
                ? g
                : typeof prev === "number"
                  ? trace.round(prev + g)
                  : accumulate(trace, prev, scalar(g));
          }
          continue;
        }
        let lin: Linear;
        if (createGraph) {
          if (!node.prim.secondOrder) {
            throw new Error(
              `hvp: primitive "${node.prim.name}" declares its partials as numbers: it has no second derivatives`,
            );
          }
          lin = node.prim.linearize(node.inputs, node.output, node.params, linEnv(trace, i));
        } else lin = linearization(trace, node);
        const gs = lin.vjp(typeof c === "number" ? scalar(c) : c, node.needed);
        for (let j = 0; j < node.inputs.length; j++) {
          const inp = node.inputs[j];
          const g = gs[j];
          if (!(inp instanceof Tracer) || g === null || g === undefined) continue;
          const prev = cots[inp.index];
          cots[inp.index] =
            prev === undefined ? g : accumulate(trace, typeof prev === "number" ? scalar(prev) : prev, g);
        }
      }
      return cots;
    });
  } finally {
    trace.logKinks = prevLog;
  }
}

/** Pushes input tangents forward through every node; returns the tangent of each node (null: zero). */
function forward(rec: Recording, tangents: readonly Tensor[]): (Value | null)[] {
  const { trace, inputs } = rec;
  const tans: (Value | null)[] = new Array(trace.nodes.length).fill(null);
  inputs.forEach((inp, i) => (tans[inp.index] = tangents[i]));
  const prevLog = trace.logKinks;
  trace.logKinks = false;
  try {
    return withTrace(trace, () => {
      for (let i = 0; i < trace.nodes.length; i++) {
        const node = trace.nodes[i];
        if (node.prim === INPUT) continue;
        const ts = node.inputs.map((inp) => (inp instanceof Tracer ? tans[inp.index] : null));
        if (ts.every((t) => t === null)) continue;
        tans[i] = linearization(trace, node).jvp(ts);
      }
      return tans;
    });
  } finally {
    trace.logKinks = prevLog;
  }
}

function zerosLike(t: Tensor): Tensor {
  return new Tensor(new Float64Array(t.size), t.shape);
}

function asTensor(v: Value | undefined | null, like: Tensor): Tensor {
  if (v === undefined || v === null) return zerosLike(like);
  const t = primal(v);
  if (!sameShape(t.shape, like.shape)) {
    return new Tensor(
      Float64Array.from({ length: like.size }, (_, i) => t.data[t.size === 1 ? 0 : i]),
      like.shape,
    );
  }
  return t;
}

function scalarOutput(op: string, rec: Recording): Tensor {
  const out = primal(rec.output);
  if (out.size !== 1) {
    throw new Error(
      `${op}: the function must return a scalar, but it returned a value of shape ${fmtShape(out.shape)}; use vjp or jacobian for vector outputs`,
    );
  }
  return out;
}

/** A valueAndGrad result whose kink report is built on first access (grad and training loops never read it). */
export class LazyValueAndGrad<G> {
  private report: KinkReport | undefined;
  /** Only what the report shows (the policy and the kink events), never the trace: a kept result keeps no tape. */
  private readonly log: KinkLog;
  constructor(
    readonly value: number,
    readonly grad: G,
    /** A trace (only its log is kept) or a log already detached from any trace (kept as it is: shared, never changed). */
    trace: KinkLog,
  ) {
    this.log =
      trace instanceof Trace ? { policy: trace.policy, kinkEvents: trace.kinkEvents, model: trace.model } : trace;
  }
  get kinks(): KinkReport {
    return (this.report ??= buildKinkReport(this.log));
  }
}

/** The result of valueAndGrad. */
export interface ValueAndGrad<G> {
  readonly value: number;
  readonly grad: G;
  /** Which primitives were evaluated exactly at a kink during the forward pass. */
  readonly kinks: KinkReport;
}

/**
 * The value and the gradient (reverse mode) of a scalar function, with the kink report of the evaluation.
 *
 * @example
 * ```ts
 * import { valueAndGrad, relu, add, neg, policies, assertEqual } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * // relu2(t) = relu(-t) + t equals relu, but formal differentiation gives relu2'(0) = 1 - relu'(0)
 * const relu2 = (t: Value) => add(relu(neg(t)), t);
 * const r = valueAndGrad(relu2, 0, { policy: policies.pytorch });
 * assertEqual(r.value, 0);
 * assertEqual(r.grad, 1);
 * assertEqual(r.kinks.total, 1);
 * ```
 */
export function valueAndGrad<X extends Primal>(
  f: (x: Traced<X>) => Value,
  x: X,
  options?: DiffOptions,
): ValueAndGrad<Like<X>> {
  return reverseScalar("valueAndGrad", f, x, options);
}

/**
 * valueAndGrad recorded as nodes only, never on the scalar tape: the reference the scalar tape is tested against
 * (bitwise). Not part of the public API.
 * @internal
 */
export function valueAndGradOnNodes<X extends Primal>(
  f: (x: Traced<X>) => Value,
  x: X,
  options?: DiffOptions,
): ValueAndGrad<Like<X>> {
  return reverseScalar("valueAndGrad", f, x, options, false);
}

function reverseScalar<X extends Primal>(
  op: string,
  f: (x: Traced<X>) => Value,
  x: X,
  options?: DiffOptions,
  scalarTape = true,
): ValueAndGrad<Like<X>> {
  const rec = record(op, f as (x: any) => Value, x, options, true, scalarTape);
  try {
    return reverseRecorded(op, rec);
  } finally {
    rec.tape?.release();
  }
}

function reverseRecorded<X extends Primal>(op: string, rec: Recording): ValueAndGrad<Like<X>> {
  if (rec.tape !== undefined && rec.trace.fast === rec.tape && rec.output instanceof Tracer) {
    return new LazyValueAndGrad(
      rec.tape.valueAt(rec.output.index),
      scalarTapeGrad(rec, rec.tape, rec.output) as Like<X>,
      rec.trace,
    );
  }
  const out = scalarOutput(op, rec);
  if (rec.tape !== undefined && rec.trace.fast === rec.tape) {
    // a scalar program whose output is a constant: a zero gradient
    const grads = rec.inputs.map(() => scalar(0));
    return new LazyValueAndGrad(out.data[0], rec.packed.unpack(grads) as Like<X>, rec.trace);
  }
  const one = new Tensor(Float64Array.of(1), out.shape);
  const cots = backward(rec, one, false);
  const nan = nanNormInputs(rec);
  const grads = rec.inputs.map((inp, i) => (nan?.[i] ? nanLike(inp.value) : asTensor(cots[inp.index], inp.value)));
  return new LazyValueAndGrad(out.data[0], rec.packed.unpack(grads) as Like<X>, rec.trace);
}

/** The gradient of a program still on its scalar tape: the backward sweep on the flat tape (no norm there, so no NaN-norm inputs). */
function scalarTapeGrad(rec: Recording, tape: ScalarTape, output: Tracer): unknown {
  tape.backward(output.index, 1);
  const inputs = rec.inputs;
  // a number in, a number out: the adjoint itself (what the scalar tensor made of it would hold)
  if (rec.packed.number !== undefined) return tape.adjoint(inputs[0].index);
  const grads = new Array<Tensor>(inputs.length);
  for (let i = 0; i < inputs.length; i++) grads[i] = scalar(tape.adjoint(inputs[i].index));
  // a list of scalar tensors: this fresh list (unpacking would copy it)
  return rec.packed === SCALAR_LIST ? grads : rec.packed.unpack(grads);
}

/**
 * The gradient (reverse mode) of a scalar function at x, with the chosen kink policy.
 *
 * @example
 * ```ts
 * import { grad, relu, add, neg, mul, policies, assertEqual } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * const relu3 = (t: Value) => mul(0.5, add(relu(t), add(relu(neg(t)), t)));
 * for (const s of [0, 0.25, 1]) assertEqual(grad(relu3, 0, { policy: policies.reluAt(s) }), 0.5);
 * ```
 */
export function grad<X extends Primal>(f: (x: Traced<X>) => Value, x: X, options?: DiffOptions): Like<X> {
  const rec = record("grad", f as (x: any) => Value, x, options, true, true);
  try {
    // still a scalar program: no result object is built around the gradient (grad never shows the kink report)
    if (rec.tape !== undefined && rec.trace.fast === rec.tape && rec.output instanceof Tracer)
      return scalarTapeGrad(rec, rec.tape, rec.output) as Like<X>;
    return reverseRecorded<X>("grad", rec).grad;
  } finally {
    rec.tape?.release();
  }
}

/**
 * Vector-Jacobian product: the value of f at x and the pullback of `cotangent` (shaped like the output).
 *
 * @example
 * ```ts
 * import { vjp, mul, tensor, assertEqual } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * const r = vjp((x: Value) => mul(x, x), [1, 2, 3], tensor([1, 0, 1]));
 * assertEqual(r.vjp, [2, 0, 6]);
 * ```
 */
export function vjp<X extends Primal>(
  f: (x: Traced<X>) => Value,
  x: X,
  cotangent: number | readonly number[] | Tensor,
  options?: DiffOptions,
): { value: Tensor; vjp: Like<X>; kinks: KinkReport } {
  const rec = record("vjp", f as (x: any) => Value, x, options);
  const out = primal(rec.output);
  const cot =
    cotangent instanceof Tensor
      ? cotangent
      : typeof cotangent === "number"
        ? new Tensor(Float64Array.of(cotangent), [])
        : new Tensor(Float64Array.from(cotangent), [cotangent.length]);
  // a tensor must have the output's shape; a number fits a one-element output, an array of n numbers an output of shape [n]
  const fits =
    cotangent instanceof Tensor
      ? sameShape(cot.shape, out.shape)
      : typeof cotangent === "number"
        ? out.size === 1
        : sameShape(cot.shape, out.shape);
  if (!fits) {
    throw new Error(
      `vjp: the cotangent has shape ${fmtShape(cot.shape)} but the output has shape ${fmtShape(out.shape)}`,
    );
  }
  checkFinite("vjp", cot, "cotangent");
  const cots = backward(rec, new Tensor(roundChecked("vjp", rec.trace, cot.data, "cotangent"), out.shape), false);
  const nan = nanNormInputs(rec);
  const grads = rec.inputs.map((inp, i) => (nan?.[i] ? nanLike(inp.value) : asTensor(cots[inp.index], inp.value)));
  return { value: out, vjp: rec.packed.unpack(grads) as Like<X>, kinks: buildKinkReport(rec.trace) };
}

/**
 * Jacobian-vector product (forward mode): the value of f at x and the directional derivative along `tangent`
 * (shaped like x). Built from the same partials as reverse mode, so at kinks both pick the same element.
 *
 * @example
 * ```ts
 * import { jvp, abs, policies, assertEqual } from "nonsmooth-ad";
 * const r = jvp(abs, 0, 1, { policy: policies.jax });
 * assertEqual(r.tangent, 1);
 * ```
 */
export function jvp<X extends Primal>(
  f: (x: Traced<X>) => Value,
  x: X,
  tangent: X,
  options?: DiffOptions,
): { value: Tensor | number; tangent: Tensor | number; kinks: KinkReport } {
  const rec = record("jvp", f as (x: any) => Value, x, options);
  const tp = pack("jvp", tangent as Primal, "tangent");
  if (tp.tensors.length !== rec.inputs.length || tp.tensors.some((t, i) => t.size !== rec.inputs[i].value.size)) {
    throw new Error(
      `jvp: the tangent must have the shape of the input (${rec.inputs.map((i) => fmtShape(i.value.shape)).join(", ")})`,
    );
  }
  tp.tensors.forEach((t) => checkFinite("jvp", t, "tangent"));
  const tans = forward(
    rec,
    tp.tensors.map((t, i) => new Tensor(roundChecked("jvp", rec.trace, t.data, "tangent"), rec.inputs[i].value.shape)),
  );
  const out = primal(rec.output);
  const t = nanNormInputs(rec)
    ? nanLike(out)
    : rec.output instanceof Tracer
      ? asTensor(tans[rec.output.index], out)
      : zerosLike(out);
  const scalarOut = typeof x === "number" && out.shape.length === 0;
  return {
    value: scalarOut ? out.data[0] : out,
    tangent: scalarOut ? t.data[0] : t,
    kinks: buildKinkReport(rec.trace),
  };
}

/**
 * The Jacobian of f at x, shaped [...output shape, ...input shape], by forward mode (one tangent per input
 * element) or reverse mode (one cotangent per output element). Both give the same matrix, kinks included.
 *
 * @example
 * ```ts
 * import { jacobian, relu, assertEqual } from "nonsmooth-ad";
 * const J = jacobian(relu, [-1, 0, 2], { mode: "forward" });
 * assertEqual(J.toArray(), [[0, 0, 0], [0, 0, 0], [0, 0, 1]]);
 * ```
 */
export function jacobian(
  f: (x: Tracer) => Value,
  x: number | readonly number[] | Float64Array | Tensor,
  options?: DiffOptions & { readonly mode?: "forward" | "reverse" },
): Tensor {
  if (Array.isArray(x) && x.some((t) => t instanceof Tensor)) {
    throw new Error(
      `jacobian: takes one input (a number, an array of numbers, a Float64Array or a Tensor), got an array of ${x.length} tensors; stack them into one tensor, or call jacobian once per input`,
    );
  }
  const { mode = "reverse", ...rest } = options ?? {};
  if (mode !== "forward" && mode !== "reverse")
    throw new Error(`jacobian: mode must be "forward" or "reverse", got ${JSON.stringify(mode)}`);
  const rec = record("jacobian", f as (x: any) => Value, x, rest);
  const input = rec.inputs[0].value;
  const out = primal(rec.output);
  const n = input.size;
  const m = out.size;
  const J = new Float64Array(m * n);
  if (mode === "reverse") {
    for (let k = 0; k < m; k++) {
      const e = new Float64Array(m);
      e[k] = 1;
      const cots = backward(rec, new Tensor(e, out.shape), false);
      const g = asTensor(cots[rec.inputs[0].index], input);
      J.set(g.data, k * n);
    }
  } else {
    for (let j = 0; j < n; j++) {
      const e = new Float64Array(n);
      e[j] = 1;
      const tans = forward(rec, [new Tensor(e, input.shape)]);
      const t = rec.output instanceof Tracer ? asTensor(tans[rec.output.index], out) : zerosLike(out);
      for (let k = 0; k < m; k++) J[k * n + j] = t.data[k];
    }
  }
  if (nanNormInputs(rec)) J.fill(NaN);
  return new Tensor(J, [...out.shape, ...input.shape]);
}

/**
 * Hessian-vector product H(x) v of a scalar function, by forward mode over a recorded reverse pass. Meant for
 * smooth programs: at a kink the policy's choice is a constant, so its second derivative is taken as 0.
 *
 * @example
 * ```ts
 * import { hvp, mul, sum, assertEqual } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * const f = (x: Value) => sum(mul(x, mul(x, x))); // sum of cubes: H = diag(6 x)
 * assertEqual(hvp(f, [1, 2], [1, 1]), [6, 12]);
 * ```
 */
export function hvp<X extends Primal>(f: (x: Traced<X>) => Value, x: X, v: X, options?: DiffOptions): Like<X> {
  const rec = record("hvp", f as (x: any) => Value, x, options);
  const out = scalarOutput("hvp", rec);
  const vp = pack("hvp", v as Primal, "direction");
  if (vp.tensors.length !== rec.inputs.length || vp.tensors.some((t, i) => t.size !== rec.inputs[i].value.size)) {
    throw new Error("hvp: the direction must have the shape of the input");
  }
  const cots = backward(rec, new Tensor(Float64Array.of(1), out.shape), true);
  vp.tensors.forEach((t) => checkFinite("hvp", t, "direction"));
  const tans = forward(
    rec,
    vp.tensors.map(
      (t, i) => new Tensor(roundChecked("hvp", rec.trace, t.data, "direction"), rec.inputs[i].value.shape),
    ),
  );
  const nan = nanNormInputs(rec);
  const res = rec.inputs.map((inp, i) => {
    if (nan?.[i]) return nanLike(inp.value);
    const g = cots[inp.index];
    return g instanceof Tracer ? asTensor(tans[g.index], inp.value) : zerosLike(inp.value);
  });
  return rec.packed.unpack(res) as Like<X>;
}

/**
 * Evaluates f at x (traced, in the chosen precision) and reports every primitive evaluated exactly at a kink.
 *
 * @example
 * ```ts
 * import { evaluate, relu, tensor, assertEqual } from "nonsmooth-ad";
 * const r = evaluate(relu, tensor([-1, 0, 0, 2]));
 * assertEqual(r.kinks.byKey.relu, 2);
 * ```
 */
export function evaluate<X extends Primal>(
  f: (x: Traced<X>) => Value,
  x: X,
  options?: DiffOptions,
): { value: Tensor; kinks: KinkReport } {
  return evaluateAs("evaluate", f, x, options);
}

/** evaluate under the name of the call the user made (kinkReport's errors name kinkReport). */
function evaluateAs<X extends Primal>(
  op: string,
  f: (x: Traced<X>) => Value,
  x: X,
  options?: DiffOptions,
): { value: Tensor; kinks: KinkReport } {
  const rec = record(op, f as (x: any) => Value, x, options, true, true);
  rec.tape?.release();
  return { value: primal(rec.output), kinks: buildKinkReport(rec.trace) };
}

/**
 * The kink report of f at x alone: which primitives sat exactly on a kink, how many times, what the policy
 * chose there, and which of those choices lie outside the Clarke set.
 *
 * @example
 * ```ts
 * import { kinkReport, norm, policies, assertEqual } from "nonsmooth-ad";
 * const r = kinkReport(norm, [0, 0], { policy: policies.jax });
 * assertEqual(r.outsideClarke.length, 1);
 * ```
 */
export function kinkReport<X extends Primal>(f: (x: Traced<X>) => Value, x: X, options?: DiffOptions): KinkReport {
  return evaluateAs("kinkReport", f, x, options).kinks;
}

/** One line of a printed tape. */
export interface TapeEntry {
  readonly index: number;
  readonly op: string;
  readonly inputs: readonly string[];
  readonly shape: readonly number[];
  readonly params: string;
  /** The value if it has at most 8 elements. */
  readonly value?: readonly number[];
  readonly kinks: number;
}

/** A recorded program: a flat list of nodes in evaluation order. */
export interface Tape {
  readonly entries: readonly TapeEntry[];
  readonly kinks: KinkReport;
  toString(): string;
}

/**
 * Records f at x and returns its tape: each node's op, inputs, shape, value and kink hits.
 *
 * @example
 * ```ts
 * import { makeTape, relu, add, neg, assertEqual } from "nonsmooth-ad";
 * import type { Value } from "nonsmooth-ad";
 * const t = makeTape((x: Value) => add(relu(neg(x)), x), 0);
 * assertEqual(t.entries.map((e) => e.op), ["input", "neg", "relu", "add"]);
 * ```
 */
export function makeTape<X extends Primal>(f: (x: Traced<X>) => Value, x: X, options?: DiffOptions): Tape {
  const rec = record("makeTape", f as (x: any) => Value, x, options);
  const kinkCount = new Map<number, number>();
  for (const e of rec.trace.kinkEvents) if (e.node >= 0) kinkCount.set(e.node, (kinkCount.get(e.node) ?? 0) + e.count);
  const entries: TapeEntry[] = rec.trace.nodes.map((n, i) => ({
    index: i,
    op: n.prim.name,
    inputs: n.inputs.map((inp) =>
      inp instanceof Tracer ? `%${inp.index}` : inp.size === 1 ? String(inp.data[0]) : `const${fmtShape(inp.shape)}`,
    ),
    shape: n.output.value.shape,
    params: n.prim.describe ? n.prim.describe(n.params as never) : "",
    value: n.output.value.size <= 8 ? Array.from(n.output.value.data) : undefined,
    kinks: kinkCount.get(i) ?? 0,
  }));
  const kinks = buildKinkReport(rec.trace);
  return {
    entries,
    kinks,
    toString() {
      return entries
        .map((e) => {
          const args = e.op === "input" ? "" : `(${e.inputs.join(", ")}${e.params ? `; ${e.params}` : ""})`;
          const val = e.value ? ` = [${e.value.map((v) => +v.toPrecision(6)).join(", ")}]` : "";
          const k = e.kinks ? `  <- ${e.kinks} at a kink` : "";
          return `%${e.index} = ${e.op}${args} : ${fmtShape(e.shape)}${val}${k}`;
        })
        .join("\n");
    },
  };
}
