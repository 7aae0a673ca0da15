import { describe, expect, it } from 'vitest';
import { checkRequest } from './check-request.ts';
import type { RequestMeta } from './request-meta.ts';
import type { HttpError } from '../platform/http/http-error.ts';

const ok: RequestMeta = {
  contentType: 'application/json',
  contentLength: 10,
  event: 'push',
  delivery: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
  signature: 'sha256=' + 'a'.repeat(64),
  githubHeaders: {},
};

function answer(meta: Partial<RequestMeta>, max = 100): { status: number; code: string } | 'ok' {
  try {
    checkRequest({ ...ok, ...meta }, max);
    return 'ok';
  } catch (err) {
    return { status: (err as HttpError).status, code: (err as HttpError).code };
  }
}

describe('check-request', () => {
  it('check-request - a well-formed request passes, charset parameter allowed', () => {
    expect(answer({})).toBe('ok');
    expect(answer({ contentType: 'application/json; charset=utf-8' })).toBe('ok');
  });

  it('check-request - not JSON gets 415', () => {
    expect(answer({ contentType: 'application/x-www-form-urlencoded' })).toEqual({
      status: 415,
      code: 'unsupported_media_type',
    });
    expect(answer({ contentType: '' })).toEqual({ status: 415, code: 'unsupported_media_type' });
  });

  it('check-request - missing or odd GitHub headers get 400', () => {
    expect(answer({ event: '' })).toEqual({ status: 400, code: 'bad_header' });
    expect(answer({ delivery: '' })).toEqual({ status: 400, code: 'bad_header' });
    expect(answer({ event: 'Push Event!' })).toEqual({ status: 400, code: 'bad_header' });
    expect(answer({ delivery: 'x'.repeat(101) })).toEqual({ status: 400, code: 'bad_header' });
  });

  it('check-request - missing, malformed and wrong-algorithm signatures get 401', () => {
    expect(answer({ signature: '' })).toEqual({ status: 401, code: 'signature_missing' });
    expect(answer({ signature: 'sha1=' + 'a'.repeat(40) })).toEqual({
      status: 401,
      code: 'signature_malformed',
    });
    expect(answer({ signature: 'sha256=xyz' })).toEqual({
      status: 401,
      code: 'signature_malformed',
    });
  });

  it('check-request - a declared length over the cap gets 413 before any body is read', () => {
    expect(answer({ contentLength: 101 })).toEqual({ status: 413, code: 'payload_too_large' });
    expect(answer({ contentLength: 100 })).toBe('ok');
  });

  it('check-request - Content-Length sent twice gets 400 (two framings of one body)', () => {
    expect(answer({ repeatedContentLength: true })).toEqual({ status: 400, code: 'bad_header' });
  });
});
