import { createHash } from 'node:crypto';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { CommitsUpdated } from '../../schemas/updates.ts';
import { updatesSubject } from '../../schemas/subject.ts';

/**
 * Publishes COMMITS_UPDATED into the `UPDATES` stream and waits for the PubAck, so the
 * batch is acked only once its update is stored. The message id is derived from the
 * (org, repo) and the source sequences, so a batch re-run inside the dedupe window does
 * not announce the same update twice.
 */
export class UpdatePublisher {
  private readonly js: JetStreamClient;
  private readonly timeoutMs: number;

  constructor(js: JetStreamClient, timeoutMs: number) {
    this.js = js;
    this.timeoutMs = timeoutMs;
  }

  async publish(update: CommitsUpdated): Promise<void> {
    const seqs = update.payload.lineage.map((l) => l.streamSeq).join(',');
    const msgID = createHash('sha1')
      .update(`${update.orgId}\u0000${update.repoId}\u0000${seqs}`)
      .digest('hex');
    await this.js.publish(updatesSubject(update.orgId, update.repoId), JSON.stringify(update), {
      msgID,
      timeout: this.timeoutMs,
    });
  }
}
