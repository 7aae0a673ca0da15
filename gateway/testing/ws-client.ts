/** A WebSocket test client (the `ws` package) that records every frame and the close. */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import WebSocket from 'ws';

/** A parsed server frame. */
export type Frame = { event: string; seq?: number; room?: string; [k: string]: unknown };

export interface TestClient {
  readonly frames: Frame[];
  /** The `seq`s of the `commits:update` frames received so far, in order. */
  seqs(): number[];
  /** Resolves with the first frame (already received or coming) that matches. */
  waitFor(pred: (f: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  /** Resolves once `n` update frames have arrived. */
  waitForUpdates(n: number, timeoutMs?: number): Promise<Frame[]>;
  send(msg: unknown): void;
  /** Resolves with the close code (the server's, or ours). */
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

/** The URL of `/ws` with a token in the query (how browsers pass it) and an optional `since`. */
export function wsUrl(port: number, token: string | undefined, since?: number): string {
  const q = new URLSearchParams();
  if (token !== undefined) q.set('token', token);
  if (since !== undefined) q.set('since', String(since));
  return `ws://127.0.0.1:${port}/ws?${q.toString()}`;
}

/** Connects and waits for the `ready` frame (so the socket is live, or resumed, before the test goes on). */
export async function connectClient(
  url: string,
  headers: Record<string, string> = {},
): Promise<TestClient> {
  const ws = new WebSocket(url, { headers });
  const frames: Frame[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    frames.push(JSON.parse((data as Buffer).toString('utf8')) as Frame);
    for (const w of [...waiters]) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => {
      resolve({ code, reason: String(reason) });
      for (const w of [...waiters]) w();
    });
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => {
      reject(new UpgradeRefused(res.statusCode ?? 0));
    });
  });
  const waitFor = (pred: (f: Frame) => boolean, timeoutMs = 5000): Promise<Frame> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const found = frames.find(pred);
        if (found) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        } else if (ws.readyState === WebSocket.CLOSED) {
          waiters.delete(check);
          clearTimeout(timer);
          reject(
            new Error(
              `socket closed while waiting; frames: ${JSON.stringify(frames).slice(0, 500)}`,
            ),
          );
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out; frames so far: ${JSON.stringify(frames).slice(0, 500)}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  const updates = (): Frame[] => frames.filter((f) => f.event === 'commits:update');
  const client: TestClient = {
    frames,
    seqs: () => updates().map((f) => f.seq ?? -1),
    waitFor,
    async waitForUpdates(n, timeoutMs = 5000) {
      await waitFor(() => updates().length >= n, timeoutMs);
      return updates();
    },
    send: (msg) => ws.send(JSON.stringify(msg)),
    closed,
    async close() {
      if (ws.readyState !== WebSocket.CLOSED) ws.close(1000);
      await closed;
    },
  };
  await waitFor((f) => f.event === 'ready' || f.event === 'resync', 10_000).catch(() => undefined);
  return client;
}

/** The upgrade was answered with an HTTP status instead of a socket. */
export class UpgradeRefused extends Error {
  override name = 'UpgradeRefused';
  readonly status: number;

  constructor(status: number) {
    super(`upgrade refused with HTTP ${status}`);
    this.status = status;
  }
}

/**
 * Sends a WebSocket upgrade request over plain HTTP and returns the answer: status 101 for
 * an accepted upgrade, else the refusal's status and JSON body.
 */
export function tryUpgrade(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(url.replace(/^ws:/, 'http:'), {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
        ...headers,
      },
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve({ status: 101, body: undefined });
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}
