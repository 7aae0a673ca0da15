import { trimSlash } from './fetch-dashboard.ts';

/**
 * The part of a WebSocket the library uses: the browser's and the `ws` package's both fit
 * (text frames arrive as strings in both).
 */
export interface WebSocketLike {
  addEventListener(
    type: 'open' | 'message' | 'close' | 'error',
    listener: (ev: never) => void,
  ): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket class: the browser's `WebSocket`, or `WebSocket` from the `ws` package in Node. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** The event fields read from `message` and `close` events. */
export interface MessageEventLike {
  data: unknown;
}
export interface CloseEventLike {
  code: number;
  reason?: string;
}

/**
 * `/ws?token=…&since=…` on the gateway of `url`. The token goes in the socket's URL because a
 * browser WebSocket cannot send an `Authorization` header; it never goes in the page's URL.
 */
export function socketUrl(url: string, token: string, since: number | undefined): string {
  const q = new URLSearchParams({ token });
  if (since !== undefined) q.set('since', String(since));
  return `${trimSlash(url).replace(/^http/, 'ws')}/ws?${q.toString()}`;
}

/** The global WebSocket (browsers, Node 22+), or a clear error naming the option to pass. */
export function defaultWebSocket(): WebSocketConstructor {
  const ctor = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!ctor)
    throw new TypeError(
      'no global WebSocket here (Node 20): pass connect({ WebSocket }) — e.g. the ws package',
    );
  return ctor;
}
