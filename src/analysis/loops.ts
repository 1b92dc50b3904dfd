/**
 * Piecewise-smooth curves γ: [0, 1] -> R^n with their velocities: closed loops for circulations, open paths for
 * potentials and the chain rule. A curve lists the parameters where it may fail to be smooth (`breaks`), so the
 * quadrature integrates each smooth piece separately.
 *
 * @module
 */
import { Rng } from "../rng";
import { checkDims, checkPoint } from "./geometry";
import { interval } from "../validate";

/** A piecewise-smooth curve on [0, 1]. */
export interface Curve {
  /** The dimension of the space it lives in. */
  readonly dimension: number;
  /** 0 = t_0 < t_1 < ... < t_k = 1: the curve is smooth on each [t_i, t_{i+1}]. */
  readonly breaks: readonly number[];
  /** γ(0) = γ(1). */
  readonly closed: boolean;
  readonly name: string;
  /** γ(t). */
  point(t: number): number[];
  /** γ'(t) (inside a piece; at a break, the derivative of the piece starting there). */
  velocity(t: number): number[];
}

function checkBreaks(fn: string, breaks: readonly number[]): number[] {
  if (!Array.isArray(breaks) || breaks.length < 2 || breaks[0] !== 0 || breaks[breaks.length - 1] !== 1) {
    throw new Error(`${fn}: breaks must start at 0 and end at 1, got ${JSON.stringify(breaks)}`);
  }
  for (let i = 1; i < breaks.length; i++) {
    if (!(breaks[i] > breaks[i - 1]))
      throw new Error(`${fn}: breaks must increase strictly, got ${JSON.stringify(breaks)}`);
  }
  return [...breaks];
}

/** How far apart γ(0) and γ(1) are, relative to the curve's size (0 for a closed curve up to rounding). */
export function closingGap(c: Curve): { gap: number; scale: number } {
  const a = c.point(0);
  const b = c.point(1);
  const gap = Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0));
  const m = c.point(0.5);
  const scale = Math.max(
    1,
    ...a.map(Math.abs),
    ...m.map(Math.abs),
    Math.sqrt(a.reduce((s, v, i) => s + (v - m[i]) ** 2, 0)),
  );
  return { gap, scale };
}

/**
 * The velocity must be the derivative of the point: line integrals ∫ <v(γ(t)), γ'(t)> dt use it, and a wrong one
 * gives a wrong circulation without any other sign. Checked by central differences at three points inside each
 * smooth piece (away from the breaks, where a polygon's velocity jumps), to a relative 1e-5, far above the
 * differences' own error (h = 1e-5 of the piece).
 */
function checkVelocity(fn: string, c: Curve): void {
  for (let i = 0; i + 1 < c.breaks.length; i++) {
    const [a, b] = [c.breaks[i], c.breaks[i + 1]];
    const h = 1e-5 * (b - a);
    for (const f of [0.3, 0.5, 0.7]) {
      const t = a + f * (b - a);
      const v = c.velocity(t);
      const p1 = c.point(t + h);
      const p0 = c.point(t - h);
      const fd = p1.map((x, j) => (x - p0[j]) / (2 * h));
      const size = Math.max(1, ...v.map(Math.abs), ...fd.map(Math.abs));
      if (!v.every((x, j) => Math.abs(x - fd[j]) <= 1e-5 * size)) {
        throw new Error(
          `${fn}: the velocity is not the derivative of the point at t = ${t}: velocity [${v.join(", ")}] but (γ(t + h) - γ(t - h)) / 2h = [${fd.join(", ")}]`,
        );
      }
    }
  }
}

