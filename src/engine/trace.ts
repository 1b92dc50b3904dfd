/**
 * The trace: a flat tape of primitive applications recorded while a function runs on traced values, plus the
 * dynamic context (policy, precision, kink log) of the differentiation call that owns it.
 *
 * @module
 */
import { Tensor, fmtShape, scalar } from "../tensor";
import { isExact } from "../precision";
import { FORMATS, roundTo } from "../arithmetic/formats";
import type { NumberFormat } from "../arithmetic/formats";
import type { ArithmeticModel } from "../arithmetic/models";
import { contractionModel } from "../kernels-model";
import type { Round } from "../kernels";
import { map1 } from "../kernels";
import type { KinkPolicy } from "../policy";
import type { KinkDeclaration, LexRule } from "./nonsmooth";
import type { Algebra } from "./primitives";

/** A value that is being traced: the primal value of one node on a tape. */
export class Tracer {
  /** The primal tensor; for a value recorded on a scalar tape, made from `num` on first read. */
  private v: Tensor | undefined;
  /** @internal */
  constructor(
    readonly trace: Trace,
    readonly index: number,
    value?: Tensor,
    /** The primal number of a value recorded on a scalar tape (used when `value` is absent). */
    private readonly num = 0,
  ) {
    this.v = value;
  }
  /** The primal value (reading it marks the trace: the program may branch on it, see `Trace.valueRead`). */
  get value(): Tensor {
    this.trace.valueRead = true;
    return (this.v ??= roundedScalar(this.num, this.trace.precision));
  }
  /** The shape (a value of a scalar tape is a scalar); reading it is not reading the value. */
  get shape(): readonly number[] {
    return this.v === undefined ? SCALAR_SHAPE : this.v.shape;
  }
  get size(): number {
    return this.v === undefined ? 1 : this.v.size;
  }
  toString(): string {
    return `Tracer(%${this.index}, shape=${fmtShape(this.shape)})`;
  }
}

const SCALAR_SHAPE: readonly number[] = Object.freeze([]);

/** What primitives accept: a tensor, a traced value, or a plain number (a scalar constant). */
export type Value = Tensor | Tracer | number;

/** What kernels see: the rounding of the active precision (the storage format of its arithmetic model). */
export interface Env {
  /** The storage format: every value a primitive outputs is rounded to it. */
  readonly precision: NumberFormat;
  readonly round: Round;
  /**
   * Set when the arithmetic model's reductions and contractions do not simply round every addition to storage in
   * index order (an accumulation format wider than storage, FMA, a blocked or pairwise order): the model they
   * follow then (see `kernels-model.ts`). Absent: the storage rounding after every operation, in index order.
   */
  readonly contractions?: ArithmeticModel;
}

/** What a linearization sees: the policy and the node's place on the tape (for keyed random draws). */
export interface LinEnv extends Env {
  readonly policy: KinkPolicy;
  /** The node's index on the tape (-1 for an untraced application). */
  readonly node: number;
}

/** The two linear maps of a primitive at a point, built from one declaration so both modes agree. */
export interface Linear {
  /** Pushes input tangents (null: symbolic zero) forward to the output tangent (null if zero). */
  jvp(tangents: readonly (Value | null)[]): Value | null;
  /**
   * Pulls an output cotangent back to one cotangent per input (null: symbolic zero). `needed[i]` false means
   * input i is a constant: its cotangent may be skipped (returned as null).
   */
  vjp(cotangent: Value, needed?: readonly boolean[]): (Value | null)[];
}

/**
 * A primitive: its value kernel, its linearization, and (if nonsmooth) its kink declaration, side by side; every
 * interpreter (reverse and forward mode, the kink report, kink location, the lexicographic forward mode) reads
 * this one record.
 */
