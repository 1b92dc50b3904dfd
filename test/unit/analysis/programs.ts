// Shared test programs for the analysis tests: the talk's relu2/zero family, seeded relu networks and random
// piecewise-linear programs.
import { add, sub, neg, mul, relu, abs, maximum, minimum, at, type Rng, reluNetwork } from "../../../src";
import type { Value } from "../../../src";

export const relu2 = (t: any) => add(relu(neg(t)), t);
export const zero = (t: any) => sub(relu2(t), relu(t));
/** t - zero(t): the identity, written so that AD with relu'(0) = 0 gives derivative 0 at 0. */
export const idMinusZero = (t: any) => sub(t, zero(t));

/** A 2-input relu network with the given hidden widths and weights from a seeded Rng. */
export function reluNet(seed: number, hidden: number[]): (x: Value) => Value {
  return reluNetwork({ sizes: [2, ...hidden], seed }).f;
}

/**
 * A relu network whose first layer has kinks exactly on the lines x = 0, y = 0 and x = y (axis-aligned weights,
 * zero bias), so that polygons with edges on those lines run inside the kink set over whole intervals.
 */
export function kinkyNet(seed: number): (x: Value) => Value {
  return reluNetwork({
    sizes: [2, 8, 8],
    seed,
    kinkRows: [
      [1, 0],
      [0, 1],
      [1, -1],
      [-1, 0],
      [0, -2],
    ],
  }).f;
}

type Expr = (x: any) => any;

/**
 * A random positively homogeneous piecewise-linear program of two variables: compositions of abs, relu, max,
 * min, sums and scalings of the coordinates, with small integer coefficients. Every nonsmooth op sits on a kink
 * at the origin.
 */
export function randomPL(rng: Rng, depth: number): Expr {
  if (depth === 0) {
    const i = rng.int(2);
    const c = rng.int(5) - 2 || 1;
    return (x: any) => mul(c, at(x, i));
  }
  const a = randomPL(rng, depth - 1);
  switch (rng.int(6)) {
    case 0:
      return (x: any) => abs(a(x));
    case 1:
      return (x: any) => relu(a(x));
    case 2: {
      const b = randomPL(rng, depth - 1);
      return (x: any) => maximum(a(x), b(x));
    }
    case 3: {
      const b = randomPL(rng, depth - 1);
      return (x: any) => minimum(a(x), b(x));
    }
    case 4: {
      const b = randomPL(rng, depth - 1);
      return (x: any) => add(a(x), b(x));
    }
    default: {
      const c = rng.int(5) - 2 || -1;
      return (x: any) => mul(c, a(x));
    }
  }
}