/** Builds a curve from its point and velocity functions, checking dimensions and (for loops) closedness. */
function makeCurve(
  fn: string,
  spec: {
    point: (t: number) => number[];
    velocity: (t: number) => number[];
    breaks?: readonly number[];
    name?: string;
  },
  closed: boolean,
): Curve {
  if (typeof spec?.point !== "function" || typeof spec?.velocity !== "function") {
    throw new Error(`${fn}: expected { point: t -> number[], velocity: t -> number[], breaks? }`);
  }
  const breaks = checkBreaks(fn, spec.breaks ?? [0, 1]);
  const p0 = spec.point(0);
  const dimension = checkPoint(fn, p0, "curve's point at t = 0").length;
  const v0 = spec.velocity(0);
  if (!Array.isArray(v0) || v0.length !== dimension) {
    throw new Error(
      `${fn}: dimension mismatch: the velocity has ${Array.isArray(v0) ? v0.length : "no"} coordinate(s), the point ${dimension}`,
    );
  }
  const curve: Curve = { dimension, breaks, closed, name: spec.name ?? fn, point: spec.point, velocity: spec.velocity };
  checkVelocity(fn, curve);
  if (closed) {
    const { gap, scale } = closingGap(curve);
    if (!(gap <= 1e-12 * scale)) {
      throw new Error(
        `${fn}: not a closed loop: γ(0) = [${p0.join(", ")}] and γ(1) = [${spec.point(1).join(", ")}] differ by ${gap}`,
      );
    }
  }
  return curve;
}

/** Which piece of a polyline with m pieces the parameter t falls in, and the local parameter s in [0, 1]. */
function pieceOf(t: number, m: number): [number, number] {
  const i = Math.min(m - 1, Math.max(0, Math.floor(t * m)));
  return [i, t * m - i];
}

/**
 * A polyline through the points (closed: back to the first). Each edge is a + s (b - a), so a coordinate shared
 * by both ends stays exactly constant along the edge: an edge on a kink line x_i = c stays inside the kink set.
 */
function polyline(fn: string, points: readonly (readonly number[])[], closed: boolean): Curve {
  if (!Array.isArray(points) || points.length < 2)
    throw new Error(`${fn}: needs at least 2 points, got ${Array.isArray(points) ? points.length : "none"}`);
  points.forEach((p, i) => checkPoint(fn, p, `vertex ${i}`));
  checkDims(fn, points, points[0].length, "vertex");
  const pts = points.map((p) => [...p]);
  const ends = closed ? [...pts, pts[0]] : pts;
  const m = ends.length - 1;
  return makeCurve(
    fn,
    {
      name: `${fn}(${m} edges)`,
      breaks: Array.from({ length: m + 1 }, (_, i) => (i === m ? 1 : i / m)),
      point(t) {
        if (t >= 1) return [...ends[m]];
        const [i, s] = pieceOf(t, m);
        const a = ends[i];
        const b = ends[i + 1];
        return a.map((v, j) => v + s * (b[j] - v));
      },
      velocity(t) {
        const [i] = pieceOf(t, m);
        const a = ends[i];
        const b = ends[i + 1];
        return a.map((v, j) => m * (b[j] - v));
      },
    },
    closed,
  );
}

/**
 * A circle of radius r around a centre in the plane, run counter-clockwise once: γ(t) = c + r (cos 2πt, sin 2πt).
 *
 * @example
 * ```ts
 * import { loops, assertClose } from "nonsmooth-ad";
 * const c = loops.circle([0, 0], 2);
 * assertClose(c.point(0.25), [0, 2], 1e-15);
 * assertClose(c.velocity(0), [0, 4 * Math.PI], 1e-15);
 * ```
 */
function circle(center: readonly number[], r: number): Curve {
  const fn = "loops.circle";
  const c = checkPoint(fn, center as number[], "centre");
  if (c.length !== 2)
    throw new Error(
      `${fn}: dimension mismatch: the centre must be a point of the plane, got ${c.length} coordinate(s)`,
    );
  if (!(r > 0 && Number.isFinite(r))) throw new Error(`${fn}: the radius must be a positive finite number, got ${r}`);
  const w = 2 * Math.PI;
  return makeCurve(
    fn,
    {
      name: `circle(centre [${c.join(", ")}], radius ${r})`,
      point: (t) => [c[0] + r * Math.cos(w * t), c[1] + r * Math.sin(w * t)],
      velocity: (t) => [-r * w * Math.sin(w * t), r * w * Math.cos(w * t)],
    },
    true,
  );
}

