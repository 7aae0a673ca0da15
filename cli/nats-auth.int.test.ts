import { readFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCreds } from '@nats-io/jwt';
import { Command, CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsAuthError } from '../platform/nats-auth/mod.ts';
import { registerNatsAuthCommands } from './nats-auth.ts';

let dir: string;
let stderr = '';

async function teampulse(...args: string[]): Promise<void> {
  const program = new Command('teampulse')
    .exitOverride()
    .configureOutput({ writeErr: (s) => void (stderr += s), writeOut: () => undefined });
  registerNatsAuthCommands(program);
  await program.parseAsync(['node', 'teampulse', ...args]);
}

const mode = async (path: string) => (await stat(path)).mode & 0o777;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tp-nats-auth-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('cli nats-auth', () => {
  it('cli nats-auth - init writes keys, fragment and one creds per role, secrets mode 600; a second init keeps them', async () => {
    const auth = join(dir, 'auth');
    await teampulse('nats-auth', 'init', '--dir', auth);
    const keys = await readFile(join(auth, 'keys.json'), 'utf8');
    expect(await mode(join(auth, 'keys.json'))).toBe(0o600);
    for (const role of ['ingest', 'projector', 'gateway', 'admin', 'analyst'])
      expect(await mode(join(auth, `${role}.creds`)), role).toBe(0o600);
    expect(await readFile(join(auth, 'nats-auth.conf'), 'utf8')).toMatch(/resolver: MEMORY/);
    await teampulse('nats-auth', 'init', '--dir', auth);
    expect(await readFile(join(auth, 'keys.json'), 'utf8')).toBe(keys);
  });

  it('cli nats-creds - mints a named, expiring analyst whose JWT carries the role permissions', async () => {
    const out = join(dir, 'alice.creds');
    await teampulse(
      'nats-creds',
      '--role',
      'analyst',
      '--name',
      'alice',
      '--expires',
      '30d',
      '--out',
      out,
      '--dir',
      join(dir, 'auth'),
    );
    expect(await mode(out)).toBe(0o600);
    const { uc } = await parseCreds(await readFile(out));
    expect(uc.name).toBe('alice');
    expect(uc.exp! - uc.iat).toBe(30 * 86_400);
    expect(uc.nats.tags).toEqual(['teampulse-role:analyst']);
    expect(uc.nats.pub?.deny).toContain('github.>');
    expect(uc.nats.sub?.allow).toContain('github.>');
  });

  it('cli nats-creds - an unknown role, a bad expiry and a missing auth dir are each named', async () => {
    stderr = '';
    await expect(teampulse('nats-creds', '--role', 'boss')).rejects.toBeInstanceOf(CommanderError);
    expect(stderr).toMatch(
      /argument 'boss' is invalid\. Allowed choices are ingest, projector, gateway, admin, analyst/,
    );
    stderr = '';
    await expect(
      teampulse('nats-creds', '--role', 'analyst', '--expires', '3x'),
    ).rejects.toBeInstanceOf(CommanderError);
    expect(stderr).toMatch(/'--expires <duration>' argument '3x' is invalid\. expected a positive/);
    const missing = join(dir, 'nowhere');
    await expect(teampulse('nats-creds', '--role', 'analyst', '--dir', missing)).rejects.toThrow(
      new NatsAuthError(
        'nats_auth_dir_missing',
        `NATS auth dir ${missing}: no keys.json there; create it with teampulse nats-auth init --dir ${missing}, or point NATS_AUTH_DIR at an existing one`,
      ),
    );
  });
});
