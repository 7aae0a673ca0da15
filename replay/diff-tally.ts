/** Differences of one read model between the current target and a rebuilt one. */
export interface ModelDiff {
  /** In the rebuilt target only. */
  added: number;
  /** In the current target only. */
  removed: number;
  /** In both, with different contents. */
  changed: number;
  /** The first few, for a human to look at. */
  examples: DiffExample[];
}

export type DiffExample =
  | { kind: 'added'; key: string; rebuilt: unknown }
  | { kind: 'removed'; key: string; current: unknown }
  | {
      kind: 'changed';
      key: string;
      fields: { field: string; current: unknown; rebuilt: unknown }[];
    };

/** The differences of every read model (what `--dry-run` reports). */
export interface Differences {
  commits: ModelDiff;
  snapshots: ModelDiff;
  counters: ModelDiff;
  /** added + removed + changed over all models. */
  total: number;
}

export const MAX_EXAMPLES = 3;

/** An empty {@link ModelDiff}. */
export function emptyDiff(): ModelDiff {
  return { added: 0, removed: 0, changed: 0, examples: [] };
}

/** Counts one difference, keeping it as an example while there are fewer than {@link MAX_EXAMPLES}. */
export function tally(diff: ModelDiff, example: DiffExample): void {
  diff[example.kind]++;
  if (diff.examples.length < MAX_EXAMPLES) diff.examples.push(example);
}

/** Canonical JSON of a read-model value: dates as ISO strings, object keys sorted. Pure. */
export function canonical(value: unknown): string {
  return JSON.stringify(normalize(value));
}

function normalize(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      if (key === '_id') continue; // server-assigned, never part of a read model
      out[key] = normalize((value as Record<string, unknown>)[key]);
    }
    return out;
  }
  return value;
}

/** The top-level fields in which two documents differ (`_id` ignored). Pure. */
export function fieldDifferences(
  current: Record<string, unknown>,
  rebuilt: Record<string, unknown>,
): { field: string; current: unknown; rebuilt: unknown }[] {
  const fields = new Set([...Object.keys(current), ...Object.keys(rebuilt)]);
  fields.delete('_id');
  const out: { field: string; current: unknown; rebuilt: unknown }[] = [];
  for (const field of [...fields].sort()) {
    if (canonical(current[field]) !== canonical(rebuilt[field])) {
      out.push({ field, current: current[field], rebuilt: rebuilt[field] });
    }
  }
  return out;
}

/**
 * Merge-compares two streams sorted by the same key (ascending, by `compareKeys`),
 * holding one item of each at a time: memory independent of the models' size.
 */
export async function diffSorted<T extends Record<string, unknown>>(
  current: AsyncIterable<T>,
  rebuilt: AsyncIterable<T>,
  keyOf: (doc: T) => string,
  compareKeys: (a: string, b: string) => number,
  diff: ModelDiff = emptyDiff(),
): Promise<ModelDiff> {
  const a = current[Symbol.asyncIterator]();
  const b = rebuilt[Symbol.asyncIterator]();
  let x = await a.next();
  let y = await b.next();
  while (!x.done || !y.done) {
    const order = x.done ? 1 : y.done ? -1 : compareKeys(keyOf(x.value), keyOf(y.value));
    if (order < 0 && !x.done) {
      tally(diff, { kind: 'removed', key: keyOf(x.value), current: x.value });
      x = await a.next();
    } else if (order > 0 && !y.done) {
      tally(diff, { kind: 'added', key: keyOf(y.value), rebuilt: y.value });
      y = await b.next();
    } else if (!x.done && !y.done) {
      const fields = fieldDifferences(x.value, y.value);
      if (fields.length > 0) tally(diff, { kind: 'changed', key: keyOf(x.value), fields });
      x = await a.next();
      y = await b.next();
    }
  }
  return diff;
}

/** Byte order of UTF-8 strings: how MongoDB sorts strings without a collation. */
export function utf8Order(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
