/**
 * A WebSocket client that stops reading after the handshake, like a client on a dead
 * network or a frozen tab: the server's frames pile up in its send buffer. `drain()`
 * starts reading again and reports the close frame the server sent, if any.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export interface SlowClient {
  /** Reads everything the server sent until it closes; returns the frames' count and the close code. */
  drain(timeoutMs?: number): Promise<{ messages: number; closeCode: number | undefined }>;
  destroy(): void;
}

export function connectSlowClient(port: number, path: string): Promise<SlowClient> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let head = Buffer.alloc(0);
    const onHandshake = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onHandshake);
      if (!head.subarray(0, 12).toString().includes('101')) {
        reject(new Error(`upgrade refused: ${head.subarray(0, end).toString()}`));
        return;
      }
      socket.pause();
      const rest = head.subarray(end + 4);
      resolve({
        drain: (timeoutMs = 10_000) => drain(socket, rest, timeoutMs),
        destroy: () => socket.destroy(),
      });
    };
    socket.on('data', onHandshake);
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
  });
}

function drain(
  socket: Socket,
  initial: Buffer,
  timeoutMs: number,
): Promise<{ messages: number; closeCode: number | undefined }> {
  return new Promise((resolve) => {
    let buf = initial;
    let messages = 0;
    let closeCode: number | undefined;
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ messages, closeCode });
    };
    const parse = (): void => {
      for (;;) {
        if (buf.length < 2) return;
        const opcode = (buf[0] ?? 0) & 0x0f;
        let len = (buf[1] ?? 0) & 0x7f;
        let offset = 2;
        if (len === 126) {
          if (buf.length < 4) return;
          len = buf.readUInt16BE(2);
          offset = 4;
        } else if (len === 127) {
          if (buf.length < 10) return;
          len = Number(buf.readBigUInt64BE(2));
          offset = 10;
        }
        if (buf.length < offset + len) return;
        const payload = buf.subarray(offset, offset + len);
        buf = buf.subarray(offset + len);
        if (opcode === 0x1 || opcode === 0x2) messages++;
        if (opcode === 0x8) {
          closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : undefined;
          finish();
          return;
        }
      }
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      parse();
    });
    socket.on('close', finish);
    socket.resume();
    parse();
  });
}
