import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSecretResolver, readRepoSecretsFile } from './secrets.ts';

describe('secrets', () => {
  it('secrets - per-repository secrets are found case-insensitively; others fall back to global', () => {
    const r = createSecretResolver(['g1', 'g2'], { 'Octo/Hello': 'r1,r0' });
    expect(r.hasRepoSecrets).toBe(true);
    expect(r.forRepo('octo/hello')).toEqual(['r1', 'r0']);
    expect(r.forRepo('octo/other')).toBeUndefined();
    expect(r.global).toEqual(['g1', 'g2']);
  });

  it('secrets - a secrets file is read, and a broken one is named in the error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tp-secrets-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ 'a/b': ['new', 'old'], 'c/d': 's' }));
    expect(readRepoSecretsFile(good)).toEqual({ 'a/b': ['new', 'old'], 'c/d': ['s'] });
    expect(readRepoSecretsFile(join(dir, 'missing.json'))).toEqual({});
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '[1,2]');
    expect(() => readRepoSecretsFile(bad)).toThrow(/GITHUB_REPO_SECRETS_FILE/);
  });
});
