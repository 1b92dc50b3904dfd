/**
 * The scalar tape: how a differentiation call records a program whose inputs are all scalars. Instead of one
 * tensor, one node object and its arrays per primitive application, the tape stores plain numbers in flat typed
 * arrays (an opcode, two operand references and the value per entry; constants in their own array), and the
 * backward pass walks them accumulating adjoints in a Float64Array.
 *
 * It reads everything from the one table of primitives: an application's value is the primitive's declared
 * scalar function (`scalarValue`, the function its tensor kernel maps), its kink test is the primitive's kink
 * declaration (`kink.element.at`, or its declared code form compiled on the operands), and the backward step is
 * generated from its declared partials (the expression algebra; all kernels of a precision fused into one sweep
 * that switches on the opcode), or, for a primitive with params, its `scalarPartials` interpreted on numbers, with
 * the policy's choice at a kink. It rounds, counts kinks, numbers the entries and keys random
 * choices exactly as the node list does, so results, kink reports and errors are bitwise those of the tensor path.
 * The first application it cannot record (an operand that is not a scalar, a primitive without a scalar rule)
 * spills the tape into ordinary nodes under the same indices, and the call goes on there.
 *
 * @module
 */
import { Tensor } from "../tensor";
import { Tracer, checkNoOverflow, roundedScalar } from "./trace";
import { Refs, backwardKernel, backwardKernelBody, compileWithRefs } from "./codegen";
import type { Accumulate, BackwardKernel } from "./codegen";
import { isExact } from "../precision";
import type { NumberFormat } from "../arithmetic/formats";
import type { KinkPolicy } from "../policy";
import type { LinEnv, Primitive, ScalarRecorder, TapeNode, Trace, Value } from "./trace";

/**
 * What recording an application of a primitive needs, read once from its declaration: its opcode (an index into
 * one table of the primitives met so far, shared by every tape), whether the tape can record it, and its recorders
 * (generated at its first application with that many operands).
 */
interface OpInfo {
  readonly code: number;
  /** It has a scalar function and scalar partials, and its kink (if any) is declared per element. */
  readonly recordable: boolean;
  /** The recorder of applications with one operand (undefined: not generated yet). */
  rec1: Recorder | undefined;
  /** The recorder of applications with two operands. */
  rec2: Recorder | undefined;
}

/**
 * Records one application of a primitive with one or two operands (b is undefined for one) on the tape: its value,
 * its kink test, its entry, and the traced value it returns; undefined when the generic path is to take it (no
 * traced operand: a computation on constants; or an operand the tape cannot hold, after spilling the tape).
 */
type Recorder = (tape: ScalarTape, a: Value | undefined, b: Value | undefined, params: unknown) => Tracer | undefined;

/**
 * Generates the recorder of a recordable primitive for `arity` operands: straight-line code that reads the
 * operands, calls the declared scalar function (a parameterless primitive's function is looked up once, at its
 * first application), rounds, runs the declared kink test (inlined from its code form when it
 * has one) and records the entry. A function of its own per primitive, so that each call site in it sees one
 * function (the JIT inlines the scalar function and the test), where one shared recorder would see them all.
 */
