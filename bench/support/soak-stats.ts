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

/** One role's RSS over the run, in MiB, and whether it grows steadily after warm-up. */
export interface RssTrend {
  first: number;
  min: number;
  max: number;
  last: number;
  /** MiB per minute, fitted over the samples after warm-up. */
  slope: number;
  r2: number;
  /** Growth beyond the threshold that a straight line explains (r² ≥ 0.5): a leak's shape, not GC's sawtooth. */
  growing: boolean;
}

/**
 * The trend of samples `(minute, MiB)`: the slope is fitted only after `warmupMin` (JIT,
 * caches and pools fill first); at least three samples after it are needed to judge.
 */
export function rssTrend(
  samples: { min: number; mib: number }[],
  warmupMin: number,
  thresholdMiBPerMin: number,
): RssTrend {
  const mibs = samples.map((s) => s.mib);
  const after = samples.filter((s) => s.min >= warmupMin);
  const { slope, r2 } =
    after.length >= 3
      ? linearFit(
          after.map((s) => s.min),
          after.map((s) => s.mib),
        )
      : { slope: NaN, r2: NaN };
  return {
    first: mibs[0] ?? NaN,
    min: Math.min(...mibs),
    max: Math.max(...mibs),
    last: mibs.at(-1) ?? NaN,
    slope,
    r2,
    growing: slope > thresholdMiBPerMin && r2 >= 0.5,
  };
}
