/**
 * The distance of 0 to an estimate of the Clarke subdifferential of a loss at an iterate (a measure of Clarke
 * criticality along a run), from the analysis module's estimate. Computed in float64.
 *
 * @module
 */
import { clarkeSubdifferential } from "../../analysis";
import type { KinkPolicy } from "../../policy";
import type { Tracer, Value } from "../../engine/trace";

/**
 * dist(0, estimate of ∂^c f(x)): the gradient norm when the program hits no kink at x (f is C^1 nearby), else the
 * norm of the min-norm element of the hull of `samples` gradients sampled in a small ball around x.
 */
export function clarkeDistance(
  f: (w: Tracer) => Value,
  x: Float64Array,
  options: { policy?: KinkPolicy; samples?: number; seed?: number; radius?: number },
): number {
  return clarkeSubdifferential(f, Array.from(x), {
    policy: options.policy,
    samples: options.samples ?? 20,
    seed: options.seed ?? 0,
    radius: options.radius,
  }).distance;
}
