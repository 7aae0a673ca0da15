/**
 * The benches' load generator for ingest: signed push deliveries POSTed with `node:http`
 * over kept-alive sockets. It shares the 2 cores with the pipeline it measures, so it must
 * cost little: `fetch` (undici through WHATWG streams) spent ~0.6–1.2 ms more CPU per
 * request here than this (measured with both against the same local server), which at
 * 200 pushes/s is a tenth of a core taken from the servers under test.
 */
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export interface Delivery {
  readonly id: string;
  readonly body: string;
  readonly signature: string;
}

/** Why a POST got no answer: `timeout`, or the socket error's code (`ECONNRESET`, …). */
export class PostFailed extends Error {
  readonly reason: string;
  constructor(reason: string, options?: ErrorOptions) {
    super(`webhook POST failed: ${reason}`, options);
    this.name = 'PostFailed';
    this.reason = reason;
  }
}

/**
 * POSTs one delivery as GitHub would and resolves the HTTP status once the answer is read
 * whole. Rejects with {@link PostFailed} when there is no answer within `timeoutMs`.
 */
export function postWebhook(endpoint: string, d: Delivery, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      endpoint,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(d.body),
          'x-github-event': 'push',
          'x-github-delivery': d.id,
          'x-hub-signature-256': d.signature,
        },
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', (err) => reject(failure(err)));
      },
    );
    req.on('error', (err) => reject(failure(err)));
    req.end(d.body);
  });
}

function failure(err: Error & { code?: string }): PostFailed {
  const timedOut = err.name === 'AbortError' || err.name === 'TimeoutError';
  return new PostFailed(timedOut ? 'timeout' : (err.code ?? err.message), { cause: err });
}

/** Closes the kept-alive sockets (at the end of a run). */
export function closeWebhookSockets(): void {
  agent.destroy();
}
