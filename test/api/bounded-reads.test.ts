import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy, type Toxic } from '../../reliability/fault-proxy.js';
import {
  createBackupClient,
  discoverDaemon,
  isDaemonNotFoundError,
  isHttpError,
  isNetworkError,
  isRequestUnsent,
  isTimeoutError,
  type BackupClientOptions,
} from '../../src/api/index.js';
import { useEmulator } from '../helpers/emulator.js';
import { closedPort, collect } from './support.js';

// Issue #16: every wait of the transport is bounded, the body included. ky's timeout ends
// when the headers arrive; these connections go silent after them (no FIN, no RST), through
// the TCP fault proxy in front of the real emulator.

const emulator = useEmulator();
let proxy: FaultProxy;

beforeEach(async () => {
  await emulator.current.admin.reset();
  proxy = await startFaultProxy(emulator.url);
});
afterEach(() => proxy.close());

const TIMEOUT = 400;
const client = (options: Partial<BackupClientOptions> = {}) =>
  createBackupClient({ baseUrl: proxy.url, timeout: TIMEOUT, retryDelay: 1, ...options });

/** Silent after the answer's headers and `afterBytes` of its body, on the connections given. */
const silentBody = (connections: number[], afterBytes = 5): Toxic => ({
  kind: 'silent',
  direction: 'downstream',
  afterHeaders: true,
  afterBytes,
  connections,
});

async function settledWithin<T>(promise: Promise<T>, ms: number): Promise<{ value?: T; error?: unknown; elapsedMs: number }> {
  const started = Date.now();
  const bound = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms));
  return Promise.race([promise, bound]).then(
    (value) => ({ value, elapsedMs: Date.now() - started }),
    (error: unknown) => ({ error, elapsedMs: Date.now() - started }),
  );
}

describe('a body that stalls after its headers', () => {
  it('ends a status read with TimeoutError within its timeout, as one failed attempt', async () => {
    const { id } = await createBackupClient({ baseUrl: emulator.url }).create();
    proxy.add(silentBody([1]));
    const result = await settledWithin(client({ retry: 0 }).status('creation', id), 3_000);
    expect(isTimeoutError(result.error)).toBe(true);
    expect(result.elapsedMs).toBeLessThan(TIMEOUT + 1_000);
  });

  it('is retried like any transient failure of a GET: the next attempt, on a new connection, answers', async () => {
    const { id } = await createBackupClient({ baseUrl: emulator.url }).create();
    proxy.add(silentBody([1]));
    const api = client({ retry: 2 });
    const [status, backups, backup] = await Promise.all([api.status('creation', id), api.list(), api.getBackup(id)]);
    expect(status.value).toBe('COMPLETED');
    expect(backups.iterable.map((b) => b.id)).toEqual([id]);
    expect(backup.id).toBe(id);
    expect(proxy.connections()[0]!.cuts).toEqual(['silent downstream']);
  });

  it('bounds each of list and getBackup without a retry', async () => {
    const { id } = await createBackupClient({ baseUrl: emulator.url }).create();
    proxy.add(silentBody([1, 2]));
    const api = client({ retry: 0 });
    const results = await Promise.all([settledWithin(api.list(), 3_000), settledWithin(api.getBackup(id), 3_000)]);
    expect(results.map((r) => isTimeoutError(r.error))).toEqual([true, true]);
  });

  it('an error answer whose body stalls still ends, as the HttpError of its status', async () => {
    proxy.add(silentBody([1], 3));
    const result = await settledWithin(client({ retry: 0 }).status('creation', '9.0.0_1'), 3_000);
    expect(isHttpError(result.error) && result.error.status).toBe(404);
  });

  it('the blocking restore (no timeout: it answers when the restore ends) stalls out once its body stops', async () => {
    const { id } = await createBackupClient({ baseUrl: emulator.url }).create();
    proxy.add(silentBody([1]));
    const result = await settledWithin(client().restore(id, undefined, { timeout: false }), 5_000);
    expect(isTimeoutError(result.error) && result.error.stalled).toBe(true);
    expect(result.elapsedMs).toBeLessThan(TIMEOUT + 2_000);
    // the restore ran: only its answer was lost
    expect((await createBackupClient({ baseUrl: emulator.url }).status('restoration', id)).value).toBe('COMPLETED');
  });

  it('an NDJSON stream that goes silent mid-frame ends with TimeoutError (stalled)', async () => {
    emulator.current.admin.setState({ rateBytesPerSecond: 200_000 });
    proxy.add(silentBody([1], 40));
    const stream = collect(client().createStreamedFrames());
    const result = await settledWithin(stream.ended, 5_000);
    expect(isTimeoutError(result.value) && result.value.stalled).toBe(true);
    expect(stream.frames).toHaveLength(0);
  });

  it('discovery ends a health probe whose body stalls, within its per-probe timeout', async () => {
    proxy.add(silentBody([1], 1));
    const result = await settledWithin(discoverDaemon({ candidates: [proxy.url], timeoutMs: 300 }), 3_000);
    expect(isDaemonNotFoundError(result.error)).toBe(true);
    expect(result.elapsedMs).toBeLessThan(1_500);
  });
});

describe('what the transport knows was never asked', () => {
  it('a WebSocket whose upgrade goes silent part-way through the 101: TimeoutError, requestSent false, nothing started', async () => {
    proxy.add({ kind: 'silent', direction: 'downstream', afterBytes: 20, connections: [1] });
    const stream = collect(client().createWebSocket());
    const result = await settledWithin(stream.ended, 3_000);
    expect(isTimeoutError(result.value) && result.value.requestSent).toBe(false);
    expect(isRequestUnsent(result.value)).toBe(true);
    expect(emulator.current.admin.journal()).toHaveLength(0);
  });

  it('a WebSocket reset during its upgrade: NetworkError, requestSent false', async () => {
    proxy.add({ kind: 'reset', direction: 'downstream', afterBytes: 20, connections: [1] });
    const stream = collect(client().createWebSocket());
    const error = (await settledWithin(stream.ended, 3_000)).value;
    expect(isNetworkError(error) && error.requestSent).toBe(false);
    expect(isRequestUnsent(error)).toBe(true);
  });

  it('a WebSocket dropped after its start frame went out: requestSent true, not unsent', async () => {
    emulator.current.admin.setState({ rateBytesPerSecond: 200_000 });
    proxy.add({ kind: 'reset', direction: 'downstream', afterHeaders: true, afterBytes: 60, connections: [1] });
    const stream = collect(client().createWebSocket());
    const error = (await settledWithin(stream.ended, 3_000)).value;
    expect(isNetworkError(error) && error.requestSent).toBe(true);
    expect(isRequestUnsent(error)).toBe(false);
  });

  it('a POST to a refused port: NetworkError, requestSent false', async () => {
    const refused = createBackupClient({ baseUrl: `http://127.0.0.1:${await closedPort()}` });
    const error = (await settledWithin(refused.create(), 3_000)).error;
    expect(isNetworkError(error) && error.requestSent).toBe(false);
    expect(isRequestUnsent(error)).toBe(true);
  });

  it('a POST whose connection resets after the request was written: it cannot tell (requestSent undefined)', async () => {
    proxy.add({ kind: 'reset', direction: 'downstream', afterBytes: 0, connections: [1] });
    const error = (await settledWithin(client().create(), 3_000)).error;
    expect(isNetworkError(error) && error.requestSent).toBeUndefined();
    expect(isRequestUnsent(error)).toBe(false);
  });
});
