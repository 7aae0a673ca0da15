/**
 * Gateway fan-out benchmark: `npx tsx bench/gateway.ts [--clients 10000] [--orgs 50]
 * [--rate 100] [--seconds 15] [--repeat 2]`.
 *
 * Starts its own NATS (JetStream) and MongoDB-wire server on loopback, then, for each of two
 * servers in turn, the same run:
 * - `uws`: the real gateway (`startGateway`), uWebSockets.js topics;
 * - `ws`: the same fan-out on the `ws` package (same token check at upgrade, same ordered
 *   consumer, same frame bytes), one `send` per client, as a `ws` server is usually written.
 * Each server runs in its own process (so its CPU time and RSS are its own), and K clients
 * run in another process (minimal raw WebSocket clients, so the client side stays cheap).
 * Updates are published at R/s across the orgs with their publish time inside; each client
 * takes the delivery latency from it. Reported per run: delivery latency p50/p99,
 * frames/s, server CPU time per delivered frame (user and kernel), server RSS; then the
 * uws/ws ratios from each server's best run (runs alternate, `--repeat` times each).
 *
 * Roles of this one file: the orchestrator (no role), `--role server --kind uws|ws`, and
 * `--role clients`. Child processes get `ulimit -n 65536`, or the hard limit where that is
 * not allowed (10,000 sockets each side need a bit over 10,000).
 * Everything listens on and connects to 127.0.0.1 only; every phase is bounded in time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { WebSocketServer, type WebSocket as WsSocket } from 'ws';
import { Streams } from '../schemas/streams.ts';
import { orgRoom } from '../schemas/rooms.ts';
import { updatesSubject } from '../schemas/subject.ts';
import { loadConfig, type Config } from '../platform/config.ts';
import { startMongo, startNats } from '../platform/local-stack/mod.ts';
import { connectNats } from '../platform/nats.ts';
import { ensureStreams } from '../platform/streams.ts';
import {
  signToken,
  tokenFromRequest,
  tokenKeys,
  verifyToken,
  startGateway,
  decodeUpdate,
  startLiveFeed,
} from '../gateway/mod.ts';

const SECRET = 'bench-secret-bench-secret-bench-secret-0001';
const SELF = fileURLToPath(import.meta.url);

const { values: args } = parseArgs({
  options: {
    role: { type: 'string' },
    kind: { type: 'string' },
    clients: { type: 'string', default: '10000' },
    orgs: { type: 'string', default: '50' },
    rate: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '15' },
    servers: { type: 'string', default: 'uws,ws' },
    repeat: { type: 'string', default: '2' },
  },
});

type Msg = { type: string; [k: string]: unknown };

function send(msg: Msg): void {
  process.send?.(msg);
}

/** The next IPC message of a type from a child (or from the parent when `from` is process). */
function next(
  from: NodeJS.Process | ChildProcess,
  type: string,
  timeoutMs = 120_000,
): Promise<Msg> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${type}`)), timeoutMs);
    const onExit = (code: unknown): void => {
      clearTimeout(timer);
      reject(new Error(`child exited (${String(code)}) while waiting for ${type}`));
    };
    const on = (m: unknown): void => {
      if ((m as Msg).type !== type) return;
      clearTimeout(timer);
      from.off('message', on);
      from.off('exit', onExit);
      resolve(m as Msg);
    };
    from.on('message', on);
    from.once('exit', onExit);
  });
}

// --- server role ------------------------------------------------------------------------

async function serverRole(kind: string): Promise<void> {
  const cfg = loadConfig(process.env, { GATEWAY_PORT: '0', LOG_LEVEL: 'warn' });
  const port = kind === 'uws' ? (await startGateway(cfg)).port : await startWsServer(cfg);
  let peakRss = process.memoryUsage().rss;
  setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100).unref();
  process.on('message', (m: Msg) => {
    if (m.type === 'stats') {
      // A full GC first (outside the measured window), so RSS compares live memory rather
      // than when V8 last collected.
      if (m.gc === true) (globalThis as { gc?: () => void }).gc?.();
      const rss = process.memoryUsage().rss;
      peakRss = Math.max(peakRss, rss);
      const cpu = process.cpuUsage();
      send({
        type: 'stats',
        cpuUs: cpu.user + cpu.system,
        userUs: cpu.user,
        sysUs: cpu.system,
        rss,
        peakRss,
      });
      peakRss = rss;
    }
    if (m.type === 'exit') process.exit(0);
  });
  send({ type: 'listening', port });
}

/** The comparison server: the gateway's fan-out written on the `ws` package. */
async function startWsServer(cfg: Config): Promise<number> {
  const keys = tokenKeys(
    cfg.GATEWAY_JWT_SECRETS ?? [],
    cfg.GATEWAY_JWT_AUDIENCE,
    cfg.GATEWAY_JWT_ISSUER,
  );
  const limit = cfg.GATEWAY_MAX_BACKPRESSURE_BYTES;
  const rooms = new Map<string, Set<WsSocket>>();
  const nc = await connectNats(cfg, { name: 'bench-ws-server', role: 'gateway' });
  const jsm = await jetstreamManager(nc);
  await startLiveFeed(jetstream(nc), jsm, (stored) => {
    const u = decodeUpdate(stored.subject, stored.seq, stored.data);
    for (const ws of rooms.get(u.room) ?? []) {
      if (ws.bufferedAmount > limit) ws.close(4008, 'slow consumer');
      else ws.send(u.frame, { binary: false });
    }
  });
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    clientTracking: false,
  });
  const http = createServer((_req, res) => res.writeHead(404).end());
  http.on('upgrade', (req, socket, head) => {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    verifyToken(keys, tokenFromRequest(req.headers.authorization ?? '', query)).then(
      (principal) =>
        wss.handleUpgrade(req, socket, head, (ws) => {
          const joined = [...principal.orgs].map(orgRoom);
          for (const room of joined) {
            let set = rooms.get(room);
            if (!set) rooms.set(room, (set = new Set()));
            set.add(ws);
          }
          ws.on('close', () => {
            for (const room of joined) rooms.get(room)?.delete(ws);
          });
        }),
      () => socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n'),
    );
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address();
  return typeof address === 'object' && address ? address.port : 0;
}

// --- clients role -----------------------------------------------------------------------

/** Latency histogram in 0.1 ms buckets up to 60 s. */
const BUCKETS = 600_000;

async function clientsRole(): Promise<void> {
  const hist = new Uint32Array(BUCKETS + 1);
  let frames = 0;
  let closed = 0;
  let sockets: Socket[] = [];
  const onFrame = (text: string): void => {
    const at = text.indexOf('"sentAt":');
    if (at < 0) return;
    frames++;
    const sentAt = parseFloat(text.slice(at + 9, at + 40));
    const ms = performance.timeOrigin + performance.now() - sentAt;
    hist[Math.min(BUCKETS, Math.max(0, Math.round(ms * 10)))]! += 1;
  };
  process.on('message', (m: Msg) => {
    void (async () => {
      if (m.type === 'connect') {
        const tokens = m.tokens as string[];
        const k = m.clients as number;
        sockets = [];
        let failed = 0;
        for (let i = 0; i < k; i += 250) {
          const batch = Array.from({ length: Math.min(250, k - i) }, (_, j) =>
            rawClient(
              m.port as number,
              tokens[(i + j) % tokens.length] ?? '',
              onFrame,
              () => closed++,
            ),
          );
          for (const r of await Promise.allSettled(batch)) {
            if (r.status === 'fulfilled') sockets.push(r.value);
            else failed++;
          }
        }
        send({ type: 'connected', count: sockets.length, failed });
      } else if (m.type === 'reset') {
        hist.fill(0);
        frames = 0;
        closed = 0;
        send({ type: 'reset' });
      } else if (m.type === 'report') {
        send({
          type: 'report',
          frames,
          closed,
          p50: quantile(hist, frames, 0.5),
          p99: quantile(hist, frames, 0.99),
        });
      } else if (m.type === 'disconnect') {
        for (const s of sockets) s.destroy();
        sockets = [];
        send({ type: 'disconnected' });
      } else if (m.type === 'exit') {
        process.exit(0);
      }
    })();
  });
  send({ type: 'clients-ready' });
}

function quantile(hist: Uint32Array, total: number, q: number): number {
  const want = Math.ceil(total * q);
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    seen += hist[i] ?? 0;
    if (seen >= want && want > 0) return i / 10;
  }
  return NaN;
}

/** A minimal WebSocket client: handshake, then unmasked server frames; answers pings. */
function rawClient(
  port: number,
  token: string,
  onText: (t: string) => void,
  onClose: () => void,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    let buf: Buffer = Buffer.alloc(0);
    let open = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('handshake timeout'));
    }, 30_000);
    socket.on('error', (err) => (open ? undefined : reject(err)));
    socket.on('close', () => (open ? onClose() : reject(new Error('closed during handshake'))));
    socket.on('connect', () => {
      socket.write(
        `GET /ws?token=${token} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    socket.on('data', (chunk: Buffer) => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      if (!open) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!buf.subarray(0, 16).toString().includes(' 101 ')) {
          clearTimeout(timer);
          socket.destroy();
          reject(new Error(buf.subarray(0, end).toString()));
          return;
        }
        open = true;
        clearTimeout(timer);
        buf = buf.subarray(end + 4);
        resolve(socket);
      }
      for (;;) {
        if (buf.length < 2) return;
        const opcode = buf[0]! & 0x0f;
        let len = buf[1]! & 0x7f;
        let off = 2;
        if (len === 126) {
          if (buf.length < 4) return;
          len = buf.readUInt16BE(2);
          off = 4;
        } else if (len === 127) {
          if (buf.length < 10) return;
          len = Number(buf.readBigUInt64BE(2));
          off = 10;
        }
        if (buf.length < off + len) return;
        const payload = buf.subarray(off, off + len);
        buf = buf.subarray(off + len);
        if (opcode === 0x1) onText(payload.toString('latin1'));
        else if (opcode === 0x9) socket.write(pong(payload));
      }
    });
  });
}

