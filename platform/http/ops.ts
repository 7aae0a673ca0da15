import type { TemplatedApp } from 'uWebSockets.js';
import type { Registry } from 'prom-client';
import type { HealthBody, ReadinessBody } from '../../schemas/http.ts';
import { Reply } from './reply.ts';

export interface OpsOptions {
  registry: Registry;
  /** Resolves to a list of problems; empty means ready. */
  readiness: () => Promise<string[]>;
}

/** Mounts `/healthz` (the process answers), `/readyz` (dependencies usable) and `/metrics`. */
export function mountOps(app: TemplatedApp, opts: OpsOptions): void {
  app.get('/healthz', (res) => {
    new Reply(res).json(200, { status: 'ok' } satisfies HealthBody);
  });
  app.get('/readyz', (res) => {
    const reply = new Reply(res);
    opts.readiness().then(
      (problems) =>
        reply.json(problems.length === 0 ? 200 : 503, {
          ready: problems.length === 0,
          problems,
        } satisfies ReadinessBody),
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