export interface Primitive<P = unknown> {
  readonly name: string;
  /** The primal value on concrete tensors, rounded by env.round. */
  value(inputs: readonly Tensor[], params: P, env: Env): Tensor;
  /** The linear maps at a point; inputs are Tracers when the backward pass is itself recorded (hvp). */
  linearize(inputs: readonly Value[], output: Value, params: P, env: LinEnv): Linear;
  /**
   * The reverse step of a scalar application (every input and the output of shape []) on plain numbers: one
   * cotangent per input (null: zero). Elementwise primitives have it; results equal those of `linearize`.
   */
  scalarVjp?(xs: number[], y: number, params: P, env: LinEnv, cotangent: number): (number | null)[];
  /**
   * The partials of a scalar application on plain numbers (null: structurally zero), those `scalarVjp`
   * multiplies the cotangent by (with a strong zero, rounded): the scalar tape does the multiplication itself.
   */
  scalarPartials?(xs: number[], y: number, params: P, env: LinEnv): readonly (number | null)[];
  /**
   * The same partials written in another algebra (the compiled mode passes the algebra of JavaScript expressions):
   * one entry per input, an expression, a constant number, or null (structurally zero).
   */
  codePartials?<T>(xs: T[], y: T, params: P, env: LinEnv, K: Algebra<T>): readonly (T | number | null)[];
  /**
   * The value of a scalar application of an elementwise primitive of arity 1 or 2 on plain numbers, before
   * rounding (b is ignored by unary primitives): the same scalar function the tensor kernel maps.
   */
  scalarValue?(a: number, b: number, params: P): number;
  /** The declared scalar function itself for given params (what `scalarValue` calls; arity 1 or 2), for generated code. */
  scalarFunction?(params: P): ((a: number, b: number) => number) | undefined;
  /** Its kink set and what the policy chooses there (see `nonsmooth.ts`); absent for smooth primitives. */
  readonly kink?: KinkDeclaration<P>;
  /**
   * Its rule in the lexicographic forward mode (Khan and Barton 2015); absent: the lexicographic evaluator
   * refuses the primitive with an error naming it.
   */
  readonly lex?: LexRule<P>;
  /** False when its partials are constants computed from numbers (user primitives): no second derivatives. */
  readonly secondOrder: boolean;
  /** Describes params on the printed tape. */
  describe?(params: P): string;
  /**
   * Where the scalar tape keeps what it read once from this declaration (its opcode, scalar function, kink test),
   * so that recording an application reads one field instead of looking the primitive up in a map.
   * @internal
   */
  tapeSlot?: unknown;
}

/** One recorded application. */
export interface TapeNode {
  readonly prim: Primitive<any>;
  readonly params: unknown;
  readonly inputs: readonly (Tracer | Tensor)[];
  readonly output: Tracer;
  /** Which inputs are traced (need a cotangent). */
  readonly needed: readonly boolean[];
  /** True when every input and the output have shape [] (the scalar fast path of the backward pass applies). */
  readonly scalar?: boolean;
  /** Cached linearization on primal tensors (shared by forward and reverse mode). */
  lin?: Linear;
}

/** One entry of a kink report. */
export interface KinkEvent {
  readonly op: string;
  /** Tape index of the application (-1 if it was not traced). */
  readonly node: number;
  readonly key: string;
  readonly count: number;
  readonly notLipschitz?: string;
}

/**
 * A recorder of scalar programs on plain numbers (see `scalar-tape.ts`): while a trace has one, applications
 * whose operands are all scalars go to it instead of the node list.
 */
export interface ScalarRecorder {
  /**
   * Records one application on numbers. Undefined: the generic path is to handle it, either because no operand is
   * traced (a constant computation) or because some operand is not a scalar or the primitive has no scalar rule;
   * in that case the recorder has spilled itself into nodes first.
   */
  apply(prim: Primitive<never>, args: readonly Value[], params: unknown): Tracer | undefined;
  /** Turns every entry into a node of `trace.nodes` (same indices) and detaches from the trace. */
  spill(): void;
}

let traceCounter = 0;

