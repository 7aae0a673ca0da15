import { describe, expect, it } from 'vitest';
import { floors, linearFit, memoryTrend, metricValue, steadyFrom } from './soak-stats.ts';

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

  it('judges the steady state: the second half of the run, never before the warm-up', () => {
    expect(steadyFrom(30, 0.5)).toBe(15);
    expect(steadyFrom(2, 0.5)).toBe(1);
    expect(steadyFrom(0.5, 1)).toBe(1);
    // A heap that climbs for the first half and is flat after it is not growing.
    const minutes = Array.from({ length: 61 }, (_, i) => i / 2);
    const settling = minutes.map((min) => ({ min, mib: 140 + 4 * Math.min(min, 14) }));
    expect(memoryTrend(settling, 0.5, 1).slope).toBeGreaterThan(1);
    expect(memoryTrend(settling, steadyFrom(30, 0.5), 1)).toMatchObject({
      slope: 0,
      growing: false,
    });
  });

  it("a heap's floor: the lowest sample of each window, the partial last one dropped", () => {
    // Sawtooth: 40 MiB live, up to +30 MiB of garbage between collections, every 5 s.
    const at = (k: number, live: number) => ({ min: k / 12, mib: live + (k % 6) * 6 });
    const flat = Array.from({ length: 12 * 10 + 3 }, (_, k) => at(k, 40));
    const f = floors(flat, 1);
    expect(f).toHaveLength(10);
    expect(f.every((p) => p.mib === 40)).toBe(true);
    expect(f[0]!.min).toBe(0.5);
    expect(memoryTrend(f, 2, 1).growing).toBe(false);
    // The live part growing 2 MiB/min under the same sawtooth: the floors grow with it.
    const leak = Array.from({ length: 12 * 10 }, (_, k) => at(k, 40 + (2 * k) / 12));
    const g = memoryTrend(floors(leak, 1), 2, 1);
    expect(g.slope).toBeCloseTo(2, 5);
    expect(g.growing).toBe(true);
    expect(floors([], 1)).toEqual([]);
  });

  it('flags steady growth after warm-up, not warm-up growth or a sawtooth', () => {
    const minutes = Array.from({ length: 20 }, (_, i) => i / 2);
    const leak = minutes.map((min) => ({ min, mib: 100 + 3 * min }));
    expect(memoryTrend(leak, 2, 1)).toMatchObject({ first: 100, last: 128.5, growing: true });
    // Grows only during warm-up, flat after it.
    const warm = minutes.map((min) => ({ min, mib: min < 2 ? 60 + 20 * min : 100 }));
    expect(memoryTrend(warm, 2, 1)).toMatchObject({ min: 60, max: 100, growing: false });
    // GC sawtooth: up and down by 20 MiB, no trend.
    const saw = minutes.map((min, i) => ({ min, mib: 100 + (i % 2) * 20 }));
    expect(memoryTrend(saw, 2, 1).growing).toBe(false);
    // One step up (V8 reserving more heap) in the steady window: not a leak.
    const step = minutes.map((min) => ({ min, mib: min < 6 ? 107 : 122 }));
    expect(memoryTrend(step, 5, 1)).toMatchObject({ growing: false });
    expect(memoryTrend(step, 5, 1).slope).toBeGreaterThan(1);
    // Too few samples after warm-up to judge.
    expect(memoryTrend(leak.slice(0, 5), 2, 1).slope).toBeNaN();
  });
});
