import { describe, expect, it } from 'vitest';
import { PushEvent } from '../../schemas/push-event.ts';
import { dayStart, utcDay } from '../../schemas/utc-day.ts';
import { simulatedPush, type SimulationShape } from './simulated-push.ts';

const shape: SimulationShape = {
  orgs: 2,
  repos: 3,
  authors: 4,
  commits: 2,
  days: 5,
  seed: 's1',
  baseDayMs: dayStart('2026-03-10').getTime(),
};

describe('simulated push', () => {
  it('simulated push - the same number gives the same push, a valid one by the push schema', () => {
    expect(simulatedPush(7, shape)).toEqual(simulatedPush(7, shape));
    const push = PushEvent.parse(simulatedPush(7, shape));
    expect(push.commits).toHaveLength(2);
    expect(push.repository.owner?.login).toBe('org1');
  });

  it('simulated push - pushes spread over the orgs and the days ending on the base day', () => {
    const pushes = Array.from({ length: 20 }, (_, i) => PushEvent.parse(simulatedPush(i, shape)));
    expect(new Set(pushes.map((p) => p.repository.owner?.login))).toEqual(
      new Set(['org0', 'org1']),
    );
    const days = new Set(
      pushes.flatMap((p) => p.commits.map((c) => utcDay(new Date(c.timestamp)))),
    );
    expect([...days].sort()).toEqual([
      '2026-03-06',
      '2026-03-07',
      '2026-03-08',
      '2026-03-09',
      '2026-03-10',
    ]);
  });
});
