import { InvalidArgumentError } from 'commander';
import {
  ConfigSources,
  loadConfigLayers,
  type Config,
  type ConfigValues,
} from '../platform/config.ts';
import { EnvSchema, type Env } from '../schemas/config.ts';
import { DevDefaults } from './dev-defaults.ts';

/** A command's configuration and where its values came from. */
export interface CliConfig {
  readonly config: Config;
  /** The variable came from a flag or the environment (not a dev or schema default). */
  given(name: keyof Env): boolean;
  /** The variable holds the dev default of `teampulse up` (the environment left it unset). */
  devDefault(name: keyof Env): boolean;
}

/**
 * The one way every command builds its configuration: the flags that stand for variables
 * (`flags`, raw strings keyed by variable) override the environment, the environment
 * overrides the dev defaults ({@link DevDefaults}), and all of it goes through the one zod
 * parse of `platform/config.ts`. A bad variable throws a ConfigError naming it.
 */
export function cliConfig(flags: ConfigValues = {}): CliConfig {
  const { config, sources } = loadConfigLayers({ overrides: flags, fallbacks: DevDefaults });
  return {
    config,
    given: (name) =>
      sources[name] === ConfigSources.override || sources[name] === ConfigSources.env,
    devDefault: (name) => sources[name] === ConfigSources.fallback,
  };
}

/**
 * commander parser for a flag that stands for variable `name`: the value is checked by that
 * variable's schema while parsing the command line, so a bad one is named by its flag.
 */
export function variableFlag(name: keyof Env): (value: string) => string {
  return (value) => {
    const parsed = EnvSchema.shape[name].safeParse(value);
    if (!parsed.success) {
      throw new InvalidArgumentError(
        `${parsed.error.issues.map((i) => i.message).join('; ')} (it sets ${name})`,
      );
    }
    return value;
  };
}
