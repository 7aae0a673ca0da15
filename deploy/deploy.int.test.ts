import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderNatsConfig, validateNatsConfig } from '../platform/local-stack/mod.ts';
import { initAuthDir } from '../platform/nats-auth/mod.ts';
import { EnvSchema } from '../schemas/config.ts';
import {
  SHIPPED_NATS_CLUSTER_OPTIONS,
  SHIPPED_NATS_OPTIONS,
} from '../scripts/render-nats-config.ts';

const root = new URL('..', import.meta.url);
const read = (p: string) => readFileSync(new URL(p, root), 'utf8');

describe('deploy', () => {
  it('deploy - the shipped NATS config is the rendered one and fsyncs every write', () => {
    const shipped = read('deploy/nats.conf');
    expect(shipped).toBe(renderNatsConfig(SHIPPED_NATS_OPTIONS));
    expect(shipped).toMatch(/sync_interval: always/);
    expect(shipped).toMatch(/max_payload: 8388608/);
    expect(shipped).toMatch(/^include "auth\/nats-auth.conf"$/m);
  });

  it('deploy - the real nats-server accepts the shipped config with its auth fragment and rejects a broken one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tp-natsconf-'));
    try {
      // As in docker-compose: the config, and the auth dir `nats-auth init` made beside it.
      const shipped = join(dir, 'nats.conf');
      await writeFile(shipped, read('deploy/nats.conf'));
      await expect(validateNatsConfig(shipped)).rejects.toThrow(/auth\/nats-auth.conf/);
      await initAuthDir(join(dir, 'auth'));
      await validateNatsConfig(shipped);
      const broken = join(dir, 'broken.conf');
      await writeFile(
        broken,
        read('deploy/nats.conf').replace('sync_interval: always', 'sync_interval: sometimes'),
      );
      await expect(validateNatsConfig(broken)).rejects.toThrow(/rejected/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('deploy - the cluster profile config is the rendered one, and nats-server accepts it with the auth fragment', async () => {
    const shipped = read('deploy/nats-cluster.conf');
    expect(shipped).toBe(renderNatsConfig(SHIPPED_NATS_CLUSTER_OPTIONS));
    expect(shipped).toMatch(/sync_interval: always/);
    const dir = await mkdtemp(join(tmpdir(), 'tp-natsclusterconf-'));
    try {
      const file = join(dir, 'nats.conf');
      await writeFile(file, shipped);
      await initAuthDir(join(dir, 'auth'));
      await validateNatsConfig(file);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('deploy - docker-compose runs every role from one image and sets only variables the config knows', () => {
    const compose = parse(read('docker-compose.yml'), { merge: true }) as {
      services: Record<
        string,
        { command?: string[]; environment?: Record<string, string>; build?: string }
      >;
    };
    const known = new Set(Object.keys(EnvSchema.shape));
    for (const role of ['ingest', 'projector', 'gateway']) {
      const svc = compose.services[role]!;
      expect(svc.build).toBe('.');
      expect(svc.command?.[0]).toBe(`${role}/main.ts`);
      for (const name of Object.keys(svc.environment ?? {}))
        expect(known, `${role}: ${name}`).toContain(name);
    }
    expect(compose.services.nats?.command).toEqual(['-c', '/etc/nats/nats.conf']);
  });
});
