// Issue 15, standing check: every public function refuses wrong types and unknown option keys with a message that
// names the function, the argument and what was expected, never a raw TypeError ("cannot read properties of
// undefined") nor a silently ignored setting. Table-driven: one row per bad call; a coverage test makes sure
// every exported function has a row or a stated reason for having none.
import { describe, expect, it } from "vitest";
import * as m from "../../../src";
import type { Value } from "../../../src";

type Row = readonly [fn: string, call: () => unknown, expected: RegExp];
const id = (x: Value) => x;
const bad = undefined as never;
const str = "oops" as never;
const extra = <T extends object>(o: T) => ({ ...o, colour: "blue" }) as never;

const DIFF = ["grad", "valueAndGrad", "evaluate", "kinkReport", "makeTape"] as const;
const rows: Row[] = [
  // the compiled mode: the function and the options are checked when compiling, the input form at each call
  [
    "compileValueAndGrad",
    () => m.compileValueAndGrad(str),
    /^compileValueAndGrad: the first argument must be the function/,
  ],
  [
    "compileValueAndGrad",
    () => m.compileValueAndGrad(id, { colour: 1 } as never),
    /^compileValueAndGrad: unknown option "colour": expected policy and precision/,
  ],
  [
    "compileValueAndGrad",
    () => m.compileValueAndGrad(id)(m.tensor([1, 2]) as never),
    /^compileValueAndGrad\(id\): compiles programs of scalars only/,
  ],
  // differentiation calls: the function, the input, the options
  ...DIFF.flatMap((fn): Row[] => [
    [
      fn,
      () => (m[fn] as (f: unknown, x: unknown, o?: unknown) => unknown)(str, 1),
      new RegExp(`^${fn}: the first argument must be the function`),
    ],
    [
      fn,
      () => (m[fn] as (f: unknown, x: unknown, o?: unknown) => unknown)(id, str),
      new RegExp(`^${fn}: the input must be a number, an array of numbers`),
    ],
    [
      fn,
      () => (m[fn] as (f: unknown, x: unknown, o?: unknown) => unknown)(id, 1, { colour: 1 }),
      new RegExp(`^${fn}: unknown option "colour": expected policy and precision`),
    ],
    [
      fn,
      () => (m[fn] as (f: unknown, x: unknown, o?: unknown) => unknown)(id, 1, { precision: "float8" }),
      new RegExp(`^${fn}: unknown precision "float8": expected one of float64`),
    ],
    [
      fn,
      () => (m[fn] as (f: unknown, x: unknown, o?: unknown) => unknown)(id, 1, { policy: "jax" }),
      new RegExp(`^${fn}: policy must be a kink policy`),
    ],
  ]),
  ["vjp", () => m.vjp(id, [1], str), /^vjp: .*cotangent/],
  ["jvp", () => m.jvp(id, 1, str), /^jvp: the tangent must be a number/],
  ["hvp", () => m.hvp(id, 1, str), /^hvp: the direction must be a number/],
  [
    "jacobian",
    () => m.jacobian(id, 1, { mode: "sideways" } as never),
    /^jacobian: mode must be "forward" or "reverse", got "sideways"/,
  ],
  ["jacobian", () => m.jacobian(id, 1, { colour: 1 } as never), /^jacobian: unknown option "colour"/],
  // tensors and ops
  ["tensor", () => m.tensor(str), /^tensor: /],
  ["scalar", () => m.scalar(str), /^scalar: x must be a number, got "oops"/],
  ["zeros", () => m.zeros(bad), /^zeros: shape must be an array of integers >= 0, got undefined/],
  ["ones", () => m.ones([1.5]), /^ones: shape must be an array of integers >= 0, got \[1.5\]/],
  ["full", () => m.full([2], str), /^full: value must be a number, got "oops"/],
  ["add", () => m.add(1, str), /^add: argument 1 must be a number, a Tensor or a traced value, got string/],
  ["relu", () => m.relu(null as never), /^relu: argument 0 must be a number, a Tensor or a traced value, got null/],
  ["sum", () => m.sum(m.tensor([1]), "0" as never), /^sum: axis must be an integer, got "0"/],
  ["max", () => m.max(m.tensor([1]), 0.5), /^max: axis must be an integer, got 0.5/],
  ["mean", () => m.mean(bad), /^mean: the value must be a number, a Tensor or a traced value, got undefined/],
  ["reshape", () => m.reshape(m.tensor([1]), bad), /^reshape: shape must be an array of integers >= 0, got undefined/],
  ["broadcastTo", () => m.broadcastTo(1, str), /^broadcastTo: shape must be an array of integers >= 0, got "oops"/],
  ["transpose", () => m.transpose(bad), /^transpose: the value must be a number, a Tensor or a traced value/],
  ["slice", () => m.slice(m.tensor([1]), bad, [1]), /^slice: begin must be an array of integers >= 0/],
  ["at", () => m.at(m.tensor([1]), str), /^at: the index must be an integer, got "oops"/],
  ["concat", () => m.concat(str), /^concat: the values must be an array, got string/],
  ["matmul", () => m.matmul(bad, 1), /^matmul: the first argument must be a number, a Tensor or a traced value/],
  ["valueOf", () => m.valueOf(str), /^valueOf: the value must be a number, a Tensor or a traced value, got string/],
  [
    "softmaxCrossEntropy",
    () => m.softmaxCrossEntropy(bad, [0]),
    /^softmaxCrossEntropy: the logits must be a number, a Tensor or a traced value/,
  ],
  [
    "softmaxCrossEntropy",
    () => m.softmaxCrossEntropy(m.tensor([[0, 0]]), m.tensor([[1, 1]])),
    /^softmaxCrossEntropy: target row 0 is \[1, 1\], not a probability vector/,
  ],
  // policies and primitives
  [
    "policies.custom",
    () => m.policies.custom({ reluu: 0 } as never),
    /^policies\.custom: unknown key "reluu": known keys are/,
  ],
  ["policies.custom", () => m.policies.custom(str), /^policies\.custom: expected an object of choices/],
  ["policies.random", () => m.policies.random(str), /^policies\.random: seed must be an integer in/],
  [
    "policies.perKink",
    () => m.policies.perKink(bad, () => undefined),
    /^policies\.perKink: policy must be a kink policy/,
  ],
  ["policies.perKink", () => m.policies.perKink(m.policies.jax, str), /^policies\.perKink: choose must be a function/],
  [
    "policies.custom",
    () => m.policies.custom({ relu: 50 }),
    /^policies\.custom: relu = 50 is outside the Clarke set: allowed range is \[0, 1\]; pass \{ outsideClarke: true \}/,
  ],
  [
    "policies.custom",
    () => m.policies.custom({ relu: 50 }, { outsideClarke: "yes" } as never),
    /^policies\.custom: outsideClarke must be true or false, got "yes"/,
  ],
  [
    "policies.custom",
    () => m.policies.custom({ relu: 50 }, { outside: true } as never),
    /^policies\.custom: unknown option "outside" in the second argument/,
  ],
  [
    "policies.custom",
    () => m.policies.custom({ relu: Infinity }, { outsideClarke: true }),
    /^policies\.custom: relu = Infinity must be a finite number/,
  ],
  ["policies.reluAt", () => m.policies.reluAt(2), /^policies\.reluAt: relu = 2 is outside the Clarke set/],
  [
    "policies.reluAt",
    () => m.policies.reluAt(0.5, { outsideClarke: 1 } as never),
    /^policies\.reluAt: outsideClarke must be true or false, got 1/,
  ],
  [
    "outsideClarkeChoices",
    () => m.outsideClarkeChoices(bad),
    /^outsideClarkeChoices: the policy must be an object of choices/,
  ],
  ["definePrimitive", () => m.definePrimitive(bad), /^definePrimitive: the declaration must be an object/],
  [
    "definePrimitive",
    () => m.definePrimitive({ name: "p15", arity: 1, value: str, partials: () => [1] }),
    /^definePrimitive\(p15\): value and partials must be functions/,
  ],
  // randomness
  ["Rng", () => new m.Rng(0.5), /^Rng: seed must be an integer in/],
  ["keyedUniform", () => m.keyedUniform(NaN, 1), /^keyedUniform: seed must be an integer in/],
  ["batchIndices", () => m.batchIndices(1, -1, 10, 2), /^batchIndices: k must be an integer >= 0, got -1/],
  // analysis
  [
    "minNormElement",
    () => m.minNormElement([[1]], { tol: 1 } as never),
    /^minNormElement: unknown option "tol": the options are "tolerance", "maxIterations"/,
  ],
  ["minNormElement", () => m.minNormElement(str), /^minNormElement: expected a non-empty array of points/],
  [
    "clarkeSubdifferential",
    () => m.clarkeSubdifferential(id, [0], extra({})),
    /^clarkeSubdifferential: unknown option "colour"/,
  ],
  [
    "randomizedClarkeGradient",
    () => m.randomizedClarkeGradient(id, [0], extra({})),
    /^randomizedClarkeGradient: unknown option "colour"/,
  ],
  ["reluNetwork", () => m.reluNetwork(bad), /^reluNetwork: options must be an object, got undefined/],
  ["randomProgram", () => m.randomProgram(null as never), /^randomProgram: options must be an object, got null/],
  ["fieldSets", () => m.fieldSets(() => ({ generators: [[0, 0]] }), bad), /^fieldSets: grid must be an object/],
  ["fieldArrows", () => m.fieldArrows(() => ({ generators: [[0, 0]] }), bad), /^fieldArrows: grid must be an object/],
  [
    "potentialGrid",
    () => m.potentialGrid(() => ({ generators: [[0, 0]] }), bad),
    /^potentialGrid: grid must be an object/,
  ],
  [
    "selectElement",
    () => m.selectElement(bad, [1, 0], "max"),
    /^selectElement: the field value must be \{ generators \}/,
  ],
  ["loops.rectangle", () => m.loops.rectangle(bad, [0, 1]), /^loops\.rectangle: x must be \[min, max\], got undefined/],
  [
    "loops.custom",
    () => m.loops.custom(bad),
    /^loops\.custom: expected \{ point: t -> number\[\], velocity: t -> number\[\], breaks\? \}/,
  ],
  ["loops.randomSmooth", () => m.loops.randomSmooth(0.5), /seed must be an integer/],
  // optimization
  ["sgd", () => m.sgd(extra({})), /^sgd: unknown option "colour": the options are "stepSize"/],
  [
    "heavyBall",
    () => m.heavyBall(extra({})),
    /^heavyBall: unknown option "colour": the options are "stepSize", "beta"/,
  ],
  ["adam", () => m.adam(str), /^adam: options must be an object, got "oops"/],
  ["inna", () => m.inna(extra({})), /^inna: unknown option "colour"/],
  [
    "makeOptimizer",
    () => m.makeOptimizer(extra({ name: "sgd" })),
    /^makeOptimizer: sgd has no option "colour": its options are "stepSize"/,
  ],
  ["conservativeFlow", () => m.conservativeFlow(bad), /^conservativeFlow: options must be an object, got undefined/],
  ["gradientSampling", () => m.gradientSampling(bad), /^gradientSampling: options must be an object, got undefined/],
  ["train", () => m.train(extra({})), /^trainingRun: unknown option "colour": the options are "model", "data"/],
  [
    "reluZeroProbability",
    () => m.reluZeroProbability(bad),
    /^reluZeroProbability: config must be an object, got undefined/,
  ],
  [
    "oscillationCompensation",
    () => m.oscillationCompensation(extra({})),
    /^oscillationCompensation: unknown option "colour"/,
  ],
  [
    "datasets.regression",
    () => m.datasets.regression(0, 10, extra({})),
    /^datasets\.regression: unknown option "colour": the options are "inputDim", "noise"/,
  ],
  ["datasets.twoMoons", () => m.datasets.twoMoons(str, 10), /^datasets\.twoMoons: seed must be an integer in/],
  [
    "datasets.spirals",
    () => m.datasets.spirals(0, 1e8),
    /^datasets\.spirals: n = 100000000 rows is more than the limit of 10000000/,
  ],
  [
    "loadDataset",
    () => m.loadDataset(extra({ kind: "twoMoons", seed: 0, n: 10 })),
    /^loadDataset: unknown option "colour": the options are "kind", "seed", "n", "noise"/,
  ],
  ["loadIris", () => m.loadIris(extra({})), /^loadIris: unknown option "colour": the options are "standardize"/],
  ["takeRows", () => m.takeRows(bad, [0]), /^takeRows: data must be a data set \{ X, y \}/],
  ["schedules.polynomial", () => m.schedules.polynomial(str, 1), /^schedules\.polynomial: /],
  // analysis and optimization helpers whose first check already names them (kept here so that they stay so)
  ["clarkeInterval", () => m.clarkeInterval(id, str), /^clarkeInterval: x must be a finite number/],
  [
    "lexicographicForward",
    () => m.lexicographicForward(id, str),
    /^lexicographicForward: the point must be a finite number or a non-empty array/,
  ],
  [
    "lexicographicJacobian",
    () => m.lexicographicJacobian(id, str),
    /^lexicographicJacobian: the point must be a finite number or a non-empty array/,
  ],
  [
    "lexicographicGradient",
    () => m.lexicographicGradient(id, bad),
    /the point must be a finite number or a non-empty array/,
  ],
  ["directionalDerivative", () => m.directionalDerivative(id, str, 1), /^directionalDerivative: the point must be/],
  ["compassDifference", () => m.compassDifference(id, str), /^compassDifference: the point must be/],
  ["adField", () => m.adField(str), /^adField: the first argument must be a program/],
  ["allChoicesField", () => m.allChoicesField(str), /^allChoicesField: the first argument must be a program/],
  ["clarkeField", () => m.clarkeField(id)(str), /^clarkeField: /],
  ["fieldFromFormula", () => m.fieldFromFormula(str), /^fieldFromFormula: expected a function/],
  ["combineFields", () => m.combineFields(str), /^combineFields: expected a non-empty list of \{ weight, field \}/],
  [
    "circulation",
    () => m.circulation(() => ({ generators: [[0, 0]] }), str),
    /^circulation: the second argument must be a loop/,
  ],
  [
    "potential",
    () => m.potential(() => ({ generators: [[0, 0]] }), str),
    /^potential: the point must be a non-empty array/,
  ],
  [
    "pathIndependenceCheck",
    () => m.pathIndependenceCheck(() => ({ generators: [[0, 0]] }), str, [0, 0]),
    /^pathIndependenceCheck: the start x0 must be/,
  ],
  ["chainRuleCheck", () => m.chainRuleCheck(str, str, str), /^chainRuleCheck: expected a program f and a field/],
  [
    "findArtificialCriticalPoints",
    () => m.findArtificialCriticalPoints(str, str, str),
    /^findArtificialCriticalPoints: expected a program f and a field D/,
  ],
  ["lexicographicField", () => m.lexicographicField(str), /^lexicographicField: the first argument must be a program/],
  [
    "signedPermutationDirections",
    () => m.signedPermutationDirections(str),
    /^signedPermutationDirections: n must be an integer in \[1, 4\]/,
  ],
  ["curvePoints", () => m.curvePoints(str, 10), /^curvePoints: expected a curve/],
  ["enclosedArea", () => m.enclosedArea(str), /^enclosedArea: the curve must be a closed loop/],
  [
    "projectionFormulaCheck",
    () => m.projectionFormulaCheck(str, str, str),
    /^projectionFormulaCheck: the first argument must be a set-valued field/,
  ],
  [
    "alterFieldOnLine",
    () => m.alterFieldOnLine(str, str),
    /^alterFieldOnLine: the first argument must be a set-valued field/,
  ],
  ["fatCantor", () => m.fatCantor(str), /^fatCantor: depth must be an integer in \[1, 20\]/],
  ["iterate", () => m.iterate(str, [0], str), /^iterate: /],
  ["mlp", () => m.mlp(str), /^mlp: expected options \{ sizes/],
  ["loadMnist", () => m.loadMnist(str), /^loadMnist: count must be an integer >= 1/],
  ["loadMnistFull", () => m.loadMnistFull(str), /^loadMnistFull: expected options \{ split/],
  ["parseIdx", () => m.parseIdx(str), /^parseIdx: expected the file's bytes as a Uint8Array/],
  ["trainTestSplit", () => m.trainTestSplit(str, 0.5, 0), /^trainTestSplit: the data set must be an object/],
  ["trainingRun", () => m.trainingRun(extra({})), /^trainingRun: unknown option "colour"/],
  ["lyapunovBalance", () => m.lyapunovBalance(str), /^lyapunovBalance: expected the non-empty rows of iterate/],
  [
    "benaimSeries",
    () => m.benaimSeries(str, 1, 1),
    /(benaimSeries|schedules\.fromSpec): expected a number or a spec object, got oops/,
  ],
  [
    "deadLayerProbability",
    () => m.deadLayerProbability(str, 1),
    /^deadLayerProbability: width must be an integer >= 1, got "oops"/,
  ],
  [
    "piecewiseLinearization",
    () => m.piecewiseLinearization(str, 0),
    /^piecewiseLinearization: the first argument must be the function/,
  ],
  [
    "piecewiseLinearization",
    () => m.piecewiseLinearization(id, str),
    /^piecewiseLinearization: the point must be a finite number or a non-empty array/,
  ],
  [
    "piecewiseLinearError",
    () => m.piecewiseLinearError(str, 0),
    /^piecewiseLinearization: the first argument must be the function/,
  ],
  [
    "evaluateAbsNormal",
    () => m.evaluateAbsNormal(str, [0]),
    /^evaluateAbsNormal: the first argument must be an abs-normal form/,
  ],
  ["activeJacobian", () => m.activeJacobian(str), /^activeJacobian: the first argument must be an abs-normal form/],
  ["nonsmoothNewton", () => m.nonsmoothNewton(str, [0]), /^nonsmoothNewton: the first argument must be the function F/],
  ["paperBifurcation", () => m.paperBifurcation(str), /^paperBifurcation: expected a configuration/],
  [
    "paperBifurcation",
    () => m.paperBifurcation(extra({ depth: 1, width: 2, model: "float64", runs: 1, seed: 0 })),
    /^paperBifurcation: unknown option "colour"/,
  ],
  ["paperBackprop", () => m.paperBackprop(str), /^paperBackprop: expected \{ sizes, params, X, labels, model/],
  [
    "paperBackprop",
    () =>
      m.paperBackprop({
        sizes: [1, 1, 2],
        params: [0, 0, 0, 0, 0, 0],
        X: m.tensor([[1]]),
        labels: [0],
        model: "float8" as never,
        reluPrimeAtZero: 0,
      }),
    /^paperBackprop: unknown model "float8": expected one of float64/,
  ],
  ["paperLogits", () => m.paperLogits(str, m.tensor([[1]]), "float64"), /^paperLogits: sizes must list the inputs/],
  [
    "paperLogits",
    () => m.paperLogits([1, 1, 2], m.tensor([[1]]), { storage: "float32", order: "pairwise" }),
    /^paperLogits: the pairwise order/,
  ],
  ["reluSlopeAccuracy", () => m.reluSlopeAccuracy(str), /^reluSlopeAccuracy: expected a configuration/],
  [
    "reluSlopeAccuracy",
    () =>
      m.reluSlopeAccuracy(
        extra({
          slopes: [0],
          hidden: [2],
          data: bad,
          testData: bad,
          precision: "float64",
          steps: 1,
          batchSize: 1,
          seed: 0,
        }),
      ),
    /^reluSlopeAccuracy: unknown option "colour"/,
  ],
  [
    "reluSlopeAccuracy",
    () =>
      m.reluSlopeAccuracy({
        slopes: [0, Infinity],
        hidden: [2],
        data: { kind: "twoMoons", seed: 0, n: 8 },
        testData: { kind: "twoMoons", seed: 1, n: 8 },
        precision: "float64",
        steps: 1,
        batchSize: 1,
        seed: 0,
      }),
    /^reluSlopeAccuracy: slopes\[1\] is Infinity/,
  ],
  ["bifurcationExperiment", () => m.bifurcationExperiment(str), /^bifurcationExperiment: expected a configuration/],
  ["batchNormalize", () => m.batchNormalize(str), /^batchNormalize: Z must be a matrix \[B, N\]/],
  [
    "bifurcationExperiment",
    () =>
      m.bifurcationExperiment(
        extra({ depth: 1, width: 2, precision: "float64", batchSize: 2, runs: 1, steps: 1, seed: 0 }),
      ),
    /^bifurcationExperiment: unknown option "colour"/,
  ],
  [
    "bifurcationExperiment",
    () =>
      m.bifurcationExperiment({
        depth: 1,
        width: 2,
        precision: "float64",
        batchSize: 2,
        runs: 1,
        steps: 1,
        seed: 2 ** 60,
      }),
    /^bifurcationExperiment: seed must be an integer in/,
  ],
  ["scaleParting", () => m.scaleParting(str, 1, 1), /^scaleParting: share must be in \[0, 1\], got oops/],
  ["wilsonInterval", () => m.wilsonInterval(1, str), /^wilsonInterval: n must be an integer >= 1/],
  ["roundTo", () => m.roundTo(str), /^roundTo: unknown format "oops"/],
  ["ulpOf", () => m.ulpOf(1, str), /^ulpOf: unknown format "oops"/],
  ["arithmeticModel", () => m.arithmeticModel(str), /^arithmeticModel: model must be one of/],
  ["modelDot", () => m.modelDot(str, [1], [1]), /^modelDot: the first argument must be an arithmetic model/],
  [
    "dotReference",
    () => m.dotReference(str, [1], [1]),
    /^dotReference: the first argument must be an arithmetic model/,
  ],
  [
    "denseLayer",
    () => m.denseLayer(str, new Float64Array(1), 1, 1, new Float64Array(1), 1, new Float64Array(1)),
    /^denseLayer: the first argument must be an arithmetic model/,
  ],
  ["roundReference", () => m.roundReference(str, "float16"), /^roundReference: x must be a number/],
  [
    "implicitJacobian",
    () => m.implicitJacobian(str, [0], [0]),
    /^implicitJacobian: the first argument must be the equation F\(x, theta\)/,
  ],
  // sweep plans
  ["encodePlainData", () => m.encodePlainData({ f: () => 1 }), /^encodePlainData: \.f is a function/],
  ["decodePlainData", () => m.decodePlainData(bad), /^decodePlainData: text must be a string, got undefined/],
  ["writeSweepPlan", () => m.writeSweepPlan(bad, [], "trainingRun"), /^writeSweepPlan: file must be a path/],
  [
    "writeSweepPlan",
    () => m.writeSweepPlan("/tmp/p.json", str, "trainingRun"),
    /^writeSweepPlan: configs must be an array/,
  ],
  ["readSweepPlan", () => m.readSweepPlan(bad), /^readSweepPlan: file must be a path/],
  ["planFiles", () => m.planFiles(bad), /^planFiles: file must be a path/],
];

describe("the public API refuses bad input with messages that name the function, the argument and what was expected", () => {
  for (const [fn, call, expected] of rows) {
    it(`${fn}: ${expected.source.slice(1, 70)}`, () => {
      let message = "(no error)";
      let raw = false;
      try {
        call();
      } catch (e) {
        message = (e as Error).message;
        // a raw TypeError of the engine ("Cannot read properties of undefined") names nothing
        raw = /Cannot read properties|is not a function|is not iterable|Cannot destructure/.test(message);
      }
      expect(raw, message).toBe(false);
      expect(message).toMatch(expected);
    });
  }
});

/** Exported functions without a row, and why none is needed. */
const EXEMPT: Readonly<Record<string, string>> = {
  assert: "an assertion: its argument is the condition itself",
  assertEqual: "an assertion: compares any two values",
  assertClose: "an assertion: a mismatch is its failure",
  assertFails: "runs a check: its argument is called",
  shapeSize: "an internal helper re-exported for notebooks; its errors name the bad shape",
  linspace: "checked by tensor's validation of its result",
  f16round: "Math.fround's contract: any number, NaN for the rest",
  bf16round: "Math.fround's contract: any number, NaN for the rest",
  fma32: "Math.fround's contract: rounds the exact sum of any two numbers to float32, NaN for NaN",
  rounding: "its message lists the precisions",
  sweep: "asynchronous: its errors are rejections, tested in optim/experiments.test.ts and defects.test.ts",
  summarizeBifurcation: "takes the records of bifurcationExperiment, whose configuration is checked (its rows)",
  codeVersion: "takes no argument",
  runSweepPlan: "asynchronous: its errors are rejections, tested in sweep-plan/sweep-plan.test.ts",
};

describe("coverage of the table", () => {
  it("every exported function has a row or a stated exemption", () => {
    const covered = new Set(rows.map(([fn]) => fn.split(".")[0]));
    const opsAndFields = new Set([
      "sub",
      "mul",
      "div",
      "neg",
      "square",
      "pow",
      "exp",
      "log",
      "sqrt",
      "sin",
      "cos",
      "tanh",
      "sigmoid",
      "softplus",
      "leakyRelu",
      "abs",
      "sign",
      "maximum",
      "minimum",
      "clip",
      "hardtanh",
      "relu6",
      "hinge",
      "norm",
      "min",
      "logsumexp",
      "squaredError",
      "softshrink",
    ]);
    const missing = Object.entries(m)
      .filter(([k, v]) => typeof v === "function" && !/^[A-Z]/.test(k))
      .map(([k]) => k)
      .filter((k) => !covered.has(k) && !(k in EXEMPT) && !opsAndFields.has(k));
    // the elementwise ops share apply's argument check (add and relu rows above); the rest must be listed
    expect(missing).toEqual([]);
  });
});
