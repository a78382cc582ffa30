import { exponentialBackoff } from '../../src/api/index.js';
import { filter, firstValueFrom, map, materialize, toArray, type Observable } from 'rxjs';
import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackupClient, isServerError, type BackupClient, type WebSocketConstructor } from '../../src/api/index.js';
import {
  discoverOperations,
  pollStatus,
  startCreation,
  startRestoration,
  watchOperation,
  type OperationProgress,
  type ProgressTransport,
} from '../../src/streams/index.js';
import { createBackup, useEmulator, waitFor } from '../helpers/emulator.js';

// ~1.3 s per operation on the 512 KB sample database: long enough to observe, short to run
const RATE = 400_000;
const emulator = useEmulator({ rateBytesPerSecond: RATE });

/** Every WebSocket the client opened, to prove none is left open. */
function trackedClient(): { client: BackupClient; sockets: WebSocket[] } {
  const sockets: WebSocket[] = [];
  class TrackedWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      sockets.push(this);
    }
  }
  const client = createBackupClient({
    baseUrl: emulator.url,
    WebSocket: TrackedWebSocket as unknown as WebSocketConstructor,
  });
  return { client, sockets };
}

async function settle(observable: Observable<OperationProgress>) {
  const notifications = await firstValueFrom(observable.pipe(materialize(), toArray()));
  const values = notifications.flatMap((n) => (n.kind === 'N' ? [n.value] : []));
  const error = notifications.find((n) => n.kind === 'E')?.error as Error | undefined;
  return { values, error, last: values.at(-1) };
}

const allClosed = (sockets: WebSocket[]) =>
  waitFor(() => (sockets.every((s) => s.readyState === WebSocket.CLOSED) ? true : undefined), 'sockets closed');

async function idle() {
  await waitFor(() => {
    const { creations, restorations } = emulator.current.admin.operations();
    return creations.length + restorations.length === 0 ? true : undefined;
  }, 'no operation running');
}

afterEach(async () => {
  emulator.current.admin.clearFaults();
  emulator.current.admin.setState({ signedIn: true, rateBytesPerSecond: RATE });
  await idle();
});

const transports: ProgressTransport[] = ['websocket', 'ndjson', 'polling'];

