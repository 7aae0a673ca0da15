import type { JetStreamManager } from '@nats-io/jetstream';
import { Streams } from '../../schemas/streams.ts';

/** First and last sequence the `UPDATES` stream holds. */
export interface Bounds {
  firstSeq: number;
  lastSeq: number;
}

/**
 * Reads the stream's bounds with a guarantee callers rely on: the answer comes from a
 * request sent after the call. Callers that arrive while a request is in flight share the
 * next one, so a burst of resumes (every client after a gateway restart) costs a few
 * requests, not one each.
 */
export class StreamBounds {
  #inFlight: Promise<Bounds> | undefined;
  #next: Promise<Bounds> | undefined;

  private readonly jsm: JetStreamManager;

  constructor(jsm: JetStreamManager) {
    this.jsm = jsm;
  }

  /** Bounds as of a moment after this call. */
  fresh(): Promise<Bounds> {
    if (this.#inFlight === undefined) return this.#start();
    if (this.#next === undefined) {
      this.#next = this.#inFlight.then(
        () => this.#start(),
        () => this.#start(),
      );
    }
    return this.#next;
  }

  #start(): Promise<Bounds> {
    this.#next = undefined;
    const p = this.#read();
    this.#inFlight = p;
    const clear = (): void => {
      if (this.#inFlight === p) this.#inFlight = undefined;
    };
    void p.then(clear, clear);
    return p;
  }

  async #read(): Promise<Bounds> {
    const info = await this.jsm.streams.info(Streams.updates.name);
    return { firstSeq: info.state.first_seq, lastSeq: info.state.last_seq };
  }
}
