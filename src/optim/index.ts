/**
 * Optimization on top of the engine: pure optimizers (init/update over explicit state), step size schedules,
 * models as functions of a flat parameter vector, data sets, and experiment runners that return typed records.
 *
 * Parameters are flat vectors: a `Float64Array` or a `number[]` in, always a new `Float64Array` out.
 *
 * @module
 */
export { schedules } from "./schedules";
export type { Schedule, ScheduleSpec, StepSize } from "./schedules";
export type { Params } from "./vector";
export type { OptState, OptStep, Optimizer } from "./optimizers/types";
export { optimizers } from "./optimizers/registry";
export type { OptimizerSpec, OptimizerName, OptimizerOptions } from "./optimizers/registry";
export type { OptimizerDeclaration, BaseOptimizerOptions } from "./optimizers/declaration";
export { sgd } from "./optimizers/sgd";
export type { SgdState, SgdOptions } from "./optimizers/sgd";
export { heavyBall } from "./optimizers/heavy-ball";
export type { HeavyBallState, HeavyBallOptions } from "./optimizers/heavy-ball";
export { adam } from "./optimizers/adam";
export type { AdamState, AdamOptions } from "./optimizers/adam";
export { inna } from "./optimizers/inna";
export type { InnaState, InnaOptions } from "./optimizers/inna";
export { makeOptimizer } from "./optimizers/make";
export { iterate } from "./optimizers/iterative";
export type { IterativeMethod, IterState, IterStep, IterateRow } from "./optimizers/iterative";
export { conservativeFlow } from "./optimizers/conservative-flow";
export type { ConservativeFlowOptions, FieldSelection } from "./optimizers/conservative-flow";
export { mlp } from "./models/mlp";
export type {
  Mlp,
  MlpOptions,
  Activation,
  InitScheme,
  InitOptions,
  LossKind,
  LayerLayout,
  ModelParams,
} from "./models/mlp";
export { datasets } from "./data/synthetic";
export { loadIris, loadMnist } from "./data/loaders";
export { takeRows, batchIndices, trainTestSplit } from "./data/dataset";
export type { Dataset } from "./data/dataset";
export { loadDataset } from "./data/spec";
export type { DatasetSpec, DataSource } from "./data/spec";
export { train, trainingRun } from "./experiments/training";
export type { TrainingRunConfig, TrainingRow, TrainingResult } from "./experiments/training";
export type { ModelSource } from "./experiments/common";
export { reluZeroProbability } from "./experiments/relu-zero";
export type { ReluZeroConfig, ReluZeroRow } from "./experiments/relu-zero";
export { bifurcationExperiment, summarizeBifurcation } from "./experiments/bifurcation";
export type { BifurcationConfig, BifurcationRow, BifurcationSummaryRow } from "./experiments/bifurcation";
export { oscillationCompensation, testFunctions } from "./experiments/oscillation";
export type { OscillationConfig, OscillationRow, TestFunction } from "./experiments/oscillation";
export { runners } from "./experiments/runners";
export type { RunnerName, ModuleRunner } from "./experiments/runners";
export { sweep } from "./experiments/sweep";
export type { SweepOptions, SweepProgress } from "./experiments/sweep";
export { gradientSampling } from "./optimizers/gradient-sampling";
export type { GradientSamplingOptions, GradientSamplingState } from "./optimizers/gradient-sampling";
export { lyapunovBalance } from "./experiments/lyapunov";
export type { LyapunovRow } from "./experiments/lyapunov";
export { benaimSeries } from "./schedule-conditions";
export { deadLayerProbability } from "./experiments/relu-zero";
export { paperBifurcation, scaleParting, wilsonInterval } from "./experiments/paper-bifurcation";
export type { PaperBifurcationConfig, PaperBifurcationRow } from "./experiments/paper-bifurcation";
export { paperBackprop, paperLogits } from "./experiments/paper-bifurcation";
export type { PaperBackprop, PaperBackpropInput } from "./experiments/paper-bifurcation";
export type { ExperimentProgress, BudgetOptions } from "./experiments/budget";
export { batchNormalize } from "./models/batch-norm";
export { reluSlopeAccuracy } from "./experiments/relu-slope";
export type { ReluSlopeConfig, ReluSlopeMethod, ReluSlopeRow } from "./experiments/relu-slope";
export { loadMnistFull, parseIdx } from "./data/mnist-idx";
export type { IdxArray } from "./data/mnist-idx";
export { PAPER_SCALE_RECORDS } from "./experiments/paper-scale-records";
export type { PaperScaleRecord } from "./experiments/paper-scale-records";
