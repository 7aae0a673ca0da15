import { BODY_BUCKET, Consumers, Streams, Subjects } from '../../schemas/streams.ts';

/**
 * The kinds of NATS user TeamPulse mints credentials for. `admin` is what replay,
 * backfill, dlq and the other operator commands connect as.
 */
export const NatsRoles = ['ingest', 'projector', 'gateway', 'admin', 'analyst'] as const;
export type NatsRole = (typeof NatsRoles)[number];

/** Whether `value` names a role (for `--role` and other untrusted input). */
export function isNatsRole(value: string): value is NatsRole {
  return (NatsRoles as readonly string[]).includes(value);
}

/**
 * Reply inboxes of the internal roles. Each role gets a prefix of its own, so no other
 * user (an analyst above all, who may publish nowhere near it) can answer a request or a
 * fetch of TeamPulse's with a forged reply, nor listen to its replies. Analysts keep the
 * clients' default `_INBOX`.
 */
export const INTERNAL_INBOX_ROOT = '_TP_INBOX';

/** The inbox prefix a role's connections use (nats.js `inboxPrefix`). */
export function inboxPrefixOf(role: NatsRole): string {
  return role === 'analyst' ? '_INBOX' : `${INTERNAL_INBOX_ROOT}.${role}`;
}

/** Allowed and denied subjects of one direction; a deny wins over an allow. */
export interface SubjectRules {
  readonly allow: readonly string[];
  readonly deny: readonly string[];
}

/** What a role may publish and subscribe to, as put in its user JWT. */
export interface RolePermissions {
  readonly pub: SubjectRules;
  readonly sub: SubjectRules;
}

const API = '$JS.API';
const OBJ_STREAM = `OBJ_${BODY_BUCKET}`;
const { github, updates, dlq, advisories } = Streams;
// Subject wildcards of the streams and of TeamPulse's own messages, from their one home.
const [LOG] = github.subjects;
const [UPDATES] = updates.subjects;
const [DEAD_LETTERS] = dlq.subjects;
const { alertsAll: ALERTS, teampulseAll: TEAMPULSE } = Subjects;

/**
 * Read a stream through ordered/ephemeral consumers, direct get and msg get. `bareCreate`
 * also allows `CONSUMER.CREATE.<stream>` with no name in the subject (nats.js sends it for
 * several filter subjects, nats-py for an unnamed consumer). On a stream holding TeamPulse's
 * durables it must stay off for outsiders: there the consumer's name rides in the body only,
 * and a body naming `projector` would edit that durable past every subject rule.
 */
function readStream(stream: string, bareCreate = true): string[] {
  return [
    `${API}.STREAM.INFO.${stream}`,
    ...(bareCreate ? [`${API}.CONSUMER.CREATE.${stream}`] : []),
    `${API}.CONSUMER.CREATE.${stream}.>`,
    `${API}.CONSUMER.INFO.${stream}.>`,
    `${API}.CONSUMER.MSG.NEXT.${stream}.>`,
    `${API}.DIRECT.GET.${stream}`,
    `${API}.DIRECT.GET.${stream}.>`,
    `${API}.STREAM.MSG.GET.${stream}`,
    `$JS.ACK.${stream}.>`,
    `$JS.FC.${stream}.>`,
  ];
}

/** Own a durable: create, update, read, pull from, ack and (to reset it) delete it. */
function ownDurable(stream: string, durable: string): string[] {
  return [
    `${API}.CONSUMER.*.${stream}.${durable}`,
    `${API}.CONSUMER.*.${stream}.${durable}.>`,
    `${API}.CONSUMER.DURABLE.CREATE.${stream}.${durable}`,
    `${API}.CONSUMER.MSG.NEXT.${stream}.${durable}`,
    `$JS.ACK.${stream}.${durable}.>`,
  ];
}

/** Create (if missing) and inspect the given streams. */
function ensure(...streams: string[]): string[] {
  return streams.flatMap((s) => [`${API}.STREAM.INFO.${s}`, `${API}.STREAM.CREATE.${s}`]);
}

/** Everything anyone may do to TeamPulse's own durables, denied to whoever must not. */
const TEAMPULSE_DURABLES = [
  [github.name, Consumers.projector],
  [advisories.name, Consumers.advisories],
] as const;
const touchDurables = TEAMPULSE_DURABLES.flatMap(([stream, durable]) => [
  `${API}.CONSUMER.*.${stream}.${durable}`,
  `${API}.CONSUMER.*.${stream}.${durable}.>`,
  `${API}.CONSUMER.MSG.NEXT.${stream}.${durable}`,
  `$JS.ACK.${stream}.${durable}.>`,
]);