function pong(payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const out = Buffer.alloc(6 + payload.length);
  out[0] = 0x8a;
  out[1] = 0x80 | payload.length;
  mask.copy(out, 2);
  for (let i = 0; i < payload.length; i++) out[6 + i] = payload[i]! ^ mask[i % 4]!;
  return out;
}

// --- orchestrator -----------------------------------------------------------------------

function child(role: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const node = [process.execPath, '--expose-gc', '--import', 'tsx', SELF, ...role]
    .map((a) => `'${a}'`)
    .join(' ');
  // 65536 where root may raise the hard limit; else as far as the hard limit goes.
  return spawn(
    'bash',
    ['-c', `(ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)") && exec ${node}`],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env,
      cwd: join(SELF, '..', '..'),
    },
  );
}

interface Result {
  kind: string;
  connected: number;
  failed: number;
  frames: number;
  framesPerS: number;
  p50: number;
  p99: number;
  cpuUsPerFrame: number;
  userUsPerFrame: number;
  sysUsPerFrame: number;
  rssMb: number;
  peakRssMb: number;
  idleRssMb: number;
  closed: number;
}

async function main(): Promise<void> {
  const K = Number(args.clients);
  const O = Number(args.orgs);
  const R = Number(args.rate);
  const D = Number(args.seconds);
  const dir = await mkdtemp(join(tmpdir(), 'teampulse-bench-gateway-'));
  const nats = await startNats({ dataDir: join(dir, 'nats') });
  const mongo = await startMongo({ dataDir: join(dir, 'mongo') });
  const children: ChildProcess[] = [];
  try {
    const env = {
      ...process.env,
      NATS_URL: nats.url,
      // The gateways (and the ws-server stand-in) run with the gateway's creds.
      NATS_CREDS: nats.auth!.creds.gateway,
      MONGO_URL: mongo.url,
      MONGO_DB: 'bench',
      GATEWAY_JWT_SECRETS: SECRET,
      GATEWAY_IDLE_TIMEOUT_S: '600',
      LOG_LEVEL: 'warn',
    };
    const cfg = loadConfig(env);
    const nc = await connectNats(
      { ...cfg, NATS_CREDS: nats.auth!.creds.projector },
      { name: 'bench-publisher', role: 'projector' },
    );
    const jsm = await jetstreamManager(nc);
    await ensureStreams(jsm, cfg, [Streams.updates.name]);
    const js = jetstream(nc);
    const keys = tokenKeys([SECRET], cfg.GATEWAY_JWT_AUDIENCE, cfg.GATEWAY_JWT_ISSUER);
    const orgs = Array.from({ length: O }, (_, i) => `org${i}`);
    const tokens = await Promise.all(
      orgs.map((o) => signToken(keys, { orgs: [o], ttlSeconds: 3600 })),
    );

    const clients = child(['--role', 'clients'], env);
    children.push(clients);
    await next(clients, 'clients-ready');

    const results: Result[] = [];
    const kinds = (args.servers ?? 'uws,ws').split(',');
    // Runs alternate between the servers, so load from elsewhere on the machine hits both alike.
    const order = Array.from({ length: Number(args.repeat) }, () => kinds).flat();
    for (const kind of order) {
      const server = child(['--role', 'server', '--kind', kind], env);
      children.push(server);
      const { port } = await next(server, 'listening');
      server.send({ type: 'stats', gc: true });
      const idle = await next(server, 'stats');
      process.stdout.write(`[${kind}] listening on ${String(port)}; connecting ${K} clients…\n`);
      clients.send({ type: 'connect', port, tokens, clients: K });
      const conn = await next(clients, 'connected', 300_000);
      process.stdout.write(
        `[${kind}] ${String(conn.count)} connected (${String(conn.failed)} failed); warming up…\n`,
      );

      let seq = 0;
      const publishFor = async (seconds: number): Promise<void> => {
        const tickMs = 10;
        const perTick = R / (1000 / tickMs);
        let owed = 0;
        const end = performance.now() + seconds * 1000;
        let due = performance.now();
        while (performance.now() < end) {
          owed += perTick;
          const batch: Promise<unknown>[] = [];
          for (; owed >= 1; owed--) {
            const org = orgs[seq++ % O] ?? 'org0';
            const body = {
              type: 'COMMITS_UPDATED',
              orgId: org,
              repoId: '1',
              payload: {
                commitCount: 1,
                days: ['2025-11-19'],
                lineage: [{ streamSeq: seq, deliveryId: 'bench' }],
                sentAt: performance.timeOrigin + performance.now(),
              },
            };
            batch.push(js.publish(updatesSubject(org, '1'), JSON.stringify(body)));
          }
          await Promise.all(batch);
          due += tickMs;
          const wait = due - performance.now();
          if (wait > 0) await sleep(wait);
        }
      };
      await publishFor(2);
      await sleep(500);
      clients.send({ type: 'reset' });
      await next(clients, 'reset');
      server.send({ type: 'stats' });
      const before = await next(server, 'stats');
      await publishFor(D);
      await sleep(1000); // let the last frames land
      server.send({ type: 'stats' });
      const after = await next(server, 'stats');
      clients.send({ type: 'report' });
      const rep = await next(clients, 'report');
      server.send({ type: 'stats', gc: true });
      const settled = await next(server, 'stats');
      const frames = rep.frames as number;
      results.push({
        kind,
        connected: conn.count as number,
        failed: conn.failed as number,
        frames,
        framesPerS: frames / D,
        p50: rep.p50 as number,
        p99: rep.p99 as number,
        cpuUsPerFrame: ((after.cpuUs as number) - (before.cpuUs as number)) / Math.max(1, frames),
        userUsPerFrame:
          ((after.userUs as number) - (before.userUs as number)) / Math.max(1, frames),
        sysUsPerFrame: ((after.sysUs as number) - (before.sysUs as number)) / Math.max(1, frames),
        rssMb: (settled.rss as number) / 2 ** 20,
        peakRssMb: Math.max(after.peakRss as number, before.peakRss as number) / 2 ** 20,
        idleRssMb: (idle.rss as number) / 2 ** 20,
        closed: rep.closed as number,
      });
      clients.send({ type: 'disconnect' });
      await next(clients, 'disconnected');
      server.send({ type: 'exit' });
      await new Promise((r) => server.once('exit', r));
      await sleep(1000);
    }
    clients.send({ type: 'exit' });
    await nc.drain();
    print(results, { K, O, R, D });
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await nats.stop();
    await mongo.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

function print(results: Result[], p: { K: number; O: number; R: number; D: number }): void {
  const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
  const lines = [
    '',
    `Gateway fan-out: ${p.K} clients over ${p.O} orgs (${Math.round(p.K / p.O)} per room), ${p.R} updates/s, ${p.D} s measured; loopback, clients and server share the 2 cores`,
    '',
    '| server | clients | frames delivered | frames/s | latency p50 | latency p99 | server CPU per frame (user + sys) | server RSS after GC (idle → with clients), peak | clients dropped |',
    '|---|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.kind === 'uws' ? 'uWebSockets.js (gateway)' : 'ws package'} | ${r.connected}${r.failed ? ` (${r.failed} failed)` : ''} | ${r.frames} | ${f(r.framesPerS, 0)} | ${f(r.p50)} ms | ${f(r.p99)} ms | ${f(r.cpuUsPerFrame, 2)} µs (${f(r.userUsPerFrame, 2)} + ${f(r.sysUsPerFrame, 2)}) | ${f(r.idleRssMb, 0)} → ${f(r.rssMb, 0)} MB (peak ${f(r.peakRssMb, 0)}) | ${r.closed} |`,
    ),
  ];
  // Ratios from each server's best run (least disturbed by the rest of the machine).
  const best = (kind: string): Result | undefined =>
    results.filter((r) => r.kind === kind).sort((a, b) => a.cpuUsPerFrame - b.cpuUsPerFrame)[0];
  const u = best('uws');
  const w = best('ws');
  if (u && w) {
    const perConn = (r: Result) => ((r.rssMb - r.idleRssMb) * 1024) / Math.max(1, r.connected);
    const cpu = u.cpuUsPerFrame / w.cpuUsPerFrame;
    const user = u.userUsPerFrame / w.userUsPerFrame;
    const minRss = (kind: string) =>
      Math.min(...results.filter((r) => r.kind === kind).map((r) => r.rssMb));
    const rss = minRss('uws') / minRss('ws');
    const conn = perConn(u) / perConn(w);
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
    lines.push(
      '',
      `uws/ws ratios: CPU per frame ${f(cpu, 2)} (user-space ${f(user, 2)}, kernel ${f(u.sysUsPerFrame / w.sysUsPerFrame, 2)}); ` +
        `RSS ${f(rss, 2)} (peak ${f(u.peakRssMb / w.peakRssMb, 2)}); RSS per connection ${f(perConn(u), 1)} KB vs ${f(perConn(w), 1)} KB = ${f(conn, 2)}`,
      `goal: 10,000 clients, p99 ≤ 250 ms, CPU per frame and RSS each ≤ 0.5 × ws  →  clients ${verdict(u.connected >= 10_000)}, ` +
        `p99 ${verdict(u.p99 <= 250)}, CPU ${verdict(cpu <= 0.5)} (user-space ${verdict(user <= 0.5)}), RSS ${verdict(rss <= 0.5)} (per connection ${verdict(conn <= 0.5)})`,
      'note: on loopback the kernel charges the receiving side of every TCP send to the sender, one send per frame',
      'per client for both servers; that kernel time is the same for both and dominates the total.',
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (args.role === 'server') await serverRole(args.kind ?? 'uws');
else if (args.role === 'clients') await clientsRole();
else await main();
