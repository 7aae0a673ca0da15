import { describe, expect, it } from 'vitest';
import { loadConfig, required } from './config.ts';

describe('config', () => {
  it('config - defaults need no environment at all', () => {
    const cfg = loadConfig({});
    expect(cfg.INGEST_PORT).toBe(3000);
    expect(cfg.STREAM_DUPLICATE_WINDOW_SECONDS).toBe(72 * 3600);
    expect(cfg.INGEST_MAX_BODY_BYTES).toBe(25 * 1024 * 1024);
    expect(cfg.PROJECTOR_BACKOFF_MS).toEqual([1000, 5000]);
  });

  it('config - lists are split on commas', () => {
    expect(loadConfig({ GITHUB_WEBHOOK_SECRET: 'new, old' }).GITHUB_WEBHOOK_SECRET).toEqual([
      'new',
      'old',
    ]);
  });

  it('config - every wrong variable is named in one line', () => {
    let message = '';
    try {
      loadConfig({ INGEST_PORT: '70000', LOG_LEVEL: 'loud', GITHUB_REPO_SECRETS: 'nope' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/INGEST_PORT/);
    expect(message).toMatch(/LOG_LEVEL/);
    expect(message).toMatch(/GITHUB_REPO_SECRETS/);
    expect(message.split('\n')).toHaveLength(1);
  });

  it('config - a required variable without a value is named with the reason', () => {
    expect(() =>
      required(undefined, 'GITHUB_WEBHOOK_SECRET', 'ingest verifies every delivery'),
    ).toThrow(/GITHUB_WEBHOOK_SECRET: required \(ingest verifies every delivery\)/);
  });

  it('config - NATS credentials: paths and pairs; a half pair is named', () => {
    const cfg = loadConfig({ NATS_CREDS: '/auth/ingest.creds', NATS_TLS_CA: '/tls/ca.pem' });
    expect(cfg.NATS_CREDS).toBe('/auth/ingest.creds');
    expect(cfg.NATS_TLS_CA).toBe('/tls/ca.pem');
    expect(cfg.NATS_AUTH_DIR).toBe('.data/stack/nats-auth');
    expect(() => loadConfig({ NATS_USER: 'ingest' })).toThrow(
      'invalid configuration: NATS_PASSWORD: required with NATS_USER',
    );
    expect(() => loadConfig({ NATS_TLS_CERT: '/tls/cert.pem' })).toThrow(
      'invalid configuration: NATS_TLS_KEY: required with NATS_TLS_CERT',
    );
  });
});