const inbox = (role: NatsRole) => `${inboxPrefixOf(role)}.>`;

/**
 * Least privilege per role, as data: the single source of the permissions minted into
 * every user JWT (`mintUserCreds`). A role gets only the subjects of what it does today;
 * adding a call to a role means adding its subject here (a permissions test fails first).
 */
export const ROLE_PERMISSIONS = {
  ingest: {
    pub: {
      allow: [
        LOG,
        `${API}.INFO`,
        ...ensure(github.name, OBJ_STREAM),
        // Large bodies: chunks and meta, the existence check and the purge of a replaced object.
        `$O.${BODY_BUCKET}.>`,
        `${API}.DIRECT.GET.${OBJ_STREAM}.>`,
        `${API}.STREAM.MSG.GET.${OBJ_STREAM}`,
        `${API}.STREAM.PURGE.${OBJ_STREAM}`,
      ],
      deny: [],
    },
    sub: { allow: [inbox('ingest')], deny: [] },
  },
  projector: {
    pub: {
      allow: [
        `${API}.INFO`,
        ...ensure(github.name, updates.name, dlq.name, advisories.name, OBJ_STREAM),
        ...ownDurable(github.name, Consumers.projector),
        ...ownDurable(advisories.name, Consumers.advisories),
        // The advisory names a GITHUB sequence; the projector fetches that message.
        `${API}.STREAM.MSG.GET.${github.name}`,
        ...readStream(OBJ_STREAM),
        UPDATES,
        ALERTS,
        DEAD_LETTERS,
      ],
      deny: [],
    },
    sub: { allow: [inbox('projector')], deny: [] },
  },
  gateway: {
    pub: {
      allow: [
        `${API}.INFO`,
        ...ensure(updates.name),
        ...readStream(updates.name),
        // Ordered consumers delete their old consumer when they reset.
        `${API}.CONSUMER.DELETE.${updates.name}.>`,
      ],
      deny: [],
    },
    sub: { allow: [inbox('gateway')], deny: [] },
  },
  admin: {
    // Replay, backfill, dlq: stream and consumer management, re-appending and re-publishing.
    pub: {
      allow: [
        `${API}.>`,
        '$JS.ACK.>',
        '$JS.FC.>',
        LOG,
        TEAMPULSE,
        DEAD_LETTERS,
        `$O.${BODY_BUCKET}.>`,
      ],
      deny: [],
    },
    // And watch everything TeamPulse publishes, as an operator would while debugging.
    sub: {
      allow: [inbox('admin'), LOG, TEAMPULSE, DEAD_LETTERS, '$JS.EVENT.>'],
      deny: [],
    },
  },
  analyst: {
    pub: {
      allow: [
        `${API}.INFO`,
        `${API}.STREAM.NAMES`,
        `${API}.STREAM.LIST`,
        // GITHUB holds the projector's durable: consumers there only by name.
        ...readStream(github.name, false),
        ...readStream(updates.name),
        ...readStream(OBJ_STREAM),
      ],
      // Said again as denies (a deny beats any allow): the log and TeamPulse's durables
      // stay out of reach even if an allow above is ever widened by mistake.
      deny: [
        LOG,
        TEAMPULSE,
        DEAD_LETTERS,
        '$O.>',
        `${API}.STREAM.CREATE.>`,
        `${API}.STREAM.UPDATE.>`,
        `${API}.STREAM.DELETE.>`,
        `${API}.STREAM.PURGE.>`,
        `${API}.STREAM.MSG.DELETE.>`,
        `${API}.CONSUMER.DELETE.>`,
        `${API}.CONSUMER.DURABLE.CREATE.>`,
        // A consumer create naming an existing consumer edits it. The gateway's and replay's
        // ordered consumers have random names; listing them would hand those names out.
        `${API}.CONSUMER.NAMES.>`,
        `${API}.CONSUMER.LIST.>`,
        // The bare create on the stream of TeamPulse's durables (see readStream).
        `${API}.CONSUMER.CREATE.${github.name}`,
        ...touchDurables,
        `${INTERNAL_INBOX_ROOT}.>`,
      ],
    },
    sub: {
      allow: [LOG, UPDATES, ALERTS, inbox('analyst')],
      deny: [`${INTERNAL_INBOX_ROOT}.>`],
    },
  },
} as const satisfies Record<NatsRole, RolePermissions>;