/**
 * The closed polygon through the vertices (in any dimension), edge after edge and back to the first vertex.
 *
 * @example
 * ```ts
 * import { loops, assertEqual } from "nonsmooth-ad";
 * const square = loops.polygon([[0, -1], [1, -1], [1, 1], [0, 1]]);
 * assertEqual(square.breaks, [0, 0.25, 0.5, 0.75, 1]);
 * assertEqual(square.point(0.875), [0, 0]); // the last edge runs exactly along x = 0
 * ```
 */
function polygon(vertices: readonly (readonly number[])[]): Curve {
  return polyline("loops.polygon", vertices, true);
}

/**
 * The axis-aligned rectangle [x0, x1] × [y0, y1], counter-clockwise from (x0, y0). Its edges lie exactly on the
 * lines x = x0, x = x1, y = y0, y = y1: with one of them on a kink line, the loop runs inside the kink set.
 *
 * @example
 * ```ts
 * import { loops, assertEqual } from "nonsmooth-ad";
 * assertEqual(loops.rectangle([0, 1], [0, 2]).point(0.5), [1, 2]);
 * ```
 */
function rectangle(x: readonly [number, number], y: readonly [number, number]): Curve {
  interval("loops.rectangle", "x", x);
  interval("loops.rectangle", "y", y);
  return polyline(
    "loops.rectangle",
    [
      [x[0], y[0]],
      [x[1], y[0]],
      [x[1], y[1]],
      [x[0], y[1]],
    ],
    true,
  );
}

/** Options of {@link loops}.randomSmooth. */
export interface RandomLoopOptions {
  /** Default [0, 0]. */
  readonly center?: readonly number[];
  /** Mean radius. Default 1. */
  readonly radius?: number;
  /** Number of Fourier harmonics of the radius. Default 3. */
  readonly harmonics?: number;
  /** Relative size of the wiggles, in [0, 1). Default 0.5. */
  readonly amplitude?: number;
}

/**
 * A random smooth star-shaped loop of the plane: γ(t) = c + ρ(θ) (cos θ, sin θ), θ = 2πt, with
 * ρ(θ) = R (1 + Σ_k a_k cos kθ + b_k sin kθ) and random coefficients (Σ |a_k| + |b_k| <= amplitude < 1, so ρ > 0).
 *
 * @example
 * ```ts
 * import { loops, assertClose, assert } from "nonsmooth-ad";
 * const l = loops.randomSmooth(7, { radius: 2 });
 * assertClose(l.point(0), l.point(1), 1e-12);
 * assert(l.closed, "a loop");
 * ```
 */
function randomSmooth(seed: number, options: RandomLoopOptions = {}): Curve {
  const fn = "loops.randomSmooth";
  const c = checkPoint(fn, [...(options.center ?? [0, 0])], "centre");
  if (c.length !== 2) throw new Error(`${fn}: dimension mismatch: the centre must be a point of the plane`);
  const R = options.radius ?? 1;
  const H = options.harmonics ?? 3;
  const amp = options.amplitude ?? 0.5;
  if (!(R > 0)) throw new Error(`${fn}: radius must be positive, got ${R}`);
  if (!(Number.isInteger(H) && H >= 0)) throw new Error(`${fn}: harmonics must be an integer >= 0, got ${H}`);
  if (!(amp >= 0 && amp < 1)) throw new Error(`${fn}: amplitude must be in [0, 1), got ${amp}`);
  const rng = new Rng(seed);
  const a = Array.from({ length: H }, () => (rng.uniform(-1, 1) * amp) / (2 * H));
  const b = Array.from({ length: H }, () => (rng.uniform(-1, 1) * amp) / (2 * H));
  const phase = rng.uniform(0, 2 * Math.PI);
  const w = 2 * Math.PI;
  const rho = (th: number): [number, number] => {
    let r = 1;
    let dr = 0;
    for (let k = 1; k <= H; k++) {
      r += a[k - 1] * Math.cos(k * th) + b[k - 1] * Math.sin(k * th);
      dr += k * (-a[k - 1] * Math.sin(k * th) + b[k - 1] * Math.cos(k * th));
    }
    return [R * r, R * dr];
  };
  return makeCurve(
    fn,
    {
      name: `randomSmooth(seed ${seed})`,
      point(t) {
        const th = w * t + phase;
        const [r] = rho(th);
        return [c[0] + r * Math.cos(th), c[1] + r * Math.sin(th)];
      },
      velocity(t) {
        const th = w * t + phase;
        const [r, dr] = rho(th);
        return [w * (dr * Math.cos(th) - r * Math.sin(th)), w * (dr * Math.sin(th) + r * Math.cos(th))];
      },
    },
    true,
  );
}

