/** The gateway's test surface for tests outside `gateway/` (e.g. the client library's). */
export { startHarness, TEST_SECRET, type Harness } from './harness.ts';
export { commitsUpdated, publishUpdate } from './updates.ts';
export { connectClient, wsUrl, type Frame, type TestClient } from './ws-client.ts';
export { tcpRelay, type TcpRelay } from './tcp-relay.ts';
