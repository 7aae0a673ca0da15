import type { TemplatedApp, WebSocket } from 'uWebSockets.js';
import { CloseCodes } from '../../schemas/ws-frames.ts';
import type { GatewayMetrics } from '../metrics.ts';
import type { DecodedUpdate } from '../updates/decode-update.ts';
import { Phase, type SocketState } from './socket-state.ts';

export type Socket = WebSocket<SocketState>;

/** The most a WebSocket frame header adds to a server → client message. */
const FRAME_HEADER_BYTES = 10;

/**
 * Delivers updates to sockets, and keeps every socket's send buffer bounded.
 *
 * Live sockets are subscribed to their rooms' uWS topics, so one `app.publish` per update
 * reaches all of a room's subscribers from C++ with the frame serialised once. Sockets
 * still catching up are not subscribed yet; their frames are held in `pending` (bounded)
 * until the catch-up hands over.
 *
 * Backpressure: a socket whose buffer is over `limitBytes` is closed with
 * {@link CloseCodes.slowConsumer}. uWS itself is given twice that limit. uWS queues small
 * publishes and writes them to the sockets at the end of the event-loop turn, so buffers
 * only show them in the next turn: updates are therefore published at most half the limit
 * per turn, and the next turn (`setImmediate`, after uWS's write-out) sweeps the buffers
 * before publishing more. Between two sweeps no socket can gain more than half the limit,
 * so none reaches uWS's own limit: uWS never silently skips a frame for a socket that
 * stays open (if it ever did, `closeOnBackpressureLimit` closes the socket rather than
 * leave a gap).
 */
export class Fanout {
  readonly sockets = new Set<Socket>();
  readonly #catchingUp = new Map<string, Set<Socket>>();
  /** Updates not yet published (only while a turn's half-limit is used up). */
  #queue: DecodedUpdate[] = [];
  #head = 0;
  #continuation: NodeJS.Immediate | undefined;
  #bytesSinceSweep = 0;
  #lastPublishedSeq = 0;

  private readonly app: TemplatedApp;
  private readonly limitBytes: number;
  private readonly metrics: GatewayMetrics;

  constructor(app: TemplatedApp, limitBytes: number, metrics: GatewayMetrics) {
    this.app = app;
    this.limitBytes = limitBytes;
    this.metrics = metrics;
  }

  /**
   * Every update up to this sequence has been published (or skipped); every later one will
   * be published, and held for sockets catching up. A resume replays up to here.
   */
  get lastPublishedSeq(): number {
    return this.#lastPublishedSeq;
  }

  /** Where the live feed starts: updates up to `seq` were never this process's to publish. */
  startAfter(seq: number): void {
    this.#lastPublishedSeq = Math.max(this.#lastPublishedSeq, seq);
  }

  /** uWS's own per-socket limit (see the class comment). */
  static uwsLimit(limitBytes: number): number {
    return limitBytes * 2;
  }

  add(ws: Socket): void {
    this.sockets.add(ws);
    const state = ws.getUserData();
    if (state.phase === Phase.catchingUp) for (const room of state.rooms) this.#hold(room, ws);
    else for (const room of state.rooms) ws.subscribe(room);
  }

  /** Forgets a socket (from uWS's close handler: the socket must not be used any more). */
  remove(ws: Socket): void {
    this.sockets.delete(ws);
    const state = ws.getUserData();
    for (const room of state.rooms) this.#release(room, ws);
    state.phase = Phase.closed;
    state.pending = [];
    state.pendingBytes = 0;
    state.onDrain?.();
  }

  /** Adds a room to a socket (a subscribe message). */
  join(ws: Socket, room: string): void {
    const state = ws.getUserData();
    state.rooms.add(room);
    if (state.phase === Phase.catchingUp) this.#hold(room, ws);
    else ws.subscribe(room);
  }

  leave(ws: Socket, room: string): void {
    const state = ws.getUserData();
    state.rooms.delete(room);
    this.#release(room, ws);
    if (state.phase === Phase.live) ws.unsubscribe(room);
  }

