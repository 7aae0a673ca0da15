import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeWebhookSockets, PostFailed, postWebhook } from './post-webhook.ts';

// The benches' sender against a local HTTP server: what it sends, and how a POST without an
// answer fails (a timeout, a refused connection), each as a reason the bench can count.

let server: http.Server;
let base: string;
const seen: { headers: http.IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/silent') return; // never answers
      seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(req.url === '/busy' ? 503 : 200, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  closeWebhookSockets();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const delivery = { id: 'd-1', body: '{"ref":"refs/heads/main","é":1}', signature: 'sha256=ab' };

describe('post webhook', () => {
  it("post webhook - sends the delivery as GitHub does and resolves the answer's status", async () => {
    expect(await postWebhook(`${base}/hook`, delivery, 5000)).toBe(200);
    expect(await postWebhook(`${base}/busy`, delivery, 5000)).toBe(503);
    expect(seen[0]!.body).toBe(delivery.body);
    expect(seen[0]!.headers).toMatchObject({
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(delivery.body)),
      'x-github-event': 'push',
      'x-github-delivery': 'd-1',
      'x-hub-signature-256': 'sha256=ab',
    });
  });

  it('post webhook - no answer in time is PostFailed "timeout"; a refused connection names its code', async () => {
    const silent = await postWebhook(`${base}/silent`, delivery, 200).catch((e: unknown) => e);
    expect(silent).toBeInstanceOf(PostFailed);
    expect((silent as PostFailed).reason).toBe('timeout');
    const refused = await postWebhook('http://127.0.0.1:9/hook', delivery, 2000).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(PostFailed);
    expect((refused as PostFailed).reason).toBe('ECONNREFUSED');
  });
});
