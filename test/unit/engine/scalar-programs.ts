// Random programs of scalars for the scalar tape and compiled-mode tests: straight-line lists of primitive
// applications on three scalar inputs, earlier results and constants (numbers and scalar tensors), with points on
// a half-integer grid (so kinks, ties and -0 are hit often) and a program op that leaves the scalar tape (norm).
import fc from "fast-check";
import * as N from "../../../src";
import { policies, presets, scalar } from "../../../src";
import type { KinkPolicy, PrecisionOption, Value } from "../../../src";

type Op = (a: Value, b: Value) => Value;

/** Every scalar elementwise primitive, plus norm (no scalar rule: the program leaves the scalar tape there). */
export const SCALAR_OPS: Readonly<Record<string, Op>> = {
  add: (a, b) => N.add(a, b),
  sub: (a, b) => N.sub(a, b),
  mul: (a, b) => N.mul(a, b),
  div: (a, b) => N.div(a, b),
  maximum: (a, b) => N.maximum(a, b),
  minimum: (a, b) => N.minimum(a, b),
  neg: (a) => N.neg(a),
  square: (a) => N.square(a),
  cube: (a) => N.pow(a, 3),
  sqrtpow: (a) => N.pow(a, 0.5),
  sqrt: (a) => N.sqrt(a),
  exp: (a) => N.exp(a),
  log: (a) => N.log(a),
  sin: (a) => N.sin(a),
  cos: (a) => N.cos(a),
  tanh: (a) => N.tanh(a),
  sigmoid: (a) => N.sigmoid(a),
  softplus: (a) => N.softplus(a),
  relu: (a) => N.relu(a),
  leakyRelu: (a) => N.leakyRelu(a, 0.1),
  abs: (a) => N.abs(a),
  sign: (a) => N.sign(a),
  hinge: (a) => N.hinge(a),
  clip: (a) => N.clip(a, -1, 1),
  hardtanh: (a) => N.hardtanh(a),
  relu6: (a) => N.relu6(a),
  softshrink: (a) => N.softshrink(a, 0.5),
  norm: (a) => N.norm(a),
};

/** Ops that keep a program on the scalar tape (what compiled mode accepts). */
export const TAPE_OPS = Object.keys(SCALAR_OPS).filter((k) => k !== "norm");

export interface Instr {
  readonly op: string;
  /** Operand choices: an index into the values so far, or (when `constA`) into the constants. */
  readonly a: number;
  readonly b: number;
  readonly constA: boolean;
  readonly constB: boolean;
}

export type Program = readonly Instr[];

const CONSTS: readonly Value[] = [0, -0, 0.5, 1, -1, 2, scalar(0.5), scalar(-1)];

export const programArb = (ops: readonly string[] = Object.keys(SCALAR_OPS)): fc.Arbitrary<Program> =>
  fc.array(
    fc.record({
      op: fc.constantFrom(...ops),
      a: fc.nat(64),
      b: fc.nat(64),
      constA: fc.boolean(),
      constB: fc.boolean(),
    }),
    { minLength: 1, maxLength: 14 },
  );

/** Runs a program on three scalar inputs; the output is the last value. */
export function runProgram(p: Program, xs: readonly Value[]): Value {
  const vals: Value[] = [...xs];
  for (const ins of p) {
    // constants only in second position for most instructions: programs stay connected to the inputs
    const a = ins.constA && ins.constB ? CONSTS[ins.a % CONSTS.length] : vals[vals.length - 1 - (ins.a % vals.length)];
    const b = ins.constB ? CONSTS[ins.b % CONSTS.length] : vals[ins.b % vals.length];
    vals.push(SCALAR_OPS[ins.op](a, b));
  }
  return vals[vals.length - 1];
}

export function showProgram(p: Program): string {
  return p.map((i) => `${i.op}(${i.constA && i.constB ? "c" : ""}${i.a}, ${i.constB ? "c" : ""}${i.b})`).join("; ");
}

/** Grid points: half-integers, 0 and -0, so relu, abs, max ties, clamp bounds and hinge's 1 are all hit. */
export const GRID: readonly number[] = [-2, -1, -0.5, -0, 0, 0.5, 1, 1.5, 2];
export const pointArb: fc.Arbitrary<number[]> = fc.array(
  fc.oneof(fc.constantFrom(...GRID), fc.double({ min: -3, max: 3, noNaN: true })),
  { minLength: 3, maxLength: 3 },
);

/** Every preset, a random policy, a relu'(0) choice and a per-application policy. */
export const POLICIES: readonly KinkPolicy[] = [
  presets.pytorch,
  presets.jax,
  presets.tensorflow,
  presets.tfjs,
  policies.random(11),
  policies.reluAt(0.25),
  policies.perKink(policies.tensorflow, (s) =>
    s.key === "relu" || s.key === "abs" ? (s.node % 2 === 0 ? 1 : 0) : undefined,
  ),
];
/** The three precisions and two arithmetic models (bfloat16 storage; float16 storage with float32 sums). */
export const PRECISIONS_ALL: readonly PrecisionOption[] = [
  "float64",
  "float32",
  "float16",
  "bfloat16",
  "float16-tensor-core",
];

/** A number as text that tells every double apart (-0 and NaN included). */
export function bits(v: number): string {
  return Object.is(v, -0) ? "-0" : String(v);
}

/** The outcome of a call as comparable text: value, gradient and kink report, or the error message. */
export function outcome(run: () => { value: number; grad: unknown; kinks: N.KinkReport }): string {
  try {
    const r = run();
    const g = r.grad as readonly N.Tensor[];
    return JSON.stringify({
      value: bits(r.value),
      grad: g.map((t) => bits(t.data[0])),
      shapes: g.map((t) => t.shape.length),
      kinks: r.kinks.entries,
      total: r.kinks.total,
      text: r.kinks.toString(),
    });
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}
