/** Reads the projector's `teampulse_projector_stage_seconds` histograms from its /metrics text. */

/** Per stage: cumulative bucket counts by upper bound, count and sum (seconds). */
export type StageHistograms = Record<
  string,
  { buckets: Map<number, number>; count: number; sum: number }
>;

const LINE =
  /^teampulse_projector_stage_seconds_(bucket|count|sum)\{([^}]*)\} ([0-9.e+-]+|\+Inf|NaN)$/;

/** Parses the stage histograms out of Prometheus text. */
export function stageHistograms(text: string): StageHistograms {
  const out: StageHistograms = {};
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries(
      [...m[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1]!, l[2]!]),
    );
    const stage = labels.stage;
    if (stage === undefined) continue;
    const h = (out[stage] ??= { buckets: new Map(), count: 0, sum: 0 });
    const v = Number(m[3]);
    if (m[1] === 'bucket') h.buckets.set(labels.le === '+Inf' ? Infinity : Number(labels.le), v);
    else if (m[1] === 'count') h.count = v;
    else h.sum = v;
  }
  return out;
}

/** What happened between two scrapes, per stage: count, mean and the p99's bucket bound (seconds). */
export function stageDelta(
  before: StageHistograms,
  after: StageHistograms,
): Record<string, { count: number; mean: number; p99: number }> {
  const out: Record<string, { count: number; mean: number; p99: number }> = {};
  for (const [stage, a] of Object.entries(after)) {
    const b = before[stage];
    const count = a.count - (b?.count ?? 0);
    if (count <= 0) continue;
    const sum = a.sum - (b?.sum ?? 0);
    let p99 = Infinity;
    for (const [le, n] of [...a.buckets].sort((x, y) => x[0] - y[0])) {
      if (n - (b?.buckets.get(le) ?? 0) >= count * 0.99) {
        p99 = le;
        break;
      }
    }
    out[stage] = { count, mean: sum / count, p99 };
  }
  return out;
}
