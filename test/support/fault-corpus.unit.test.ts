import { describe, expect, it } from 'vitest';
import { expectedModel, generateCorpus } from './fault-corpus.ts';

describe('fault corpus', () => {
  it('fault corpus - the same seed gives the same corpus, another seed another', () => {
    const a = generateCorpus({ seed: 1, deliveries: 300 });
    expect(generateCorpus({ seed: 1, deliveries: 300 })).toEqual(a);
    expect(generateCorpus({ seed: 2, deliveries: 300 })).not.toEqual(a);
  });

  it('fault corpus - holds redeliveries, distinct:false repeats, several orgs and repos, 1–5 commits', () => {
    const c = generateCorpus({ seed: 7, deliveries: 2000 });
    const ids = c.map((d) => d.id);
    const redeliveries = ids.length - new Set(ids).size;
    const repeats = c.filter((d) => d.push.commits.every((x) => x.distinct === false)).length;
    expect(redeliveries).toBeGreaterThan(100);
    expect(repeats).toBeGreaterThan(100);
    expect(new Set(c.map((d) => d.push.owner)).size).toBe(4);
    expect(new Set(c.map((d) => d.push.repoId)).size).toBe(12);
    const sizes = new Set(c.map((d) => d.push.commits.length));
    expect([...sizes].sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('fault corpus - the expected model counts each (repoId, sha) once per org, dev and day', () => {
    const c = generateCorpus({ seed: 3, deliveries: 500 });
    const want = expectedModel(c);
    const shas = new Set(c.flatMap((d) => d.push.commits.map((x) => `${d.push.repoId}:${x.sha}`)));
    expect(want.commits).toEqual(shas);
    // Each commit lands in exactly one counter, so the counters add up to the commits.
    expect(Object.values(want.counters).reduce((s, n) => s + n, 0)).toBe(shas.size);
    const [key] = Object.keys(want.counters);
    expect(key).toMatch(/^org:fault-org\d:dev:dev\d-\d:commits:2026-10-\d\d$/);
  });
});
