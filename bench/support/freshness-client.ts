/**
 * The freshness bench's WebSocket client, in its own process: connects to the gateway,
 * and for every `commits:update` frame reports (over IPC) the wall-clock receive time and
 * the delivery ids its lineage names.
 *
 *   node --import tsx bench/support/freshness-client.ts <ws url with token>
 */
import WebSocket from 'ws';

const url = process.argv[2];
if (!url || !process.send) {
  console.error('usage: run by bench/freshness.ts (IPC) with the WebSocket URL as argument');
  process.exit(2);
}
const send = process.send.bind(process);
/** Wall clock with sub-millisecond resolution, comparable across processes on one host. */
const wallNow = () => performance.timeOrigin + performance.now();

const ws = new WebSocket(url);
ws.on('message', (data) => {
  const t = wallNow();
  const frame = JSON.parse((data as Buffer).toString('utf8')) as {
    event: string;
    data?: { payload?: { lineage?: { deliveryId: string }[] } };
  };
  if (frame.event === 'ready') send({ type: 'ready' });
  if (frame.event !== 'commits:update') return;
  send({ type: 'frame', t, ids: (frame.data?.payload?.lineage ?? []).map((l) => l.deliveryId) });
});
ws.on('close', (code, reason) => {
  send({ type: 'closed', code, reason: String(reason) });
  process.exit(0);
});
ws.on('error', (err) => {
  console.error(`freshness client: ${err.message}`);
  process.exit(1);
});
process.on('disconnect', () => ws.close());
