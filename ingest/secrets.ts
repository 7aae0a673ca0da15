import { readFileSync, existsSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../platform/errors.ts';

/** Secrets to try for a delivery: a repository's own, or else the global ones (rotation: several). */
export interface SecretResolver {
  /** True when at least one repository has its own secret (then the body must be parsed to pick). */
  readonly hasRepoSecrets: boolean;
  readonly global: readonly string[];
  /** The repository's own secrets, when registered (`owner/repo`, case-insensitive). */
  forRepo(fullName: string): readonly string[] | undefined;
}

const RepoSecretsFile = z.record(z.string(), z.union([z.string(), z.array(z.string())]));

/** Reads a per-repository secrets file (`{"owner/repo": "secret" | ["new", "old"]}`). */
export function readRepoSecretsFile(path: string): Record<string, string[]> {
  if (!existsSync(path)) return {};
  try {
    const parsed = RepoSecretsFile.parse(JSON.parse(readFileSync(path, 'utf8')));
    return Object.fromEntries(
      Object.entries(parsed).map(([k, v]) => [k, Array.isArray(v) ? v : v.split(',')]),
    );
  } catch (err) {
    throw new ConfigError(
      `invalid configuration: GITHUB_REPO_SECRETS_FILE: ${path} is not a JSON object of secrets (${String(err)})`,
    );
  }
}

/** Builds the resolver from the global list and per-repository maps (later maps win). */
export function createSecretResolver(
  global: readonly string[],
  ...repoMaps: Record<string, string | string[]>[]
): SecretResolver {
  const repo = new Map<string, string[]>();
  for (const map of repoMaps) {
    for (const [name, value] of Object.entries(map)) {
      const list = (Array.isArray(value) ? value : value.split(','))
        .map((s) => s.trim())
        .filter(Boolean);
      if (list.length > 0) repo.set(name.toLowerCase(), list);
    }
  }
  return {
    hasRepoSecrets: repo.size > 0,
    global,
    forRepo: (fullName) => repo.get(fullName.toLowerCase()),
  };
}