function recorder(prim: Primitive<never>, code: number, arity: 1 | 2, params: unknown): Recorder {
  const refs = new Refs();
  const T = refs.ref(Tracer);
  const P = refs.ref(prim);
  const NAME = JSON.stringify(prim.name);
  // looked up only when the first application has no params (a primitive with params may need them to build it)
  const fn =
    params === undefined
      ? (prim.scalarFunction?.(undefined as never) as ((...x: number[]) => number) | undefined)
      : undefined;
  const args = arity === 1 ? "x0" : "x0, x1";
  const second = arity === 1 ? "0" : "x1";
  const value =
    fn === undefined
      ? `${P}.scalarValue(x0, ${second}, params)`
      : `params === undefined ? ${refs.ref(fn)}(${args}) : ${P}.scalarValue(x0, ${second}, params)`;
  const rule = prim.kink?.element;
  // the declared code form on the operands themselves; else the declared test, on a fresh array (a user's test may
  // keep it)
  const test =
    rule === undefined
      ? "false"
      : rule.code !== undefined
        ? rule.code.at(arity === 1 ? ["x0"] : ["x0", "x1"], "params")
        : `${refs.ref(rule.at)}([${args}], params)`;
  // a traced operand of this trace was made by this tape, holding its value (`num`, what val[index] holds)
  const operand = (v: string, k: number): string => `if (${v} instanceof ${T}) {
    if (${v}.trace !== t) return tape.spillUndefined();
    r${k} = ${v}.index;
    x${k} = ${v}.num;
  } else {
    const c = tape.constant(${v}, ${NAME});
    if (c === undefined) return tape.spillUndefined();
    x${k} = c;
    r${k} = tape.pushConst(c);
  }`;
  const body =
    arity === 1
      ? `if (!(a instanceof ${T})) return undefined;
  let r0 = 0, x0 = 0;
  ${operand("a", 0)}
  const r1 = ${NONE};`
      : `if (!(a instanceof ${T}) && !(b instanceof ${T})) return undefined;
  let r0 = 0, x0 = 0, r1 = 0, x1 = 0;
  ${operand("a", 0)}
  ${operand("b", 1)}`;
  return compileWithRefs<Recorder>(
    refs,
    `return function record_${prim.name.replace(/\W/g, "_")}(tape, a, b, params) {
  const t = tape.trace;
  ${body}
  const y = t.round(${value});
  if (t.logKinks && (${test})) tape.kinkHit(${P});
  return tape.record(${code}, r0, r1, y, params);
};`,
  );
}

/** The recorder of a primitive the tape cannot hold: a computation on constants goes on, anything else spills. */
const recordNothing: Recorder = (tape, a, b) => {
  if (!(a instanceof Tracer) && !(b instanceof Tracer)) return undefined;
  tape.spill();
  return undefined;
};

const INFO = new Map<Primitive<never>, OpInfo>();
const PRIM_OF: Primitive<never>[] = [];

function infoOf(prim: Primitive<never>): OpInfo {
  const slot = prim.tapeSlot;
  if (slot !== undefined) return slot as OpInfo;
  let info = INFO.get(prim);
  if (info === undefined) {
    const kink = prim.kink;
    const recordable =
      prim.scalarValue !== undefined &&
      prim.scalarPartials !== undefined &&
      (kink === undefined || kink.element !== undefined);
    info = {
      code: PRIM_OF.length,
      recordable,
      rec1: recordable ? undefined : recordNothing,
      rec2: recordable ? undefined : recordNothing,
    };
    PRIM_OF.push(prim);
    INFO.set(prim, info);
  }
  // cached on the declaration when it has room for it (a frozen one is looked up in the map every time)
  if (Object.isExtensible(prim)) prim.tapeSlot = info;
  return info;
}

/**
 * The fused backward sweep of one precision: from entry `from` down to 0, every entry that received a cotangent
 * goes through the kernel of its primitive, written inline in one switch on the opcode (no call per entry). It
 * returns the index of the first entry it cannot take (a primitive with params, or one it has no kernel for yet),
 * or -1 when the sweep is done.
 */
type FusedSweep = (
  from: number,
  op: Int32Array,
  a0: Int32Array,
  a1: Int32Array,
  val: Float64Array,
  consts: Float64Array,
  adj: Float64Array,
  has: Uint8Array,
  params: readonly unknown[] | null,
  env: LinEnv,
) => number;

/**
 * The backward kernels of one precision, by opcode: generated from each primitive's declared partials (see
 * `backwardKernelBody`) for parameterless primitives (a primitive with params, like pow's exponent, takes the
 * interpreted path), fused into one sweep. `env` is the environment their kink rules read: the sweep sets its
 * policy and node.
 */
interface KernelSet {
  readonly env: { -readonly [K in keyof LinEnv]: LinEnv[K] };
  /** The arity of each opcode's kernel in the fused sweep; undefined: not generated yet; null: none (interpreted). */
  readonly arity: (number | null | undefined)[];
  /** The sweep over the kernels generated so far (regenerated when an opcode gets one). */
  fused: FusedSweep;
  /** How many opcodes the fused sweep holds (at most MAX_FUSED). */
  fusedCount: number;
  /** The kernels of the opcodes met after the fused sweep was full, each a function of its own. */
  readonly solo: (BackwardKernel | undefined)[];
  /** The program structures met, most recent first, with their straight-line sweeps (see `StraightSweep`). */
  readonly straight: Straight[];
}

