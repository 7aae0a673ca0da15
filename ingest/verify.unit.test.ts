import { describe, expect, it } from 'vitest';
import { verifySignature } from './verify.ts';

// GitHub's published test vector (docs: "Validating webhook deliveries").
const SECRET = "It's a Secret to Everybody";
const BODY = 'Hello, World!';
const SIGNATURE = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

describe('verify', () => {
  it("verify - accepts GitHub's published test vector", async () => {
    expect(await verifySignature(BODY, SIGNATURE, [SECRET])).toBe(true);
  });

  it('verify - rejects a tampered body', async () => {
    expect(await verifySignature('Hello, World?', SIGNATURE, [SECRET])).toBe(false);
  });

  it('verify - rejects a wrong secret, a wrong algorithm and a malformed signature', async () => {
    expect(await verifySignature(BODY, SIGNATURE, ['another secret'])).toBe(false);
    expect(await verifySignature(BODY, SIGNATURE.replace('sha256=', 'sha1='), [SECRET])).toBe(
      false,
    );
    expect(await verifySignature(BODY, SIGNATURE.toUpperCase(), [SECRET])).toBe(false);
    expect(await verifySignature(BODY, SIGNATURE.slice(0, -2), [SECRET])).toBe(false);
    expect(await verifySignature(BODY, '', [SECRET])).toBe(false);
  });

  it('verify - accepts any secret of a rotation list, none of an empty one', async () => {
    expect(await verifySignature(BODY, SIGNATURE, ['new-secret', SECRET])).toBe(true);
    expect(await verifySignature(BODY, SIGNATURE, [])).toBe(false);
  });
});
