/**
 * Part II of the talk as code: Clarke subdifferentials, minimum-norm elements, lexicographic derivatives,
 * set-valued (conservative) fields, circulation along loops, potentials, the chain rule along curves and
 * artificial critical points.
 *
 * @module
 */
export { minNormElement } from "./minnorm";
export type { MinNormOptions, MinNormResult } from "./minnorm";
export { clarkeSubdifferential, clarkeInterval } from "./clarke";
export type { ClarkeOptions, ClarkeSubdifferential, ClarkeInterval } from "./clarke";
export { lexicographicForward, lexicographicJacobian, lexicographicGradient, directionalDerivative, compassDifference } from "./lexicographic";
export type { LexValue, LexOptions, LexJacobian } from "./lexicographic";
export type { Program } from "./record";
