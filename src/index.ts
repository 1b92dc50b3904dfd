/**
 * nonsmooth-ad: automatic differentiation of nonsmooth functions with explicit kink policies.
 *
 * The core entry point: tensors, operations, kink policies, the differentiation calls, precision emulation and
 * assertion helpers. It has no runtime dependency; the notebook display helpers live in `nonsmooth-ad/notebook`.
 *
 * @packageDocumentation
 */
export { assert, assertEqual, assertClose, AssertionError } from "./assert";
export { Tensor, tensor, scalar, zeros, ones, full, linspace, shapeSize } from "./tensor";
export type { NestedArray } from "./tensor";
export { rounding, PRECISIONS } from "./precision";
export type { Precision } from "./precision";
export { Rng, keyedUniform } from "./rng";
export { policies, presets, outsideClarkeChoices, CLARKE_RANGES } from "./policy";
export type { KinkPolicy, KinkSlot, PolicyChoices, PolicyOptions, TieRule, BoundChoice } from "./policy";
export { Tracer } from "./engine/trace";
export type { Value } from "./engine/trace";
export * from "./ops";
export { grad, valueAndGrad, vjp, jvp, jacobian, hvp, evaluate, kinkReport, makeTape } from "./engine/transforms";
export type { DiffOptions, Primal, Traced, Like, ValueAndGrad, Tape, TapeEntry } from "./engine/transforms";
export type { KinkReport, KinkEntry } from "./engine/kink-report";
export { definePrimitive } from "./engine/user-primitives";
export type { PrimitiveDeclaration } from "./engine/user-primitives";
export * from "./analysis";
export * from "./optim";
export { assertFails } from "./negative-control";
export * from "./arithmetic";
export * from "./sweep-plan";
export { compileValueAndGrad } from "./engine/compile";
export type { CompiledValueAndGrad, CompiledValueAndGradList } from "./engine/compile";
export type { OutsideClarkeOptIn } from "./policy";
export type { PrecisionOption } from "./precision";
