import { describe, expect, it } from 'vitest';
import { devIdOf, normalizeOrgMappings, orgIdOf, repoIdOf } from './identity.ts';
import { ProjectorError } from '../errors.ts';

const repo = (login: string | undefined, id = 7) => ({
  id,
  name: 'web',
  owner: login === undefined ? { name: 'Fallback' } : { login },
});

describe('identity', () => {
  it('identity - orgId is the owner login lower-cased', () => {
    expect(orgIdOf(repo('AcMe'))).toBe('acme');
  });
  it('identity - a registered mapping overrides the owner, matched case-insensitively', () => {
    expect(orgIdOf(repo('OctoCat'), normalizeOrgMappings({ octocat: 'acme' }))).toBe('acme');
    expect(orgIdOf(repo('other'), normalizeOrgMappings({ octocat: 'acme' }))).toBe('other');
  });
  it('identity - an owner with only a name falls back to it', () => {
    expect(orgIdOf(repo(undefined))).toBe('fallback');
  });
  it('identity - an owner with neither login nor name is an identity error', () => {
    expect(() => orgIdOf({ id: 1, name: 'x', owner: {} })).toThrow(ProjectorError);
    // GitHub's types allow a null owner.
    expect(() => orgIdOf({ id: 1, name: 'x', owner: null })).toThrow(/owner is null/);
  });
  it('identity - repoId is the numeric id as a string', () => {
    expect(repoIdOf(repo('a', 123456))).toBe('123456');
  });
  it('identity - devId is the username, else email: plus the lower-cased email', () => {
    expect(devIdOf({ username: 'Alice', email: 'a@x.io' })).toBe('Alice');
    expect(devIdOf({ email: 'Bob.Smith@Example.COM' })).toBe('email:bob.smith@example.com');
    expect(() => devIdOf({ name: 'nobody' })).toThrow(/neither username nor email/);
    expect(() => devIdOf({ name: 'nobody', email: null })).toThrow(/neither username nor email/);
  });
});