/**
 * The most opcodes one fused sweep holds: every built-in primitive fits, and a program that declares primitives
 * without end (a user primitive made in a loop) regenerates the sweep at most this many times; the opcodes met after
 * that get a kernel of their own, called per entry.
 */
const MAX_FUSED = 64;

const KERNEL_SETS = new Map<(x: number) => number, KernelSet>();
/** The set of the last precision used (calls in a row mostly share one: the map lookup is skipped). */
let lastSet: KernelSet | undefined;

function kernelSet(round: (x: number) => number, precision: NumberFormat, policy: KinkPolicy): KernelSet {
  if (lastSet !== undefined && lastSet.env.round === round) return lastSet;
  let set = KERNEL_SETS.get(round);
  if (set === undefined) {
    const env = { precision, round, policy, node: 0 };
    set = { env, arity: [], fused: fusedSweep(env, []), fusedCount: 0, solo: [], straight: [] };
    KERNEL_SETS.set(round, set);
  }
  lastSet = set;
  return set;
}

/** Generates the fused sweep over the opcodes whose kernel arity is known (see `FusedSweep`). */
function fusedSweep(env: LinEnv, arity: readonly (number | null | undefined)[]): FusedSweep {
  const refs = new Refs();
  const round = isExact(env.round) ? null : env.round;
  const cases: string[] = [];
  for (let code = 0; code < arity.length; code++) {
    const n = arity[code];
    if (n === null || n === undefined) continue;
    const body = backwardKernelBody(PRIM_OF[code], n, env, round, refs);
    if (body !== null) cases.push(`case ${code}: {\n        ${body.join("\n        ")}\n        break;\n      }`);
  }
  return compileWithRefs<FusedSweep>(
    refs,
    `return function fusedSweep(from, op, a0, a1, val, consts, adj, has, params, env) {
  for (let i = from; i >= 0; i--) {
    if (has[i] === 0) continue;
    const code = op[i];
    if (code === ${INPUT_OP}) continue;
    if (params !== null && params[i] !== undefined) return i;
    const r0 = a0[i];
    const r1 = a1[i];
    const x0 = r0 >= 0 ? val[r0] : consts[-r0 - 1];
    const x1 = r1 === ${NONE} ? 0 : r1 >= 0 ? val[r1] : consts[-r1 - 1];
    const y = val[i];
    const c = adj[i];
    env.node = i;
    switch (code) {
      ${cases.join("\n      ")}
      default:
        return i;
    }
  }
  return -1;
};`,
  );
}

/**
 * Whether opcode `code` has a kernel in the fused sweep, generating it (and the sweep again) at its first meeting.
 */
function hasKernel(set: KernelSet, code: number, unary: boolean): boolean {
  let n = set.arity[code];
  if (n === undefined) {
    const round = set.env.round;
    const exact = isExact(round) ? null : round;
    const probe = backwardKernelBody(PRIM_OF[code], unary ? 1 : 2, set.env, exact, new Refs());
    n = probe === null ? null : unary ? 1 : 2;
    if (n !== null && set.fusedCount >= MAX_FUSED) {
      // the fused sweep is full: this opcode's kernel is a function of its own
      set.solo[code] = backwardKernel(PRIM_OF[code], n, set.env, exact) ?? undefined;
      n = null;
    }
    set.arity[code] = n;
    if (n !== null) {
      set.fusedCount++;
      set.fused = fusedSweep(set.env, set.arity);
    }
  }
  return n !== null;
}

/**
 * The backward sweep of one recorded program structure (the opcodes and operand references of entries 0 to the
 * output) as straight-line code, as compile.ts writes a program's backward pass: each entry's kernel body (the same
 * generated body the fused sweep runs for its opcode) in the same order, with its operands written in and its
 * adjoints in local variables (which entries receive a cotangent, and which contribution comes first, depend on the
 * structure alone); no loop, no switch on the opcode. A program run again and again (a training loop, a sweep over
 * points) records the same structure at every call: after `straightAfter` calls it gets this code, which later calls
 * with that structure run instead of the fused sweep. Values, constants and the policy are read at run time, so
 * the results are those of the fused sweep. It writes the adjoints of the input entries only (`adj`, `has`).
 */
