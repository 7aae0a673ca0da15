/**
 * An answer of the gateway the client library could not use: the HTTP status (0 when the
 * request never got an answer) and the gateway's `{ error: { code, message } }`.
 */
export class GatewayHttpError extends Error {
  override name = 'GatewayHttpError';
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
    this.code = code;
  }

  /** The token was refused (missing, expired, forged): retrying with it cannot help. */
  get unauthorized(): boolean {
    return this.status === 401;
  }

  /** A refusal that will not change by retrying the same request (400, 403, 404). */
  get permanent(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 401 && this.status !== 429;
  }
}

/** A frame from `/ws` that is not JSON or does not match the contract (`schemas/ws-frames.ts`). */
export class BadFrameError extends Error {
  override name = 'BadFrameError';
  readonly code = 'bad_frame';
}

/** The token was refused and no fresh one could be had: the client stopped. */
export class UnauthorizedError extends Error {
  override name = 'UnauthorizedError';
  readonly code = 'unauthorized';
}
