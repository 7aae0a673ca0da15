import { describe, expect, it } from 'vitest';
import { linearFit, metricValue, rssTrend } from './soak-stats.ts';

describe('soak figures', () => {
  it('reads a metric with or without labels, NaN when absent', () => {
    const text =
      '# HELP x\nteampulse_projector_lag 12\ngateway_frames_sent_total{role="gateway"} 3e+3\n';
    expect(metricValue(text, 'teampulse_projector_lag')).toBe(12);
    expect(metricValue(text, 'gateway_frames_sent_total')).toBe(3000);
    expect(metricValue(text, 'process_resident_memory_bytes')).toBeNaN();
  });

  it('fits a line: slope and r²', () => {
    expect(linearFit([0, 1, 2, 3], [10, 12, 14, 16])).toEqual({ slope: 2, r2: 1 });
    expect(linearFit([0, 1, 2, 3], [5, 5, 5, 5])).toEqual({ slope: 0, r2: 1 });
    expect(linearFit([1], [1]).slope).toBeNaN();
  });

  it('flags steady growth after warm-up, not warm-up growth or a sawtooth', () => {
    const minutes = Array.from({ length: 20 }, (_, i) => i / 2);
    const leak = minutes.map((min) => ({ min, mib: 100 + 3 * min }));
    expect(rssTrend(leak, 2, 1)).toMatchObject({ first: 100, last: 128.5, growing: true });
    // Grows only during warm-up, flat after it.
    const warm = minutes.map((min) => ({ min, mib: min < 2 ? 60 + 20 * min : 100 }));
    expect(rssTrend(warm, 2, 1)).toMatchObject({ min: 60, max: 100, growing: false });
    // GC sawtooth: up and down by 20 MiB, no trend.
    const saw = minutes.map((min, i) => ({ min, mib: 100 + (i % 2) * 20 }));
    expect(rssTrend(saw, 2, 1).growing).toBe(false);
    // Too few samples after warm-up to judge.
    expect(rssTrend(leak.slice(0, 5), 2, 1).slope).toBeNaN();
  });
});
