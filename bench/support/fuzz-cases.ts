import { signBody } from '../../platform/github/sign.ts';
import { buildPushPayload } from '../../platform/github/push-payload.ts';
import { oddName, rawCase, type Rng, rng } from './fuzz-raw-cases.ts';

/** The webhook secret the fuzzed ingest runs with. */
export const FUZZ_SECRET = 'fuzz-secret';

/** What a case may get back: statuses, error codes (any when absent), a close with no answer. */
export interface Expect {
  statuses: readonly number[];
  codes?: readonly string[];
  /** An answer not from ingest (uWS's own plain 4xx for broken HTTP) is allowed. */
  plain?: boolean;
  /** The server may close the connection without any answer. */
  mayClose?: boolean;
  /** The server may wait for bytes that never come (broken HTTP that can never be a delivery). */
  mayHang?: boolean;
}

/** A request either well-formed (sent with node:http) or raw bytes on a TCP socket. */
export type Wire =
  | { kind: 'http'; path?: string; method?: string; headers: Record<string, string>; body: Buffer }
  | { kind: 'raw'; chunks: Buffer[]; end: boolean };

export interface FuzzCase {
  index: number;
  cls: string;
  wire: Wire;
  expect: Expect;
  /** The delivery id sent: a 200 means the log holds it (counted once per id). */
  delivery?: string | undefined;
}

export interface GenOptions {
  seed: number;
  /** Part of every delivery id, so runs on the same stream never collide in its dedupe window. */
  tag: string;
  maxBodyBytes: number;
}

const ok: Expect = { statuses: [200] };
const err = (status: number, ...codes: string[]): Expect => ({ statuses: [status], codes });
const EVENTS = ['push', 'ping', 'pull_request', 'issues', 'create', 'release', 'star'];

function pushBody(r: Rng, owner = `org${r.int(5)}`, repo = `repo-${r.int(50)}.js`): string {
  return JSON.stringify(buildPushPayload({ owner, repo, repoId: 1 + r.int(1e6), commits: [] }));
}

function signed(
  body: string | Buffer,
  delivery: string,
  extra: Record<string, string> = {},
  secret = FUZZ_SECRET,
): Wire {
  return {
    kind: 'http',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': delivery,
      'x-hub-signature-256': signBody(secret, body),
      ...extra,
    },
    body: Buffer.from(body),
  };
}

const deep = (open: string, close: string, inner: string, n: number) =>
  open.repeat(n) + inner + close.repeat(n);

/** Objects whose routing fields have odd types, with what ingest must answer. */
const ODD_TYPES: [unknown, Expect][] = [
  [{ repository: 5 }, err(400, 'unroutable_event')],
  [{ repository: null }, err(400, 'unroutable_event')],
  [{ repository: [] }, err(400, 'unroutable_event')],
  [{ repository: { id: '1', name: 'x', owner: {} } }, err(400, 'unroutable_event')],
  [{ repository: { id: 1.5, name: 'x', owner: {} } }, err(400, 'unroutable_event')],
  [{ repository: { id: 1, name: 123, owner: { login: 'a' } } }, err(400, 'unroutable_event')],
  [{ repository: { id: 1, name: '', owner: { login: 'a' } } }, err(400, 'unroutable_event')],
  [{ repository: { id: 1, name: 'x', owner: { login: ['a'] } } }, err(400, 'unroutable_event')],
  [{ repository: { id: 1, name: 'x' } }, err(400, 'unroutable_event')],
  [{ organization: { login: {} } }, err(400, 'unroutable_event')],
  [{ organization: 'acme' }, err(400, 'unroutable_event')],
  [{ repository: { id: 1, name: 'x', owner: {} } }, ok],
  [{ repository: { id: 2 ** 53, name: 'x', owner: { name: 'n' }, full_name: 1 } }, err(400)],
  [{}, ok],
  [{ zen: 'Keep it logically awesome.', hook_id: 1 }, ok],
];

/** A well-formed signed push with this delivery id. */
export function validDelivery(delivery: string): Wire {
  return signed(pushBody(rng(0, 0)), delivery);
}

