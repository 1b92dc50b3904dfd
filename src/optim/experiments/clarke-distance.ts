/**
 * The distance of 0 to an estimate of the Clarke subdifferential of a loss at an iterate.
 *
 * @module
 */
import type { KinkPolicy } from "../../policy";
import type { Tracer, Value } from "../../engine/trace";

/** Placeholder until the analysis module provides the estimate. */
export function clarkeDistance(_f: (w: Tracer) => Value, _x: Float64Array, _options: { policy?: KinkPolicy; samples?: number; seed?: number }): number {
  throw new Error("trainingRun: clarkeEvery needs the analysis module's clarkeSubdifferential, which is not available yet");
}