/** The tape and context of one differentiation call. */
export class Trace {
  readonly id = ++traceCounter;
  readonly nodes: TapeNode[] = [];
  readonly kinkEvents: KinkEvent[] = [];
  readonly round: Round;
  /** False while the library runs its own backward or tangent computations (no kink logging then). */
  logKinks = true;
  active = false;
  /** The scalar recorder while the program has stayed scalar (null: every application is a node). */
  fast: ScalarRecorder | null = null;
  /**
   * Set when a traced value's primal was read (`tracer.value`, `valueOf`): from then on the program may branch on
   * its input in ways the tape does not record, so a compiled replay of it would not be safe.
   */
  valueRead = false;
  /** The label, or how to make it (only error messages read it, so a call does not build the string up front). */
  private labelOrMake: string | (() => string);
  /** The storage format of the model (every value is rounded to it). */
  readonly precision: NumberFormat;
  /** The model when its reductions and contractions need the model kernels (see {@link Env}). */
  readonly contractions: ArithmeticModel | undefined;
  constructor(
    readonly policy: KinkPolicy,
    /** The arithmetic model the call runs in (a named precision is a model too). */
    readonly model: ArithmeticModel,
    label: string | (() => string),
  ) {
    this.precision = model.storage;
    this.round = roundTo(model.storage);
    this.contractions = contractionModel(model);
    this.labelOrMake = label;
  }
  /** Names the call in messages: `grad(f)`. */
  get label(): string {
    if (typeof this.labelOrMake !== "string") this.labelOrMake = this.labelOrMake();
    return this.labelOrMake;
  }
}

const FLOAT64_ENV: Env = { precision: "float64", round: roundTo("float64") };

let current: Trace | null = null;

/**
 * Makes `trace` the active one and returns the one it replaces, which `leaveTrace` restores: the pair `withTrace`
 * is made of, for callers that run their body inline (no closure per call).
 */
export function enterTrace(trace: Trace): Trace | null {
  const prev = current;
  current = trace;
  trace.active = true;
  return prev;
}

/** Ends `trace`'s activity and restores `prev` (what `enterTrace` returned). */
export function leaveTrace(trace: Trace, prev: Trace | null): void {
  trace.active = false;
  current = prev;
}

/** Runs `fn` with `trace` active, restoring the previous context afterwards. */
export function withTrace<T>(trace: Trace, fn: () => T): T {
  const prev = current;
  current = trace;
  trace.active = true;
  try {
    return fn();
  } finally {
    trace.active = false;
    current = prev;
  }
}

const roundedIn: Record<NumberFormat, WeakSet<Tensor>> = {
  float64: new WeakSet(),
  float32: new WeakSet(),
  float16: new WeakSet(),
  bfloat16: new WeakSet(),
};

/** Marks a tensor as holding values of a precision already (outputs of primitives run in it). */
function markRounded(t: Tensor, p: NumberFormat): Tensor {
  if (p !== "float64") roundedIn[p].add(t);
  return t;
}

/** A scalar tensor of a number already in precision p (a value of a scalar tape made a tensor). */
export function roundedScalar(x: number, p: NumberFormat): Tensor {
  return markRounded(scalar(x), p);
}

/** A constant entering a program run in reduced precision is rounded to it first (once). */
export function toPrecision(t: Tensor, env: Env, op = "toPrecision"): Tensor {
  if (isExact(env.round) || roundedIn[env.precision].has(t)) return t;
  const r = map1(t, env.round, env.round);
  checkNoOverflow(op, "constant", t.data, r.data, env.precision);
  return markRounded(r, env.precision);
}

/**
 * A finite value handed to a call (an input, a tangent, a constant) that rounds to Infinity in the requested
 * precision would change the program silently: it is refused, naming the value and the precision's range.
 * @internal
 */
export function checkNoOverflow(
  op: string,
  what: string,
  before: ArrayLike<number>,
  after: ArrayLike<number>,
  precision: NumberFormat,
): void {
  for (let i = 0; i < after.length; i++) {
    if (!Number.isFinite(after[i]) && Number.isFinite(before[i])) {
      throw new RangeError(
        `${op}: the ${what} ${before[i]} at flat index ${i} overflows ${precision} (it rounds to ${after[i]}; the largest finite ${precision} is ${FORMATS[precision].max})`,
      );
    }
  }
}

const scalarCache: Record<NumberFormat, Map<number, Tensor>> = {
  float64: new Map(),
  float32: new Map(),
  float16: new Map(),
  bfloat16: new Map(),
};

