import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initAuthDir } from '../platform/nats-auth/mod.ts';
import { useServers } from '../test/support/servers.ts';

const run = promisify(execFile);

async function startWith(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, ['--import', 'tsx', 'ingest/main.ts'], {
      env: { PATH: process.env.PATH ?? '', ...env },
      timeout: 20_000,
    });
    return { code: 0, stderr: '' };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

describe('ingest - start-up configuration', () => {
  it('ingest - a wrong variable is named in one line and the process exits non-zero', async () => {
    const r = await startWith({ GITHUB_WEBHOOK_SECRET: 's', INGEST_PORT: '99999' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'invalid configuration: INGEST_PORT: Too big: expected number to be <=65535',
    );
  });

  it('ingest - a missing webhook secret is named with the reason', async () => {
    const r = await startWith({});
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'invalid configuration: GITHUB_WEBHOOK_SECRET: required (ingest verifies every delivery)',
    );
  });

  it('ingest - no NATS credentials: one line naming NATS_CREDS, before any connection is tried', async () => {
    const r = await startWith({ GITHUB_WEBHOOK_SECRET: 's', NATS_URL: 'nats://127.0.0.1:1' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'invalid configuration: NATS_CREDS: required (every NATS connection authenticates; ' +
        'or set NATS_NKEY_SEED_FILE, NATS_USER and NATS_PASSWORD, or NATS_TOKEN)',
    );
  });

  it('ingest - a creds file that cannot be read is named with its path', async () => {
    const r = await startWith({
      GITHUB_WEBHOOK_SECRET: 's',
      NATS_CREDS: '/nonexistent/ingest.creds',
    });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'invalid configuration: NATS_CREDS: cannot read /nonexistent/ingest.creds (ENOENT)',
    );
  });

  it('ingest - credentials the server refuses: one line naming NATS_CREDS, no stack trace', async () => {
    const servers = await useServers({ redis: false, mongo: false });
    const dir = await mkdtemp(join(tmpdir(), 'tp-ingest-creds-'));
    try {
      // Creds of another installation: signed by an account this server does not know.
      const other = await initAuthDir(join(dir, 'other'));
      const r = await startWith({
        GITHUB_WEBHOOK_SECRET: 's',
        NATS_URL: servers.natsUrl,
        NATS_CREDS: other.creds.ingest,
        INGEST_PORT: '0',
      });
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe(
        `NATS at ${servers.natsUrl} refused the credentials from NATS_CREDS (${other.creds.ingest}): Authorization Violation`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
      await servers.stop();
    }
  });
});
