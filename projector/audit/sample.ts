/** One org's UTC day (`YYYY-MM-DD`). */
export interface AuditOrgDay {
  readonly orgId: string;
  readonly day: string;
}

export interface SampleInput {
  /** Every org-day with commits in the retention window, in any order. */
  readonly pool: readonly AuditOrgDay[];
  /** Days on or after this one (`YYYY-MM-DD`) are "recent": walked round-robin. */
  readonly recentFrom: string;
  /** How many to pick. */
  readonly n: number;
  /** Where the round-robin over the recent ones goes on (any integer; taken modulo). */
  readonly cursor: number;
  /** A number in [0, 1), e.g. `Math.random`. */
  readonly random: () => number;
}

export interface Sample {
  readonly picked: AuditOrgDay[];
  /** The cursor for the next run. */
  readonly cursor: number;
  /** True when this run reached the end of the recent ones (a full cycle). */
  readonly wrapped: boolean;
}

/**
 * The org-days one audit run recomputes: half (rounded up) the next ones, round-robin, of
 * the recent org-days, where drift is most likely and matters most, and the rest a random
 * slice of the older ones, so every day of the window is checked now and then at a bounded
 * cost. When one side has too few, the other fills in. Distinct, sorted by (org, day). Pure.
 */
export function sampleOrgDays(input: SampleInput): Sample {
  const sorted = [...new Map(input.pool.map((d) => [`${d.orgId}\u0000${d.day}`, d])).values()];
  sorted.sort((a, b) => cmp(a.orgId, b.orgId) || cmp(a.day, b.day));
  const recent = sorted.filter((d) => d.day >= input.recentFrom);
  const older = sorted.filter((d) => d.day < input.recentFrom);
  const n = Math.max(0, Math.min(input.n, sorted.length));
  const nOlder = Math.min(older.length, n - Math.min(recent.length, Math.ceil(n / 2)));
  const nRecent = Math.min(recent.length, n - nOlder);

  const picked: AuditOrgDay[] = [];
  const start = recent.length ? mod(input.cursor, recent.length) : 0;
  for (let i = 0; i < nRecent; i++) picked.push(recent[(start + i) % recent.length]!);
  // A partial Fisher–Yates: the first nOlder of a random permutation, without bias.
  const rest = [...older];
  for (let i = 0; i < nOlder; i++) {
    const j = i + Math.floor(input.random() * (rest.length - i));
    [rest[i], rest[j]] = [rest[j]!, rest[i]!];
    picked.push(rest[i]!);
  }
  picked.sort((a, b) => cmp(a.orgId, b.orgId) || cmp(a.day, b.day));
  const next = start + nRecent;
  return {
    picked,
    cursor: recent.length ? next % recent.length : 0,
    wrapped: recent.length === 0 || next >= recent.length,
  };
}

/** The picked days grouped by org, each org's days sorted. Pure. */
export function daysByOrg(picked: readonly AuditOrgDay[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const { orgId, day } of picked) {
    let days = out.get(orgId);
    if (!days) out.set(orgId, (days = []));
    if (!days.includes(day)) days.push(day);
  }
  for (const days of out.values()) days.sort();
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}
