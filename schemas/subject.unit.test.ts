import { describe, expect, it } from 'vitest';
import { orgRoom, orgTokenOfRoom, roomOfOrgToken } from './rooms.ts';
import {
  decodeToken,
  dlqSubject,
  encodeToken,
  githubEventFilter,
  githubSubject,
  parseAlertsSubject,
  parseDlqSubject,
  parseGithubSubject,
  parseUpdatesSubject,
  SubjectRoots,
  updatesFilter,
  updatesOrgFilter,
  updatesSubject,
} from './subject.ts';
import { Streams, Subjects } from './streams.ts';

describe('subject', () => {
  it('subject - lower-cases owner and repo and keeps plain names as they are', () => {
    expect(githubSubject('push', 'Octo-Org', 'Hello_World')).toBe(
      'github.push.octo-org.hello_world',
    );
  });

  it('subject - percent-encodes dots so socket.io stays one token', () => {
    expect(githubSubject('push', 'socketio', 'socket.io')).toBe('github.push.socketio.socket%2Eio');
  });

  it('subject - encodes every character a NATS token cannot hold, and % itself', () => {
    expect(encodeToken('a.b*c>d e\tf%g')).toBe('a%2Eb%2Ac%3Ed%20e%09f%25g');
  });

  it('subject - round-trips odd names exactly', () => {
    const names = [
      'socket.io',
      '.github',
      'a..b',
      '%2E',
      '100%',
      'x y',
      'ünïcødé',
      '*',
      '>',
      'a.b.c.d',
    ];
    for (const name of names) {
      const subject = githubSubject('pull_request', 'owner.with.dots', name);
      expect(subject.split('.')).toHaveLength(4);
      const back = parseGithubSubject(subject);
      expect(back).toEqual({
        event: 'pull_request',
        owner: 'owner.with.dots',
        repo: name.toLowerCase(),
      });
    }
  });

  it('subject - different names never share a token (no collisions)', () => {
    const names = ['a.b', 'a%2Eb', 'a%2eb', 'a b', 'a%20b', 'a_b', 'a-b'];
    const tokens = new Set(names.map(encodeToken));
    expect(tokens.size).toBe(names.length);
    for (const n of names) expect(decodeToken(encodeToken(n))).toBe(n);
  });

  it('subject - events without a repository get the ~ token, and parse back without one', () => {
    const s = githubSubject('installation', undefined, undefined);
    expect(s).toBe('github.installation.~.~');
    expect(parseGithubSubject(s)).toEqual({ event: 'installation' });
  });

  it('subject - updates subjects encode org and repo ids', () => {
    expect(updatesSubject('acme.inc', '42')).toBe('teampulse.updates.acme%2Einc.42');
  });

  it('subject - updates subjects parse back to their tokens and ids', () => {
    expect(parseUpdatesSubject(updatesSubject('acme.inc', 'r 1'))).toEqual({
      orgToken: 'acme%2Einc',
      repoToken: 'r%201',
      orgId: 'acme.inc',
      repoId: 'r 1',
    });
    expect(updatesOrgFilter('acme%2Einc')).toBe('teampulse.updates.acme%2Einc.>');
  });

  it('subject - what is not an updates subject, or has a malformed token, is a RangeError', () => {
    for (const bad of [
      'github.push.acme.42',
      'teampulse.updates.acme',
      'teampulse.updates.acme.42.x',
      'teampulse.updates..42',
      'teampulse.updates.acme%ZZ.42',
    ]) {
      expect(() => parseUpdatesSubject(bad), bad).toThrow(RangeError);
    }
  });

  it('subject - dead-letter subjects wrap the log subject and parse back', () => {
    const log = githubSubject('push', 'acme', 'socket.io');
    expect(dlqSubject(log)).toBe('dlq.github.push.acme.socket%2Eio');
    expect(parseDlqSubject(dlqSubject(log))).toBe(log);
    expect(() => parseDlqSubject(log)).toThrow(/not a dead-letter subject/);
  });

  it('subject - the projector filter takes every owner and repo of one event', () => {
    expect(githubEventFilter('push')).toBe('github.push.>');
  });

  it('rooms - an org room carries the org subject token and parses back to it', () => {
    expect(orgRoom('acme')).toBe('org:acme');
    expect(orgRoom('socket.io')).toBe('org:socket%2Eio');
    const token = parseUpdatesSubject(updatesSubject('socket.io', '1')).orgToken;
    expect(roomOfOrgToken(token)).toBe(orgRoom('socket.io'));
    expect(orgTokenOfRoom(orgRoom('socket.io'))).toBe(token);
    expect(() => orgTokenOfRoom('repo:x')).toThrow(RangeError);
    expect(() => orgTokenOfRoom('org:')).toThrow(RangeError);
  });

  it('subject - updates filters take an org id, a repository id, both or neither', () => {
    expect(updatesFilter()).toBe('teampulse.updates.*.*');
    expect(updatesFilter({ orgId: 'socket.io' })).toBe('teampulse.updates.socket%2Eio.*');
    expect(updatesFilter({ repoId: '42' })).toBe('teampulse.updates.*.42');
    expect(updatesFilter({ orgId: 'acme', repoId: '42' })).toBe(updatesSubject('acme', '42'));
  });

  it('subject - an alert subject parses to its kind; anything else is a RangeError', () => {
    expect(parseAlertsSubject(Subjects.alertsDlq)).toBe('dlq');
    expect(() => parseAlertsSubject('teampulse.alerts.')).toThrow(RangeError);
    expect(() => parseAlertsSubject('teampulse.updates.a.b')).toThrow(RangeError);
  });

  it('subject - each family root is what its stream and filters begin with', () => {
    expect(Streams.github.subjects).toEqual([`${SubjectRoots.github}.>`]);
    expect(Streams.updates.subjects).toEqual([`${SubjectRoots.updates}.>`]);
    expect(Subjects.alertsAll).toBe(`${SubjectRoots.alerts}.>`);
  });

  it('subject - rejects what is not a log subject, and empty tokens', () => {
    expect(() => parseGithubSubject('updates.x.y.z')).toThrow(/not a log subject/);
    expect(() => encodeToken('')).toThrow(/empty/);
  });
});