describe('streams against the emulator', () => {
  for (const transport of transports) {
    it(`creates and restores over ${transport} to COMPLETED`, async () => {
      const { client, sockets } = trackedClient();
      const created = await settle(startCreation(client, { transport }));
      expect(created.error).toBeUndefined();
      expect(created.last).toMatchObject({ kind: 'creation', status: 'COMPLETED', percentage: 100 });
      const backupId = created.last!.backupId;
      expect(backupId).toMatch(/^9\.0\.0_\d+$/);
      expect(created.values.every((p) => p.backupId === backupId)).toBe(true);
      expect(created.values.some((p) => p.status === 'IN-PROGRESS')).toBe(true);
      if (transport !== 'polling') expect(created.values.every((p) => p.transport === transport)).toBe(true);

      const restored = await settle(startRestoration(client, backupId, { transport }));
      expect(restored.error).toBeUndefined();
      expect(restored.last).toMatchObject({ kind: 'restoration', backupId, status: 'COMPLETED' });
      expect(restored.values.length).toBeGreaterThan(1);
      await allClosed(sockets);
    });
  }

  const killed = [
    { label: 'creation WebSocket', operation: 'backups_create_streamed_websocket', transport: 'websocket', kind: 'creation' },
    { label: 'restoration WebSocket', operation: 'backup_restore_streamed_websocket', transport: 'websocket', kind: 'restoration' },
    { label: 'restoration NDJSON', operation: 'backup_restore_specific_backup_streamed', transport: 'ndjson', kind: 'restoration' },
    { label: 'creation NDJSON', operation: 'backups_create_new_backup_streamed', transport: 'ndjson', kind: 'creation' },
  ] as const;

  for (const { label, operation, transport, kind } of killed) {
    for (const recoverStream of [false, true]) {
      it(`a ${label} killed mid-way still completes (recoverStream ${recoverStream})`, async () => {
        const { client, sockets } = trackedClient();
        const backupId = kind === 'restoration' ? await firstCompletedBackup(client) : undefined;
        emulator.current.admin.injectFault({ operation, resetAfterFrames: 3, times: 1 });
        const run =
          kind === 'creation'
            ? startCreation(client, { transport, recoverStream })
            : startRestoration(client, backupId!, { transport, recoverStream });
        const result = await settle(run);
        expect(result.error).toBeUndefined();
        expect(result.last?.status).toBe('COMPLETED');
        // after the drop the stream is gone: polling took over (or the progress socket, when recovering)
        const afterDrop = result.values.slice(result.values.findIndex((p) => p.transport !== transport));
        expect(afterDrop.length).toBeGreaterThan(0);
        if (!recoverStream) expect(afterDrop.every((p) => p.transport === 'polling')).toBe(true);
        if (recoverStream) expect(sockets.some((s) => s.url.endsWith('/backups/streamed/progress'))).toBe(true);
        await allClosed(sockets);
      });
    }
  }

  it('falls back to polling when the stream stalls', async () => {
    const { client, sockets } = trackedClient();
    emulator.current.admin.injectFault({ operation: 'backups_create_streamed_websocket', stallAfterFrames: 2, times: 1 });
    const result = await settle(startCreation(client, { transport: 'websocket', stallTimeoutMs: 1_500, recoverStream: false }));
    expect(result.error).toBeUndefined();
    expect(result.values[0]?.transport).toBe('websocket');
    expect(result.values.some((p) => p.transport === 'polling')).toBe(true);
    expect(result.last).toMatchObject({ status: 'COMPLETED', transport: 'polling' });
    await allClosed(sockets);
  });

  it('treats a malformed frame as a stream failure and completes by polling', async () => {
    const { client } = trackedClient();
    emulator.current.admin.injectFault({ operation: 'backups_create_new_backup_streamed', malformed: true, times: 1 });
    const result = await settle(startCreation(client, { transport: 'ndjson', recoverStream: false }));
    expect(result.error).toBeUndefined();
    expect(result.last).toMatchObject({ status: 'COMPLETED', transport: 'polling' });
  });

  it('errors with the typed start error, without falling back', async () => {
    const { client, sockets } = trackedClient();
    emulator.current.admin.setState({ signedIn: false });
    for (const transport of transports) {
      const result = await settle(startCreation(client, { transport }));
      expect(result.error?.name).toBe('AuthenticationRequiredError');
      expect(result.values).toEqual([]);
    }
    emulator.current.admin.setState({ signedIn: true });
    const missing = await settle(startRestoration(client, '9.0.0_1', { transport: 'polling' }));
    expect(missing.error?.name).toBe('NotFoundError');
    await allClosed(sockets);
  });

  it('errors with ConflictError when a creation already runs', async () => {
    const { client } = trackedClient();
    // slow enough that the second start surely meets the first one running
    emulator.current.admin.setState({ rateBytesPerSecond: 100_000 });
    const first = startCreation(client, { transport: 'websocket' });
    const firstDone = settle(first);
    await waitFor(() => (emulator.current.admin.operations().creations.length > 0 ? true : undefined), 'creation running');
    const second = await settle(startCreation(client, { transport: 'ndjson' }));
    expect(second.error?.name).toBe('ConflictError');
    expect((await firstDone).last?.status).toBe('COMPLETED');
  });

  it('discovers and reattaches to a creation started elsewhere', async () => {
    const { client, sockets } = trackedClient();
    const seen = firstValueFrom(
      discoverOperations(client).pipe(
        map((d) => d.creations[0]),
        filter((p): p is OperationProgress => p !== undefined),
      ),
    );
    // another app: a bare POST /backup, which answers 204 and tells nobody the id
    await client.backup();
    const found = await seen;
    expect(found).toMatchObject({ kind: 'creation', transport: 'websocket' });

    const watched = await settle(watchOperation(client, 'creation', found.backupId));
    expect(watched.error).toBeUndefined();
    expect(watched.last).toMatchObject({ backupId: found.backupId, status: 'COMPLETED' });
    await allClosed(sockets);
  });

  it('polls with its own backoff only: each failing status read is one request, not the client policy\'s retries too', async () => {
    const id = await createBackup(emulator.url);
    let statusRequests = 0;
    const client = createBackupClient({
      baseUrl: emulator.url,
      retry: 5,
      retryDelay: 1,
      fetch: (input, init) => {
        statusRequests += 1;
        return fetch(input, init);
      },
    });
    emulator.current.admin.injectFault({ operation: 'backup_specific_creation_status', status: 503, body: 'busy' });
    const outcome = await firstValueFrom(
      pollStatus(client, 'creation', id, { retry: 2, retryDelay: exponentialBackoff({ baseMs: 10, maxMs: 20 }) }).pipe(materialize(), toArray()),
    );
    const error = outcome.find((n) => n.kind === 'E')?.error;
    expect(isServerError(error) && error.status).toBe(503);
    // The first read and the poller's 2 retries; the client's own policy would have made 18.
    expect(statusRequests).toBe(3);
  });

  it('leaves no socket open after an unsubscribe mid-way, and the operation carries on', async () => {
    const { client, sockets } = trackedClient();
    const firstFrame = new Promise<OperationProgress>((resolve) => {
      const subscription = startCreation(client, { transport: 'websocket' }).subscribe((p) => {
        if (p.status === 'IN-PROGRESS') {
          resolve(p);
          queueMicrotask(() => subscription.unsubscribe());
        }
      });
    });
    const { backupId } = await firstFrame;
    await allClosed(sockets);
    expect(sockets.length).toBeGreaterThan(0);
    // closing never cancels: it completes on its own
    const watched = await settle(watchOperation(client, 'creation', backupId, { transport: 'polling' }));
    expect(watched.last?.status).toBe('COMPLETED');
  });
});

async function firstCompletedBackup(client: BackupClient): Promise<string> {
  const { iterable } = await client.list();
  if (iterable[0]) return iterable[0].id;
  const created = await settle(startCreation(client, { transport: 'polling' }));
  return created.last!.backupId;
}