type StraightSweep = (
  val: Float64Array,
  consts: Float64Array,
  adj: Float64Array,
  has: Uint8Array,
  env: LinEnv,
  seed: number,
) => void;

/** A program structure met by the backward sweep of one precision, and its straight-line sweep once generated. */
interface Straight {
  /** The entries it covers (0 to n - 1; the output is entry n - 1). */
  readonly n: number;
  readonly op: Int32Array;
  readonly a0: Int32Array;
  readonly a1: Int32Array;
  /** How many sweeps met it. */
  seen: number;
  run: StraightSweep | null;
}

/**
 * The sweeps of a structure that go through the fused sweep before it gets its own code. Generating it and its first
 * runs (before the JIT optimizes it) cost about 1 ms for 20 entries, a few ms for a hundred, what the straight line
 * saves on some thousands of sweeps: a program called fewer times never pays for it.
 */
let straightAfter = 2000;

/**
 * Sets how many sweeps of a structure go before it gets straight-line code (tests lower it to reach that code with
 * few calls); returns the previous value. @internal
 */
export function setStraightAfter(n: number): number {
  const prev = straightAfter;
  straightAfter = n;
  return prev;
}
/** The most structures remembered per precision (the least recently met one makes room). */
const STRAIGHT_KEPT = 16;
/** The longest program that gets straight-line code (longer ones: the fused sweep, whose code size does not grow). */
const STRAIGHT_MAX = 512;

function sameStructure(s: Straight, op: Int32Array, a0: Int32Array, a1: Int32Array): boolean {
  for (let i = s.n - 1; i >= 0; i--) if (s.op[i] !== op[i] || s.a0[i] !== a0[i] || s.a1[i] !== a1[i]) return false;
  return true;
}

/**
 * The remembered structure of entries 0 to n - 1 of a tape (found by comparison), remembered now if new and
 * eligible (every opcode has its kernel in the fused sweep: else it never gets code); null otherwise.
 */
function findStructure(set: KernelSet, b: Buffers, n: number): Straight | null {
  const list = set.straight;
  for (let j = 0; j < list.length; j++) {
    const s = list[j];
    if (s.n === n && sameStructure(s, b.op, b.a0, b.a1)) return s;
  }
  for (let i = 0; i < n; i++) {
    const code = b.op[i];
    if (code !== INPUT_OP && typeof set.arity[code] !== "number") return null;
  }
  const s: Straight = { n, op: b.op.slice(0, n), a0: b.a0.slice(0, n), a1: b.a1.slice(0, n), seen: 0, run: null };
  if (list.length >= STRAIGHT_KEPT) list.pop();
  list.unshift(s);
  return s;
}

/** Counts a sweep of structure s (most recently met first) and returns its code once it has met `straightAfter`. */
function meet(set: KernelSet, s: Straight): StraightSweep | null {
  const list = set.straight;
  if (list[0] !== s) {
    const j = list.indexOf(s);
    if (j < 0) return null; // made room for others since the tape predicted it
    list.splice(j, 1);
    list.unshift(s);
  }
  if (s.run === null && ++s.seen >= straightAfter) s.run = straightCode(set, s);
  return s.run;
}

let straightGenerated = 0;

/** How many straight-line sweeps this process has generated (tests check that theirs ran). @internal */
export function straightSweepsGenerated(): number {
  return straightGenerated;
}

