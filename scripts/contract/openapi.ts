import type { HttpError } from '../../platform/http/http-error.ts';
import { EnvSchema } from '../../schemas/config.ts';
import type { ContractName } from './catalog.ts';
import { DASHBOARD_PATH, dashboardErrors, ingestErrors } from './error-examples.ts';
import { Dialect, jsonSchemaOf } from './to-json-schema.ts';

type Json = Record<string, unknown>;

const schemaRef = (name: ContractName): Json => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json, extra: Json = {}): Json => ({
  content: { 'application/json': { schema, ...extra } },
});

/** One response per status, its examples the real errors of that status (first of each code). */
function errorResponses(errors: HttpError[], describe: Record<number, string>): Json {
  const statuses = [...new Set(errors.map((e) => e.status))].sort((a, b) => a - b);
  return Object.fromEntries(
    statuses.map((status) => {
      const examples: Json = {};
      for (const e of errors.filter((x) => x.status === status)) {
        examples[e.code] ??= { value: { error: { code: e.code, message: e.message } } };
      }
      const codes = Object.keys(examples).map((c) => `\`${c}\``);
      const description = `${describe[status] ?? 'Error'}. Codes: ${codes.join(', ')}.`;
      return [String(status), { description, ...json(schemaRef('ErrorBody'), { examples }) }];
    }),
  );
}

/** `in: header|query` parameters from the properties of a contract object schema. */
function parametersOf(name: ContractName, where: 'header' | 'query', skip: string[] = []): Json[] {
  const schema = jsonSchemaOf(name, Dialect.openapi) as {
    properties: Record<string, Json>;
    required?: string[];
  };
  return Object.entries(schema.properties)
    .filter(([key]) => !skip.includes(key))
    .map(([key, { description, ...prop }]) => ({
      name: key,
      in: where,
      required: schema.required?.includes(key) ?? false,
      ...(description === undefined ? {} : { description }),
      schema: prop,
    }));
}

const ops = (summary: string, ok: ContractName | 'text', extra: Json = {}): Json => ({
  get: {
    summary,
    tags: ['operations'],
    responses: {
      '200':
        ok === 'text'
          ? {
              description: 'Prometheus text format',
              content: { 'text/plain': { schema: { type: 'string' } } },
            }
          : { description: 'OK', ...json(schemaRef(ok)) },
      ...extra,
    },
  },
});

/** The OpenAPI 3.1 document of the webhook and dashboard HTTP APIs. */
export async function buildOpenApi(version: string): Promise<Json> {
  const port = (name: 'INGEST_PORT' | 'GATEWAY_PORT' | 'PROJECTOR_PORT'): number =>
    EnvSchema.shape[name].parse(undefined);
  const ingest = { url: `http://localhost:${port('INGEST_PORT')}`, description: 'ingest' };
  const gateway = { url: `http://localhost:${port('GATEWAY_PORT')}`, description: 'gateway' };
  const projector = { url: `http://localhost:${port('PROJECTOR_PORT')}`, description: 'projector' };
  const dashboard = await dashboardErrors();
  const schemaNames: ContractName[] = [
    'GithubEvent',
    'GithubPushEvent',
    'IngestAccepted',
    'IngestSpooled',
    'ErrorBody',
    'Dashboard',
    'HealthBody',
    'ReadinessBody',
  ];
  return {
    openapi: '3.1.0',
    info: {
      title: 'TeamPulse HTTP APIs',
      version,
      description:
        'The GitHub webhook receiver (ingest) and the dashboard API (gateway). Every error answer is ' +
        '`{"error":{"code","message"}}`. Generated from the zod schemas in schemas/ and the errors the code ' +
        'raises, by `npm run contract:generate`; do not edit.',
    },
    servers: [ingest, gateway, projector],
    paths: {
      '/api/v1/webhooks/github': {
        servers: [ingest],
        post: {
          operationId: 'receiveGithubWebhook',
          summary: 'Append a signed GitHub delivery to the log',
          description:
            'Checks headers, size and HMAC signature of the raw body, then appends the body unchanged to ' +
            'github.<event>.<owner>.<repo> and answers after the log stored it (or, while the log is unavailable, ' +
            'after the local spool fsynced it: 202). Any event is accepted if it is ' +
            'routable; a push is described by GithubPushEvent (the fields TeamPulse reads).',
          tags: ['ingest'],
          parameters: parametersOf('WebhookRequestHeaders', 'header', ['content-type']),
          requestBody: { required: true, ...json(schemaRef('GithubEvent')) },
          responses: {
            '200': {
              description: 'In the log (or already was)',
              ...json(schemaRef('IngestAccepted')),
            },
            '202': {
              description:
                'The log was unavailable: fsynced in the local spool, appended in order once it answers',
              ...json(schemaRef('IngestSpooled')),
            },
            ...errorResponses(ingestErrors(), {
              400: 'Bad header or body',
              401: 'Signature missing, malformed or wrong',
              413: 'Body larger than INGEST_MAX_BODY_BYTES',
              415: 'Not application/json',
              500: 'Unexpected error',
              503: 'The log cannot take the delivery now and the spool is full or off; GitHub redelivers',
            }),
          },
        },
      },
      [DASHBOARD_PATH]: {
        servers: [gateway],
        get: {
          operationId: 'getDashboard',
          summary: "One org's dashboard over an inclusive range of UTC days",
          tags: ['gateway'],
          security: [{ bearer: [] }],
          parameters: [
            { name: 'orgId', in: 'path', required: true, schema: { type: 'string' } },
            ...parametersOf('DashboardQuery', 'query'),
          ],
          responses: {
            '200': { description: 'The dashboard', ...json(schemaRef('Dashboard')) },
            ...errorResponses(dashboard.errors, {
              400: 'Bad date, from after to, or more than GATEWAY_MAX_RANGE_DAYS days',
              401: `No usable token (codes: ${dashboard.authCodes.join(', ')})`,
              403: 'The token does not grant this org',
              500: 'Unexpected error',
            }),
          },
        },
      },
      '/healthz': ops('The process answers', 'HealthBody'),
      '/readyz': ops('Dependencies are usable', 'ReadinessBody', {
        '503': { description: 'Not ready: the problems', ...json(schemaRef('ReadinessBody')) },
      }),
      '/metrics': ops('Prometheus metrics', 'text'),
    },
    components: {
      schemas: Object.fromEntries(
        schemaNames.sort().map((n) => [n, jsonSchemaOf(n, Dialect.openapi)]),
      ),
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A gateway token (`teampulse token --org <org>`), HS256.',
        },
      },
    },
  };
}
