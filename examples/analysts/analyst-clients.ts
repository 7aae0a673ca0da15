import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { binDir, cacheDir } from '../../platform/local-stack/cache-dir.ts';
import { goBinary } from '../../platform/local-stack/go-build.ts';
import { withDirLock } from '../../platform/local-stack/lock.ts';
import { runLogged } from '../../platform/local-stack/run-logged.ts';
import { isExecutable, which } from '../../platform/local-stack/which.ts';

const execFileAsync = promisify(execFile);

/** The analysts' example clients (examples/analysts/), which the tests run for real. */
export type AnalystClient = 'python' | 'go';

/** Where the examples' sources are: beside this file (it is test and set-up tooling, not shipped). */
export const ANALYST_EXAMPLES_DIR = fileURLToPath(new URL('./', import.meta.url));

// Inputs of each client's build: a change to any of them means a new cached build.
const INPUTS = {
  python: ['python/requirements.txt'],
  go: ['go/main.go', 'go/go.mod', 'go/go.sum'],
} as const;

const found = new Map<AnalystClient, Promise<string[] | undefined>>();

/**
 * The command that runs an analyst example (argv prefix), building it once into the cache:
 * - `python`: a venv `venv-analysts-<hash>` in the cache dir with the pinned nats-py
 *   (examples/analysts/python/requirements.txt, from PyPI), then `python analyst_commits.py`;
 * - `go`: `go build` of examples/analysts/go (modules from the Go module proxy, pinned by
 *   its go.sum) into the bin dir as `analyst-commits-go-<hash>`.
 * Resolves undefined when the toolchain (python3, go) is missing or the build failed; the
 * log is `<cache>/build-analyst-<client>.log`.
 */
export function ensureAnalystClient(client: AnalystClient): Promise<string[] | undefined> {
  let pending = found.get(client);
  if (pending === undefined) {
    pending = client === 'python' ? pythonClient() : goClient();
    found.set(client, pending);
    pending.catch(() => found.delete(client));
  }
  return pending;
}

async function inputsHash(client: AnalystClient): Promise<string> {
  const hash = createHash('sha256');
  for (const file of INPUTS[client]) hash.update(await readFile(join(ANALYST_EXAMPLES_DIR, file)));
  return hash.digest('hex').slice(0, 12);
}

async function pythonClient(): Promise<string[] | undefined> {
  const script = join(ANALYST_EXAMPLES_DIR, 'python', 'analyst_commits.py');
  const venv = join(cacheDir(), `venv-analysts-${await inputsHash('python')}`);
  const python = join(venv, 'bin', 'python');
  if (await imports(python)) return [python, script];
  const system = which('python3');
  if (system === undefined) return undefined;
  await mkdir(cacheDir(), { recursive: true });
  const logFile = join(cacheDir(), 'build-analyst-python.log');
  const built = await withDirLock(join(cacheDir(), '.lock-analyst-python'), async () => {
    if (await imports(python)) return true;
    process.stderr.write(`creating the analysts' Python venv (first run only)… log: ${logFile}\n`);
    // Built beside and renamed, so a parallel reader never sees a half-installed venv.
    // A venv hard-codes its path in its scripts, but `bin/python` itself moves fine.
    const partial = await mkdtemp(`${venv}.partial-`);
    try {
      if ((await runLogged(system, ['-m', 'venv', partial], logFile)) !== 0) return false;
      const pip = [
        join(partial, 'bin', 'python'),
        '-m',
        'pip',
        'install',
        '--disable-pip-version-check',
        '-q',
      ];
      const requirements = join(ANALYST_EXAMPLES_DIR, 'python', 'requirements.txt');
      if ((await runLogged(pip[0]!, [...pip.slice(1), '-r', requirements], logFile)) !== 0)
        return false;
      await rm(venv, { recursive: true, force: true });
      await rename(partial, venv);
      return imports(python);
    } finally {
      await rm(partial, { recursive: true, force: true });
    }
  });
  return built ? [python, script] : undefined;
}

async function imports(python: string): Promise<boolean> {
  if (!isExecutable(python)) return false;
  try {
    await execFileAsync(python, ['-c', 'import nats, nkeys'], { timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

async function goClient(): Promise<string[] | undefined> {
  const target = join(binDir(), `analyst-commits-go-${await inputsHash('go')}`);
  if (isExecutable(target)) return [target];
  const go = goBinary();
  if (go === undefined) return undefined;
  await mkdir(binDir(), { recursive: true });
  const logFile = join(cacheDir(), 'build-analyst-go.log');
  const built = await withDirLock(join(cacheDir(), '.lock-analyst-go'), async () => {
    if (isExecutable(target)) return true;
    process.stderr.write(`building the analysts' Go example (first run only)… log: ${logFile}\n`);
    const partial = `${target}.${process.pid}`;
    const code = await runLogged(go, ['build', '-buildvcs=false', '-o', partial, '.'], logFile, {
      cwd: join(ANALYST_EXAMPLES_DIR, 'go'),
      env: { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' },
    });
    if (code !== 0) return false;
    await rename(partial, target);
    return true;
  });
  return built ? [target] : undefined;
}
