import {
  AuthFailure,
  DASHBOARD_ROUTE,
  ForbiddenOrgError,
  parseDayRange,
  verifyToken,
  type TokenKeys,
} from '../../gateway/mod.ts';
import { checkRequest, IngestErrors } from '../../ingest/mod.ts';
import { HttpError, toHttpError } from '../../platform/http/http-error.ts';
import { LogEntryRejectedError } from '../../platform/log/errors.ts';
import { EnvSchema } from '../../schemas/config.ts';

/** The path of the dashboard API in OpenAPI's `{param}` form. */
export const DASHBOARD_PATH = DASHBOARD_ROUTE.replace(/:(\w+)/g, '{$1}');

/**
 * The errors ingest answers, made by the code that answers them, so the documented codes
 * and messages cannot drift from the real ones.
 */
export function ingestErrors(): HttpError[] {
  const max = EnvSchema.shape.INGEST_MAX_BODY_BYTES.parse(undefined);
  return [
    IngestErrors.unsupportedMediaType('application/x-www-form-urlencoded'),
    IngestErrors.badHeader('X-GitHub-Event must be a GitHub event name'),
    IngestErrors.missingSignature(),
    IngestErrors.malformedSignature(),
    IngestErrors.badSignature(),
    IngestErrors.notUtf8(),
    IngestErrors.malformedJson('Unexpected end of JSON input'),
    IngestErrors.notAnObject(),
    IngestErrors.unroutable('repository.name: Too small: expected string to have >=1 characters'),
    thrown(() =>
      checkRequest(
        {
          contentType: 'application/json',
          contentLength: max + 1,
          event: 'push',
          delivery: 'd1',
          signature: `sha256=${'0'.repeat(64)}`,
          githubHeaders: {},
        },
        max,
      ),
    ),
    IngestErrors.invalidDelivery(
      new LogEntryRejectedError('repo', 'is not well-formed Unicode').message,
      undefined,
    ),
    IngestErrors.unavailable(new Error('no responders')),
    IngestErrors.busy(),
    toHttpError(new Error('bug')),
  ];
}

/** The errors of the dashboard API, made by the gateway's own checks. */
export async function dashboardErrors(): Promise<{ errors: HttpError[]; authCodes: string[] }> {
  const maxDays = EnvSchema.shape.GATEWAY_MAX_RANGE_DAYS.parse(undefined);
  const missingToken = await verifyToken({ keys: [] } as unknown as TokenKeys, undefined).then(
    () => {
      throw new Error('verifyToken accepted no token');
    },
    (err: unknown) => err as HttpError,
  );
  return {
    errors: [
      missingToken,
      new ForbiddenOrgError('acme'),
      thrown(() => parseDayRange('2025-02-30', '2025-03-01', maxDays)),
      thrown(() => parseDayRange('2025-03-02', '2025-03-01', maxDays)),
      thrown(() => parseDayRange('2020-01-01', '2025-03-01', maxDays)),
      toHttpError(new Error('bug')),
    ],
    authCodes: Object.values(AuthFailure),
  };
}

function thrown(run: () => unknown): HttpError {
  try {
    run();
  } catch (err) {
    if (err instanceof HttpError) return err;
    throw err;
  }
  throw new Error('expected an HttpError');
}
