import type { Principal } from '../auth/verify-token.ts';

/** Where a socket is in its life. */
export const Phase = {
  /** Resuming: reading what it missed; live frames for it wait in `pending`. */
  catchingUp: 'catching-up',
  /** Subscribed to its rooms' topics. */
  live: 'live',
  closed: 'closed',
} as const;
export type Phase = (typeof Phase)[keyof typeof Phase];

/** A live frame held for a socket that is still catching up. */
export interface PendingFrame {
  seq: number;
  frame: Buffer;
}

/** Per-socket data (uWS user data), set at upgrade. */
export interface SocketState {
  id: number;
  principal: Principal;
  /** Rooms (`org:<token>`) the socket is in, or will be once live. */
  rooms: Set<string>;
  /** `since` of a resume, else undefined. */
  since: number | undefined;
  phase: Phase;
  pending: PendingFrame[];
  pendingBytes: number;
  /** Resolves a catch-up waiting for the socket's send buffer to drain. */
  onDrain: (() => void) | undefined;
}

let nextId = 1;

/** A fresh state for a socket being upgraded. */
export function newSocketState(
  principal: Principal,
  rooms: Iterable<string>,
  since: number | undefined,
): SocketState {
  return {
    id: nextId++,
    principal,
    rooms: new Set(rooms),
    since,
    phase: since === undefined ? Phase.live : Phase.catchingUp,
    pending: [],
    pendingBytes: 0,
    onDrain: undefined,
  };
}
