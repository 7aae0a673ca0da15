/**
 * The credential kinds besides a creds file (nkey seed, user and password, token) and the
 * TLS settings, each against a real nats-server configured that way. TeamPulse's own
 * servers use operator/JWT creds (platform/nats-auth); these are for servers run otherwise.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createUser } from '@nats-io/nkeys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { startNats, type NatsServer } from './local-stack/mod.ts';
import { connectNats, NatsConnectError, type NatsConnection } from './nats.ts';

const execFileAsync = promisify(execFile);

let dir: string;
let plain: NatsServer;
let tls: NatsServer;
let nkeySeedFile: string;
const TOKEN = 'tp-test-token-4f1c';
const certs = (name: string) => join(dir, `${name}.pem`);

/** A CA, a server certificate for 127.0.0.1 and a client certificate, both signed by it. */
async function makeCerts(): Promise<void> {
  const openssl = (...args: string[]) => execFileAsync('openssl', args, { cwd: dir });
  await openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=tp-test-ca',
    '-keyout',
    'ca-key.pem',
    '-out',
    'ca.pem',
  );
  await writeFile(join(dir, 'san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  for (const who of ['server', 'client']) {
    await openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/CN=tp-test-${who}`,
      '-keyout',
      `${who}-key.pem`,
      '-out',
      `${who}.csr`,
    );
    await openssl(
      'x509',
      '-req',
      '-in',
      `${who}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca-key.pem',
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      'san.ext',
      '-out',
      `${who}.pem`,
    );
  }
}

const cfg = (server: NatsServer, values: Record<string, string>) =>
  loadConfig({}, { NATS_URL: urlOf(server), LOG_LEVEL: 'silent', ...values });
/**
 * The TLS server by the name its certificate holds, as a deployment would give it: nats.js
 * checks the certificate against the URL's host name, and against "localhost" for an IP.
 */
const urlOf = (server: NatsServer) =>
  server === tls ? `nats://localhost:${server.port}` : server.url;

async function roundTrip(nc: NatsConnection): Promise<void> {
  const sub = nc.subscribe('probe.echo', { max: 1 });
  nc.publish('probe.echo', 'hi');
  for await (const m of sub) expect(m.string()).toBe('hi');
  await nc.close();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tp-nats-credentials-'));
  const user = createUser();
  nkeySeedFile = join(dir, 'user.nk');
  await writeFile(nkeySeedFile, `${new TextDecoder().decode(user.getSeed())}\n`);
  await writeFile(
    join(dir, 'plain.conf'),
    'authorization {\n  users = [\n' +
      '    { user: "ingest", password: "s3cret" }\n' +
      `    { nkey: "${user.getPublicKey()}" }\n  ]\n}\n`,
  );
  await makeCerts();
  await writeFile(
    join(dir, 'tls.conf'),
    `authorization { token: "${TOKEN}" }\n` +
      `tls {\n  cert_file: "${certs('server')}"\n  key_file: "${certs('server-key')}"\n` +
      `  ca_file: "${certs('ca')}"\n  verify: true\n}\n`,
  );
  plain = await startNats({ dataDir: join(dir, 'plain'), configFile: join(dir, 'plain.conf') });
  tls = await startNats({ dataDir: join(dir, 'tls'), configFile: join(dir, 'tls.conf') });
}, 60_000);

afterAll(async () => {
  await plain?.stop();
  await tls?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const as = { name: 'test', role: 'analyst' } as const;

describe('nats credentials - other kinds than a creds file', () => {
  it('nats credentials - NATS_USER and NATS_PASSWORD connect; a wrong password is one line naming NATS_USER', async () => {
    await roundTrip(
      await connectNats(cfg(plain, { NATS_USER: 'ingest', NATS_PASSWORD: 's3cret' }), as),
    );
    await expect(
      connectNats(cfg(plain, { NATS_USER: 'ingest', NATS_PASSWORD: 'wrong' }), as),
    ).rejects.toThrow(
      new NatsConnectError(
        `NATS at ${plain.url} refused the credentials from NATS_USER ingest: Authorization Violation`,
      ),
    );
  });

  it('nats credentials - NATS_NKEY_SEED_FILE connects (the file may end in a newline); another seed is refused', async () => {
    await roundTrip(await connectNats(cfg(plain, { NATS_NKEY_SEED_FILE: nkeySeedFile }), as));
    const stranger = join(dir, 'stranger.nk');
    await writeFile(stranger, createUser().getSeed());
    await expect(connectNats(cfg(plain, { NATS_NKEY_SEED_FILE: stranger }), as)).rejects.toThrow(
      /^NATS at .* refused the credentials from NATS_NKEY_SEED_FILE \(.*stranger\.nk\): Authorization Violation$/,
    );
  });

  it('nats credentials - NATS_TOKEN with mutual TLS (NATS_TLS_CA, NATS_TLS_CERT, NATS_TLS_KEY) connects', async () => {
    const tlsValues = {
      NATS_TLS_CA: certs('ca'),
      NATS_TLS_CERT: certs('client'),
      NATS_TLS_KEY: certs('client-key'),
    };
    await roundTrip(await connectNats(cfg(tls, { NATS_TOKEN: TOKEN, ...tlsValues }), as));
    await expect(connectNats(cfg(tls, { NATS_TOKEN: 'wrong', ...tlsValues }), as)).rejects.toThrow(
      /refused the credentials from NATS_TOKEN: Authorization Violation$/,
    );
  });

  // Without a client certificate the server drops the connection after the TLS 1.3
  // handshake, which nats.js reports only as "timeout" after its 20 s connect timeout: not
  // tested here for its length.
  it('nats credentials - a TLS file that cannot be read is named by its variable', async () => {
    await expect(
      connectNats(cfg(tls, { NATS_TOKEN: TOKEN, NATS_TLS_CA: join(dir, 'nope.pem') }), as),
    ).rejects.toThrow(/^invalid configuration: NATS_TLS_CA: cannot read .*nope\.pem \(ENOENT\)$/);
  });
});
