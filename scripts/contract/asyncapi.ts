import { EnvSchema } from '../../schemas/config.ts';
import { ResyncReason } from '../../schemas/ws-control-frames.ts';
import { CloseCodeMeanings, CloseCodes } from '../../schemas/ws-frames.ts';
import { Streams, Subjects } from '../../schemas/streams.ts';
import {
  encodeToken,
  githubSubject,
  NO_REPO_TOKEN,
  updatesSubject,
} from '../../schemas/subject.ts';
import type { ContractName } from './catalog.ts';
import { Dialect, jsonSchemaOf } from './to-json-schema.ts';

type Json = Record<string, unknown>;

const TOKEN_RULE =
  'Tokens are percent-encoded: `.`, `*`, `>`, whitespace, `%` and control characters become `%XX` ' +
  '(UTF-8 bytes, upper-case hex); decode with decodeURIComponent.';

const ref = (path: string): Json => ({ $ref: path });
const schemaRef = (name: ContractName): Json => ref(`#/components/schemas/${name}`);
const messageRef = (name: string): Json => ref(`#/components/messages/${name}`);

function message(
  name: string,
  summary: string,
  payload: ContractName,
  headers?: ContractName,
): Json {
  return {
    name,
    title: name,
    summary,
    contentType: 'application/json',
    ...(headers ? { headers: schemaRef(headers) } : {}),
    payload: schemaRef(payload),
  };
}

/** Channel messages by key, each a reference to the component of that name. */
const messagesOf = (...names: string[]): Json =>
  Object.fromEntries(names.map((n) => [n, messageRef(n)]));

function operation(
  action: 'send' | 'receive',
  channel: string,
  summary: string,
  messages: string[],
): Json {
  return {
    action,
    summary,
    channel: ref(`#/channels/${channel}`),
    messages: messages.map((m) => ref(`#/channels/${channel}/messages/${m}`)),
  };
}

function closeCodesTable(): string {
  const rows = Object.values(CloseCodes)
    .sort((a, b) => a - b)
    .map((code) => `| ${code} | ${CloseCodeMeanings[code]} |`);
  return ['| close code | meaning |', '| --- | --- |', ...rows].join('\n');
}

