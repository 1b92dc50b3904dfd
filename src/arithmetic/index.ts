/**
 * Arithmetic models: storage formats (float64, float32, float16, bfloat16), accumulation formats, fused
 * multiply-add and summation orders, with exact references.
 *
 * @module
 */
export { NUMBER_FORMATS, FORMATS, f16round, bf16round, roundTo, ulpOf } from "./formats";
export type { NumberFormat, FormatInfo } from "./formats";
export { ARITHMETIC_MODELS, arithmeticModel, modelDot, dotReference } from "./models";
export type { ArithmeticModel, ArithmeticModelName, ArithmeticModelSpec, SummationOrder } from "./models";
export { roundReference } from "./reference";
export { denseLayer, fma32 } from "./layer";