/** Generates the straight-line sweep of a structure (see `StraightSweep`). */
function straightCode(set: KernelSet, s: Straight): StraightSweep {
  straightGenerated++;
  const refs = new Refs();
  const round = isExact(set.env.round) ? null : set.env.round;
  const out = s.n - 1;
  const reached = new Uint8Array(s.n);
  reached[out] = 1;
  const blocks: string[] = [];
  const operand = (r: number): string => (r === NONE ? "0" : r >= 0 ? `g${r}` : `consts[${-r - 1}]`);
  for (let i = out; i >= 0; i--) {
    const code = s.op[i];
    if (code === INPUT_OP || reached[i] === 0) continue;
    const refsOf = [s.a0[i], s.a1[i]];
    // the first term an entry receives is its adjoint, later ones are added (as has[] decides in the fused sweep)
    const accumulate: Accumulate = (j, term, rnd) => {
      const r = refsOf[j];
      if (r < 0) return "";
      if (reached[r] === 0) {
        reached[r] = 1;
        return `g${r} = ${term};`;
      }
      return `g${r} = ${rnd(`g${r} + ${term}`)};`;
    };
    const body = backwardKernelBody(PRIM_OF[code], set.arity[code] as number, set.env, round, refs, accumulate);
    if (body === null) throw new Error(`straight sweep: the kernel of ${PRIM_OF[code].name} disappeared`);
    const x = (r: number): string => (r >= 0 ? `val[${r}]` : operand(r));
    blocks.push(`{
    const x0 = ${x(refsOf[0])}, x1 = ${x(refsOf[1])}, y = val[${i}], c = g${i};
    env.node = ${i};
    ${body.join("\n    ")}
  }`);
  }
  const locals: string[] = [];
  const inputs: string[] = [];
  for (let i = 0; i < s.n; i++) {
    if (reached[i] === 1) locals.push(i === out ? `g${i} = seed` : `g${i} = 0`);
    if (s.op[i] === INPUT_OP) inputs.push(reached[i] === 1 ? `adj[${i}] = g${i}; has[${i}] = 1;` : `has[${i}] = 0;`);
  }
  return compileWithRefs<StraightSweep>(
    refs,
    `return function straightSweep(val, consts, adj, has, env, seed) {
  let ${locals.join(", ")};
  ${blocks.join("\n  ")}
  ${inputs.join("\n  ")}
};`,
  );
}

/** The opcode of an input entry. */
const INPUT_OP = -1;
/** The operand reference of an absent second operand (unary primitives). */
const NONE = -2147483648;

/** The typed arrays of a tape and of its backward sweep (reused by the next call once a call has finished). */
class Buffers {
  op: Int32Array;
  /** Operand references: i >= 0 is entry i, a negative r is constant -r - 1, NONE is no operand. */
  a0: Int32Array;
  a1: Int32Array;
  val: Float64Array;
  consts: Float64Array;
  adj: Float64Array;
  has: Uint8Array;
  constructor(n: number) {
    this.op = new Int32Array(n);
    this.a0 = new Int32Array(n);
    this.a1 = new Int32Array(n);
    this.val = new Float64Array(n);
    this.consts = new Float64Array(n);
    this.adj = new Float64Array(n);
    this.has = new Uint8Array(n);
  }
}

/**
 * One set of buffers kept between calls, so that a small program allocates no typed array; only buffers of at
 * most POOLED entries are kept (about 130 kB), so a long program's tape is never retained after its call.
 */
let spare: Buffers | null = null;
const POOLED = 4096;

/** A recorded scalar program, as `ScalarTape.program` copies it out. */
export interface ScalarProgram {
  readonly length: number;
  /** The primitive of each entry (null: an input). */
  readonly prims: readonly (Primitive<never> | null)[];
  /** Operand references: i >= 0 is entry i, a negative r is constant -r - 1, NONE_OPERAND is no operand. */
  readonly a0: Int32Array;
  readonly a1: Int32Array;
  readonly val: Float64Array;
  readonly consts: Float64Array;
  readonly params: readonly unknown[];
}

/** The operand reference of an absent operand in a ScalarProgram. */
export const NONE_OPERAND = NONE;

/** A flat tape of scalar applications, attached to a trace while the program stays scalar. */
export class ScalarTape implements ScalarRecorder {
  length = 0;
  /** @internal (read by the generated recorders) */
  b: Buffers;
  /** The params of each entry; null while every entry has none (most programs: no array grows per entry). */
  private params: unknown[] | null = null;
  private nConsts = 0;
  /** The entries the last backward sweep covered (0 to swept - 1). */
  private swept = 0;
  /**
   * The structure this call is expected to record (the one the last sweep in its precision met): null as soon as an
   * entry differs from it, so that the sweep knows it without comparing the tape (see `StraightSweep`).
   */
  private expect: Straight | null;
  /** Argument arrays of the interpreted path (made when first needed). */
  private xs1: number[] | null = null;
  private xs2: number[] | null = null;

