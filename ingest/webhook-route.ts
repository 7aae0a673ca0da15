import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import type { Logger } from '../platform/logger.ts';
import type { IngestAccepted, IngestSpooled } from '../schemas/http.ts';
import { LogEntryRejectedError } from '../platform/log/errors.ts';
import { readBody } from '../platform/http/body.ts';
import { Reply } from '../platform/http/reply.ts';
import { HttpError } from '../platform/http/http-error.ts';
import { checkRequest } from './check-request.ts';
import { IngestErrors } from './errors.ts';
import type { IngestMetrics } from './metrics.ts';
import { readRequestMeta } from './request-meta.ts';
import type { SecretResolver } from './secrets.ts';
import type { SpoolingAppender } from './spool/spooling-appender.ts';
import { verifyDelivery } from './verify-delivery.ts';

export interface WebhookRouteDeps {
  appender: SpoolingAppender;
  secrets: SecretResolver;
  logger: Logger;
  metrics: IngestMetrics;
  maxBodyBytes: number;
  maxInflight: number;
}

/**
 * `POST /api/v1/webhooks/github`: check → read → verify → append → answer, replying only
 * after the PubAck (200) or, the log unavailable, after the spool's fsync (202): a 2xx
 * means the delivery is on disk, in the log or in the spool.
 */
export function webhookRoute(deps: WebhookRouteDeps) {
  let inflight = 0;
  return (res: HttpResponse, req: HttpRequest): void => {
    const reply = new Reply(res);
    const meta = readRequestMeta(req);
    const log = deps.logger.child({
      delivery: meta.delivery || undefined,
      event: meta.event || undefined,
    });
    const finish = (status: number) => {
      deps.metrics.requests.inc({ status: String(status), event: meta.event || 'none' });
    };
    try {
      checkRequest(meta, deps.maxBodyBytes);
      if (inflight >= deps.maxInflight) throw IngestErrors.busy();
    } catch (err) {
      // The body is not read: close so the connection isn't left with unread bytes.
      finish(reply.error(err, true));
      log.info({ status: (err as HttpError).status }, 'rejected before body');
      return;
    }
    inflight++;
    const receivedAt = new Date();
    // Rejects when the client goes away mid-body, so the in-flight slot is given back.
    readBody(res, deps.maxBodyBytes, meta.contentLength, (f) => reply.whenAborted(f))
      .then((body) => verifyDelivery(meta, body, deps.secrets, receivedAt))
      .then(async (entry) => {
        const started = performance.now();
        let result;
        try {
          result = await deps.appender.append(entry);
        } catch (err) {
          if (err instanceof LogEntryRejectedError)
            throw IngestErrors.invalidDelivery(err.message, err);
          throw IngestErrors.unavailable(err);
        }
        if (result.spooled) {
          const spooled: IngestSpooled = { status: 'spooled', delivery: entry.deliveryId };
          reply.json(202, spooled);
          finish(202);
          log.debug('spooled');
          return;
        }
        deps.metrics.appendSeconds.observe((performance.now() - started) / 1000);
        deps.metrics.bytes.inc(entry.body.byteLength);
        if (result.duplicate) deps.metrics.duplicates.inc();
        if (result.external) deps.metrics.external.inc();
        const accepted: IngestAccepted = {
          status: result.duplicate ? 'duplicate' : 'accepted',
          seq: result.seq,
          subject: result.subject,
        };
        reply.json(200, accepted);
        finish(200);
        log.debug({ seq: result.seq, duplicate: result.duplicate }, 'appended');
      })
      .catch((err: unknown) => {
        const status = reply.error(err, err instanceof HttpError && err.status === 413);
        finish(status);
        if (status >= 500)
          log.error({ err: (err as Error).cause ?? err, status }, 'delivery not appended');
        else log.info({ status, code: (err as HttpError).code }, 'delivery rejected');
      })
      .finally(() => {
        inflight--;
      });
  };
}
