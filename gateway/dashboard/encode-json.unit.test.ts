import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { acceptsGzip, encodeJson, GZIP_MIN_BYTES } from './encode-json.ts';

describe('encode json', () => {
  it('encode json - gzip is accepted when listed without q=0, or by *', () => {
    expect(acceptsGzip('gzip')).toBe(true);
    expect(acceptsGzip('gzip, deflate, br')).toBe(true);
    expect(acceptsGzip('br;q=1.0, GZIP;q=0.5')).toBe(true);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('deflate, br')).toBe(false);
    expect(acceptsGzip('')).toBe(false);
  });

  it('encode json - a large body is gzipped when accepted and decodes to the same JSON', async () => {
    const value = { rows: Array.from({ length: 500 }, (_, i) => ({ devId: `dev${i}`, n: i })) };
    const zipped = await encodeJson(value, 'gzip, deflate');
    expect(zipped.headers).toEqual({ 'content-encoding': 'gzip' });
    expect(Buffer.isBuffer(zipped.body)).toBe(true);
    expect(JSON.parse(gunzipSync(zipped.body).toString())).toEqual(value);
    expect(zipped.body.length).toBeLessThan(JSON.stringify(value).length / 3);
    const plain = await encodeJson(value, 'br');
    expect(plain).toEqual({ body: JSON.stringify(value), headers: {} });
  });

  it('encode json - a small body goes as it is', async () => {
    const small = { ok: true };
    expect(JSON.stringify(small).length).toBeLessThan(GZIP_MIN_BYTES);
    expect(await encodeJson(small, 'gzip')).toEqual({ body: '{"ok":true}', headers: {} });
  });
});
