/**
 * Quadrature on [a, b] pieces with an error estimate: the 7-point Gauss / 15-point Kronrod pair (as in QUADPACK's
 * qk15), either on a fixed number of equal panels or adaptively (bisect the panel with the largest estimated error
 * first). The Kronrod result is returned; 10 |K15 - G7| summed over panels (plus a check of the integrand just
 * inside each panel's ends, which the Gauss-type nodes leave unsampled) is the conservative error estimate.
 * Adaptive bisection also isolates jumps of the integrand (AD fields are discontinuous across kink sets): the
 * error of a panel holding a jump shrinks with its width.
 *
 * What no sampling rule can see: a feature narrower than the spacing of the nodes that leaves no trace at them,
 * such as a curved loop dipping into a region of a piecewise-linear program's kink pattern and out again between
 * two nodes. A straight edge cannot do that (the regions of a piecewise-linear program are convex, so an edge
 * enters each at most once), so on polygons every jump shows at the nodes; on curved loops, raise
 * `initialPanels` or `tolerance` to shrink the blind spots.
 *
 * @module
 */

// Nodes on [-1, 1] (non-negative half; the odd-indexed ones are the Gauss nodes) and weights (QUADPACK qk15).
const XGK = [
  0.991455371120812639206854697526329, 0.949107912342758524526189684047851, 0.864864423359769072789712788640926,
  0.741531185599394439863864773280788, 0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
  0.207784955007898467600689403773245, 0,
];
const WGK = [
  0.02293532201052922496373200805897, 0.063092092629978553290700663189204, 0.104790010322250183839876322541518,
  0.140653259715525918745189590510238, 0.16900472663926790282658342659855, 0.190350578064785409913256402421014,
  0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
];
const WG = [
  0.129484966168869693270611432679082, 0.27970539148927666790146777142378, 0.381830050505118944950369775488975,
  0.417959183673469387755102040816327,
];

/** Factor on |K15 - G7| in the error estimate (a jump between interior nodes can cost ~10x that). */
const SAFETY = 10;

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);

/** The next float above t (t finite). */
function nextUp(t: number): number {
  if (t === 0) return Number.MIN_VALUE;
  f64[0] = t;
  i64[0] += t > 0 ? 1n : -1n;
  return f64[0];
}

/** The next float below t (t finite). */
function nextDown(t: number): number {
  return -nextUp(-t);
}

/** The 15 Kronrod nodes of [a, b] in increasing order. */
export function kronrodNodes(a: number, b: number): number[] {
  const c = (a + b) / 2;
  const h = (b - a) / 2;
  const out: number[] = [];
  for (let i = 0; i < 7; i++) out.push(c - h * XGK[i]);
  out.push(c);
  for (let i = 6; i >= 0; i--) out.push(c + h * XGK[i]);
  return out;
}

/** K15 and G7 on [a, b] from the integrand's values at kronrodNodes(a, b). */
export function kronrodPair(a: number, b: number, v: readonly number[]): { k15: number; g7: number } {
  const h = (b - a) / 2;
  let k = WGK[7] * v[7];
  let g = WG[3] * v[7];
  for (let i = 0; i < 7; i++) {
    const s = v[i] + v[14 - i];
    k += WGK[i] * s;
    if (i % 2 === 1) g += WG[(i - 1) / 2] * s;
  }
  return { k15: h * k, g7: h * g };
}

/** The result of an integration. */
export interface QuadratureResult {
  readonly value: number;
  /**
   * Σ over panels of 10 |K15 - G7| plus the jumps seen just inside the panel's ends times the end gaps: an estimate
   * of the error (a large overestimate for smooth integrands; blind to features that leave no trace at the nodes).
   */
  readonly errorEstimate: number;
  /** Integrand evaluations. */
  readonly evaluations: number;
  /** Panels used. */
  readonly panels: number;
}

/** How to integrate. */
export interface QuadratureOptions {
  /** Fixed mode: about this many integrand evaluations (17 per panel), on equal panels spread over the pieces by length. */
  readonly points?: number;
  /** Adaptive mode: stop when the total error estimate is at most this. Default 1e-9. */
  readonly tolerance?: number;
  /** Adaptive mode: stop after this many evaluations at most. Default 200000. */
  readonly maxEvaluations?: number;
  /** Adaptive mode: equal panels each smooth piece starts with. Default 8. */
  readonly initialPanels?: number;
}

interface Panel {
  a: number;
  b: number;
  value: number;
  error: number;
  /** The sample parameters in increasing order (end samples and the 15 nodes) and the integrand there. */
  ts: number[];
  vs: number[];
}

/**
 * Where to split a panel: if one step between consecutive samples dominates all the others (a jump of the
 * integrand, e.g. where the curve crosses a kink set), the jump is located by bisection on the samples' values
 * (one evaluation a step) and the panel is split there, so both parts are smooth; otherwise at the midpoint.
 */
function splitPoint(p: Panel, g: (t: number) => number, count: () => void): number {
  const mid = (p.a + p.b) / 2;
  const { ts, vs } = p;
  let k = 0;
  let big = -1;
  let second = 0;
  for (let i = 0; i + 1 < vs.length; i++) {
    const d = Math.abs(vs[i + 1] - vs[i]);
    if (d > big) {
      second = Math.max(second, big);
      big = d;
      k = i;
    } else second = Math.max(second, d);
  }
  if (!(big > 8 * second) || big === 0) return mid;
  let lo = ts[k];
  let hi = ts[k + 1];
  const vlo = vs[k];
  const vhi = vs[k + 1];
  for (let it = 0; it < 60; it++) {
    const m = lo + (hi - lo) / 2;
    if (!(m > lo && m < hi)) break;
    const v = g(m);
    count();
    if (Math.abs(v - vlo) <= Math.abs(v - vhi)) lo = m;
    else hi = m;
  }
  return hi > p.a && hi < p.b ? hi : mid;
}

