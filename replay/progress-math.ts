/** One progress reading of a pass. */
export interface ProgressReading {
  /** What is running: `rebuild`, `catch-up`, … */
  readonly phase: string;
  /** First sequence of the pass minus one. */
  readonly startSeq: number;
  readonly position: number;
  /** Last sequence the pass reads to. */
  readonly lastSeq: number;
  readonly events: number;
  readonly commits: number;
  readonly elapsedMs: number;
}

/** Events per second, ETA and share done of a reading. Pure. */
export function progressFigures(r: ProgressReading): {
  rate: number;
  etaS: number | undefined;
  ratio: number;
} {
  const span = Math.max(0, r.lastSeq - r.startSeq);
  const done = Math.min(span, Math.max(0, r.position - r.startSeq));
  const ratio = span === 0 ? 1 : done / span;
  const rate = r.elapsedMs > 0 ? (r.events * 1000) / r.elapsedMs : 0;
  // Sequences left, at the rate sequences went by so far (filtered-out ones included).
  const seqRate = r.elapsedMs > 0 ? (done * 1000) / r.elapsedMs : 0;
  const etaS = seqRate > 0 ? (span - done) / seqRate : undefined;
  return { rate, etaS, ratio };
}

/** The plain-text line logged when stderr is not a TTY. Pure. */
export function progressLine(r: ProgressReading): string {
  const { rate, etaS, ratio } = progressFigures(r);
  const eta = etaS === undefined ? '?' : `${Math.ceil(etaS)}s`;
  return (
    `replay ${r.phase}: seq ${r.position}/${r.lastSeq} (${(ratio * 100).toFixed(1)}%), ` +
    `${r.events} events, ${r.commits} new commits, ${Math.round(rate)} events/s, ETA ${eta}`
  );
}