/** The scalar tensor of a number constant, rounded to the precision; shared (tensors are never mutated). */
function constantScalar(a: number, env: Env, op: string): Tensor {
  // Map keys identify 0 and -0: -0 is never cached, so its sign survives (1 / -0 = -Infinity)
  if (Object.is(a, -0)) return markRounded(scalar(-0), env.precision);
  const cache = scalarCache[env.precision];
  let t = cache.get(a);
  if (t === undefined) {
    const r = env.round(a);
    if (r !== a && !Number.isFinite(r)) checkNoOverflow(op, "constant", [a], [r], env.precision);
    t = markRounded(scalar(r), env.precision);
    if (cache.size > 4096) cache.clear(); // bounded: programs with many distinct constants just recompute
    cache.set(a, t);
  }
  return t;
}

function mixedError(op: string, v: Tracer): Error {
  const cur = current;
  if (!cur) {
    return new Error(
      `${op}: got a traced value (%${v.index} of "${v.trace.label}") outside its differentiation call: traced values cannot escape the function being differentiated; use the returned results instead`,
    );
  }
  return new Error(
    `${op}: mixes values from two different traces: %${v.index} belongs to "${v.trace.label}" (trace ${v.trace.id}), but the running call is "${cur.label}" (trace ${cur.id}); pass values into the function as arguments instead of capturing them`,
  );
}

/**
 * Applies a primitive to values: computes its value (in the active precision), logs kink hits, and records a
 * node when any input is traced. Every op of the library goes through here.
 */
export function apply<P>(prim: Primitive<P>, args: readonly Value[], params: P): Value {
  const t = current;
  if (t !== null && t.fast !== null) {
    const r = t.fast.apply(prim, args, params);
    if (r !== undefined) return r;
  }
  return applyOnTensors(t, prim, args, params);
}

/** `apply` on tensors (kept apart so that the scalar tape's path above stays small enough to be inlined into ops). */
function applyOnTensors<P>(t: Trace | null, prim: Primitive<P>, args: readonly Value[], params: P): Value {
  const env = t ?? FLOAT64_ENV;
  const n = args.length;
  const tensors = new Array<Tensor>(n);
  let traced = false;
  for (let i = 0; i < n; i++) {
    const a = args[i];
    if (a instanceof Tracer) {
      if (a.trace !== t) throw mixedError(prim.name, a);
      tensors[i] = a.value;
      traced = true;
    } else if (a instanceof Tensor) {
      tensors[i] = t ? toPrecision(a, env, prim.name) : a;
    } else if (typeof a === "number") {
      tensors[i] = constantScalar(a, env, prim.name);
    } else {
      throw new Error(
        `${prim.name}: argument ${i} must be a number, a Tensor or a traced value, got ${a === null ? "null" : typeof a}`,
      );
    }
  }
  let out = markRounded(prim.value(tensors, params, env), env.precision);
  for (let i = 0; i < n; i++) {
    // a primitive that returns its input (broadcastTo to the same shape, reshape) would hand out the storage of a
    // cached number constant, which later calls share: a caller writing into it would change them
    if (typeof args[i] === "number" && out.data === tensors[i].data) {
      out = markRounded(new Tensor(Float64Array.from(out.data), out.shape), env.precision);
      break;
    }
  }
  if (t && t.logKinks && prim.kink) {
    const count = prim.kink.count(tensors, params);
    if (count > 0) {
      t.kinkEvents.push({
        op: prim.name,
        node: traced ? t.nodes.length : -1,
        key: prim.kink.key,
        count,
        notLipschitz: prim.kink.notLipschitz,
      });
    }
  }
  if (!traced || !t) return out;
  const inputs = new Array<Tracer | Tensor>(n);
  const needed = new Array<boolean>(n);
  let scalar = out.shape.length === 0;
  for (let i = 0; i < n; i++) {
    needed[i] = args[i] instanceof Tracer;
    inputs[i] = needed[i] ? (args[i] as Tracer) : tensors[i];
    if (tensors[i].shape.length !== 0) scalar = false;
  }
  const tr = new Tracer(t, t.nodes.length, out);
  t.nodes.push({ prim, params, inputs, output: tr, needed, scalar });
  return tr;
}

/** The primal tensor of a value. */
export function primal(v: Value): Tensor {
  if (v instanceof Tracer) return v.value;
  if (v instanceof Tensor) return v;
  return scalar(v);
}

/** The shape of a value. */
export function shapeOf(v: Value): readonly number[] {
  return typeof v === "number" ? [] : v.shape;
}
