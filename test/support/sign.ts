import { signBody } from '../../platform/github/sign.ts';

export { signBody };

export interface DeliveryOptions {
  event?: string;
  delivery?: string;
  secret?: string;
  signature?: string | null;
  contentType?: string;
  headers?: Record<string, string>;
}

/** POSTs a webhook delivery to ingest, signed unless told otherwise. */
export async function postWebhook(
  baseUrl: string,
  body: string | Uint8Array,
  opts: DeliveryOptions = {},
): Promise<{ status: number; json: unknown }> {
  const h: Record<string, string> = {
    'content-type': opts.contentType ?? 'application/json',
    'x-github-event': opts.event ?? 'push',
    'x-github-delivery': opts.delivery ?? crypto.randomUUID(),
    'user-agent': 'GitHub-Hookshot/test',
    ...opts.headers,
  };
  if (opts.signature !== null)
    h['x-hub-signature-256'] = opts.signature ?? signBody(opts.secret ?? 'test-secret', body);
  const res = await fetch(`${baseUrl}/api/v1/webhooks/github`, {
    method: 'POST',
    headers: h,
    body,
  });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON: keep the text so the test shows it */
  }
  return { status: res.status, json };
}
