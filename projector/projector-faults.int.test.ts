import { headers } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeSha, type FakePush } from '../platform/github/push-payload.ts';
import { DlqHeaders, LogHeaders, Subjects } from '../schemas/streams.ts';
import { githubSubject } from '../schemas/subject.ts';
import { contractErrors, headersRecord } from '../scripts/contract/check-message.ts';
import { useServers, type TestServers } from '../test/support/servers.ts';
import type { DeadLetterAlert } from './dead-letter/dead-letter-writer.ts';
import {
  getDeadLetter,
  purgeDeadLetters,
  retryDeadLetter,
  type DeadLetter,
  type RetryResult,
} from './dead-letter/dlq-admin.ts';
import { applyLogMessage, openProjectorContext } from './connect.ts';
import { projectorHarness, waitFor, type Harness } from './testing/harness.ts';

let servers: TestServers;
let h: Harness;

beforeAll(async () => {
  servers = await useServers();
  h = await projectorHarness(servers);
});
afterAll(async () => {
  await h?.close();
  await servers?.stop();
});

function onePush(owner: string, author: string, sha: string): FakePush {
  return {
    owner,
    repo: 'svc',
    repoId: 777,
    commits: [{ author, timestamp: '2025-10-10T10:00:00Z', sha: fakeSha(sha) }],
  };
}

/** What `teampulse dlq retry` runs: the projector's own decode-and-apply path, as admin. */
async function retryWithAdmin(letter: DeadLetter): Promise<RetryResult> {
  const ctx = await openProjectorContext(
    { ...h.cfg, NATS_CREDS: servers.creds.admin },
    {},
    { role: 'admin' },
  );
  try {
    return await retryDeadLetter(ctx.jsm, letter, (msg) => applyLogMessage(ctx, msg));
  } finally {
    await ctx.close();
  }
}

