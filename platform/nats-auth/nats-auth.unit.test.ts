import { describe, expect, it } from 'vitest';
import { parseExpiry } from './expiry.ts';
import { NatsAuthError } from './errors.ts';
import { inboxPrefixOf, NatsRoles, ROLE_PERMISSIONS, type NatsRole } from './roles.ts';

/** NATS subject matching: `*` is one token, `>` the rest (one or more tokens). */
function matches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

/** Whether `role` may publish (or subscribe) to `subject`: an allow and no deny. */
function may(role: NatsRole, dir: 'pub' | 'sub', subject: string): boolean {
  const rules = ROLE_PERMISSIONS[role][dir];
  return (
    rules.allow.some((p) => matches(p, subject)) && !rules.deny.some((p) => matches(p, subject))
  );
}

describe('nats auth permissions', () => {
  it('nats auth permissions - the analyst reads the log and cannot write it or touch its durables', () => {
    for (const subject of [
      'github.push.acme.api',
      'teampulse.updates.acme.1',
      'teampulse.alerts.dlq',
      '_INBOX.abc.1',
    ])
      expect(may('analyst', 'sub', subject), subject).toBe(true);
    for (const subject of [
      '$JS.API.CONSUMER.CREATE.GITHUB.eph1.github.push.>',
      '$JS.API.CONSUMER.MSG.NEXT.GITHUB.eph1',
      '$JS.API.DIRECT.GET.GITHUB',
      '$JS.API.CONSUMER.CREATE.UPDATES',
      '$JS.API.STREAM.MSG.GET.UPDATES',
      '$JS.API.STREAM.INFO.OBJ_github-bodies',
      '$JS.ACK.GITHUB.eph1.1.2.3.4.5',
    ])
      expect(may('analyst', 'pub', subject), subject).toBe(true);
    for (const subject of [
      'github.push.evil.repo',
      'teampulse.updates.acme.1',
      'teampulse.control.readmodel',
      'dlq.github.push.a.b',
      '$O.github-bodies.C.x',
      '$JS.API.STREAM.DELETE.GITHUB',
      '$JS.API.STREAM.PURGE.GITHUB',
      '$JS.API.STREAM.UPDATE.GITHUB',
      '$JS.API.STREAM.CREATE.MINE',
      '$JS.API.CONSUMER.DELETE.GITHUB.eph1',
      '$JS.API.CONSUMER.NAMES.UPDATES',
      '$JS.API.CONSUMER.LIST.GITHUB',
      '$JS.API.CONSUMER.CREATE.GITHUB.projector',
      '$JS.API.CONSUMER.CREATE.GITHUB',
      '$JS.API.CONSUMER.CREATE.GITHUB.projector.github.push.>',
      '$JS.API.CONSUMER.DURABLE.CREATE.GITHUB.projector',
      '$JS.API.CONSUMER.MSG.NEXT.GITHUB.projector',
      '$JS.ACK.GITHUB.projector.1.2.3.4.5',
      '$JS.API.CONSUMER.MSG.NEXT.ADVISORIES.projector-advisories',
      '_TP_INBOX.projector.abc',
      '_INBOX.someone-else',
    ])
      expect(may('analyst', 'pub', subject), subject).toBe(false);
    expect(may('analyst', 'sub', '_TP_INBOX.gateway.x')).toBe(false);
    expect(may('analyst', 'sub', 'dlq.github.push.a.b')).toBe(false);
  });

  it('nats auth permissions - each internal role listens on its own inbox only; none may publish into another role', () => {
    for (const role of NatsRoles) {
      expect(may(role, 'sub', `${inboxPrefixOf(role)}.x.1`), role).toBe(true);
      for (const other of NatsRoles.filter((r) => r !== role && r !== 'analyst')) {
        expect(may(role, 'sub', `${inboxPrefixOf(other)}.x.1`), `${role} → ${other}`).toBe(false);
        expect(may(role, 'pub', `${inboxPrefixOf(other)}.x.1`), `${role} → ${other}`).toBe(false);
      }
    }
    expect(inboxPrefixOf('analyst')).toBe('_INBOX');
  });

  it('nats auth permissions - only ingest and admin append to the log; only the projector and admin publish UPDATES', () => {
    const appenders = NatsRoles.filter((r) => may(r, 'pub', 'github.push.acme.api'));
    expect(appenders).toEqual(['ingest', 'admin']);
    const updaters = NatsRoles.filter((r) => may(r, 'pub', 'teampulse.updates.acme.1'));
    expect(updaters).toEqual(['projector', 'admin']);
    const deleters = NatsRoles.filter((r) => may(r, 'pub', '$JS.API.STREAM.DELETE.GITHUB'));
    expect(deleters).toEqual(['admin']);
    expect(may('gateway', 'pub', '$JS.API.CONSUMER.CREATE.UPDATES.o1.teampulse.updates.>')).toBe(
      true,
    );
    expect(may('gateway', 'pub', '$JS.API.CONSUMER.CREATE.GITHUB.o1.github.>')).toBe(false);
    expect(may('projector', 'pub', '$JS.ACK.GITHUB.projector.1.2.3.4.5')).toBe(true);
  });
});

describe('nats auth expiry', () => {
  it('nats auth expiry - units s m h d w y; anything else names the input', () => {
    expect(parseExpiry('30d')).toBe(30 * 86_400);
    expect(parseExpiry('12h')).toBe(12 * 3600);
    expect(parseExpiry('90m')).toBe(5400);
    expect(parseExpiry('1y')).toBe(31_536_000);
    for (const bad of ['', '30', 'd', '0d', '-1d', '3x', '1.5h']) {
      expect(() => parseExpiry(bad), bad).toThrow(NatsAuthError);
      expect(() => parseExpiry(bad), bad).toThrow(`--expires ${JSON.stringify(bad)}`);
    }
  });
});
