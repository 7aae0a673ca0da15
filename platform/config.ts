import { EnvSchema, type Env } from '../schemas/config.ts';
import { ConfigError } from './errors.ts';

export type Config = Env;

/**
 * Parses the environment once. Throws a {@link ConfigError} whose single-line message names
 * every wrong variable, e.g. `INGEST_PORT: Too big: expected number to be <=65535`.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<Record<keyof Env, string>> = {},
): Config {
  const source: Record<string, string | undefined> = {};
  for (const key of Object.keys(EnvSchema.shape)) {
    const value = overrides[key as keyof Env] ?? env[key];
    if (value !== undefined && value !== '') source[key] = value;
  }
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const parts = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${parts.join('; ')}`);
  }
  return parsed.data;
}

/** Throws a {@link ConfigError} naming `name` when a role needs a variable that has no default. */
export function required<T>(value: T | undefined, name: keyof Env, why: string): T {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) {
    throw new ConfigError(`invalid configuration: ${name}: required (${why})`);
  }
  return value;
}
