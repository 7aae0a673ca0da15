/**
 * Where a token may come from, in order: `Authorization: Bearer <token>` (any HTTP client),
 * else `?token=<token>` (browsers cannot set headers on a WebSocket). Pure: the caller copies
 * the header and query out of the uWS request synchronously.
 */
export function tokenFromRequest(
  authorization: string,
  query: URLSearchParams | undefined,
): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (match?.[1] !== undefined) return match[1];
  const fromQuery = query?.get('token');
  return fromQuery === null || fromQuery === undefined || fromQuery === '' ? undefined : fromQuery;
}
