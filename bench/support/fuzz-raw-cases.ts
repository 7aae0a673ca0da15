import { signBody } from '../../platform/github/sign.ts';
import type { Expect, FuzzCase, Wire } from './fuzz-cases.ts';

/** A small seeded PRNG (mulberry32) with the helpers the generator uses. */
export interface Rng {
  next(): number;
  int(n: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  weighted<T extends string>(items: readonly [T, number][]): T;
  str(n: number, kind: 'ascii' | 'any'): string;
}

/** The PRNG of case `index` of run `seed`: each case is reproducible on its own. */
export function rng(seed: number, index: number): Rng {
  let a = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: (items) => items[int(items.length)]!,
    weighted(items) {
      let x = next() * items.reduce((s, [, w]) => s + w, 0);
      for (const [v, w] of items) if ((x -= w) < 0) return v;
      return items[items.length - 1]![0];
    },
    str(n, kind) {
      let s = '';
      for (let i = 0; i < n; i++)
        s += String.fromCodePoint(kind === 'ascii' ? 0x20 + int(95) : 1 + int(0xd7ff));
      return s;
    },
  };
}

const ODD_PARTS = [
  '\n',
  '\r',
  '\r\n',
  '\0',
  '\t',
  ' ',
  '\x7f',
  '\x1b[31m',
  '*',
  '>',
  '.',
  '..',
  '%',
  '%2E',
  '%00',
  'é',
  '日本',
  '🦀',
  '\u202e',
  '\u200b',
  'a\u0301',
  '~',
  '$',
  '{}',
  '"',
  '\\',
  '/',
  'Nats-Msg-Id: x',
];

/** An owner or repository name built from control characters, wildcards, dots, `%`, unicode… */
export function oddName(r: Rng): string {
  if (r.chance(0.1)) return 'n'.repeat(300);
  if (r.chance(0.05)) return r.pick(ODD_PARTS).repeat(300).slice(0, 300);
  let s = r.chance(0.5) ? 'repo' : '';
  for (let i = 1 + r.int(4); i > 0; i--) s += r.pick(ODD_PARTS) + (r.chance(0.5) ? 'x' : '');
  return s;
}

const CRLF = '\r\n';
const PATH = '/api/v1/webhooks/github';

function head(lines: string[], path = PATH): Buffer {
  return Buffer.from(
    `POST ${path} HTTP/1.1${CRLF}host: 127.0.0.1${CRLF}${lines.join(CRLF)}${CRLF}${CRLF}`,
    'utf8',
  );
}

function ghLines(delivery: string, body: Buffer | string, extra: string[] = []): string[] {
  return [
    'content-type: application/json',
    'x-github-event: push',
    `x-github-delivery: ${delivery}`,
    `x-hub-signature-256: ${signBody('fuzz-secret', body)}`,
    ...extra,
  ];
}

// uWS answers broken HTTP itself (a plain, non-JSON 4xx) or just closes the connection.
const broken: Expect = { statuses: [400, 401, 413, 431], plain: true, mayClose: true };
// A signed delivery that also carries many or big unrelated headers is still a delivery,
// when uWS takes the headers at all.
const withBigHeaders: Expect = { ...broken, statuses: [200, ...broken.statuses] };

// The socket is only half-closed after requests that can never be a valid delivery: uWS
// drops the answer to a request whose client half-closed, while the append still happens.
const raw = (chunks: Buffer[], end = false): Wire => ({ kind: 'raw', chunks, end });