/** The case at `index`: a pure function of (seed, index), so any case can be replayed alone. */
export function fuzzCase(index: number, opts: GenOptions): FuzzCase {
  const r = rng(opts.seed, index);
  const delivery = `${opts.tag}-${index}`;
  const pick = r.weighted([
    ['valid', 8],
    ['valid-duplicate', 2],
    ['odd-names-signed', 12],
    ['signature-missing', 4],
    ['signature-malformed', 5],
    ['signature-invalid', 5],
    ['signature-invalid-garbage', 4],
    ['body-truncated', 5],
    ['body-not-utf8', 5],
    ['body-deep-nesting', 3],
    ['body-huge-string', 1],
    ['json-not-object', 4],
    ['json-odd-types', 6],
    ['content-type', 6],
    ['bad-github-headers', 6],
    ['not-found', 1],
    ['raw', 23],
  ]);
  const c = (wire: Wire, expect: Expect): FuzzCase => ({
    index,
    cls: pick,
    wire,
    expect,
    delivery: wire.kind === 'http' ? wire.headers['x-github-delivery'] : undefined,
  });
  switch (pick) {
    case 'valid': {
      const event = r.pick(EVENTS);
      return c(signed(pushBody(r), delivery, { 'x-github-event': event }), ok);
    }
    case 'valid-duplicate':
      return c(signed(pushBody(r), `${opts.tag}-dup-${r.int(20)}`), ok);
    case 'odd-names-signed': {
      // Signed, so they pass verification: ingest must store them (the subject encodes
      // them) or refuse them with a 4xx naming the field, never a 5xx.
      const owner = r.chance(0.5) ? oddName(r) : `org${r.int(5)}`;
      const repo = oddName(r);
      const where = r.int(3);
      let body: string;
      if (where === 0) body = pushBody(r, owner, repo);
      else if (where === 1)
        body = JSON.stringify({ repository: { id: 1, name: repo, owner: { name: owner } } });
      else body = JSON.stringify({ organization: { login: owner } });
      return c(signed(body, delivery), { statuses: [200, 400] });
    }
    case 'signature-missing': {
      const w = signed(pushBody(r), delivery);
      if (w.kind === 'http') delete w.headers['x-hub-signature-256'];
      return c(w, err(401, 'signature_missing'));
    }
    case 'signature-malformed': {
      const body = pushBody(r);
      const good = signBody(FUZZ_SECRET, body).slice(7);
      const sig = r.pick([
        `sha1=${good.slice(0, 40)}`,
        `sha256=${good.slice(1)}`,
        `sha256=${good.toUpperCase()}`,
        `SHA256=${good}`,
        `sha256=${good}0`,
        `sha256=${'g'.repeat(64)}`,
        `sha256:${good}`,
        `sha256=${good.slice(0, 32)} ${good.slice(33)}`,
        r.str(1 + r.int(200), 'ascii'),
      ]);
      return c(signed(body, delivery, { 'x-hub-signature-256': sig }), err(401));
    }
    case 'signature-invalid': {
      const body = pushBody(r);
      const secret = r.pick(['wrong', '', FUZZ_SECRET + ' ', FUZZ_SECRET.toUpperCase()]);
      const w = r.chance(0.5)
        ? signed(body, delivery, {}, secret)
        : signed(body, delivery, { 'x-hub-signature-256': signBody(FUZZ_SECRET, body + ' ') });
      return c(w, err(401, 'signature_invalid'));
    }
    case 'signature-invalid-garbage': {
      // Unsigned garbage learns nothing but "bad signature".
      const body = r.pick([
        pushBody(r).slice(0, 1 + r.int(500)),
        r.str(r.int(2000), 'ascii'),
        'null',
        '[1,2,3]',
        JSON.stringify(ODD_TYPES[r.int(ODD_TYPES.length)]![0]),
      ]);
      return c(signed(body, delivery, {}, 'not-the-secret'), err(401, 'signature_invalid'));
    }
    case 'body-truncated': {
      const body = pushBody(r);
      return c(signed(body.slice(0, r.int(body.length)), delivery), err(400, 'malformed_json'));
    }
    case 'body-not-utf8': {
      const bad = r.pick([
        [0xff],
        [0xc0, 0xaf],
        [0xed, 0xa0, 0x80],
        [0xe2, 0x82],
        [0xf8, 0x88, 0x80, 0x80, 0x80],
        [0x80],
      ]);
      const text = Buffer.from(pushBody(r));
      const at = r.int(text.length);
      const body = Buffer.concat([text.subarray(0, at), Buffer.from(bad), text.subarray(at)]);
      const utf16 = Buffer.from('\ufeff' + pushBody(r), 'utf16le');
      return c(signed(r.chance(0.8) ? body : utf16, delivery), err(400, 'body_not_utf8'));
    }
    case 'body-deep-nesting': {
      const n = r.chance(0.3) ? 100_000 : 10 + r.int(50_000);
      const [body, expect] = r.pick<[string, Expect]>([
        [deep('[', ']', '1', n), err(400, 'malformed_json')],
        [deep('{"a":', '}', '1', n), ok],
        [`{"repository":${deep('{"owner":', '}', '1', n)}}`, err(400, 'unroutable_event')],
        [deep('[', '', '', n), err(400, 'malformed_json')],
        [deep('{"a":', '}', '1', n) + '}', err(400, 'malformed_json')],
      ]);
      return c(signed(body, delivery), expect);
    }
    case 'body-huge-string': {
      const size = Math.floor(opts.maxBodyBytes * (0.5 + r.next() * 0.4));
      const body = JSON.stringify({ zen: 'x'.repeat(size), hook_id: 1 });
      return c(signed(body, delivery, { 'x-github-event': 'ping' }), ok);
    }
    case 'json-not-object': {
      const body = r.pick(['123', 'null', 'true', '"str"', '[]', '[{}]', '1e999', '-0', ' {} x']);
      return c(signed(body, delivery), err(400, 'malformed_json'));
    }
    case 'json-odd-types': {
      const [value, expect] = ODD_TYPES[r.int(ODD_TYPES.length)]!;
      return c(signed(JSON.stringify(value), delivery), expect);
    }
    case 'content-type': {
      const [type, expect] = r.pick<[string | undefined, Expect]>([
        [undefined, err(415, 'unsupported_media_type')],
        ['', err(415, 'unsupported_media_type')],
        ['text/plain', err(415, 'unsupported_media_type')],
        ['application/x-www-form-urlencoded', err(415, 'unsupported_media_type')],
        ['application/jsonx', err(415, 'unsupported_media_type')],
        ['application/json-patch+json', err(415, 'unsupported_media_type')],
        ['multipart/form-data; boundary=x', err(415, 'unsupported_media_type')],
        [r.str(1 + r.int(100), 'ascii'), err(415, 'unsupported_media_type')],
        ['APPLICATION/JSON', ok],
        ['application/json; charset=utf-8', ok],
        ['application/json;;;', ok],
      ]);
      const w = signed(pushBody(r), delivery);
      if (w.kind === 'http') {
        if (type === undefined) delete w.headers['content-type'];
        else w.headers['content-type'] = type;
      }
      return c(w, expect);
    }
    case 'bad-github-headers': {
      // Bad for both headers; the second list only breaks the event name.
      let which = r.pick(['x-github-event', 'x-github-delivery']);
      let value = r.pick([
        undefined,
        '',
        'push.x',
        '*',
        '>',
        'a>b',
        'push*',
        '%70ush',
        'x'.repeat(r.pick([101, 300])),
        'dots.in.id',
        'id with space',
        'mo\u00e9ji',
      ]);
      if (r.chance(0.2)) {
        which = 'x-github-event';
        value = r.pick(['Push', '1push', 'x'.repeat(65), 'push-x']);
      }
      let expect = err(400, 'bad_header');
      if (r.chance(0.05)) {
        // uWS skips leading header-value bytes >= 0x80 (it compares signed chars with
        // whitespace), so "\xe9" + a valid name reads as that name: a 200, on record.
        value = '\u00e9' + (which === 'x-github-event' ? 'push' : delivery);
        expect = ok;
      }
      const w = signed(pushBody(r), delivery);
      if (w.kind === 'http') {
        if (value === undefined || value === '') delete w.headers[which];
        else w.headers[which] = value;
      }
      return c(w, expect);
    }
    case 'not-found': {
      const w = signed(pushBody(r), delivery);
      if (w.kind === 'http') w.path = r.pick(['/api/v1/webhooks/gitlab', '/', '/api/v1/webhooks']);
      return c(w, err(404, 'not_found'));
    }
    case 'raw': {
      const rc = rawCase(r, delivery, opts.maxBodyBytes);
      // Half-closed after sending: never a delivery, so waiting for more bytes is fine.
      const hang = rc.wire.kind === 'raw' && rc.wire.end;
      return { index, delivery, ...rc, expect: { ...rc.expect, mayHang: hang } };
    }
  }
}
