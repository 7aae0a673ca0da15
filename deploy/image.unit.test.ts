import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  baseImage,
  copiedSources,
  dockerignored,
  imageContains,
  parseDockerfile,
} from './testing/dockerfile.ts';
import { walkImports } from './testing/import-graph.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (p: string) => readFileSync(`${root}${p}`, 'utf8');
const pkg = JSON.parse(read('package.json')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const dockerfile = parseDockerfile(read('Dockerfile'));
const inImage = imageContains(`${root}Dockerfile`, `${root}.dockerignore`);

/** Script files compose runs with the image (tsx is the entrypoint, the file its first arg). */
function composeEntries(): string[] {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as {
    services: Record<string, { build?: string; command?: string[]; entrypoint?: string[] }>;
  };
  const cmd = dockerfile.find((i) => i.keyword === 'CMD')?.args ?? '[]';
  const files = (JSON.parse(cmd) as string[]).filter((w) => /\.[jt]s$/.test(w));
  for (const svc of Object.values(compose.services)) {
    if (svc.build === undefined) continue;
    const words = [...(svc.entrypoint ?? []), ...(svc.command ?? [])];
    files.push(...words.filter((w) => /^[\w./-]+\.[jt]s$/.test(w)));
  }
  return files;
}

const ENTRIES = [
  'ingest/main.ts',
  'projector/main.ts',
  'gateway/main.ts',
  'bin/teampulse.js',
  ...composeEntries(),
];

describe('image', () => {
  it('image - compose runs the roles and the CLI from files the walk starts at', () => {
    const fromCompose = composeEntries();
    expect(fromCompose).toEqual(
      expect.arrayContaining(['ingest/main.ts', 'projector/main.ts', 'gateway/main.ts']),
    );
    expect(fromCompose).toContain('bin/teampulse.js'); // the nats-auth one-shot and `cli`
  });

  it('image - every file reachable from an entry point is copied into the image', () => {
    const graph = walkImports(root, ENTRIES);
    expect(graph.missing).toEqual([]);
    // The walk really crosses role boundaries: the CLI reaches replay and backfill.
    expect(graph.files).toEqual(
      expect.arrayContaining(['cli/main.ts', 'replay/mod.ts', 'backfill/mod.ts']),
    );
    expect(graph.files).toContain('gateway/page/dashboard.html'); // read via import.meta.url
    expect(graph.files).toContain('client/connect.ts'); // bundled into the page at start
    expect(graph.files.filter((f) => !inImage(f))).toEqual([]);
  });

  it('image - every package an entry point imports is a runtime dependency', () => {
    const graph = walkImports(root, ENTRIES);
    const notRuntime = [...graph.packages.keys()].filter((name) => !(name in pkg.dependencies));
    expect(
      notRuntime.map((name) => `${name} (from ${graph.packages.get(name)!.join(', ')})`),
    ).toEqual([]);
    // The entrypoint itself: tsx must survive `npm ci --omit=dev`.
    expect(pkg.dependencies).toHaveProperty('tsx');
    expect(graph.packages.size).toBeGreaterThan(5);
  });

  it('image - the check itself sees a missing COPY and a .dockerignore exclusion', () => {
    const sources = copiedSources(parseDockerfile('FROM x\nCOPY a ./a\nCOPY --from=b c /c\n'));
    expect(sources).toEqual(['a']);
    expect(inImage('test/support/servers.ts')).toBe(false); // .dockerignore drops tests
    expect(inImage('replay/replay.int.test.ts')).toBe(false);
    expect(inImage('.git/HEAD')).toBe(false);
  });

  it('image - git is installed (backfill runs it), without recommends, lists cleaned', () => {
    const run = dockerfile
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args)
      .find((a) => /apt-get install/.test(a));
    expect(run).toBeDefined();
    expect(run).toMatch(/--no-install-recommends/);
    expect(run).toMatch(/\bgit\b/);
    expect(run).toMatch(/rm -rf \/var\/lib\/apt\/lists/);
  });

  it('image - runs as node, telemetry off, production, with a native uWS binary for its Node', () => {
    const user = dockerfile.filter((i) => i.keyword === 'USER').at(-1);
    expect(user?.args).toBe('node');
    // A new named volume takes the owner of the image's directory: nats-auth (as node) writes it.
    const runs = dockerfile.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(runs).toContain('mkdir /auth && chown node:node /auth');
    expect(runs).toContain('mkdir /spool && chown node:node /spool');
    const env = dockerfile
      .filter((i) => i.keyword === 'ENV')
      .map((i) => i.args)
      .join(' ');
    expect(env).toMatch(/DO_NOT_TRACK=true/);
    expect(env).toMatch(/NODE_ENV=production/);
    // uWS ships one binary per Node ABI; without it the package falls back to a slow
    // `ws` shim. Node's ABI numbers: https://github.com/nodejs/node/blob/main/doc/abi_version_registry.json
    const ABI: Record<string, number> = { '20': 115, '22': 127, '24': 137 };
    const major = /^node:(\d+)/.exec(baseImage(dockerfile))?.[1] ?? '';
    expect(baseImage(dockerfile)).toMatch(/^node:\d+[\w.-]*-bookworm-slim$/);
    expect(ABI, `Node ${major}`).toHaveProperty(major);
    const binaries = `${root}node_modules/uWebSockets.js/binaries/`;
    for (const arch of ['x64', 'arm64'])
      expect(() => readFileSync(`${binaries}uws_linux_${arch}_${ABI[major]}.node`)).not.toThrow();
  });

  it('image - .dockerignore keeps local state, dependencies and test output out', () => {
    const ignored = dockerignored(`${root}.dockerignore`);
    for (const path of [
      'node_modules/zod/package.json',
      '.data/nats/x',
      '.git/config',
      'coverage/index.html',
      'test-results.json',
      '.env',
      'cli/token.unit.test.ts',
      'replay/testing/replay-harness.ts',
    ])
      expect(ignored(path), path).toBe(true);
    for (const path of ['cli/main.ts', 'package.json', 'package-lock.json', 'tsconfig.json'])
      expect(ignored(path), path).toBe(false);
  });
});