describe('projector faults', () => {
  it('projector faults - a handler failing twice then succeeding applies the event once', async () => {
    const deliveries: number[] = [];
    const projector = await h.start({
      faults: (event, { deliveryCount }) => {
        if (event.push.commits[0]?.author.username !== 'flaky') return;
        deliveries.push(deliveryCount);
        if (deliveryCount <= 2) throw new Error(`flaky failure ${deliveryCount}`);
      },
    });
    await h.append(onePush('faults', 'flaky', 'flaky-1'));
    await h.append(onePush('faults', 'steady', 'steady-1'));
    await h.settled();
    expect(deliveries).toEqual([1, 2, 3]);
    const models = await h.models();
    expect(models.counters['org:faults:dev:flaky:commits:2025-10-10']).toBe(1);
    expect(models.counters['org:faults:dev:steady:commits:2025-10-10']).toBe(1);
    expect(await h.deadLetters()).toEqual([]);
    const metrics = await (await fetch(`http://127.0.0.1:${projector.port}/metrics`)).text();
    expect(metrics).toMatch(/teampulse_projector_retries_total\{kind="nak",role="projector"\} 2/);
    await projector.stop();
  });

  it('projector faults - failing three times dead-letters with headers and an alert; CLI retry applies it', async () => {
    const alerts: DeadLetterAlert[] = [];
    const sub = h.nc.subscribe(Subjects.alertsDlq, {
      callback: (_e, m) => void alerts.push(m.json()),
    });
    let broken = true;
    const projector = await h.start({
      faults: (event) => {
        if (broken && event.push.commits[0]?.author.username === 'doomed')
          throw new Error('handler exploded');
      },
    });
    const { seq, subject } = await h.append(
      onePush('faults', 'doomed', 'doomed-1'),
      'doomed-delivery',
    );
    await h.append(onePush('faults', 'fine', 'fine-1'));
    await h.settled();
    const letters = await h.deadLetters();
    expect(letters).toHaveLength(1);
    const letter = letters[0]!;
    expect(letter).toMatchObject({
      originalSubject: subject,
      streamSeq: seq,
      deliveryId: 'doomed-delivery',
      errorCode: 'projection_failed',
      error: 'handler exploded',
      attempts: 3,
    });
    expect(letter.original.headers?.get(DlqHeaders.failedAt)).toMatch(/^\d{4}-/);
    expect(contractErrors('DeadLetterHeaders', headersRecord(letter.original.headers))).toEqual([]);
    await waitFor(() => alerts.length === 1, 5000, 'alert');
    expect(alerts[0]).toMatchObject({
      type: 'DEAD_LETTER',
      streamSeq: seq,
      errorCode: 'projection_failed',
      attempts: 3,
    });
    expect(contractErrors('DeadLetterAlert', alerts[0])).toEqual([]);
    const metrics = await (await fetch(`http://127.0.0.1:${projector.port}/metrics`)).text();
    expect(metrics).toMatch(
      /teampulse_projector_dead_letters_total\{code="projection_failed",role="projector"\} 1/,
    );
    expect((await h.models()).counters['org:faults:dev:doomed:commits:2025-10-10']).toBeUndefined();

    // The cause is "fixed": a retry runs the projector's batch code without the fault.
    // (The `teampulse dlq` commands around this are tested in cli/dlq.e2e.test.ts.)
    const stored = await getDeadLetter(h.jsm, letter.dlqSeq);
    expect(stored?.deliveryId).toBe('doomed-delivery');
    broken = false;
    expect(await retryWithAdmin(stored!)).toEqual({ dlqSeq: letter.dlqSeq, ok: true });
    expect(await h.deadLetters()).toEqual([]);
    expect((await h.models()).counters['org:faults:dev:doomed:commits:2025-10-10']).toBe(1);
    sub.unsubscribe();
    await projector.stop();
  });

  it('projector faults - a schema-invalid push is dead-lettered at once with the validation error', async () => {
    const projector = await h.start();
    const bad = {
      ref: 'refs/heads/main',
      repository: { id: 5, name: 'x', owner: { login: 'faults' } },
      commits: [{ id: 'not-a-sha' }],
    };
    const { seq } = await h.appendBody(
      'faults',
      'x',
      Buffer.from(JSON.stringify(bad)),
      'bad-delivery',
    );
    const notJson = await h.appendBody(
      'faults',
      'x',
      Buffer.from('{"ref": nope'),
      'garbage-delivery',
    );
    await h.append(onePush('faults', 'afterbad', 'after-bad-1'));
    await h.settled();
    const letters = (await h.deadLetters()).sort((a, b) => a.streamSeq - b.streamSeq);
    expect(letters.map((l) => [l.streamSeq, l.errorCode, l.attempts])).toEqual([
      [seq, 'schema_invalid', 1],
      [notJson.seq, 'schema_invalid', 1],
    ]);
    expect(letters[0]!.error).toContain('commits.0.id: commit id must be a hex sha');
    expect(letters[1]!.error).toContain('body is not JSON');
    expect((await h.models()).counters['org:faults:dev:afterbad:commits:2025-10-10']).toBe(1);
    // Retrying poison fails again and keeps it; purging one, then the rest, empties the DLQ.
    const retried = await retryWithAdmin(letters[0]!);
    expect(retried).toMatchObject({ dlqSeq: letters[0]!.dlqSeq, ok: false });
    expect(retried.error).toContain('commit id must be a hex sha');
    expect(await h.deadLetters()).toHaveLength(2);
    expect(await purgeDeadLetters(h.jsm, letters[0]!.dlqSeq)).toBe(1);
    expect(await purgeDeadLetters(h.jsm)).toBe(1);
    expect(await h.deadLetters()).toEqual([]);
    await projector.stop();
  });

  it('projector faults - a body missing from the object store is dead-lettered at once as body_missing', async () => {
    const projector = await h.start();
    // The body is stored before its message is published, so a reference to a body that
    // is not there (bucket limits, a purge) never heals: retrying it only delays the rest.
    const hdrs = headers();
    hdrs.set(LogHeaders.bodyRef, 'never-stored');
    hdrs.set('X-GitHub-Delivery', 'missing-body-delivery');
    const { seq } = await h.js.publish(githubSubject('push', 'faults', 'gone'), new Uint8Array(0), {
      headers: hdrs,
      msgID: 'missing-body-delivery',
    });
    await h.settled();
    const letter = (await h.deadLetters()).find((l) => l.streamSeq === seq);
    expect([letter?.errorCode, letter?.attempts]).toEqual(['body_missing', 1]);
    expect(letter?.error).toContain('never-stored');
    await projector.stop();
  });
});