  constructor(
    readonly trace: Trace,
    /** The marker primitive of input nodes (what a spilled input entry becomes). */
    private readonly inputPrim: Primitive<void>,
  ) {
    this.b = spare ?? new Buffers(256);
    spare = null;
    this.expect = kernelSet(trace.round, trace.precision, trace.policy).straight[0] ?? null;
  }

  /**
   * Ends the call's use of the tape: detaches it from the trace (later applications on its values go to the
   * generic path, which refuses values that escaped their call) and hands its buffers to the next call.
   */
  release(): void {
    if (this.trace.fast === this) this.trace.fast = null;
    const b = this.b;
    this.b = EMPTY;
    this.params = null;
    this.length = 0;
    if (b !== EMPTY && b.op.length <= POOLED) spare = b;
  }

  /** The value of entry `index`. */
  valueAt(index: number): number {
    return this.b.val[index];
  }

  /** Records an input (its value already rounded to the precision); returns its index. */
  input(x: number): number {
    return this.push(INPUT_OP, NONE, NONE, x, undefined);
  }

  apply(prim: Primitive<never>, args: readonly Value[], params: unknown): Tracer | undefined {
    const slot = prim.tapeSlot;
    const info = slot !== undefined ? (slot as OpInfo) : infoOf(prim);
    const n = args.length;
    if (n === 2) return (info.rec2 ??= recorder(prim, info.code, 2, params))(this, args[0], args[1], params);
    if (n === 1) return (info.rec1 ??= recorder(prim, info.code, 1, params))(this, args[0], undefined, params);
    // no scalar primitive takes another number of operands: a computation on constants goes on, anything else spills
    for (let i = 0; i < n; i++) if (args[i] instanceof Tracer) return this.spillUndefined();
    return undefined;
  }

  /** Records entry (code, r0, r1) of value y (a recorder's last step); returns its traced value. @internal */
  record(code: number, r0: number, r1: number, y: number, params: unknown): Tracer {
    return new Tracer(this.trace, this.push(code, r0, r1, y, params), undefined, y);
  }

  /** Logs a kink hit of the application about to be recorded (the next entry). @internal */
  kinkHit(prim: Primitive<never>): void {
    const kink = prim.kink!;
    this.trace.kinkEvents.push({
      op: prim.name,
      node: this.length,
      key: kink.key,
      count: 1,
      notLipschitz: kink.notLipschitz,
    });
  }

  /**
   * The backward sweep from entry `out` with cotangent `seed`: each entry's declared scalar reverse step, in
   * reverse order, skipping entries that received no cotangent (as the node list does with symbolic zeros).
   */
  backward(out: number, seed: number): void {
    const { adj, has } = this.b;
    const t = this.trace;
    const round = t.round;
    // the kernels' environment is shared by every call in this precision: a call made from inside a kink rule
    // (a user primitive's partials may call the library) restores it when it returns
    const set = kernelSet(round, t.precision, t.policy);
    // the structure predicted at the start and matched by every entry recorded since, or found by comparison
    let straight: StraightSweep | null = null;
    if (this.params === null && out < STRAIGHT_MAX) {
      const e = this.expect;
      const s = e !== null && e.n === out + 1 ? e : findStructure(set, this.b, out + 1);
      if (s !== null) straight = meet(set, s);
    }
    if (straight === null) {
      has.fill(0, 0, out + 1);
      adj[out] = seed;
      has[out] = 1;
    }
    const kenv = set.env;
    const prevPolicy = kenv.policy;
    const prevNode = kenv.node;
    kenv.policy = t.policy;
    try {
      if (straight !== null) straight(this.b.val, this.b.consts, adj, has, kenv, seed);
      else this.sweep(out, adj, has, set);
    } finally {
      kenv.policy = prevPolicy;
      kenv.node = prevNode;
    }
    this.swept = out + 1;
  }

