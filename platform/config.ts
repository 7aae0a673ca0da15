import { EnvSchema, type Env } from '../schemas/config.ts';
import { ConfigError } from './errors.ts';

export type Config = Env;

/** Raw (string) values of configuration variables, as in the environment. */
export type ConfigValues = Partial<Record<keyof Env, string>>;

/** Where a variable's value came from, highest precedence first. */
export const ConfigSources = {
  /** A command-line flag (or a caller's explicit override). */
  override: 'override',
  /** The environment. */
  env: 'env',
  /** A fallback the caller supplies, e.g. the CLI's dev secrets; below the environment. */
  fallback: 'fallback',
  /** The schema's own default, or unset. */
  schema: 'schema',
} as const;
export type ConfigSource = (typeof ConfigSources)[keyof typeof ConfigSources];

/** Layers of {@link loadConfigLayers}; each later one only fills what earlier ones left unset. */
export interface ConfigLayers {
  readonly overrides?: ConfigValues;
  readonly env?: NodeJS.ProcessEnv;
  readonly fallbacks?: ConfigValues;
}

/** A parsed configuration and where each variable's value came from. */
export interface LayeredConfig {
  readonly config: Config;
  readonly sources: Readonly<Record<keyof Env, ConfigSource>>;
}

/**
 * The one parse of the configuration: overrides, then the environment (`process.env`
 * unless given), then fallbacks, then the schema's defaults; an empty string counts as
 * unset. Throws a {@link ConfigError} whose single-line message names every wrong
 * variable, e.g. `INGEST_PORT: Too big: expected number to be <=65535`.
 */
export function loadConfigLayers(layers: ConfigLayers = {}): LayeredConfig {
  const env = layers.env ?? process.env;
  const source: Record<string, string> = {};
  const sources = {} as Record<keyof Env, ConfigSource>;
  for (const key of Object.keys(EnvSchema.shape) as (keyof Env)[]) {
    const candidates: [string | undefined, ConfigSource][] = [
      [layers.overrides?.[key], ConfigSources.override],
      [env[key], ConfigSources.env],
      [layers.fallbacks?.[key], ConfigSources.fallback],
    ];
    const found = candidates.find(([value]) => value !== undefined && value !== '');
    sources[key] = found?.[1] ?? ConfigSources.schema;
    if (found) source[key] = found[0]!;
  }
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const parts = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${parts.join('; ')}`);
  }
  return { config: parsed.data, sources };
}

/** {@link loadConfigLayers} for callers that only need the values. */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: ConfigValues = {},
): Config {
  return loadConfigLayers({ env, overrides }).config;
}

/** Throws a {@link ConfigError} naming `name` when a role needs a variable that has no default. */
export function required<T>(value: T | undefined, name: keyof Env, why: string): T {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) {
    throw new ConfigError(`invalid configuration: ${name}: required (${why})`);
  }
  return value;
}
