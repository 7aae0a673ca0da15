import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goBinary } from '../platform/local-stack/go-build.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const COMPOSE = join(root, 'docker-compose.yml');
const ENV_EXAMPLE = join(root, '.env.example');

interface Project {
  services: Record<
    string,
    {
      profiles?: string[];
      environment?: Record<string, string>;
      ports?: { target: number; published: string; host_ip?: string }[];
      volumes?: { source: string; target: string; read_only?: boolean }[];
    }
  >;
  volumes: Record<string, unknown>;
}

/**
 * `docker compose config` without Docker: deploy/compose-check loads the file with compose-go,
 * the library docker compose itself uses (compose-spec JSON schema, interpolation, merge keys).
 */
describe('compose config', () => {
  let dir = '';
  let checker = '';
  beforeAll(async () => {
    const go = goBinary();
    if (!go) throw new Error('compose config: the tests need Go (scripts/setup.sh installs it)');
    dir = await mkdtemp(join(tmpdir(), 'tp-compose-'));
    checker = join(dir, 'compose-check');
    await run(go, ['build', '-o', checker, '.'], {
      cwd: join(root, 'deploy/compose-check'),
      env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=readonly -buildvcs=false' },
      timeout: 110_000,
    });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const load = (file: string, envFile: string) =>
    run(checker, [file, envFile], { cwd: root, env: { PATH: process.env.PATH } });

  it('compose config - the shipped file with .env.example resolves like `docker compose config`', async () => {
    const { stdout } = await load(COMPOSE, ENV_EXAMPLE);
    const project = JSON.parse(stdout) as Project;
    expect(Object.keys(project.services).sort()).toEqual([
      'cli',
      'gateway',
      'ingest',
      'mongo',
      'nats',
      'nats-1',
      'nats-2',
      'nats-3',
      'nats-auth',
      'projector',
      'redis',
    ]);
    expect(project.services.gateway?.ports).toEqual([
      expect.objectContaining({ target: 3001, published: '3001-3009' }),
    ]);
    expect(project.services.projector?.ports).toEqual([
      expect.objectContaining({ target: 3002, published: '3102-3109', host_ip: '127.0.0.1' }),
    ]);
    expect(project.services.gateway?.volumes).toEqual([
      expect.objectContaining({ source: 'nats-auth', target: '/auth', read_only: true }),
    ]);
    expect(project.services.cli?.profiles).toEqual(['cli']);
    expect(project.services.ingest?.volumes).toEqual([
      expect.objectContaining({ source: 'nats-auth', target: '/auth', read_only: true }),
      expect.objectContaining({ source: 'ingest-spool', target: '/spool' }),
    ]);
    expect(Object.keys(project.volumes).sort()).toEqual([
      'ingest-spool',
      'mongo-data',
      'nats-1-data',
      'nats-2-data',
      'nats-3-data',
      'nats-auth',
      'nats-data',
      'redis-data',
    ]);
  });

  it('compose config - the cluster profile: roles reach the three nodes with R3 streams; without it, the single nats with R1', async () => {
    const plain = JSON.parse((await load(COMPOSE, ENV_EXAMPLE)).stdout) as Project;
    const both = join(dir, 'cluster.env');
    await writeFile(
      both,
      `${readFileSync(ENV_EXAMPLE, 'utf8')}\n${readFileSync(join(root, 'deploy/cluster.env'), 'utf8')}`,
    );
    const cluster = JSON.parse((await load(COMPOSE, both)).stdout) as Project;
    for (const role of ['ingest', 'projector', 'gateway', 'cli']) {
      expect(plain.services[role]?.environment, role).toMatchObject({
        NATS_URL: 'nats://nats:4222',
        STREAM_REPLICAS: '1',
      });
      expect(cluster.services[role]?.environment, role).toMatchObject({
        NATS_URL: 'nats://nats-1:4222,nats://nats-2:4222,nats://nats-3:4222',
        STREAM_REPLICAS: '3',
      });
    }
    for (const node of ['nats-1', 'nats-2', 'nats-3'])
      expect(cluster.services[node]?.profiles).toEqual(['cluster']);
  });

  it('compose config - without the secrets it refuses, naming each missing variable', async () => {
    const err = await load(COMPOSE, '/dev/null').then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(1);
    expect(err?.stderr).toMatch(/GITHUB_WEBHOOK_SECRET|GATEWAY_JWT_SECRETS/);
    expect(err?.stderr).toMatch(/see \.env\.example/);
  });

  it('compose config - the compose-spec schema rejects a bad condition and an unknown key', async () => {
    const shipped = readFileSync(COMPOSE, 'utf8');
    const cases = [
      [shipped.replace('service_completed_successfully', 'service_done'), /must be one of/],
      [shipped.replace('healthcheck:', 'healtcheck:'), /healtcheck/],
    ] as const;
    for (const [text, message] of cases) {
      const broken = join(dir, 'broken.yml');
      await writeFile(broken, text);
      await expect(load(broken, ENV_EXAMPLE)).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(message),
      });
    }
  });
});
