import { Dashboard } from '../schemas/dashboard.ts';
import { GatewayHttpError } from './errors.ts';

/** The fetch function the library uses (the global one by default; Node 20 has it). */
export type FetchLike = (
  url: string,
  init: { headers: Record<string, string>; signal?: AbortSignal },
) => Promise<{ status: number; ok: boolean; json(): Promise<unknown> }>;

/** What {@link fetchDashboard} asks for. */
export interface DashboardRequest {
  /** The gateway's base URL, e.g. `https://pulse.example.com` (no trailing path). */
  url: string;
  token: string;
  orgId: string;
  from: string;
  to: string;
  fetch?: FetchLike;
  signal?: AbortSignal;
}

/**
 * `GET /api/v1/orgs/:orgId/dashboard?from&to` with `Authorization: Bearer <token>`. Resolves
 * with the answer checked against the contract; rejects with {@link GatewayHttpError}
 * (status 0 when the gateway could not be reached).
 */
export async function fetchDashboard(req: DashboardRequest): Promise<Dashboard> {
  const doFetch: FetchLike = req.fetch ?? globalThis.fetch;
  const q = new URLSearchParams({ from: req.from, to: req.to });
  const url = `${trimSlash(req.url)}/api/v1/orgs/${encodeURIComponent(req.orgId)}/dashboard?${q.toString()}`;
  let res: Awaited<ReturnType<FetchLike>>;
  try {
    res = await doFetch(url, {
      headers: { authorization: `Bearer ${req.token}` },
      ...(req.signal ? { signal: req.signal } : {}),
    });
  } catch (err) {
    throw new GatewayHttpError(0, 'unreachable', `cannot reach the gateway: ${String(err)}`, {
      cause: err,
    });
  }
  const body = await res.json().catch(() => undefined);
  if (!res.ok) {
    const e = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    throw new GatewayHttpError(
      res.status,
      typeof e?.code === 'string' ? e.code : `http_${res.status}`,
      typeof e?.message === 'string' ? e.message : `the gateway answered ${res.status}`,
    );
  }
  const parsed = Dashboard.safeParse(body);
  if (!parsed.success)
    throw new GatewayHttpError(
      res.status,
      'bad_answer',
      'the dashboard answer breaks the contract',
    );
  return parsed.data;
}

/** `http://h/` → `http://h`, so paths join cleanly. */
export function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}
