import type { HttpResponse } from 'uWebSockets.js';
import type { ErrorBody } from '../../schemas/http.ts';
import { statusLine, toHttpError } from './http-error.ts';

/**
 * A response that knows whether the client went away. uWS forbids touching a response
 * after `onAborted`, and wants writes made after an `await` to be corked.
 */
export class Reply {
  aborted = false;
  done = false;
  readonly res: HttpResponse;

  readonly #onAbort: (() => void)[] = [];
  constructor(res: HttpResponse) {
    this.res = res;
    res.onAborted(() => {
      this.aborted = true;
      for (const f of this.#onAbort.splice(0)) f();
    });
  }

  /** Runs `f` when the client goes away (uWS allows one abort handler per response). */
  whenAborted(f: () => void): void {
    if (this.aborted) f();
    else this.#onAbort.push(f);
  }

  /** Sends a JSON body (already serialised or an object) with a status. */
  json(status: number, body: unknown, headers: Record<string, string> = {}, close = false): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    this.send(status, text, { 'content-type': 'application/json', ...headers }, close);
  }

  /** Sends any body; does nothing when the client already went away. */
  send(
    status: number,
    body: string | Buffer,
    headers: Record<string, string>,
    close = false,
  ): void {
    if (this.aborted || this.done) return;
    this.done = true;
    this.res.cork(() => {
      this.res.writeStatus(statusLine(status));
      for (const [k, v] of Object.entries(headers)) this.res.writeHeader(k, v);
      this.res.end(body, close);
    });
  }

  /** Answers an error as `{ error: { code, message } }`; 5xx messages stay generic. */
  error(err: unknown, close = false, headers: Record<string, string> = {}): number {
    const e = toHttpError(err);
    const body: ErrorBody = { error: { code: e.code, message: e.message } };
    this.json(e.status, body, headers, close);
    return e.status;
  }
}