  /** The adjoint of input entry `index` after `backward` (0 where no cotangent arrived: a symbolic zero). */
  adjoint(index: number): number {
    return index < this.swept && this.b.has[index] === 1 ? this.b.adj[index] : 0;
  }

  private sweep(out: number, adj: Float64Array, has: Uint8Array, set: KernelSet): void {
    const t = this.trace;
    const round = t.round;
    const kenv = set.env;
    // the environment of the interpreted path (primitives with params), made when first needed
    let env: { -readonly [K in keyof LinEnv]: LinEnv[K] } | undefined;
    const { op, a0, a1, val, consts } = this.b;
    const params = this.params;
    const xs1 = (this.xs1 ??= [0]);
    const xs2 = (this.xs2 ??= [0, 0]);
    let i = out;
    while (i >= 0) {
      // the fused kernels take every entry they can; this loop takes the others, one at a time
      i = set.fused(i, op, a0, a1, val, consts, adj, has, params, kenv);
      if (i < 0) break;
      const code = op[i];
      const r0 = a0[i];
      const r1 = a1[i];
      const pi = params === null ? undefined : params[i];
      // an opcode met for the first time gets its kernel, and the fused sweep goes on from this entry
      if (pi === undefined) {
        if (set.arity[code] === undefined && hasKernel(set, code, r1 === NONE)) continue;
        const k = set.solo[code];
        if (k !== undefined) {
          kenv.node = i;
          k(
            r0 >= 0 ? val[r0] : consts[-r0 - 1],
            r1 === NONE ? 0 : r1 >= 0 ? val[r1] : consts[-r1 - 1],
            val[i],
            adj[i],
            adj,
            has,
            r0,
            r1,
          );
          i--;
          continue;
        }
      }
      let xs: number[];
      if (r1 === NONE) {
        xs = xs1;
        xs[0] = r0 >= 0 ? val[r0] : consts[-r0 - 1];
      } else {
        xs = xs2;
        xs[0] = r0 >= 0 ? val[r0] : consts[-r0 - 1];
        xs[1] = r1 >= 0 ? val[r1] : consts[-r1 - 1];
      }
      env ??= { precision: t.precision, round, policy: t.policy, node: 0 };
      env.node = i;
      // the number algebra uses its arguments synchronously: one environment and argument array serve every entry
      const ps = PRIM_OF[code].scalarPartials!(xs, val[i], pi as never, env);
      // the cotangent times each partial, as scalarVjp: a partial 1 passes it through, others multiply with a
      // strong zero (0 times an infinite partial is 0) and round
      const c = adj[i];
      const p0 = ps[0];
      if (r0 >= 0 && p0 !== null) {
        const g0 = p0 === 1 ? c : round(p0 === 0 || c === 0 ? 0 : p0 * c);
        if (has[r0] === 0) {
          adj[r0] = g0;
          has[r0] = 1;
        } else adj[r0] = round(adj[r0] + g0);
      }
      if (r1 >= 0) {
        const p1 = ps[1];
        if (p1 !== null) {
          const g1 = p1 === 1 ? c : round(p1 === 0 || c === 0 ? 0 : p1 * c);
          if (has[r1] === 0) {
            adj[r1] = g1;
            has[r1] = 1;
          } else adj[r1] = round(adj[r1] + g1);
        }
      }
      i--;
    }
  }

  /** A copy of the recorded program (for code generation): per entry its primitive (null: an input), operands, value, params. */
  program(): ScalarProgram {
    const n = this.length;
    const b = this.b;
    return {
      length: n,
      prims: Array.from(b.op.subarray(0, n), (c) => (c === INPUT_OP ? null : PRIM_OF[c])),
      a0: b.a0.slice(0, n),
      a1: b.a1.slice(0, n),
      val: b.val.slice(0, n),
      consts: b.consts.slice(0, this.nConsts),
      params: this.params === null ? new Array<unknown>(n).fill(undefined) : this.params.slice(0, n),
    };
  }