  /** Delivers an update in stream order: now, or in a later turn if this turn's share is used up. */
  deliver(update: DecodedUpdate): void {
    this.#queue.push(update);
    if (this.#continuation === undefined) this.#flush();
  }

  #flush(): void {
    this.#continuation = undefined;
    while (this.#head < this.#queue.length) {
      if (this.#bytesSinceSweep * 2 >= this.limitBytes) {
        // uWS writes this turn's publishes out at its end; sweep the buffers after that.
        this.#continuation = setImmediate(() => {
          this.sweep(Date.now());
          this.#flush();
        });
        return;
      }
      const update = this.#queue[this.#head++];
      if (update) this.#publish(update);
    }
    this.#queue = [];
    this.#head = 0;
  }

  /** Publishes one update to its room, and holds it for the room's sockets still catching up. */
  #publish(update: DecodedUpdate): void {
    this.#lastPublishedSeq = update.seq;
    const subscribers = this.app.numSubscribers(update.room);
    if (subscribers > 0) {
      this.app.publish(update.room, update.frame);
      this.metrics.framesSent.inc(subscribers);
      // Live delivery only: a resume's replay is old by design and would swamp the figure.
      if (update.receivedAtMs !== undefined) {
        this.metrics.freshnessSeconds.observe(Math.max(0, Date.now() - update.receivedAtMs) / 1000);
      }
      // What any one socket's buffer can have grown by since the last sweep (frame plus header).
      this.#bytesSinceSweep += update.frame.byteLength + FRAME_HEADER_BYTES;
    }
    const waiting = this.#catchingUp.get(update.room);
    if (waiting) {
      for (const ws of waiting) {
        const state = ws.getUserData();
        state.pending.push({ seq: update.seq, frame: update.frame });
        state.pendingBytes += update.frame.byteLength;
        if (state.pendingBytes > this.limitBytes) this.closeSlow(ws);
      }
    }
  }

  /**
   * Hands a caught-up socket over to live delivery: sends its held frames newer than
   * `after`, then subscribes it to its rooms, all in one synchronous step, so no update
   * can fall between the last held frame and the first published one.
   */
  goLive(
    ws: Socket,
    after: number,
    first: readonly string[] = [],
    last: readonly string[] = [],
  ): void {
    const state = ws.getUserData();
    if (state.phase !== Phase.catchingUp) return;
    ws.cork(() => {
      for (const text of first) ws.send(text);
      let sent = 0;
      for (const p of state.pending) {
        if (p.seq <= after) continue;
        ws.send(p.frame);
        sent++;
      }
      this.metrics.framesSent.inc(sent);
      state.pending = [];
      state.pendingBytes = 0;
      for (const room of state.rooms) {
        this.#release(room, ws);
        ws.subscribe(room);
      }
      state.phase = Phase.live;
      for (const text of last) ws.send(text);
    });
    if (ws.getBufferedAmount() > this.limitBytes) this.closeSlow(ws);
  }

  /** Closes a socket that cannot keep up, with a close code that says so. */
  closeSlow(ws: Socket): void {
    if (ws.getUserData().phase === Phase.closed) return;
    this.metrics.slowClientCloses.inc();
    ws.end(CloseCodes.slowConsumer, 'slow consumer: send buffer over the limit');
  }

  /** Closes slow sockets and sockets whose token has expired. */
  sweep(now: number): void {
    this.#bytesSinceSweep = 0;
    for (const ws of this.sockets) {
      const state = ws.getUserData();
      if (state.principal.expiresAt <= now) {
        ws.end(CloseCodes.tokenExpired, 'token expired');
      } else if (ws.getBufferedAmount() > this.limitBytes) {
        this.closeSlow(ws);
      }
    }
  }

  /** Closes every socket (shutdown); clients resume elsewhere with their last seq. */
  closeAll(reason: string): void {
    if (this.#continuation !== undefined) clearImmediate(this.#continuation);
    this.#continuation = undefined;
    for (const ws of [...this.sockets]) ws.end(CloseCodes.goingAway, reason);
  }

  #hold(room: string, ws: Socket): void {
    let set = this.#catchingUp.get(room);
    if (!set) this.#catchingUp.set(room, (set = new Set()));
    set.add(ws);
  }

  #release(room: string, ws: Socket): void {
    const set = this.#catchingUp.get(room);
    if (!set) return;
    set.delete(ws);
    if (set.size === 0) this.#catchingUp.delete(room);
  }
}
