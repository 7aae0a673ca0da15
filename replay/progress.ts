import { SingleBar, Presets } from 'cli-progress';
import { progressFigures, progressLine, type ProgressReading } from './progress-math.ts';

/** Where a replay reports progress. */
export interface ProgressSink {
  /** A pass starts; `update` follows after every batch. */
  begin(phase: string, startSeq: number, lastSeq: number): void;
  update(position: number, events: number, commits: number): void;
  /** The pass ended (or failed). */
  end(): void;
}

/** Progress that goes nowhere (tests, `--quiet`). */
export const silentProgress: ProgressSink = { begin() {}, update() {}, end() {} };

/**
 * A cli-progress bar on a TTY (position/last sequence, events/s, ETA), else one plain
 * line every `intervalMs` and one at the end of each pass.
 */
export function progressFor(stream: NodeJS.WriteStream, intervalMs = 5000): ProgressSink {
  return stream.isTTY ? new BarProgress(stream) : new LineProgress(stream, intervalMs);
}

abstract class Pass implements ProgressSink {
  protected reading: ProgressReading | undefined;
  #started = 0;

  begin(phase: string, startSeq: number, lastSeq: number): void {
    this.#started = performance.now();
    this.reading = {
      phase,
      startSeq,
      lastSeq,
      position: startSeq,
      events: 0,
      commits: 0,
      elapsedMs: 0,
    };
    this.onBegin();
  }

  update(position: number, events: number, commits: number): void {
    if (!this.reading) return;
    this.reading = {
      ...this.reading,
      position,
      events,
      commits,
      elapsedMs: performance.now() - this.#started,
    };
    this.onUpdate();
  }

  end(): void {
    if (this.reading) this.onEnd();
    this.reading = undefined;
  }

  protected abstract onBegin(): void;
  protected abstract onUpdate(): void;
  protected abstract onEnd(): void;
}

class BarProgress extends Pass {
  readonly #bar: SingleBar;

  constructor(stream: NodeJS.WriteStream) {
    super();
    this.#bar = new SingleBar(
      {
        stream,
        format:
          'replay {phase} |{bar}| {percentage}% | seq {seq}/{last} | {rate} events/s | {commits} new commits | ETA {eta_formatted}',
        etaBuffer: 50,
        hideCursor: true,
      },
      Presets.shades_classic,
    );
  }

  protected onBegin(): void {
    const r = this.reading!;
    this.#bar.start(Math.max(1, r.lastSeq - r.startSeq), 0, this.#payload());
  }

  protected onUpdate(): void {
    const r = this.reading!;
    this.#bar.update(Math.max(0, r.position - r.startSeq), this.#payload());
  }

  protected onEnd(): void {
    this.onUpdate();
    this.#bar.stop();
  }

  #payload() {
    const r = this.reading!;
    return {
      phase: r.phase,
      seq: r.position,
      last: r.lastSeq,
      commits: r.commits,
      rate: Math.round(progressFigures(r).rate),
    };
  }
}

class LineProgress extends Pass {
  #lastLine = 0;

  private readonly stream: NodeJS.WriteStream;
  private readonly intervalMs: number;

  constructor(stream: NodeJS.WriteStream, intervalMs: number) {
    super();
    this.stream = stream;
    this.intervalMs = intervalMs;
  }

  protected onBegin(): void {
    this.#lastLine = performance.now();
  }

  protected onUpdate(): void {
    if (performance.now() - this.#lastLine < this.intervalMs) return;
    this.#lastLine = performance.now();
    this.stream.write(`${progressLine(this.reading!)}\n`);
  }

  protected onEnd(): void {
    this.stream.write(`${progressLine(this.reading!)}\n`);
  }
}