  /** Turns every entry into a node (same index, same values, constants as scalar tensors) and detaches. */
  spill(): void {
    const t = this.trace;
    if (t.fast !== this) return;
    const outs = new Array<Tracer>(this.length);
    const operand = (r: number): Tracer | Tensor =>
      r >= 0 ? outs[r] : roundedScalar(this.b.consts[-r - 1], t.precision);
    for (let i = 0; i < this.length; i++) {
      const out = new Tracer(t, i, roundedScalar(this.b.val[i], t.precision));
      outs[i] = out;
      let node: TapeNode;
      if (this.b.op[i] === INPUT_OP) {
        node = { prim: this.inputPrim, params: undefined, inputs: [], output: out, needed: [] };
      } else {
        const inputs = this.b.a1[i] === NONE ? [operand(this.b.a0[i])] : [operand(this.b.a0[i]), operand(this.b.a1[i])];
        node = {
          prim: PRIM_OF[this.b.op[i]] as TapeNode["prim"],
          params: this.params === null ? undefined : this.params[i],
          inputs,
          output: out,
          needed: inputs.map((v) => v instanceof Tracer),
          scalar: true,
        };
      }
      t.nodes.push(node);
    }
    t.fast = null;
  }

  /** Spills the tape; undefined (the generic path takes the application). @internal */
  spillUndefined(): undefined {
    this.spill();
    return undefined;
  }

  /**
   * A constant operand as the number the tensor path would use: a number rounded to the precision (-0 kept), a
   * scalar tensor rounded likewise; a finite constant that overflows the precision is refused with the same
   * error. Undefined for anything else (a tensor of another shape: not a scalar program any more).
   */
  constant(a: Value, op: string): number | undefined {
    const t = this.trace;
    if (typeof a === "number") {
      if (Object.is(a, -0)) return -0;
      const r = t.round(a);
      if (r !== a && !Number.isFinite(r)) checkNoOverflow(op, "constant", [a], [r], t.precision);
      return r;
    }
    if (!(a instanceof Tensor) || a.shape.length !== 0) return undefined;
    const d = a.data[0];
    const r = t.round(d);
    if (!Number.isFinite(r) && Number.isFinite(d)) checkNoOverflow(op, "constant", [d], [r], t.precision);
    return r;
  }

  /** @internal */
  pushConst(x: number): number {
    const b = this.b;
    if (this.nConsts === b.consts.length) b.consts = grown(b.consts, new Float64Array(b.consts.length * 2));
    b.consts[this.nConsts] = x;
    return -++this.nConsts;
  }

  /**
   * Appends an entry. Kept small, so that the JIT inlines it into every recorder: growing the buffers, entries with
   * params and a structure that stops matching the predicted one go through methods of their own.
   */
  private push(code: number, r0: number, r1: number, y: number, params: unknown): number {
    const i = this.length;
    const b = i < this.b.op.length ? this.b : this.grow();
    b.op[i] = code;
    b.a0[i] = r0;
    b.a1[i] = r1;
    b.val[i] = y;
    if (this.expect !== null) this.check(i, code, r0, r1);
    if (params !== undefined || this.params !== null) this.pushParams(i, params);
    this.length = i + 1;
    return i;
  }

  /** Drops the predicted structure when entry i differs from it (see `expect`). */
  private check(i: number, code: number, r0: number, r1: number): void {
    const e = this.expect!;
    if (i < e.n && (e.op[i] !== code || e.a0[i] !== r0 || e.a1[i] !== r1)) this.expect = null;
  }

  /** Records the params of entry i (the array of params is made at the first entry that has some). */
  private pushParams(i: number, params: unknown): void {
    if (this.params === null) this.params = new Array<unknown>(i).fill(undefined);
    this.params.push(params);
  }

  /** Doubles the buffers (a long program). */
  private grow(): Buffers {
    const b = this.b;
    const n = Math.max(2 * b.op.length, 64);
    b.op = grown(b.op, new Int32Array(n));
    b.a0 = grown(b.a0, new Int32Array(n));
    b.a1 = grown(b.a1, new Int32Array(n));
    b.val = grown(b.val, new Float64Array(n));
    b.adj = new Float64Array(n);
    b.has = new Uint8Array(n);
    return b;
  }
}

function grown<A extends Int32Array | Float64Array>(old: A, into: A): A {
  into.set(old);
  return into;
}

/** The buffers of a released tape: empty, so a use after release fails loudly instead of reading another call's data. */
const EMPTY = new Buffers(0);
