import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { loadConfigLayers } from '../platform/config.ts';
import { variableFlag } from './cli-config.ts';
import { DevDefaults } from './dev-defaults.ts';

describe('cli config', () => {
  it('cli config - a flag overrides the environment, which overrides the dev defaults', () => {
    const { config, sources } = loadConfigLayers({
      overrides: { MONGO_DB: 'from_flag' },
      env: { MONGO_DB: 'from_env', GATEWAY_JWT_SECRETS: 'env-secret', GITHUB_WEBHOOK_SECRET: '' },
      fallbacks: DevDefaults,
    });
    expect(config.MONGO_DB).toBe('from_flag');
    expect(config.GATEWAY_JWT_SECRETS).toEqual(['env-secret']);
    // An empty variable counts as unset: the dev default applies.
    expect(config.GITHUB_WEBHOOK_SECRET).toEqual([DevDefaults.GITHUB_WEBHOOK_SECRET]);
    expect(config.INGEST_PORT).toBe(3000);
    expect(sources).toMatchObject({
      MONGO_DB: 'override',
      GATEWAY_JWT_SECRETS: 'env',
      GITHUB_WEBHOOK_SECRET: 'fallback',
      INGEST_PORT: 'schema',
    });
  });

  it('cli config - a bad variable is named however it was given', () => {
    expect(() => loadConfigLayers({ env: {}, overrides: { INGEST_PORT: 'x' } })).toThrow(
      /^invalid configuration: INGEST_PORT: /,
    );
  });

  it('cli config - a flag standing for a variable is checked by its schema', () => {
    expect(variableFlag('MONGO_DB')('teampulse_2')).toBe('teampulse_2');
    expect(() => variableFlag('MONGO_DB')('a b')).toThrow(InvalidArgumentError);
    expect(() => variableFlag('MONGO_DB')('a b')).toThrow(/\(it sets MONGO_DB\)$/);
  });
});
