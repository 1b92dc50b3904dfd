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
export {
  lexicographicForward,
  lexicographicJacobian,
  lexicographicGradient,
  directionalDerivative,
  compassDifference,
} from "./lexicographic";
export type { LexValue, LexOptions, LexJacobian } from "./lexicographic";
export type { Program } from "./record";
export {
  adField,
  allChoicesField,
  clarkeField,
  fieldFromFormula,
  combineFields,
  fieldArrows,
  fieldSets,
  selectElement,
} from "./fields";
export type {
  FieldValue,
  SetValuedField,
  Selection,
  ProgramFieldOptions,
  AllChoicesOptions,
  ClarkeFieldOptions,
  GridSpec,
  ArrowRecord,
  SetValueRecord,
} from "./fields";
export { loops, paths } from "./loops";
export type { Curve, CurveSpec, RandomLoopOptions, RandomPolygonOptions } from "./loops";
export { circulation } from "./circulation";
export type { LineIntegralOptions } from "./circulation";
export type { QuadratureOptions, QuadratureResult } from "./quadrature";
export { potential, potentialGrid, pathIndependenceCheck } from "./potential";
export type { PotentialOptions, PotentialGrid, PathIndependence } from "./potential";
export { chainRuleCheck } from "./chainrule";
export type { ChainRuleOptions, ChainRuleSample, ChainRuleReport } from "./chainrule";
export { findArtificialCriticalPoints } from "./artificial";
export type { SearchRegion, ArtificialOptions, CriticalPoint, ArtificialReport } from "./artificial";
export { reluNetwork } from "./networks";
export type { ReluNetwork, ReluNetworkOptions, ReluLayer } from "./networks";
export { lexicographicField, signedPermutationDirections } from "./lexfield";
export type { LexicographicFieldOptions } from "./lexfield";
export { curvePoints, enclosedArea } from "./curvesample";
export { projectionFormulaCheck } from "./stratification";
export type { ProjectionFormulaOptions, ProjectionSample, ProjectionFormulaReport } from "./stratification";
export { randomizedClarkeGradient } from "./randomized-clarke";
export type { RandomizedClarkeOptions, RandomizedClarke } from "./randomized-clarke";
export { alterFieldOnLine } from "./counterexamples";
export type { AlterOnLineOptions } from "./counterexamples";
export { randomProgram } from "./programs";
export type { RandomProgram, RandomProgramOptions } from "./programs";
export { fatCantor } from "./fat-cantor";
export type { FatCantor, CantorGap, CantorScale } from "./fat-cantor";
export { piecewiseLinearization, evaluateAbsNormal, activeJacobian, piecewiseLinearError } from "./piecewise-linear";
export type {
  AbsNormalForm,
  PiecewiseLinearization,
  PiecewiseLinearErrorOptions,
  PiecewiseLinearError,
} from "./piecewise-linear";
export type { JacobianChoice } from "./generalized-jacobian";
export { nonsmoothNewton } from "./newton";
export type { NewtonOptions, NewtonResult } from "./newton";
export { implicitJacobian } from "./implicit";
export type { ParametricEquation, ImplicitOptions, ImplicitJacobian } from "./implicit";