/** The AsyncAPI 3.0 document of the NATS channels and the `/ws` protocol. */
export function buildAsyncApi(version: string): Json {
  const gatewayPort = EnvSchema.shape.GATEWAY_PORT.parse(undefined);
  const schemaNames: ContractName[] = [
    'GithubEvent',
    'GithubPushEvent',
    'LogMessageHeaders',
    'DeadLetterHeaders',
    'UpdateHeaders',
    'CommitsUpdated',
    'DeadLetterAlert',
    'WsConnectQuery',
    'ClientMessage',
    'ReadyFrame',
    'UpdateFrame',
    'ResyncFrame',
    'ErrorFrame',
    'PongFrame',
    'SubscribedFrame',
    'UnsubscribedFrame',
  ];
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'TeamPulse events',
      version,
      description:
        'The event log (NATS JetStream) and the live-update WebSocket of TeamPulse. ' +
        'Generated from the zod schemas in schemas/ by `npm run contract:generate`; do not edit.',
    },
    defaultContentType: 'application/json',
    servers: {
      nats: {
        host: 'localhost:4222',
        protocol: 'nats',
        description: `JetStream streams: ${Object.values(Streams)
          .map((s) => `${s.name} (${s.subjects.join(', ')})`)
          .join('; ')}.`,
      },
      gateway: {
        host: `localhost:${gatewayPort}`,
        protocol: 'ws',
        description: 'The gateway: live updates for browsers and other clients.',
      },
    },
    channels: {
      githubEvents: {
        address: 'github.{event}.{owner}.{repo}',
        title: 'GitHub events (stream GITHUB)',
        description:
          'Every verified webhook delivery, body exactly as GitHub sent it, one message per delivery GUID. ' +
          `${TOKEN_RULE} Owner and repo are lower-cased; \`${NO_REPO_TOKEN}\` stands for no owner or repo ` +
          `(org- or app-level events). Example: ${githubSubject('push', 'Octo.Org', 'my repo')}.`,
        servers: [ref('#/servers/nats')],
        parameters: {
          event: { description: 'The X-GitHub-Event name, e.g. push.', examples: ['push'] },
          owner: {
            description: `Repository owner (or organization) login, lower-cased and encoded; ${NO_REPO_TOKEN} for none.`,
            examples: [encodeToken('octo.org'), NO_REPO_TOKEN],
          },
          repo: {
            description: `Repository name, lower-cased and encoded; ${NO_REPO_TOKEN} for none.`,
            examples: [encodeToken('hello-world'), NO_REPO_TOKEN],
          },
        },
        messages: messagesOf('GithubPush', 'GithubEvent'),
      },
      updates: {
        address: 'teampulse.updates.{orgId}.{repoId}',
        title: 'Read-model updates (stream UPDATES)',
        description: `Published after the read models are written. ${TOKEN_RULE} Example: ${updatesSubject('acme', '4242')}.`,
        servers: [ref('#/servers/nats')],
        parameters: {
          orgId: {
            description:
              'The org: the repository owner login lower-cased, or the org ORG_MAPPINGS maps that owner to; encoded.',
          },
          repoId: { description: 'The GitHub repository id (decimal), stable across renames.' },
        },
        messages: messagesOf('CommitsUpdated'),
      },
      alerts: {
        address: Subjects.alertsDlq,
        title: 'Dead-letter alert',
        description: `Core NATS (not stored). Subscribe to ${Subjects.alertsPrefix}.> for every alert; this is the only one today.`,
        servers: [ref('#/servers/nats')],
        messages: messagesOf('DeadLetterAlert'),
      },
      deadLetters: {
        address: 'dlq.github.{event}.{owner}.{repo}',
        title: 'Dead letters (stream DLQ)',
        description:
          'A log message that cannot be processed, copied with its body and headers to dlq.<original subject>, ' +
          'plus the TeamPulse-* headers saying why. `teampulse dlq` lists and redrives them.',
        servers: [ref('#/servers/nats')],
        parameters: {
          event: { description: 'As in the original subject.' },
          owner: { description: 'As in the original subject.' },
          repo: { description: 'As in the original subject.' },
        },
        messages: messagesOf('DeadLetter'),
      },
      ws: {
        address: '/ws',
        title: 'WebSocket /ws',
        description: [
          'Token in `Authorization: Bearer <token>` or `?token=`; a refused token gets HTTP 401 with an ErrorBody, ' +
            'a bad `since` 400, never a socket. The socket joins the rooms org:<orgId> of its token. ' +
            `Reconnect with ?since=<last seq> to resume; when that cannot be done the gateway sends a resync frame ` +
            `(reason: ${Object.values(ResyncReason).join(', ')}) and the client refetches the dashboard.`,
          '',
          closeCodesTable(),
        ].join('\n'),
        servers: [ref('#/servers/gateway')],
        messages: messagesOf(
          'Ready',
          'CommitsUpdate',
          'Resync',
          'Error',
          'Pong',
          'Subscribed',
          'Unsubscribed',
          'ClientMessage',
        ),
        bindings: {
          ws: { query: jsonSchemaOf('WsConnectQuery', Dialect.asyncapi), bindingVersion: '0.1.0' },
        },
      },
    },
    operations: {
      appendGithubEvent: operation(
        'send',
        'githubEvents',
        'Ingest appends each verified delivery.',
        ['GithubPush', 'GithubEvent'],
      ),
      publishUpdate: operation('send', 'updates', 'The projector publishes after each write.', [
        'CommitsUpdated',
      ]),
      publishAlert: operation('send', 'alerts', 'The projector raises an alert per dead letter.', [
        'DeadLetterAlert',
      ]),
      writeDeadLetter: operation('send', 'deadLetters', 'The projector dead-letters a message.', [
        'DeadLetter',
      ]),
      sendFrames: operation('send', 'ws', 'The gateway sends frames, told apart by `event`.', [
        'Ready',
        'CommitsUpdate',
        'Resync',
        'Error',
        'Pong',
        'Subscribed',
        'Unsubscribed',
      ]),
      receiveClientMessages: operation('receive', 'ws', 'The gateway reads client messages.', [
        'ClientMessage',
      ]),
    },
    components: {
      schemas: Object.fromEntries(
        schemaNames.sort().map((n) => [n, jsonSchemaOf(n, Dialect.asyncapi)]),
      ),
      messages: {
        GithubPush: message(
          'GithubPush',
          'A push (the fields TeamPulse reads; GitHub sends more).',
          'GithubPushEvent',
          'LogMessageHeaders',
        ),
        GithubEvent: message(
          'GithubEvent',
          'Any other event: the routable minimum.',
          'GithubEvent',
          'LogMessageHeaders',
        ),
        CommitsUpdated: message(
          'CommitsUpdated',
          'Commits of a repository were counted.',
          'CommitsUpdated',
          'UpdateHeaders',
        ),
        DeadLetterAlert: message(
          'DeadLetterAlert',
          'A message was dead-lettered.',
          'DeadLetterAlert',
        ),
        DeadLetter: message(
          'DeadLetter',
          'The original body, with the dead-letter headers.',
          'GithubEvent',
          'DeadLetterHeaders',
        ),
        Ready: message('Ready', 'The socket is live (after any catch-up).', 'ReadyFrame'),
        CommitsUpdate: message('CommitsUpdate', 'An update of one of the rooms.', 'UpdateFrame'),
        Resync: message('Resync', 'Missed frames cannot be replayed: refetch.', 'ResyncFrame'),
        Error: message('Error', 'A client message was refused.', 'ErrorFrame'),
        Pong: message('Pong', 'Answer to a ping message.', 'PongFrame'),
        Subscribed: message('Subscribed', 'Joined a room.', 'SubscribedFrame'),
        Unsubscribed: message('Unsubscribed', 'Left a room.', 'UnsubscribedFrame'),
        ClientMessage: message('ClientMessage', 'subscribe, unsubscribe or ping.', 'ClientMessage'),
      },
    },
  };
}
