import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogAppender } from '../platform/log/append.ts';
import { projectorHarness, type Harness } from '../projector/testing/mod.ts';
import { devDayKey } from '../schemas/redis-keys.ts';
import { Streams } from '../schemas/streams.ts';
import { useServers, type TestServers } from '../test/support/servers.ts';
import { parseAuthorMap } from './author-map.ts';
import { runBackfill } from './run-backfill.ts';

let servers: TestServers;
let h: Harness;
let dir: string;

const PEOPLE = {
  alice: { name: 'Alice Doe', email: 'alice@example.com' },
  bob: { name: 'Bob Roe', email: 'Bob@Example.COM' },
  carol: { name: 'Carol', email: 'carol@example.org' },
} as const;

function git(args: string[], env: Record<string, string> = {}): string {
  return execFileSync('git', ['-C', dir, ...args], {
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: dir, ...env },
  });
}

async function commit(
  who: keyof typeof PEOPLE,
  date: string,
  files: Record<string, string | null>,
  message: string,
) {
  for (const [path, content] of Object.entries(files)) {
    if (content === null) git(['rm', '-q', path]);
    else {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), content);
      git(['add', path]);
    }
  }
  const p = PEOPLE[who];
  git(['commit', '-q', '-m', message], {
    GIT_AUTHOR_NAME: p.name,
    GIT_AUTHOR_EMAIL: p.email,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_NAME: p.name,
    GIT_COMMITTER_EMAIL: p.email,
    GIT_COMMITTER_DATE: date,
  });
}

beforeAll(async () => {
  servers = await useServers();
  h = await projectorHarness(servers);
  dir = await mkdtemp(join(tmpdir(), 'teampulse-backfill-'));
  git(['init', '-q', '-b', 'main']);
  await commit(
    'alice',
    '2026-03-01T09:00:00+00:00',
    { 'README.md': 'hello', 'src/app.ts': 'a' },
    'initial',
  );
  await commit(
    'bob',
    '2026-03-01T17:30:00-08:00',
    { 'src/app.ts': 'b', 'docs/guide.md': 'g' },
    'bob 1',
  ); // UTC 03-02
  await commit('alice', '2026-03-02T10:00:00+02:00', { 'package.json': '{}' }, 'alice 2');
  git(['checkout', '-q', '-b', 'feature']);
  await commit('carol', '2026-03-02T12:00:00+00:00', { 'lib/x/y.ts': 'y' }, 'carol feature');
  await commit(
    'carol',
    '2026-03-03T08:00:00+00:00',
    { 'lib/x/y.ts': 'y2', 'README.md': null },
    'carol feature 2',
  );
  git(['checkout', '-q', 'main']);
  await commit('bob', '2026-03-03T09:00:00+00:00', { 'src/other.ts': 'o' }, 'bob 2');
  git(['merge', '-q', '--no-ff', 'feature', '-m', 'Merge feature'], {
    GIT_AUTHOR_NAME: PEOPLE.alice.name,
    GIT_AUTHOR_EMAIL: PEOPLE.alice.email,
    GIT_AUTHOR_DATE: '2026-03-03T23:30:00-01:00', // UTC 03-04
    GIT_COMMITTER_NAME: PEOPLE.alice.name,
    GIT_COMMITTER_EMAIL: PEOPLE.alice.email,
    GIT_COMMITTER_DATE: '2026-03-03T23:30:00-01:00',
  });
  await commit('alice', '2026-03-04T11:00:00+00:00', { 'src/app.ts': 'c' }, 'alice 3');
});
afterAll(async () => {
  await h?.close();
  await servers?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Per (developer, UTC day) commit counts straight from `git log`, as the read models must hold them. */
function gitCounts(authors: ReadonlyMap<string, string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of git(['log', 'main', '--format=%ae %aI']).trim().split('\n')) {
    const [email, date] = line.split(' ') as [string, string];
    const dev = authors.get(email.toLowerCase()) ?? `email:${email.toLowerCase()}`;
    const key = devDayKey('acme', dev, new Date(date).toISOString().slice(0, 10));
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('backfill', () => {
  it('backfill - a clone with several authors, days and a merge gives the per-author per-day counts of git log, live commits not counted twice', async () => {
    const authors = parseAuthorMap({ 'Alice@Example.com': 'alice' });
    // Alice's first commit already arrived live, from GitHub, under her login.
    const [firstSha] = git(['rev-list', '--reverse', 'main']).trim().split('\n');
    await h.append({
      owner: 'acme',
      repo: 'web',
      repoId: 4242,
      commits: [
        {
          author: 'alice',
          email: PEOPLE.alice.email,
          timestamp: '2026-03-01T09:00:00+00:00',
          sha: firstSha!,
          files: { added: ['README.md', 'src/app.ts'] },
        },
      ],
    });
    const appender = new LogAppender(h.nc, { timeoutMs: 5000 });
    const summary = await runBackfill(appender, {
      path: dir,
      owner: 'acme',
      repo: 'web',
      repoId: 4242,
      branch: 'main',
      groupSize: 3,
      authors,
    });
    const total = Number(git(['rev-list', '--count', 'main']).trim());
    expect(total).toBe(8);
    expect(summary).toMatchObject({ commits: total, pushes: 3, appended: 3, duplicates: 0 });
    expect(summary.unmappedAuthors).toEqual(['bob@example.com', 'carol@example.org']);

    await h.start({ http: false });
    await h.settled();
    const models = await h.models();
    expect(models.commits).toHaveLength(total);
    expect(models.counters).toEqual(gitCounts(authors));
    expect(models.counters[devDayKey('acme', 'alice', '2026-03-01')]).toBe(1);
    expect(models.counters[devDayKey('acme', 'email:bob@example.com', '2026-03-02')]).toBe(1);

    // Files: root files count as ".", a merge counts its first-parent diff.
    const byMessage = new Map(models.commits.map((c) => [c.message, c]));
    expect(byMessage.get('alice 2')).toMatchObject({
      filesCount: 1,
      modulePaths: ['.'],
      authorGithubId: 'alice',
    });
    expect(byMessage.get('bob 1')).toMatchObject({ filesCount: 2, modulePaths: ['docs', 'src'] });
    // The commit received live keeps its live document (first sighting wins).
    expect(byMessage.get('Change 1 by alice')).toMatchObject({
      sha: firstSha,
      authorGithubId: 'alice',
    });
    expect(byMessage.get('carol feature 2')).toMatchObject({
      filesCount: 2,
      modulePaths: ['.', 'lib'],
    });
    expect(byMessage.get('Merge feature')).toMatchObject({
      filesCount: 2,
      modulePaths: ['.', 'lib'],
      authorGithubId: 'alice',
    });
  });

  it('backfill - running it twice adds nothing to the log or the read models', async () => {
    const before = await h.models();
    const lastSeq = (await h.jsm.streams.info(Streams.github.name)).state.last_seq;
    const summary = await runBackfill(new LogAppender(h.nc, { timeoutMs: 5000 }), {
      path: dir,
      owner: 'acme',
      repo: 'web',
      repoId: 4242,
      branch: 'main',
      groupSize: 3,
      authors: parseAuthorMap({ 'alice@example.com': 'alice' }),
    });
    expect(summary).toMatchObject({ pushes: 3, appended: 0, duplicates: 3 });
    expect((await h.jsm.streams.info(Streams.github.name)).state.last_seq).toBe(lastSeq);
    await h.settled();
    expect(await h.models()).toEqual(before);
  });
});
