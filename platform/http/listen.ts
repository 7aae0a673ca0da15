import uWS, { type TemplatedApp, type us_listen_socket } from 'uWebSockets.js';

export interface Listening {
  port: number;
  close(): void;
}

/** Listens on host:port (port 0 picks a free one). */
export function listen(app: TemplatedApp, host: string, port: number): Promise<Listening> {
  return new Promise((resolve, reject) => {
    app.listen(host, port, (socket: us_listen_socket | false) => {
      if (!socket) {
        reject(new Error(`cannot listen on ${host}:${port}`));
        return;
      }
      resolve({
        port: uWS.us_socket_local_port(socket),
        close: () => uWS.us_listen_socket_close(socket),
      });
    });
  });
}

/** True when the native uWS binding is loaded (not the slow `ws`-based fallback). */
export function uwsIsNative(): boolean {
  return Function.prototype.toString.call(uWS.App).includes('[native code]');
}
