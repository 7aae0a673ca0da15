import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import type { Wire } from './fuzz-cases.ts';

/** What came back: an HTTP status, or the connection closed / stayed silent with no answer. */
export interface Answer {
  status: number | 'closed' | 'timeout';
  body: string;
  /** Client-side error, when the request could not be made at all (a failure). */
  error?: string;
}

/** Sends fuzz cases to one server: node:http (keep-alive) for well-formed requests, raw TCP for the rest. */
export class FuzzSender {
  private readonly agent: Agent;
  private readonly port: number;
  private readonly timeoutMs: number;
  constructor(port: number, concurrency: number, timeoutMs = 10_000) {
    this.port = port;
    this.timeoutMs = timeoutMs;
    this.agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  }

  send(wire: Wire): Promise<Answer> {
    if (wire.kind === 'http') return this.http(wire);
    // A half-closed request can never be a delivery: a short wait for its answer is enough.
    return this.raw(wire.chunks, wire.end, wire.end ? 1000 : this.timeoutMs);
  }

  /** GET `path`, for the liveness probe. */
  get(path: string): Promise<Answer> {
    return this.http({ kind: 'http', method: 'GET', path, headers: {}, body: Buffer.alloc(0) });
  }

  close(): void {
    this.agent.destroy();
  }

  private async http(wire: Extract<Wire, { kind: 'http' }>): Promise<Answer> {
    const a = await this.httpOnce(wire);
    // A keep-alive socket the server closed just as it was reused: Node's documented retry.
    return a.reused ? this.httpOnce(wire) : a;
  }

  private httpOnce(wire: Extract<Wire, { kind: 'http' }>): Promise<Answer & { reused?: boolean }> {
    return new Promise((resolve) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: this.port,
          method: wire.method ?? 'POST',
          path: wire.path ?? '/api/v1/webhooks/github',
          headers: { ...wire.headers, 'content-length': String(wire.body.length) },
          agent: this.agent,
          timeout: this.timeoutMs,
        },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (d: Buffer) => parts.push(d));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString() }),
          );
          res.on('error', () => resolve({ status: 'closed', body: '' }));
        },
      );
      req.on('timeout', () => {
        req.destroy();
        resolve({ status: 'timeout', body: '' });
      });
      // The server answers early rejections and closes: a reset while still writing is a close.
      req.on('error', (e: NodeJS.ErrnoException) =>
        resolve(
          ['ECONNRESET', 'EPIPE'].includes(e.code ?? '')
            ? { status: 'closed', body: '', reused: req.reusedSocket }
            : { status: 'closed', body: '', error: e.message },
        ),
      );
      req.end(wire.body);
    });
  }

  /** Writes the bytes as they are and reads the first answer, if any. */
  private raw(chunks: Buffer[], end: boolean, timeoutMs: number): Promise<Answer> {
    return new Promise((resolve) => {
      const sock = connect({ host: '127.0.0.1', port: this.port });
      const got: Buffer[] = [];
      let settled = false;
      const done = (a: Answer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        sock.destroy();
        resolve(a);
      };
      const parsed = () => parseFirstResponse(Buffer.concat(got));
      // A reset, not a FIN: uWS waits on a half-closed socket until its idle timeout.
      const timer = setTimeout(() => {
        const a = parsed() ?? { status: 'timeout' as const, body: '' };
        sock.resetAndDestroy();
        done(a);
      }, timeoutMs);
      sock.on('data', (d: Buffer) => {
        got.push(d);
        const a = parsed();
        if (a) done(a);
      });
      sock.on('error', (e: NodeJS.ErrnoException) =>
        done(
          parsed() ??
            (e.code === 'ECONNREFUSED'
              ? { status: 'closed', body: '', error: e.message }
              : { status: 'closed', body: '' }),
        ),
      );
      sock.on('close', () => done(parsed() ?? { status: 'closed', body: '' }));
      const write = async () => {
        for (const c of chunks) {
          if (settled || sock.destroyed) return;
          if (!sock.write(c)) await new Promise((r) => sock.once('drain', r).once('close', r));
        }
        if (end && !sock.destroyed) sock.end();
      };
      sock.on('connect', () => void write());
    });
  }
}

/** The first complete HTTP response in `buf` (status and Content-Length body), or undefined. */
export function parseFirstResponse(buf: Buffer): Answer | undefined {
  const headEnd = buf.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const head = buf.subarray(0, headEnd).toString('latin1');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1]);
  if (!status) return undefined;
  const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
  const body = buf.subarray(headEnd + 4);
  if (body.length < length) return undefined;
  return { status, body: body.subarray(0, length).toString() };
}
