import type { TemplatedApp } from 'uWebSockets.js';
import type { Registry } from 'prom-client';
import type { HealthBody, ReadinessBody } from '../../schemas/http.ts';
import { Reply } from './reply.ts';

export interface OpsOptions {
  registry: Registry;
  /**
   * Resolves to a list of problems (empty means ready), or to problems plus notes: things
   * worth knowing that do not make the role unready (e.g. ingest spooling).
   */
  readiness: () => Promise<string[] | { problems: string[]; notes: string[] }>;
}

/** Mounts `/healthz` (the process answers), `/readyz` (dependencies usable) and `/metrics`. */
export function mountOps(app: TemplatedApp, opts: OpsOptions): void {
  app.get('/healthz', (res) => {
    new Reply(res).json(200, { status: 'ok' } satisfies HealthBody);
  });
  app.get('/readyz', (res) => {
    const reply = new Reply(res);
    opts.readiness().then(
      (found) => {
        const { problems, notes } = Array.isArray(found) ? { problems: found, notes: [] } : found;
        reply.json(problems.length === 0 ? 200 : 503, {
          ready: problems.length === 0,
          problems,
          ...(notes.length > 0 ? { notes } : {}),
        } satisfies ReadinessBody);
      },
      (err: unknown) =>
        reply.json(503, { ready: false, problems: [String(err)] } satisfies ReadinessBody),
    );
  });
  app.get('/metrics', (res) => {
    const reply = new Reply(res);
    opts.registry.metrics().then(
      (text) => reply.send(200, text, { 'content-type': opts.registry.contentType }),
      (err: unknown) => reply.error(err),
    );
  });
}
