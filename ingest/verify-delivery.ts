import { RoutableEvent } from '../schemas/push-event.ts';
import type { LogEntry } from '../platform/log/append.ts';
import { IngestErrors } from './errors.ts';
import type { RequestMeta } from './request-meta.ts';
import type { SecretResolver } from './secrets.ts';
import { verifySignature } from './verify.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Verifies a delivery's raw body, then parses it and routes it, each a separate step:
 * decode (fatal UTF-8) → verify → parse → route. Returns what to append.
 */
export async function verifyDelivery(
  meta: RequestMeta,
  body: Buffer,
  secrets: SecretResolver,
  receivedAt: Date,
): Promise<LogEntry> {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw IngestErrors.notUtf8();
  }
  const globalOk = await verifySignature(text, meta.signature, secrets.global);
  if (!globalOk && !secrets.hasRepoSecrets) throw IngestErrors.badSignature();

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    // Unsigned garbage must not learn more than "bad signature".
    if (!globalOk) throw IngestErrors.badSignature();
    throw IngestErrors.malformedJson((err as Error).message);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    if (!globalOk) throw IngestErrors.badSignature();
    throw IngestErrors.notAnObject();
  }
  const routed = RoutableEvent.safeParse(json);
  if (!routed.success) {
    if (!globalOk) throw IngestErrors.badSignature();
    throw IngestErrors.unroutable(
      routed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    );
  }
  const repo = routed.data.repository;
  const owner = repo?.owner?.login ?? repo?.owner?.name ?? routed.data.organization?.login;
  const fullName = repo ? (repo.full_name ?? `${owner ?? ''}/${repo.name}`) : undefined;

  // A repository's own secrets replace the global ones for it.
  const own = fullName ? secrets.forRepo(fullName) : undefined;
  const ok = own ? await verifySignature(text, meta.signature, own) : globalOk;
  if (!ok) throw IngestErrors.badSignature();

  return {
    event: meta.event,
    deliveryId: meta.delivery,
    body,
    owner,
    repo: repo?.name,
    receivedAt,
    githubHeaders: meta.githubHeaders,
  };
}
