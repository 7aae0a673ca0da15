import type { Redis } from 'ioredis';
import type { CommitDoc } from '../../schemas/read-models.ts';
import { counterItemsOf, type CounterOptions } from '../projections/dev-day-counters.ts';
import type { OrgDayCounts, RedisDayState } from './diff.ts';

/** The commit fields the counters depend on. */
export type CounterRow = Pick<
  CommitDoc,
  'orgId' | 'repoId' | 'sha' | 'authorGithubId' | 'timestamp'
>;

/** An org-day's expected counters, and when its keys expire. */
export interface OrgDayTruth extends OrgDayCounts {
  readonly byKey: Map<string, Set<string>>;
  readonly expireAt: number;
}

/**
 * The expected counters of the commits' org-days, keyed by seen-set key: the same keys,
 * members and expiry the count-once script writes (built with `counterItemsOf`). Pure.
 */
export function countsOfCommits(
  rows: Iterable<CounterRow>,
  opts: CounterOptions,
): Map<string, OrgDayTruth> {
  const out = new Map<string, OrgDayTruth>();
  for (const item of counterItemsOf(rows as Iterable<CommitDoc>, opts)) {
    let day = out.get(item.seenKey);
    if (!day)
      out.set(
        item.seenKey,
        (day = { seenKey: item.seenKey, byKey: new Map(), expireAt: item.expireAt }),
      );
    let members = day.byKey.get(item.key);
    if (!members) day.byKey.set(item.key, (members = new Set()));
    members.add(item.member);
  }
  return out;
}

/** Each org-day's seen set and counters, in one round trip. */
export async function readRedisDays(
  redis: Redis,
  days: readonly OrgDayCounts[],
): Promise<RedisDayState[]> {
  if (days.length === 0) return [];
  const pipe = redis.pipeline();
  for (const d of days) {
    pipe.smembers(d.seenKey);
    pipe.mget([...d.byKey.keys()]);
  }
  const res = (await pipe.exec()) ?? [];
  return days.map((d, i) => {
    const [seenErr, seen] = res[2 * i] ?? [];
    const [valErr, values] = res[2 * i + 1] ?? [];
    if (seenErr) throw seenErr;
    if (valErr) throw valErr;
    const keys = [...d.byKey.keys()];
    const vals = values as (string | null)[];
    return {
      seen: new Set(seen as string[]),
      values: new Map(keys.map((k, j) => [k, vals[j] == null ? null : Number(vals[j])])),
    };
  });
}

/**
 * Sets an org-day to what `commits` says, atomically, unless a member was counted that the
 * audit did not read (a commit stored after its read): then it changes nothing and returns
 * -1 (checked again next time). Else: removes the `bogus` members (no commit has them),
 * adds the missing ones, sets each counter to its commits' number, renews the expiry;
 * returns how many keys it changed.
 *
 * Why not only the count-once script: it can add a missing member, but it increments the
 * counter too, so a seen member lost while its counter kept it would be counted twice, and
 * it can never lower a counter. Why a SET is safe here: inside the script the seen set
 * holds only commits the audit read (checked first), and a counter is by design the number
 * of its developer's commits in the seen set; a commit counted later finds the set without
 * it and increments on top of the value set here; one stored but counted only after this
 * script finds itself seen already, and its count is in the value set here.
 */
const REPAIR_DAY = `
local seen, at = KEYS[1], ARGV[1]
local nb = tonumber(ARGV[2])
local known, bogus = {}, {}
for i = 1, nb do bogus[ARGV[2 + i]] = true end
local groups, p = {}, 3 + nb
for k = 2, #KEYS do
  local n = tonumber(ARGV[p]); p = p + 1
  local members = {}
  for i = 1, n do members[i] = ARGV[p]; known[ARGV[p]] = true; p = p + 1 end
  groups[k] = members
end
for _, m in ipairs(redis.call('SMEMBERS', seen)) do
  if not known[m] and not bogus[m] then return -1 end
end
local changed, seenChanged = 0, 0
for m in pairs(bogus) do seenChanged = seenChanged + redis.call('SREM', seen, m) end
for k = 2, #KEYS do
  for _, m in ipairs(groups[k]) do seenChanged = seenChanged + redis.call('SADD', seen, m) end
  local want = #groups[k]
  if tonumber(redis.call('GET', KEYS[k]) or '-1') ~= want then
    redis.call('SET', KEYS[k], want)
    changed = changed + 1
  end
  redis.call('EXPIREAT', KEYS[k], at)
end
redis.call('EXPIREAT', seen, at)
if seenChanged > 0 then changed = changed + 1 end
return changed
`;

const COMMAND = 'teampulseAuditRepairDay';
type WithCommand = Redis & {
  [COMMAND](numKeys: number, ...args: (string | number)[]): Promise<number>;
};

/** Runs {@link REPAIR_DAY} for one org-day; -1: a commit was counted meanwhile, left alone. */
export function repairOrgDay(
  redis: Redis,
  truth: OrgDayTruth,
  bogus: readonly string[],
): Promise<number> {
  if (!(COMMAND in redis)) redis.defineCommand(COMMAND, { lua: REPAIR_DAY });
  const keys = [truth.seenKey, ...truth.byKey.keys()];
  const args: (string | number)[] = [truth.expireAt, bogus.length, ...bogus];
  for (const members of truth.byKey.values()) args.push(members.size, ...members);
  return (redis as WithCommand)[COMMAND](keys.length, ...keys, ...args);
}
