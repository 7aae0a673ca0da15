import type { Dashboard } from '../schemas/dashboard.ts';
import {
  CloseCodes,
  ServerFrame,
  type ResyncFrame,
  type UpdateFrame,
} from '../schemas/ws-frames.ts';
import { DAY_MS, utcDay } from '../schemas/utc-day.ts';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
import { ConnectionState } from './connection-state.ts';
import { BadFrameError, GatewayHttpError, UnauthorizedError } from './errors.ts';
import { fetchDashboard, type FetchLike } from './fetch-dashboard.ts';
import {
  defaultWebSocket,
  socketUrl,
  type CloseEventLike,
  type MessageEventLike,
  type WebSocketConstructor,
  type WebSocketLike,
} from './socket.ts';

/** Options of {@link connect}; only `url`, a token source and `orgs` are required. */
export interface ConnectOptions {
  /** The gateway's base URL (`https://pulse.example.com`; in a page served by it, `location.origin`). */
  url: string;
  /** The gateway token; or leave it out and give `getToken`. */
  token?: string;
  /** Asked for a fresh token when the current one is refused (401, close 4001), once per refusal. */
  getToken?: () => Promise<string> | string;
  /** Orgs to fetch and follow (each must be in the token). */
  orgs: readonly string[];
  /** Inclusive UTC day range `YYYY-MM-DD`; default the last 30 days. */
  from?: string;
  to?: string;
  /** Each dashboard as fetched: at start, and again after a `resync`. */
  onDashboard?: (dashboard: Dashboard) => void;
  /** Each `commits:update` of a followed org not already counted in its dashboard, in order. */
  onUpdate?: (frame: UpdateFrame) => void;
  /** The gateway could not replay what was missed; the dashboards are being refetched. */
  onResync?: (reason: ResyncFrame['reason']) => void;
  onState?: (state: ConnectionState) => void;
  /** Errors that do not stop the client (bad frame, `error` frame) and those that do. */
  onError?: (err: Error) => void;
  /** A WebSocket class; required in Node 20 (`import WebSocket from 'ws'`). */
  WebSocket?: WebSocketConstructor;
  fetch?: FetchLike;
  backoff?: BackoffOptions;
  /** After this long without a live socket the state turns `stale` (default 5000 ms). */
  staleAfterMs?: number;
}

/** A running client; see {@link connect}. */
export interface Client {
  readonly state: ConnectionState;
  /** Time of the last update delivered or dashboard fetched (ms since epoch), if any. */
  readonly lastUpdateAt: number | undefined;
  /** The last `UPDATES` seq seen: where a reconnect resumes. */
  readonly lastSeq: number | undefined;
  /** Refetches one org's dashboard with the current token (e.g. after an update). */
  refetch(orgId: string): Promise<Dashboard>;
  /** Stops: closes the socket, cancels timers; no callback fires afterwards. */
  close(): void;
}

/**
 * Fetches each org's dashboard, then follows `/ws?since=<asOfSeq>`: updates arrive through
 * `onUpdate` with no gap, across disconnects (jittered exponential backoff, resuming after
 * the last seq seen) and `resync`s (dashboards refetched). A refused token (HTTP 401, close
 * 4001) is never retried as is: `getToken` is asked once; without a usable fresh token the
 * client turns `unauthorized` and stops.
 */
export function connect(opts: ConnectOptions): Client {
  const c = new Connection(opts);
  c.start();
  return c;
}

class Connection implements Client {
  state: ConnectionState = ConnectionState.connecting;
  lastUpdateAt: number | undefined;
  lastSeq: number | undefined;
  readonly #o: ConnectOptions;
  readonly #from: string;
  readonly #to: string;
  readonly #asOf = new Map<string, number>();
  #token: string | undefined;
  #socket: WebSocketLike | undefined;
  #attempt = 0;
  /** Fresh tokens asked for since the token last worked: a second refusal in a row stops. */
  #tokenRequests = 0;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #stale: ReturnType<typeof setTimeout> | undefined;
  readonly #abort = new AbortController();

  constructor(opts: ConnectOptions) {
    if (opts.orgs.length === 0) throw new TypeError('connect: orgs must name at least one org');
    this.#o = opts;
    this.#token = opts.token;
    this.#to = opts.to ?? utcDay(Date.now());
    this.#from = opts.from ?? utcDay(Date.parse(this.#to) - 29 * DAY_MS);
  }

