import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { cliConfig, variableFlag } from './cli-config.ts';

function readFile(path: string): Record<string, string[]> {
  if (!existsSync(path)) return {};
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, string | string[]>;
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));
}

/** Written whole to a temp file then renamed, so ingest never reads half a file; mode 600. */
function writeFile(path: string, data: Record<string, string[]>): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(data, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, path);
}

function repoName(value: string): string {
  if (!/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(value)) {
    throw new InvalidArgumentError(`expected owner/repo, got "${value}"`);
  }
  return value.toLowerCase();
}

/** `teampulse secrets`: per-repository webhook secrets (they replace the global ones for that repo). */
export function registerSecretsCommands(program: Command): void {
  const secrets = program
    .command('secrets')
    .description(
      'per-repository webhook secrets, read by ingest at start (GITHUB_REPO_SECRETS_FILE)',
    )
    .option(
      '--file <path>',
      'secrets file (overrides GITHUB_REPO_SECRETS_FILE; default: .data/repo-secrets.json)',
      variableFlag('GITHUB_REPO_SECRETS_FILE'),
    );
  const secretsFile = (): string => {
    const { file } = secrets.opts<{ file?: string }>();
    return cliConfig(file ? { GITHUB_REPO_SECRETS_FILE: file } : {}).config
      .GITHUB_REPO_SECRETS_FILE!;
  };

  secrets
    .command('set')
    .description(
      'register a secret for owner/repo; --keep-old keeps the previous one valid (rotation)',
    )
    .argument('<repo>', 'owner/repo', repoName)
    .argument('[secret]', 'the secret (default: a new random one, printed once)')
    .option('--keep-old', 'keep accepting the previous secret too')
    .action((repo: string, secret: string | undefined, opts: { keepOld?: boolean }) => {
      const file = secretsFile();
      const data = readFile(file);
      const value = secret ?? randomBytes(24).toString('base64url');
      data[repo] = opts.keepOld ? [value, ...(data[repo] ?? [])].slice(0, 3) : [value];
      writeFile(file, data);
      process.stdout.write(secret ? `secret set for ${repo} in ${file}\n` : `${value}\n`);
    });

  secrets
    .command('list')
    .description('list repositories that have their own secret (never the secrets)')
    .action(() => {
      const data = readFile(secretsFile());
      for (const [repo, list] of Object.entries(data))
        process.stdout.write(`${repo}\t${list.length} secret(s)\n`);
    });

  secrets
    .command('remove')
    .argument('<repo>', 'owner/repo', repoName)
    .description('remove a repository secret (the global secrets apply again)')
    .action((repo: string) => {
      const file = secretsFile();
      const data = readFile(file);
      if (!(repo in data)) {
        process.stderr.write(`no secret registered for ${repo}\n`);
        process.exitCode = 1;
        return;
      }
      delete data[repo];
      writeFile(file, data);
      process.stdout.write(`secret removed for ${repo}\n`);
    });
}