/** A max-heap of panels by error. */
class Heap {
  readonly items: Panel[] = [];
  push(p: Panel): void {
    const h = this.items;
    h.push(p);
    let i = h.length - 1;
    while (i > 0) {
      const j = (i - 1) >> 1;
      if (h[j].error >= h[i].error) break;
      [h[i], h[j]] = [h[j], h[i]];
      i = j;
    }
  }
  pop(): Panel {
    const h = this.items;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l].error > h[m].error) m = l;
        if (r < h.length && h[r].error > h[m].error) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

/**
 * Integrates g over the union of the pieces [breaks[i], breaks[i+1]] (g smooth on each, or at least integrable).
 * Fixed mode when `points` is given, adaptive otherwise.
 */
export function integrate(
  fn: string,
  g: (t: number) => number,
  breaks: readonly number[],
  options: QuadratureOptions = {},
): QuadratureResult {
  let evaluations = 0;
  const sample = (t: number): number => {
    const y = g(t);
    if (!Number.isFinite(y)) throw new Error(`${fn}: the integrand is not finite at t = ${t} (${y})`);
    return y;
  };
  const panel = (a: number, b: number): Panel => {
    const v = kronrodNodes(a, b).map(sample);
    // Gauss-type nodes leave a gap of 0.43% of the panel at each end: a jump there leaves no trace at the nodes,
    // so the integrand is also sampled just inside each end (not at it: an end may be a corner of the curve)
    const ts = kronrodNodes(a, b);
    const gap = ((b - a) / 2) * (1 - XGK[0]);
    const ta = Math.min(nextUp(a), (a + b) / 2);
    const tb = Math.max(nextDown(b), (a + b) / 2);
    const ga = sample(ta);
    const gb = sample(tb);
    evaluations += 17;
    const { k15, g7 } = kronrodPair(a, b, v);
    // an end sample off the line through the two nearest nodes signals a jump in the end gap (a smooth integrand
    // stays on it to second order)
    // (on panels so narrow that nodes coincide in floating point, the plain difference)
    const offA = ts[1] > ts[0] ? ga - (v[0] + ((v[0] - v[1]) * (ts[0] - ta)) / (ts[1] - ts[0])) : ga - v[0];
    const offB = ts[14] > ts[13] ? gb - (v[14] + ((v[14] - v[13]) * (tb - ts[14])) / (ts[14] - ts[13])) : gb - v[14];
    // |K15 - G7| sees a jump between interior nodes, but can underrate its effect by about 10x: scaled
    const error = SAFETY * Math.abs(k15 - g7) + gap * (Math.abs(offA) + Math.abs(offB));
    return { a, b, value: k15, error, ts: [ta, ...ts, tb], vs: [ga, ...v, gb] };
  };
  const total = breaks[breaks.length - 1] - breaks[0];
  if (options.points !== undefined) {
    const pts = options.points;
    if (!(Number.isInteger(pts) && pts >= 17))
      throw new Error(`${fn}: points must be an integer >= 17 (17 per panel), got ${pts}`);
    const nPanels = Math.max(breaks.length - 1, Math.floor(pts / 17));
    let value = 0;
    let error = 0;
    let count = 0;
    for (let i = 0; i + 1 < breaks.length; i++) {
      const a = breaks[i];
      const b = breaks[i + 1];
      const m = Math.max(1, Math.round((nPanels * (b - a)) / total));
      for (let j = 0; j < m; j++) {
        const p = panel(a + ((b - a) * j) / m, j === m - 1 ? b : a + ((b - a) * (j + 1)) / m);
        value += p.value;
        error += p.error;
        count++;
      }
    }
    return { value, errorEstimate: error, evaluations, panels: count };
  }
  const tol = options.tolerance ?? 1e-9;
  const maxEval = options.maxEvaluations ?? 200_000;
  const initial = options.initialPanels ?? 8;
  if (!(Number.isInteger(initial) && initial >= 1))
    throw new Error(`${fn}: initialPanels must be a positive integer, got ${initial}`);
  if (!(tol >= 0)) throw new Error(`${fn}: tolerance must be >= 0, got ${tol}`);
  const heap = new Heap();
  const done: Panel[] = [];
  let err = 0;
  for (let i = 0; i + 1 < breaks.length; i++) {
    // start with several panels per piece: features narrower than the node spacing can only be seen if a
    // panel's nodes straddle them (see the module note)
    const a = breaks[i];
    const b = breaks[i + 1];
    const m0 = initial;
    for (let j = 0; j < m0; j++) {
      const p = panel(a + ((b - a) * j) / m0, j === m0 - 1 ? b : a + ((b - a) * (j + 1)) / m0);
      heap.push(p);
      err += p.error;
    }
  }
  while (err > tol && evaluations + 34 + 60 <= maxEval) {
    const p = heap.pop();
    const m = splitPoint(p, sample, () => evaluations++);
    if (!(m > p.a && m < p.b)) {
      done.push(p); // too narrow to split: accept it (its error still counts in the estimate)
      err -= p.error;
      continue;
    }
    const l = panel(p.a, m);
    const r = panel(m, p.b);
    heap.push(l);
    heap.push(r);
    err += l.error + r.error - p.error;
  }
  // final sums in one pass (the running error drifts by rounding)
  let value = 0;
  let error = 0;
  const all = [...heap.items, ...done].sort((p, q) => p.a - q.a);
  for (const p of all) {
    value += p.value;
    error += p.error;
  }
  return { value, errorEstimate: error, evaluations, panels: all.length };
}