  start(): void {
    this.#setState(ConnectionState.connecting);
    if (this.#token === undefined) void this.#authFailed(() => this.#sync());
    else void this.#sync();
  }

  async refetch(orgId: string): Promise<Dashboard> {
    const d = await fetchDashboard(this.#request(orgId));
    if (this.#done()) return d;
    this.#asOf.set(orgId, Math.max(d.asOfSeq, this.#asOf.get(orgId) ?? 0));
    this.lastUpdateAt = Date.now();
    return d;
  }

  close(): void {
    if (this.state === ConnectionState.closed) return;
    this.#stop();
    this.#setState(ConnectionState.closed);
  }

  #request(orgId: string) {
    return {
      url: this.#o.url,
      token: this.#token ?? '',
      orgId,
      from: this.#from,
      to: this.#to,
      signal: this.#abort.signal,
      ...(this.#o.fetch ? { fetch: this.#o.fetch } : {}),
    };
  }

  /** Fetches every org's dashboard, then opens the socket after the oldest `asOfSeq`. */
  async #sync(): Promise<void> {
    let dashboards: Dashboard[];
    try {
      dashboards = await Promise.all(this.#o.orgs.map((org) => fetchDashboard(this.#request(org))));
    } catch (err) {
      if (this.#done()) return;
      const e =
        err instanceof GatewayHttpError ? err : new GatewayHttpError(0, 'failed', String(err));
      if (e.unauthorized) return this.#authFailed(() => this.#sync());
      this.#o.onError?.(e);
      if (e.permanent) return this.#fail(ConnectionState.closed);
      return this.#later(() => this.#sync());
    }
    if (this.#done()) return;
    this.#tokenRequests = 0;
    this.lastUpdateAt = Date.now();
    for (const d of dashboards) {
      this.#asOf.set(d.orgId, d.asOfSeq);
      this.#o.onDashboard?.(d);
    }
    this.lastSeq = Math.min(...dashboards.map((d) => d.asOfSeq));
    this.#open();
  }

  #open(): void {
    const Ctor = this.#o.WebSocket ?? defaultWebSocket();
    const ws = new Ctor(socketUrl(this.#o.url, this.#token ?? '', this.lastSeq));
    this.#socket = ws;
    let opened = false;
    ws.addEventListener('open', () => (opened = true));
    ws.addEventListener('message', (ev: MessageEventLike) => {
      if (this.#socket === ws) this.#frame(ws, ev.data);
    });
    ws.addEventListener('close', (ev: CloseEventLike) => {
      if (this.#socket !== ws || this.#done()) return;
      this.#socket = undefined;
      this.#dropped();
      if (ev.code === CloseCodes.tokenExpired) void this.#authFailed(() => this.#open());
      else if (!opened) void this.#probe();
      else this.#later(() => this.#open());
    });
    // Errors are followed by `close`, which decides what to do.
    ws.addEventListener('error', () => undefined);
  }

  #frame(ws: WebSocketLike, data: unknown): void {
    let parsed;
    try {
      parsed = ServerFrame.safeParse(JSON.parse(typeof data === 'string' ? data : String(data)));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) {
      this.#o.onError?.(new BadFrameError('a /ws frame is not JSON or breaks the contract'));
      return;
    }
    const f = parsed.data;
    switch (f.event) {
      case 'ready':
        this.#attempt = 0;
        this.#tokenRequests = 0;
        clearTimeout(this.#stale);
        this.#stale = undefined;
        this.#setState(ConnectionState.live);
        return;
      case 'commits:update': {
        if (this.lastSeq === undefined || f.seq > this.lastSeq) this.lastSeq = f.seq;
        const asOf = this.#asOf.get(f.data.orgId);
        if (asOf === undefined || f.seq <= asOf) return;
        this.#asOf.set(f.data.orgId, f.seq);
        this.lastUpdateAt = Date.now();
        this.#o.onUpdate?.(f);
        return;
      }
      case 'resync':
        // What was missed is gone from the log: start over from fresh dashboards.
        this.#socket = undefined;
        ws.close(1000, 'resync');
        this.#dropped();
        this.#o.onResync?.(f.reason);
        void this.#sync();
        return;
      case 'error':
        this.#o.onError?.(new GatewayHttpError(0, f.error.code, f.error.message));
        return;
      case 'pong':
      case 'subscribed':
      case 'unsubscribed':
        return;
    }
  }

  /**
   * A socket that never opened: a browser cannot see why an upgrade failed, so ask the API
   * with the same token. 401 means the token; anything else is the network or the gateway.
   */
  async #probe(): Promise<void> {
    const org = this.#o.orgs[0] as string;
    try {
      await fetchDashboard(this.#request(org));
    } catch (err) {
      if (this.#done()) return;
      if (err instanceof GatewayHttpError && err.unauthorized)
        return this.#authFailed(() => this.#open());
    }
    if (!this.#done()) this.#later(() => this.#open());
  }

  /** The token was refused: one `getToken()` per refusal streak, else `unauthorized`. */
  async #authFailed(retry: () => void | Promise<void>): Promise<void> {
    const getToken = this.#o.getToken;
    if (!getToken || this.#tokenRequests > 0) return this.#unauthorized();
    this.#tokenRequests++;
    let token: string;
    try {
      token = await getToken();
    } catch (err) {
      if (!this.#done()) this.#o.onError?.(err instanceof Error ? err : new Error(String(err)));
      return this.#unauthorized();
    }
    if (this.#done()) return;
    if (typeof token !== 'string' || token === '') return this.#unauthorized();
    this.#token = token;
    await retry();
  }

  #unauthorized(): void {
    if (this.#done()) return;
    this.#o.onError?.(new UnauthorizedError('the gateway refused the token; sign in again'));
    this.#fail(ConnectionState.unauthorized);
  }

  #fail(state: ConnectionState): void {
    this.#stop();
    this.#setState(state);
  }

  /** Left `live`: `resuming` now, `stale` if it lasts. */
  #dropped(): void {
    if (this.state === ConnectionState.live || this.state === ConnectionState.connecting)
      this.#setState(ConnectionState.resuming);
    this.#stale ??= setTimeout(() => {
      if (this.state === ConnectionState.resuming) this.#setState(ConnectionState.stale);
    }, this.#o.staleAfterMs ?? 5000);
  }

  #later(fn: () => void | Promise<void>): void {
    this.#dropped();
    const delay = backoffDelay(this.#attempt++, this.#o.backoff ?? DEFAULT_BACKOFF);
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      if (!this.#done()) void fn();
    }, delay);
  }

  #stop(): void {
    clearTimeout(this.#retry);
    clearTimeout(this.#stale);
    this.#abort.abort();
    const ws = this.#socket;
    this.#socket = undefined;
    ws?.close(1000, 'client closed');
  }

  #done(): boolean {
    return this.state === ConnectionState.closed || this.state === ConnectionState.unauthorized;
  }

  #setState(state: ConnectionState): void {
    if (this.state === state && state !== ConnectionState.connecting) return;
    this.state = state;
    this.#o.onState?.(state);
  }
}
