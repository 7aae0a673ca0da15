import { ClientMessage } from '../../schemas/ws-frames.ts';

/** A client message, or why it was refused. */
export type ParsedClientMessage =
  { ok: true; message: ClientMessage } | { ok: false; error: string };

/** Parses a client → server text message (`subscribe`, `unsubscribe`, `ping`). Pure. */
export function parseClientMessage(raw: ArrayBuffer, isBinary: boolean): ParsedClientMessage {
  if (isBinary) return { ok: false, error: 'messages must be JSON text' };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(raw).toString('utf8'));
  } catch {
    return { ok: false, error: 'messages must be JSON text' };
  }
  const parsed = ClientMessage.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      error: 'expected {"type":"subscribe"|"unsubscribe","orgId":…} or {"type":"ping"}',
    };
  }
  return { ok: true, message: parsed.data };
}
