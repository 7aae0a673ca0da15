/** Names of the streams, subjects, consumers and headers that other programs rely on. */

export const Streams = {
  github: { name: 'GITHUB', subjects: ['github.>'] },
  updates: { name: 'UPDATES', subjects: ['teampulse.updates.>'] },
  dlq: { name: 'DLQ', subjects: ['dlq.>'] },
  advisories: {
    name: 'ADVISORIES',
    subjects: ['$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.GITHUB.>'],
  },
} as const;

/** Object-store bucket for bodies above the server's max_payload. */
export const BODY_BUCKET = 'github-bodies';

export const Subjects = {
  alertsDlq: 'teampulse.alerts.dlq',
  alertsPrefix: 'teampulse.alerts',
  /** Every alert (what analysts subscribe to). */
  alertsAll: 'teampulse.alerts.>',
  /** Everything TeamPulse itself publishes outside the log (updates, alerts, control). */
  teampulseAll: 'teampulse.>',
} as const;

/** Durable consumer names. */
export const Consumers = {
  projector: 'projector',
  advisories: 'projector-advisories',
} as const;

/** Headers on log messages, besides the GitHub ones (kept under their own names). */
export const LogHeaders = {
  msgId: 'Nats-Msg-Id',
  receivedAt: 'TeamPulse-Received-At',
  /** Set when the body lives in the object store; the value is the object's name. */
  bodyRef: 'TeamPulse-Body-Ref',
  bodySize: 'TeamPulse-Body-Size',
  ceSpecVersion: 'ce-specversion',
  ceId: 'ce-id',
  ceType: 'ce-type',
  ceSource: 'ce-source',
  ceTime: 'ce-time',
  ceDataContentType: 'ce-datacontenttype',
} as const;

/** GitHub request headers copied onto the log message (lower-case request name → stored name). */
export const GithubHeaders = {
  'x-github-event': 'X-GitHub-Event',
  'x-github-delivery': 'X-GitHub-Delivery',
  'x-hub-signature-256': 'X-Hub-Signature-256',
  'x-github-hook-id': 'X-GitHub-Hook-ID',
  'x-github-hook-installation-target-id': 'X-GitHub-Hook-Installation-Target-ID',
  'x-github-hook-installation-target-type': 'X-GitHub-Hook-Installation-Target-Type',
  'user-agent': 'User-Agent',
} as const;

/** Headers of a dead letter. */
export const DlqHeaders = {
  originalSubject: 'TeamPulse-Original-Subject',
  streamSeq: 'TeamPulse-Stream-Seq',
  deliveryId: 'TeamPulse-Delivery-Id',
  error: 'TeamPulse-Error',
  errorCode: 'TeamPulse-Error-Code',
  attempts: 'TeamPulse-Attempts',
  failedAt: 'TeamPulse-Failed-At',
} as const;

export const GITHUB_MAX_BODY_BYTES = 25 * 1024 * 1024;
export const DEFAULT_DUPLICATE_WINDOW_MS = 72 * 60 * 60 * 1000;
