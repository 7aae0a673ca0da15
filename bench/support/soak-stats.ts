/** Pure figures of the soak bench: metric scraping, the RSS trend and its verdict. */

/**
 * The value of a single-series metric in Prometheus text, whatever its labels (the roles'
 * registries add `role`); NaN when absent.
 */
export function metricValue(text: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

/** Least-squares line through (x, y): slope, and r² (how well a straight line explains y). */
export function linearFit(xs: number[], ys: number[]): { slope: number; r2: number } {
  const n = xs.length;
  if (n < 2) return { slope: NaN, r2: NaN };
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  if (sxx === 0) return { slope: NaN, r2: NaN };
  const slope = sxy / sxx;
  return { slope, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

/** One figure over time: `(minute, MiB)`. */
export interface Point {
  min: number;
  mib: number;
}

/** A role's memory figure over the run, and whether it grows steadily in the steady state. */
export interface Trend {
  first: number;
  min: number;
  max: number;
  last: number;
  /** MiB per minute, fitted over the samples of the steady state. */
  slope: number;
  r2: number;
  /** Growth beyond the threshold that a straight line explains (r² ≥ 0.5): a leak's shape, not GC's sawtooth. */
  growing: boolean;
}

/**
 * Where the steady state starts: the second half of the run, and never before `warmupMin`.
 * A heap grows to its working size first (JIT, caches, pools, V8's heap limits raised by
 * the GC); only growth that goes on after that is a leak's.
 */
export function steadyFrom(runMin: number, warmupMin: number): number {
  return Math.max(warmupMin, runMin / 2);
}

/**
 * The lowest value in each window of `windowMin` (a partial last window is dropped): of
 * heap-used samples, the floor the heap comes back to after a collection, what is live.
 */
export function floors(samples: readonly Point[], windowMin: number): Point[] {
  const out: Point[] = [];
  const start = samples[0]?.min ?? 0;
  const end = samples.at(-1)?.min ?? 0;
  for (let from = start; from + windowMin <= end + 1e-9; from += windowMin) {
    const inside = samples.filter((s) => s.min >= from && s.min < from + windowMin);
    if (inside.length === 0) continue;
    const low = inside.reduce((a, b) => (b.mib < a.mib ? b : a));
    out.push({ min: from + windowMin / 2, mib: low.mib });
  }
  return out;
}

/**
 * The trend of `samples`: first / min / max / last over the whole run; the slope is fitted
 * from `fromMin` (see {@link steadyFrom}) to the end. Growing means growth that goes on: the
 * slope above the threshold with r² ≥ 0.5, and above it in each half of that window too, so
 * one step up (V8 reserving a larger heap, an allocator arena) is not taken for a leak.
 * Fewer than three samples in a half: not judged.
 */
export function memoryTrend(
  samples: readonly Point[],
  fromMin: number,
  thresholdMiBPerMin: number,
): Trend {
  const mibs = samples.map((s) => s.mib);
  const fit = (part: readonly Point[]) =>
    part.length >= 3
      ? linearFit(
          part.map((s) => s.min),
          part.map((s) => s.mib),
        )
      : { slope: NaN, r2: NaN };
  const after = samples.filter((s) => s.min >= fromMin);
  const { slope, r2 } = fit(after);
  const mid = (fromMin + (after.at(-1)?.min ?? fromMin)) / 2;
  const halves = [after.filter((s) => s.min < mid), after.filter((s) => s.min >= mid)];
  return {
    first: mibs[0] ?? NaN,
    min: Math.min(...mibs),
    max: Math.max(...mibs),
    last: mibs.at(-1) ?? NaN,
    slope,
    r2,
    growing:
      slope > thresholdMiBPerMin &&
      r2 >= 0.5 &&
      halves.every((h) => fit(h).slope > thresholdMiBPerMin),
  };
}
