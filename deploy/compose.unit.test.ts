import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { NATS_SERVER_VERSION } from '../platform/local-stack/go-build.ts';
import { EnvSchema } from '../schemas/config.ts';
import { dockerignored } from './testing/dockerfile.ts';

interface Service {
  build?: string;
  image?: string;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  expose?: string[];
  profiles?: string[];
  restart?: string;
  depends_on?: Record<string, { condition: string; required?: boolean }>;
  healthcheck?: { test: string[] };
}

const root = new URL('..', import.meta.url);
const read = (p: string) => readFileSync(new URL(p, root), 'utf8');
const composeText = read('docker-compose.yml');
const compose = parse(composeText, { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const svc = (name: string): Service => {
  const s = compose.services[name];
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
};
const ROLES = { ingest: 'INGEST', projector: 'PROJECTOR', gateway: 'GATEWAY' } as const;

/** `[ip:]host:container[/proto]` → host part ('' when Docker picks), container part. */
function splitPort(spec: string): { host: string; container: string } {
  const parts = spec.replace(/\/(tcp|udp)$/, '').split(':');
  const container = parts.at(-1)!;
  return { host: parts.length > 1 ? parts.at(-2)! : '', container };
}
const range = (host: string): [number, number] => {
  const [a, b = a] = host.split('-').map(Number) as [number, number?];
  return [a, b];
};

describe('compose', () => {
  it('compose - every service built from the image sets only variables the config knows', () => {
    const known = new Set(Object.keys(EnvSchema.shape));
    const built = Object.entries(compose.services).filter(([, s]) => s.build === '.');
    expect(built.map(([n]) => n)).toEqual(
      expect.arrayContaining(['nats-auth', 'ingest', 'projector', 'gateway', 'cli']),
    );
    for (const [name, s] of built)
      for (const variable of Object.keys(s.environment ?? {}))
        expect(known, `${name}: ${variable}`).toContain(variable);
  });

  it('compose - nats-auth runs `teampulse nats-auth init` once into the nats-auth volume', () => {
    const init = svc('nats-auth');
    expect(init.command).toEqual(['bin/teampulse.js', 'nats-auth', 'init', '--dir', '/auth']);
    expect(init.restart).toBe('no'); // a one-shot: restarting it would loop
    expect(init.volumes).toEqual(['nats-auth:/auth']);
    expect(compose.volumes).toHaveProperty('nats-auth');
  });

  it('compose - nats loads the shipped config and the auth fragment, after nats-auth', () => {
    const nats = svc('nats');
    expect(nats.command).toEqual(['-c', '/etc/nats/nats.conf']);
    expect(nats.volumes).toEqual(
      expect.arrayContaining([
        './deploy/nats.conf:/etc/nats/nats.conf:ro',
        'nats-auth:/etc/nats/auth:ro',
      ]),
    );
    // The config's include is relative to its own directory: /etc/nats/auth/nats-auth.conf.
    expect(read('deploy/nats.conf')).toMatch(/^include\s+"?(\.\/)?auth\/nats-auth\.conf"?;?$/m);
    expect(nats.depends_on?.['nats-auth']?.condition).toBe('service_completed_successfully');
    expect(nats.healthcheck?.test.join(' ')).toMatch(/:8222\/healthz/);
    // The image runs the server version the local stack and the tests build and check.
    expect(nats.image).toMatch(new RegExp(`^nats:${NATS_SERVER_VERSION.slice(1)}(-alpine)?$`));
  });

  it('compose - each role and the CLI use their own creds from the read-only auth volume', () => {
    const creds = { ingest: 'ingest', projector: 'projector', gateway: 'gateway', cli: 'admin' };
    for (const [name, role] of Object.entries(creds)) {
      const s = svc(name);
      expect(s.environment?.NATS_CREDS, name).toBe(`/auth/${role}.creds`);
      expect(s.volumes, name).toContain('nats-auth:/auth:ro');
      // The single `nats` unless deploy/cluster.env points them at the cluster profile's nodes.
      expect(s.environment?.NATS_URL, name).toBe('${COMPOSE_NATS_URL:-nats://nats:4222}');
      expect(s.environment?.STREAM_REPLICAS, name).toBe('${COMPOSE_STREAM_REPLICAS:-1}');
      expect(s.depends_on?.['nats-auth']?.condition, name).toBe('service_completed_successfully');
      for (const dep of ['nats', 'mongo', 'redis'])
        expect(s.depends_on?.[dep]?.condition, `${name} → ${dep}`).toBe('service_healthy');
      for (const dep of ['nats-1', 'nats-2', 'nats-3'])
        expect(s.depends_on?.[dep], `${name} → ${dep}`).toEqual({
          condition: 'service_healthy',
          required: false,
        });
    }
    // Ingest's spool outlives the container: a volume the node user can write (see Dockerfile).
    expect(svc('ingest').environment?.INGEST_SPOOL_DIR).toBe('/spool/ingest');
    expect(svc('ingest').volumes).toContain('ingest-spool:/spool');
    expect(compose.volumes).toHaveProperty('ingest-spool');
    expect(svc('cli').profiles).toEqual(['cli']); // `run` only, never started by `up`
    expect(svc('cli').entrypoint).toEqual(['node_modules/.bin/tsx', 'bin/teampulse.js']);
  });

  it('compose - every role runs from the one image and listens on all interfaces', () => {
    for (const [role, prefix] of Object.entries(ROLES)) {
      const s = svc(role);
      expect(s.build).toBe('.');
      expect(s.command?.[0]).toBe(`${role}/main.ts`);
      // Loopback inside a container is unreachable from anything else (e.g. a scraper).
      expect(s.environment?.[`${prefix}_HOST`], role).toBe('0.0.0.0');
      const port = s.environment?.[`${prefix}_PORT`];
      const reachable = [
        ...(s.expose ?? []),
        ...(s.ports ?? []).map((p) => splitPort(p).container),
      ];
      expect(reachable, role).toContain(port);
    }
  });

  it('compose - no scaled service has a fixed single host port, and no two ranges overlap', () => {
    const scaled = new Set(
      [...`${composeText}\n${read('README.md')}`.matchAll(/--scale ([\w-]+)=/g)].map((m) => m[1]!),
    );
    expect([...scaled]).toEqual(expect.arrayContaining(['projector', 'gateway']));
    const taken: { service: string; from: number; to: number }[] = [];
    for (const [name, s] of Object.entries(compose.services))
      for (const spec of s.ports ?? []) {
        const { host } = splitPort(spec);
        if (host === '') continue; // Docker picks: never collides
        const [from, to] = range(host);
        if (scaled.has(name)) expect(to, `${name}: ${spec}`).toBeGreaterThan(from);
        for (const t of taken)
          expect(from > t.to || to < t.from, `${name} ${spec} overlaps ${t.service}`).toBe(true);
        taken.push({ service: name, from, to });
      }
    expect(taken.length).toBeGreaterThan(3);
  });

  it('compose - every ${VAR} compose reads is in .env.example, with a placeholder value', () => {
    const used = new Set([...composeText.matchAll(/\$\{(\w+)/g)].map((m) => m[1]!));
    const example = new Map(
      read('.env.example')
        .split('\n')
        .filter((l) => /^\w+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const),
    );
    expect(used.size).toBeGreaterThan(1);
    expect([...used].filter((v) => !example.has(v))).toEqual([]);
    expect([...example.keys()].filter((v) => !used.has(v))).toEqual([]);
    for (const secret of ['GITHUB_WEBHOOK_SECRET', 'GATEWAY_JWT_SECRETS'])
      expect(example.get(secret)).toMatch(/^replace-with-/);
    expect(read('.gitignore')).toMatch(/^\.env$/m);
    expect(dockerignored(new URL('.dockerignore', root).pathname)('.env')).toBe(true);
  });
});

describe('compose healthchecks', () => {
  let server: Server;
  let port = 0;
  let status = 200;
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.statusCode = req.url === '/readyz' ? status : 404;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Runs a role's healthcheck command with its port swapped for the stand-in server's. */
  async function probe(role: string, rolePort: string): Promise<number> {
    const [kind, ...argv] = svc(role).healthcheck!.test;
    expect(kind).toBe('CMD');
    const swapped = argv.map((a) => a.replace(`127.0.0.1:${rolePort}/`, `127.0.0.1:${port}/`));
    return promisify(execFile)(swapped[0]!, swapped.slice(1), { timeout: 10_000 }).then(
      () => 0,
      (err: { code?: number }) => err.code ?? -1,
    );
  }

  it('compose healthchecks - each role probes its own /readyz: 200 is healthy, 503 is not', async () => {
    for (const [role, prefix] of Object.entries(ROLES)) {
      const rolePort = svc(role).environment![`${prefix}_PORT`]!;
      expect(svc(role).healthcheck?.test.join(' ')).toContain(`127.0.0.1:${rolePort}/readyz`);
      status = 200;
      expect(await probe(role, rolePort), `${role} ready`).toBe(0);
      status = 503;
      expect(await probe(role, rolePort), `${role} not ready`).toBe(1);
    }
  });

  it('compose healthchecks - a role that does not answer is unhealthy', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const [, ...argv] = svc('gateway').healthcheck!.test;
    const swapped = argv.map((a) => a.replace('127.0.0.1:3001/', `127.0.0.1:${deadPort}/`));
    const code = await promisify(execFile)(swapped[0]!, swapped.slice(1)).then(
      () => 0,
      (err: { code?: number }) => err.code ?? -1,
    );
    expect(code).toBe(1);
  });
});

describe('compose cluster profile', () => {
  it('compose cluster - three nodes only under the `cluster` profile, one routed config, the auth fragment, a store each', () => {
    const nodes = ['nats-1', 'nats-2', 'nats-3'];
    const hostPorts = new Set<string>();
    for (const name of nodes) {
      const node = svc(name);
      expect(node.profiles, name).toEqual(['cluster']); // the default profile is unchanged
      expect(node.image).toBe(svc('nats').image);
      expect(node.command).toEqual(['-c', '/etc/nats/nats.conf', '--name', name]);
      expect(node.volumes).toEqual([
        './deploy/nats-cluster.conf:/etc/nats/nats.conf:ro',
        'nats-auth:/etc/nats/auth:ro',
        `${name}-data:/data/jetstream`,
      ]);
      expect(compose.volumes).toHaveProperty(`${name}-data`);
      expect(node.depends_on?.['nats-auth']?.condition).toBe('service_completed_successfully');
      expect(node.healthcheck?.test.join(' ')).toMatch(/:8222\/healthz/);
      for (const p of node.ports ?? []) hostPorts.add(splitPort(p).host);
    }
    expect(hostPorts.size).toBe(3);
    const conf = read('deploy/nats-cluster.conf');
    for (const name of nodes) expect(conf).toContain(`nats-route://${name}:6222`);
    expect(conf).toMatch(/^include "auth\/nats-auth.conf"$/m);
    expect(conf).toMatch(/sync_interval: always/);
    // Profile and role settings in one env file, after .env.
    const env = read('deploy/cluster.env');
    expect(env).toMatch(/^COMPOSE_PROFILES=cluster$/m);
    expect(env).toMatch(
      /^COMPOSE_NATS_URL=nats:\/\/nats-1:4222,nats:\/\/nats-2:4222,nats:\/\/nats-3:4222$/m,
    );
    expect(env).toMatch(/^COMPOSE_STREAM_REPLICAS=3$/m);
  });
});
