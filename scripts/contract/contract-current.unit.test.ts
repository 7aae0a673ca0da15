import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  DashboardBuilder,
  errorFrame,
  parseDayRange,
  pongFrame,
  readyFrame,
  resyncFrame,
  subscribedFrame,
  unsubscribedFrame,
  updateFrame,
} from '../../gateway/mod.ts';
import { ResyncReasons } from '../../schemas/ws-control-frames.ts';
import { CONTRACT_NAMES, type ContractName } from './catalog.ts';
import { contractErrors, contractValidator } from './check-message.ts';
import { ingestErrors } from './error-examples.ts';
import { JSON_SCHEMA_DIR, renderContract, REPO_ROOT } from './render.ts';

const require = createRequire(import.meta.url);
const examples = require('@octokit/webhooks-examples') as {
  name: string;
  examples: Record<string, unknown>[];
}[];

const json = (s: string): unknown => JSON.parse(s);

describe('contract files', () => {
  it('contract - the checked-in files are what the schemas generate (else: run npm run contract:generate)', async () => {
    const expected = await renderContract();
    const onDisk = readdirSync(new URL(`${JSON_SCHEMA_DIR}/`, REPO_ROOT)).map(
      (f) => `${JSON_SCHEMA_DIR}/${f}`,
    );
    const stale: string[] = [];
    for (const [path, content] of expected) {
      let current: string | undefined;
      try {
        current = readFileSync(new URL(path, REPO_ROOT), 'utf8');
      } catch {
        current = undefined;
      }
      if (current !== content) stale.push(current === undefined ? `${path} (missing)` : path);
    }
    for (const path of onDisk) if (!expected.has(path)) stale.push(`${path} (no longer generated)`);
    expect(stale, 'contract files are stale: run npm run contract:generate').toEqual([]);
  });

  it('contract - every JSON Schema compiles with ajv (2020-12, strict)', () => {
    for (const name of CONTRACT_NAMES) expect(() => contractValidator(name), name).not.toThrow();
  });
});

describe('contract messages', () => {
  const ok = (name: ContractName, value: unknown) =>
    expect(contractErrors(name, value)).toEqual([]);

  it('contract - real GitHub pushes (@octokit/webhooks-examples) match GithubPushEvent and GithubEvent', () => {
    const pushes = examples.find((e) => e.name === 'push')!.examples;
    expect(pushes.length).toBeGreaterThan(3);
    for (const push of pushes) {
      ok('GithubPushEvent', push);
      ok('GithubEvent', push);
    }
    ok('GithubEvent', examples.find((e) => e.name === 'ping')!.examples[0]);
  });

  it('contract - a dashboard built by the gateway matches Dashboard', () => {
    const builder = new DashboardBuilder(parseDayRange('2025-11-17', '2025-11-19', 366));
    builder.add({
      timestamp: new Date('2025-11-17T09:30:00Z'),
      authorGithubId: 'alice',
      repoId: '42',
      filesCount: 3,
    });
    builder.add({
      timestamp: new Date('2025-11-19T23:59:00Z'),
      authorGithubId: 'bob',
      repoId: '43',
      filesCount: 1,
    });
    const dashboard = builder.build({
      orgId: 'acme',
      asOfSeq: 42,
      readModelVersion: 0,
      activityIndex: new Map([['alice', 76]]),
    });
    ok('Dashboard', JSON.parse(JSON.stringify(dashboard)));
  });

  it('contract - every frame the gateway sends matches ServerFrame and its own schema', () => {
    const update = {
      type: 'COMMITS_UPDATED' as const,
      orgId: 'acme',
      repoId: '4242',
      payload: {
        commitCount: 3,
        days: ['2025-11-19'],
        lineage: [{ streamSeq: 17, deliveryId: 'abc-123' }],
      },
    };
    const frames: [ContractName, string][] = [
      ['ReadyFrame', readyFrame(['org:acme'], 41)],
      ['ReadyFrame', readyFrame(['org:acme'], undefined)],
      ['UpdateFrame', updateFrame('org:acme', 42, update)],
      ...ResyncReasons.map((r): [ContractName, string] => ['ResyncFrame', resyncFrame(r)]),
      ['ErrorFrame', errorFrame('forbidden_org', 'no')],
      ['PongFrame', pongFrame()],
      ['SubscribedFrame', subscribedFrame('org:acme')],
      ['UnsubscribedFrame', unsubscribedFrame('org:acme')],
    ];
    for (const [name, text] of frames) {
      ok(name, json(text));
      ok('ServerFrame', json(text));
    }
    ok('CommitsUpdated', update);
  });

  it('contract - the error answers ingest makes match ErrorBody', () => {
    for (const e of ingestErrors())
      ok('ErrorBody', { error: { code: e.code, message: e.message } });
  });

  it('contract - invalid messages are rejected, naming the field', () => {
    expect(contractErrors('ResyncFrame', { event: 'resync', reason: 'bored' })).toEqual([
      expect.stringContaining('ResyncFrame/reason'),
    ]);
    expect(contractErrors('GithubPushEvent', { ref: 'refs/heads/main', commits: [] })).toEqual([
      expect.stringContaining("must have required property 'repository'"),
    ]);
    expect(contractErrors('ClientMessage', { type: 'subscribe' })).not.toEqual([]);
    expect(
      contractErrors('DeadLetterAlert', {
        type: 'DEAD_LETTER',
        originalSubject: 'github.push.a.b',
        streamSeq: 0,
        deliveryId: 'd',
        errorCode: 'x',
        error: 'y',
        attempts: 3,
        dlqSeq: 1,
        at: 'yesterday',
      }),
    ).toEqual([
      expect.stringContaining('DeadLetterAlert/streamSeq'),
      expect.stringContaining('DeadLetterAlert/at'),
      expect.stringContaining('DeadLetterAlert/at'),
    ]);
  });
});