/** Options of {@link loops}.randomPolygon. */
export interface RandomPolygonOptions {
  /** Default [0, 0]. */
  readonly center?: readonly number[];
  /** Mean distance of the vertices from the centre. Default 1. */
  readonly radius?: number;
  /** Number of vertices. Default 7. */
  readonly vertices?: number;
}

/**
 * A random star-shaped polygon of the plane: vertices at increasing random angles and random distances in
 * [radius / 2, 3 radius / 2] from the centre.
 *
 * @example
 * ```ts
 * import { loops, assertEqual } from "nonsmooth-ad";
 * assertEqual(loops.randomPolygon(3, { vertices: 5 }).breaks.length, 6);
 * ```
 */
function randomPolygon(seed: number, options: RandomPolygonOptions = {}): Curve {
  const fn = "loops.randomPolygon";
  const c = checkPoint(fn, [...(options.center ?? [0, 0])], "centre");
  if (c.length !== 2) throw new Error(`${fn}: dimension mismatch: the centre must be a point of the plane`);
  const R = options.radius ?? 1;
  const m = options.vertices ?? 7;
  if (!(R > 0)) throw new Error(`${fn}: radius must be positive, got ${R}`);
  if (!(Number.isInteger(m) && m >= 3)) throw new Error(`${fn}: vertices must be an integer >= 3, got ${m}`);
  const rng = new Rng(seed);
  const phase = rng.uniform(0, 2 * Math.PI);
  const angles = Array.from({ length: m }, (_, i) => phase + ((i + 0.2 + 0.6 * rng.next()) * 2 * Math.PI) / m);
  return polyline(
    fn,
    angles.map((a) => {
      const r = R * rng.uniform(0.5, 1.5);
      return [c[0] + r * Math.cos(a), c[1] + r * Math.sin(a)];
    }),
    true,
  );
}

/** A user's curve: point and velocity functions on [0, 1], smooth between `breaks`. */
export interface CurveSpec {
  point(t: number): number[];
  velocity(t: number): number[];
  readonly breaks?: readonly number[];
  readonly name?: string;
}

/**
 * Closed loops: circles, polygons, rectangles (edges on coordinate lines, to run inside kink sets), random smooth
 * loops, random polygons, and custom ones (checked to be closed).
 *
 * @example
 * ```ts
 * import { loops, assertEqual } from "nonsmooth-ad";
 * let message = "";
 * try { loops.custom({ point: (t) => [t, 0], velocity: () => [1, 0] }); } catch (e) { message = (e as Error).message; }
 * assertEqual(message.startsWith("loops.custom: not a closed loop"), true);
 * ```
 */
export const loops = {
  circle,
  polygon,
  rectangle,
  randomSmooth,
  randomPolygon,
  custom: (spec: CurveSpec): Curve => makeCurve("loops.custom", spec, true),
} as const;

/**
 * Open paths from γ(0) to γ(1): segments, polylines and custom curves (for potentials and the chain rule).
 *
 * @example
 * ```ts
 * import { paths, assertEqual } from "nonsmooth-ad";
 * const s = paths.segment([0, 0], [2, 4]);
 * assertEqual(s.point(0.5), [1, 2]);
 * assertEqual(s.velocity(0.5), [2, 4]);
 * ```
 */
export const paths = {
  segment: (a: readonly number[], b: readonly number[]): Curve => polyline("paths.segment", [a, b], false),
  polyline: (points: readonly (readonly number[])[]): Curve => polyline("paths.polyline", points, false),
  custom: (spec: CurveSpec): Curve => makeCurve("paths.custom", spec, false),
} as const;