/** One malformed-HTTP case, sent on a raw socket (fetch and node:http refuse to send these). */
export function rawCase(r: Rng, delivery: string, maxBodyBytes: number): Omit<FuzzCase, 'index'> {
  const body = Buffer.from(JSON.stringify({ zen: r.str(10 + r.int(500), 'ascii'), hook_id: 1 }));
  const cls = r.weighted([
    ['http-length-shorter', 4],
    ['http-length-longer', 3],
    ['http-length-invalid', 3],
    ['http-chunked-garbage', 4],
    ['http-header-ctl-chars', 4],
    ['http-header-flood', 2],
    ['http-header-oversized', 2],
    ['http-body-over-cap', 2],
    ['http-garbage', 1],
  ] as const);
  switch (cls) {
    case 'http-length-shorter': {
      // Ingest reads only Content-Length bytes (signed over the whole body: a bad signature),
      // the rest is parsed as the next request.
      const len = r.int(body.length);
      return {
        cls,
        wire: raw([head(ghLines(delivery, body, [`content-length: ${len}`])), body]),
        expect: {
          statuses: [400, 401],
          codes: ['malformed_json', 'signature_invalid'],
          plain: true,
          mayClose: true,
        },
      };
    }
    case 'http-length-longer': {
      const len = body.length + 1 + r.int(10_000);
      return {
        cls,
        wire: raw([head(ghLines(delivery, body, [`content-length: ${len}`])), body], true),
        expect: broken,
      };
    }
    case 'http-length-invalid': {
      if (r.chance(0.3)) {
        // Two lengths (the right one first): ingest refuses both framings.
        const twice = [`content-length: ${body.length}`, `content-length: ${body.length + 5}`];
        return {
          cls,
          wire: raw([head(ghLines(delivery, body, twice)), body]),
          expect: { statuses: [400], codes: ['bad_header'], mayClose: true },
        };
      }
      const v = r.pick(['abc', '-1', '1e3', ' 12 ', '0x10', '18446744073709551616', '1, 2', '']);
      return {
        cls,
        wire: raw([head(ghLines(delivery, body, [`content-length: ${v}`])), body], true),
        expect: { ...broken, statuses: [400, 401, 413] },
      };
    }
    case 'http-chunked-garbage': {
      const valid = `${body.length.toString(16)}${CRLF}${body.toString()}${CRLF}0${CRLF}X-Trailer: 1${CRLF}${CRLF}`;
      const chunked = r.pick([
        `zz${CRLF}abc${CRLF}0${CRLF}${CRLF}`,
        `ffffffffffffffff${CRLF}abc`,
        `-5${CRLF}hello${CRLF}0${CRLF}${CRLF}`,
        `5${CRLF}hello0${CRLF}${CRLF}`,
        `3;${'x'.repeat(5000)}${CRLF}abc${CRLF}0${CRLF}${CRLF}`,
        valid,
        r.str(r.int(3000), 'ascii'),
      ]);
      const extra = [
        'transfer-encoding: chunked',
        ...(r.chance(0.3) ? [`content-length: ${chunked.length}`] : []),
      ];
      // A well-formed chunked body is a signed delivery: 200 is right for it.
      const expect = chunked === valid ? { ...broken, statuses: [200, 400] } : broken;
      return {
        cls,
        wire: raw([head(ghLines(delivery, body, extra)), Buffer.from(chunked)], chunked !== valid),
        expect,
      };
    }
    case 'http-header-ctl-chars': {
      // CR, LF or NUL inside the GitHub headers: header injection attempts; unsigned.
      const bad = `${r.pick(['push', delivery, 'x'])}${r.pick(['\n', '\r', '\0', '\r\n', '\x7f', '\x01', '\u2028', '日本'])}${r.pick(['', 'x-github-event: ping', 'push', ' '])}`;
      const name = r.pick([
        'x-github-event',
        'x-github-delivery',
        'content-type',
        'x-hub-signature-256',
      ]);
      const lines = [
        'content-type: application/json',
        'x-github-event: push',
        `x-github-delivery: ${delivery}`,
        `content-length: ${body.length}`,
      ]
        .filter((l) => !l.startsWith(name))
        .concat(`${name}: ${bad}`);
      return {
        cls,
        wire: raw([head(lines), body], true),
        expect: { statuses: [400, 401, 415], plain: true, mayClose: true },
      };
    }
    case 'http-header-flood': {
      const n = 1000 + r.int(4000);
      const lines = Array.from({ length: n }, (_, i) => `x-flood-${i}: ${i}`);
      return {
        cls,
        wire: raw([
          head([...ghLines(delivery, body, [`content-length: ${body.length}`]), ...lines]),
          body,
        ]),
        expect: withBigHeaders,
      };
    }
    case 'http-header-oversized': {
      const size = 8 * 1024 + r.int(256 * 1024);
      const line = r.chance(0.5) ? `x-big: ${'a'.repeat(size)}` : `x-${'b'.repeat(size)}: 1`;
      return {
        cls,
        wire: raw([
          head([...ghLines(delivery, body, [`content-length: ${body.length}`]), line]),
          body,
        ]),
        expect: withBigHeaders,
      };
    }
    case 'http-body-over-cap': {
      // Declared over the cap: 413 before any byte is read. Chunked over the cap: 413 while reading.
      const declared = r.chance(0.5);
      const piece = Buffer.alloc(64 * 1024, 0x61);
      const expect: Expect = { statuses: [413], codes: ['payload_too_large'], mayClose: !declared };
      if (declared)
        return {
          cls,
          wire: raw(
            [
              head(ghLines(delivery, body, [`content-length: ${maxBodyBytes + 1 + r.int(1e9)}`])),
              piece,
            ],
            false,
          ),
          expect,
        };
      const chunks = [head(ghLines(delivery, body, ['transfer-encoding: chunked']))];
      for (let sent = 0; sent <= maxBodyBytes; sent += piece.length)
        chunks.push(Buffer.from(`${piece.length.toString(16)}${CRLF}`), piece, Buffer.from(CRLF));
      return { cls, wire: raw(chunks, false), expect: { ...expect, plain: true } };
    }
    case 'http-garbage': {
      const junk = r.pick([
        r.str(r.int(4000), 'any'),
        `POST ${PATH} HTTP/9.9${CRLF}${CRLF}`,
        `POST ${PATH}${CRLF}${CRLF}`,
        `\0\0\0${CRLF}${CRLF}`,
        `POST  ${PATH}  HTTP/1.1${CRLF}${CRLF}`,
      ]);
      return {
        cls,
        wire: raw([Buffer.from(junk, 'utf8')], true),
        expect: { statuses: [400, 404, 405, 505], plain: true, mayClose: true },
      };
    }
  }
}
