import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../platform/errors.ts';
import { AuthError, AuthFailure } from '../errors.ts';
import { signToken } from './sign-token.ts';
import { tokenFromRequest } from './token-from-request.ts';
import { tokenKeys } from './token-keys.ts';
import { verifyToken } from './verify-token.ts';

const OLD = 'old-secret-old-secret-old-secret-0001';
const NEW = 'new-secret-new-secret-new-secret-0002';
const keys = tokenKeys([NEW, OLD], 'teampulse-dashboard', 'teampulse');

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).status).toBe(401);
    return (err as AuthError).reason;
  }
  throw new Error('expected the token to be refused');
}

describe('tokens', () => {
  it('tokens - a minted token verifies and names its orgs, subject and expiry', async () => {
    const now = Date.now();
    const token = await signToken(
      keys,
      { orgs: ['acme', 'globex'], ttlSeconds: 600, sub: 'dash-1' },
      now,
    );
    const p = await verifyToken(keys, token);
    expect([...p.orgs]).toEqual(['acme', 'globex']);
    expect(p.sub).toBe('dash-1');
    expect(p.expiresAt).toBe((Math.floor(now / 1000) + 600 + 2) * 1000); // exp plus the 2 s clock tolerance
  });

  it('tokens - rotation: a token signed with the previous secret still verifies; a retired one does not', async () => {
    const previous = tokenKeys([OLD], 'teampulse-dashboard', 'teampulse');
    const token = await signToken(previous, { orgs: ['acme'], ttlSeconds: 60 });
    expect([...(await verifyToken(keys, token)).orgs]).toEqual(['acme']);
    const retired = tokenKeys([NEW], 'teampulse-dashboard', 'teampulse');
    expect(await reason(verifyToken(retired, token))).toBe(AuthFailure.forged);
  });

  it('tokens - a token without kid is tried against every secret', async () => {
    const token = await new SignJWT({ orgs: ['acme'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience('teampulse-dashboard')
      .setIssuer('teampulse')
      .setExpirationTime('1m')
      .sign(new TextEncoder().encode(OLD));
    expect([...(await verifyToken(keys, token)).orgs]).toEqual(['acme']);
  });

  it('tokens - missing, forged, expired, wrong audience, wrong issuer and malformed tokens are refused with their reason', async () => {
    const forger = tokenKeys(
      ['forged-forged-forged-forged-forged-0003'],
      'teampulse-dashboard',
      'teampulse',
    );
    const otherAud = tokenKeys([NEW], 'someone-else', 'teampulse');
    const otherIss = tokenKeys([NEW], 'teampulse-dashboard', 'evil');
    expect(await reason(verifyToken(keys, undefined))).toBe(AuthFailure.missing);
    expect(
      await reason(verifyToken(keys, await signToken(forger, { orgs: ['acme'], ttlSeconds: 60 }))),
    ).toBe(AuthFailure.forged);
    const expired = await signToken(keys, { orgs: ['acme'], ttlSeconds: 1 }, Date.now() - 60_000);
    expect(await reason(verifyToken(keys, expired))).toBe(AuthFailure.expired);
    expect(
      await reason(
        verifyToken(keys, await signToken(otherAud, { orgs: ['acme'], ttlSeconds: 60 })),
      ),
    ).toBe(AuthFailure.audience);
    expect(
      await reason(
        verifyToken(keys, await signToken(otherIss, { orgs: ['acme'], ttlSeconds: 60 })),
      ),
    ).toBe(AuthFailure.issuer);
    expect(await reason(verifyToken(keys, 'not.a.jwt'))).toBe(AuthFailure.malformed);
  });

  it('tokens - a token without exp or without orgs is refused', async () => {
    const key = new TextEncoder().encode(NEW);
    const noExp = await new SignJWT({ orgs: ['acme'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience('teampulse-dashboard')
      .setIssuer('teampulse')
      .sign(key);
    const noOrgs = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience('teampulse-dashboard')
      .setIssuer('teampulse')
      .setExpirationTime('1m')
      .sign(key);
    expect(await reason(verifyToken(keys, noExp))).toBe(AuthFailure.claims);
    expect(await reason(verifyToken(keys, noOrgs))).toBe(AuthFailure.claims);
  });

  it('tokens - only HS256 is accepted (no alg confusion)', async () => {
    const hs512 = await new SignJWT({ orgs: ['acme'] })
      .setProtectedHeader({ alg: 'HS512' })
      .setAudience('teampulse-dashboard')
      .setIssuer('teampulse')
      .setExpirationTime('1m')
      .sign(new TextEncoder().encode(NEW + NEW));
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({ orgs: ['acme'], aud: 'teampulse-dashboard', iss: 'teampulse', exp: 9e9 }),
    ).toString('base64url')}.`;
    expect(await reason(verifyToken(keys, hs512))).toBe(AuthFailure.malformed);
    expect(await reason(verifyToken(keys, none))).toBe(AuthFailure.malformed);
  });

  it('tokens - secrets shorter than 32 characters are a configuration error', () => {
    expect(() => tokenKeys(['short'], 'a', 'b')).toThrow(ConfigError);
    expect(() => tokenKeys([], 'a', 'b')).toThrow(ConfigError);
  });

  it('tokens - the token comes from Authorization: Bearer, else from ?token=', () => {
    expect(tokenFromRequest('Bearer abc.def.ghi', new URLSearchParams('token=zzz'))).toBe(
      'abc.def.ghi',
    );
    expect(tokenFromRequest('bearer  abc', undefined)).toBe('abc');
    expect(tokenFromRequest('', new URLSearchParams('token=zzz'))).toBe('zzz');
    expect(tokenFromRequest('Basic dXNlcjpwYXNz', new URLSearchParams(''))).toBeUndefined();
    expect(tokenFromRequest('', undefined)).toBeUndefined();
  });
});
