import { HttpError } from '../../platform/http/http-error.ts';

/** Parses `?since=<seq>`: absent means live only; otherwise a non-negative integer. */
export function sinceParam(query: URLSearchParams): number | undefined {
  const raw = query.get('since');
  if (raw === null || raw === '') return undefined;
  if (!/^\d{1,16}$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw new HttpError(
      400,
      'bad_since',
      'since must be the non-negative integer seq of the last frame received',
    );
  }
  return Number(raw);
}
