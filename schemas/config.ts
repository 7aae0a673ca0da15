import { z } from 'zod';
import { DEFAULT_DUPLICATE_WINDOW_MS, GITHUB_MAX_BODY_BYTES } from './streams.ts';

const list = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0),
);
const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const nonNegInt = z.coerce.number().int().nonnegative();
/** JSON object in an env var, e.g. `{"octo/hello":"s3cret"}`. */
const jsonRecord = z.string().transform((s, ctx) => {
  try {
    return z.record(z.string(), z.string()).parse(JSON.parse(s));
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON object of strings' });
    return z.NEVER;
  }
});

/**
 * Every environment variable TeamPulse reads, with its default. Parsed once at start-up
 * (`platform/config.ts`); nothing else reads `process.env`.
 */
export const EnvSchema = z
  .object({
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    NATS_URL: z.string().default('nats://127.0.0.1:4222'),
    // NATS credentials: every connection authenticates. Paths, never the secrets themselves,
    // except NATS_PASSWORD and NATS_TOKEN for servers configured that way.
    /** A `.creds` file (user JWT + nkey seed), e.g. from `teampulse nats-creds`. */
    NATS_CREDS: z.string().optional(),
    /** A file holding an nkey seed (`SU…`), for servers configured with nkey users. */
    NATS_NKEY_SEED_FILE: z.string().optional(),
    NATS_USER: z.string().optional(),
    NATS_PASSWORD: z.string().optional(),
    NATS_TOKEN: z.string().optional(),
    /** PEM files: a CA to trust, and a client certificate with its key (mutual TLS). */
    NATS_TLS_CA: z.string().optional(),
    NATS_TLS_CERT: z.string().optional(),
    NATS_TLS_KEY: z.string().optional(),
    /** The auth dir of `teampulse nats-auth init` (keys, server fragment, creds per role). */
    NATS_AUTH_DIR: z.string().default('.data/stack/nats-auth'),
    MONGO_URL: z.string().default('mongodb://127.0.0.1:27017/'),
    MONGO_DB: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,60}$/)
      .default('teampulse'),
    REDIS_URL: z.string().default('redis://127.0.0.1:6379'),

    // The log.
    STREAM_MAX_AGE_SECONDS: nonNegInt.default(0),
    STREAM_MAX_BYTES: z.coerce.number().int().min(-1).default(-1),
    STREAM_DUPLICATE_WINDOW_SECONDS: positiveInt.default(DEFAULT_DUPLICATE_WINDOW_MS / 1000),
    STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
    UPDATES_MAX_AGE_SECONDS: positiveInt.default(24 * 3600),
    UPDATES_MAX_MSGS: z.coerce.number().int().min(-1).default(100_000),

    // Ingest.
    INGEST_HOST: z.string().default('127.0.0.1'),
    INGEST_PORT: port.default(3000),
    GITHUB_WEBHOOK_SECRET: list.optional(),
    /** Per-repository secrets, `{"owner/repo": "secret"}`; they replace the global ones for that repo. */
    GITHUB_REPO_SECRETS: jsonRecord.optional(),
    /** File of per-repository secrets (same JSON shape), written by `teampulse secrets set`. */
    GITHUB_REPO_SECRETS_FILE: z.string().optional(),
    INGEST_MAX_BODY_BYTES: positiveInt.max(GITHUB_MAX_BODY_BYTES).default(GITHUB_MAX_BODY_BYTES),
    INGEST_APPEND_TIMEOUT_MS: positiveInt.default(5000),
    INGEST_MAX_INFLIGHT: positiveInt.default(512),
    /**
     * This process's own spool directory (locked to one process). Default
     * `.data/spool/ingest-<INGEST_PORT>`; with INGEST_PORT=0, a temporary directory.
     */
    INGEST_SPOOL_DIR: z.string().optional(),
    /** Cap on spooled bytes not yet forwarded; beyond it ingest answers 503. 0 turns the spool off. */
    INGEST_SPOOL_MAX_BYTES: nonNegInt.default(1024 * 1024 * 1024),

    // Projector.
    PROJECTOR_HOST: z.string().default('127.0.0.1'),
    PROJECTOR_PORT: port.default(3002),
    /** How long MongoDB/Redis may be down before the projector pauses (stops fetching, not ready). */
    PROJECTOR_TRANSIENT_BUDGET_MS: positiveInt.default(10_000),
    PROJECTOR_BATCH_SIZE: positiveInt.max(5000).default(1000),
    PROJECTOR_BATCH_WAIT_MS: positiveInt.default(50),
    PROJECTOR_MAX_DELIVER: positiveInt.default(3),
    PROJECTOR_BACKOFF_MS: z
      .string()
      .default('1000,5000')
      .transform((s) => s.split(',').map(Number))
      .pipe(z.array(z.number().int().positive())),
    /**
     * How long the log waits for a delivered message's ack before giving it to another
     * projector: what a SIGKILLed projector held is redelivered within this. A live one
     * keeps what it holds with `working()` every quarter of it, so slow batches stay put.
     */
    PROJECTOR_ACK_WAIT_MS: positiveInt.min(1000).default(4000),
    /** Continuous audit: ms between runs (0 turns it off) and org-days recomputed per run. */
    PROJECTOR_AUDIT_INTERVAL_MS: nonNegInt.default(60_000),
    PROJECTOR_AUDIT_ORG_DAYS_PER_RUN: nonNegInt.max(1000).default(20),
    /** `org:<id>` owner → org mappings, `{"octocat":"acme"}`. */
    ORG_MAPPINGS: jsonRecord.optional(),
    REDIS_KEY_TTL_DAYS: positiveInt.default(400),

    // Gateway.
    GATEWAY_HOST: z.string().default('127.0.0.1'),
    GATEWAY_PORT: port.default(3001),
    /** HS256 secrets, comma-separated; the first signs, all verify (rotation). */
    GATEWAY_JWT_SECRETS: list.optional(),
    GATEWAY_JWT_AUDIENCE: z.string().default('teampulse-dashboard'),
    GATEWAY_JWT_ISSUER: z.string().default('teampulse'),
    GATEWAY_MAX_BACKPRESSURE_BYTES: positiveInt.default(1024 * 1024),
    GATEWAY_IDLE_TIMEOUT_S: positiveInt.default(60),
    GATEWAY_MAX_RANGE_DAYS: positiveInt.default(366),
    /**
     * Decoded day rollups the dashboard keeps between requests, in MiB of their JSON (0: none);
     * the live feed drops a day when an update names it.
     */
    GATEWAY_DAY_CACHE_MB: z.coerce.number().int().nonnegative().default(64),
    /** A kept day older than this is read again (writers that publish no update: audit repairs). */
    GATEWAY_DAY_CACHE_TTL_S: positiveInt.default(60),
    /** A resume that would replay more frames than this gets `resync` instead (refetch is cheaper). */
    GATEWAY_MAX_RESUME_FRAMES: positiveInt.default(10_000),
    /** Resumes read from the stream at most this many at a time per process (the rest wait their turn). */
    GATEWAY_MAX_CONCURRENT_RESUMES: positiveInt.default(32),
    /** Largest client → server WebSocket message; clients only send small control messages. */
    GATEWAY_MAX_CLIENT_MESSAGE_BYTES: positiveInt.default(4096),
    /**
     * Origins (`https://app.example.com`, comma-separated) whose pages may call the dashboard
     * API and open `/ws`; none by default (same origin only).
     */
    GATEWAY_CORS_ORIGINS: list
      .pipe(
        z.array(
          z
            .string()
            .regex(/^https?:\/\/[^/\s]+$/, 'an origin is scheme://host[:port], with no path'),
        ),
      )
      .optional(),
  })
  .superRefine((env, ctx) => {
    const pairs = [
      ['NATS_USER', 'NATS_PASSWORD'],
      ['NATS_PASSWORD', 'NATS_USER'],
      ['NATS_TLS_CERT', 'NATS_TLS_KEY'],
      ['NATS_TLS_KEY', 'NATS_TLS_CERT'],
    ] as const;
    for (const [given, needed] of pairs) {
      if (env[given] !== undefined && env[needed] === undefined)
        ctx.addIssue({ code: 'custom', path: [needed], message: `required with ${given}` });
    }
  });
export type Env = z.infer<typeof EnvSchema>;
