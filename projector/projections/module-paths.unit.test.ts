import { describe, expect, it } from 'vitest';
import { moduleOf, modulePaths } from './module-paths.ts';
import { addDays, dayRuns, utcDay } from '../../schemas/utc-day.ts';

describe('module paths', () => {
  it('module paths - first path segment, "." for a file at the root', () => {
    expect(moduleOf('src/a/b.ts')).toBe('src');
    expect(moduleOf('README.md')).toBe('.');
    expect(moduleOf('/lead/x')).toBe('lead');
  });
  it('module paths - sorted and unique over added, removed and modified', () => {
    expect(
      modulePaths({
        added: ['tests/a.ts', 'src/x.ts'],
        removed: ['README.md'],
        modified: ['src/y.ts'],
      }),
    ).toEqual(['.', 'src', 'tests']);
    expect(modulePaths({ added: [], removed: [], modified: [] })).toEqual([]);
  });
});

describe('days', () => {
  it('days - the UTC day of an instant with an offset', () => {
    expect(utcDay(new Date('2025-11-19T01:00:00+02:00'))).toBe('2025-11-18');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
  });
  it('days - runs merge consecutive and overlapping widened days', () => {
    expect(dayRuns(['2025-01-10', '2025-01-01', '2025-01-02', '2025-01-02'])).toEqual([
      { from: '2025-01-01', to: '2025-01-02' },
      { from: '2025-01-10', to: '2025-01-10' },
    ]);
    expect(dayRuns(['2025-01-01', '2025-01-10'], 6, 6)).toEqual([
      { from: '2024-12-26', to: '2025-01-16' },
    ]);
  });
});
