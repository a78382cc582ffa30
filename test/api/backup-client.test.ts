import { beforeEach, describe, expect, it } from 'vitest';
import {
  createBackupClient,
  isAbortedError,
  isAuthenticationRequiredError,
  isConflictError,
  isHttpError,
  isNetworkError,
  isNotFoundError,
  isProtocolError,
  isServerError,
  isTimeoutError,
  isUpdateRequiredError,
  type BackupClient,
  type BackupClientOptions,
} from '../../src/api/index.js';
import { sampleAsset } from '../../src/emulator/index.js';
import { useEmulator, waitFor } from '../helpers/emulator.js';
import { closedPort, recordingFetch } from './support.js';

const emulator = useEmulator();
const UNKNOWN_ID = '9.0.0_1000000000000';
// Slow enough that an operation is still running when the test acts on it.
const SLOW = { rateBytesPerSecond: 20_000 };

function client(options: Partial<BackupClientOptions> = {}): BackupClient {
  return createBackupClient({ baseUrl: emulator.url, retryDelay: 1, ...options });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

async function runningCreationId(): Promise<string> {
  return waitFor(() => emulator.current.admin.operations().creations[0]?.backup.id, 'a running creation');
}

beforeEach(async () => {
  await emulator.current.admin.reset();
});

describe('createBackupClient: every endpoint against the emulator', () => {
  it('create, list, getBackup and status agree on one decoded backup', async () => {
    const api = client();
    expect((await api.list()).iterable).toEqual([]);
    const created = await api.create({});
    expect(created.id).toMatch(/^9\.0\.0_\d+$/);
    expect(created.id).toBe(`${created.version}_${created.timestamp}`);
    expect(Date.parse(created.created.value)).not.toBeNaN();
    const listed = await api.list();
    expect(listed.iterable.map((backup) => backup.id)).toEqual([created.id]);
    expect(await api.getBackup(created.id)).toEqual(created);
    const status = await api.status('creation', created.id);
    expect(status).toMatchObject({ value: 'COMPLETED', percentage: 100, backup: { id: created.id } });
  });

  it('createStreamed (JSON flavour) answers one final frame', async () => {
    const frame = await client().createStreamed();
    expect(frame.status).toBe('COMPLETED');
    expect(frame.backup?.id).toMatch(/^9\.0\.0_\d+$/);
  });

  it('restore, restoreStreamed and the restoration status', async () => {
    const api = client();
    const { id } = await api.create();
    const restored = await api.restore(id);
    expect(restored.id).toBe(id);
    expect(await api.status('restoration', id)).toMatchObject({ value: 'COMPLETED', backup: { id } });
    const frame = await api.restoreStreamed(id, restored);
    expect(frame).toMatchObject({ status: 'COMPLETED', backup: { id } });
  });

  it('backup sends the assets and starts a creation (204)', async () => {
    const api = client();
    const asset = { ...sampleAsset(900), id: 'asset-from-client-test' };
    await expect(api.backup({ iterable: [asset] })).resolves.toBeUndefined();
    expect(emulator.current.admin.listAssets().some((stored) => stored.id === asset.id)).toBe(true);
    const listed = await waitFor(async () => {
      const { iterable } = await api.list();
      return iterable.length > 0 ? iterable : undefined;
    }, 'the creation started by POST /backup');
    expect(listed).toHaveLength(1);
  });

  it('backupAsset answers 204', async () => {
    await expect(client().backupAsset(sampleAsset(1))).resolves.toBeUndefined();
  });

  it('delete removes a backup', async () => {
    const api = client();
    const backup = await api.create();
    await expect(api.delete(backup.id, backup)).resolves.toBeUndefined();
    expect(isNotFoundError(await rejection(api.getBackup(backup.id)))).toBe(true);
  });

  it('a creation cancel is accepted while a creation runs; the status then becomes CANCELED', async () => {
    const api = client();
    emulator.current.admin.setState(SLOW);
    await api.backup();
    const id = await runningCreationId();
    await expect(api.cancel('creation', id)).resolves.toBeUndefined();
    const status = await waitFor(async () => {
      const { value } = await api.status('creation', id);
      return value === 'CANCELED' ? value : undefined;
    }, 'CANCELED');
    expect(status).toBe('CANCELED');
  });

  it('a restoration cancel is accepted while a restoration runs; the blocked restore then fails with 500', async () => {
    const api = client();
    const backup = await api.create();
    emulator.current.admin.setState(SLOW);
    const restoring = rejection(api.restore(backup.id));
    await waitFor(() => emulator.current.admin.operations().restorations[0], 'a running restoration');
    await expect(api.cancel('restoration', backup.id, { backup })).resolves.toBeUndefined();
    const error = await restoring;
    expect(isServerError(error) && error.status).toBe(500);
    expect((await api.status('restoration', backup.id)).value).toBe('CANCELED');
  });

  it('encodes ids into the path (a malformed id reaches the server as one segment: 400)', async () => {
    const error = await rejection(client().getBackup('a b/../x'));
    expect(isHttpError(error) && error.status).toBe(400);
    expect(isHttpError(error) && error.url).toContain('/backup/a%20b%2F..%2Fx');
  });
});

describe('createBackupClient: typed errors', () => {
  it('404 -> NotFoundError with the text body', async () => {
    const error = await rejection(client().getBackup(UNKNOWN_ID));
    expect(isNotFoundError(error)).toBe(true);
    expect(isNotFoundError(error) && error.body).toContain(UNKNOWN_ID);
    expect(isNotFoundError(error) && error.method).toBe('GET');
  });

  it('409 -> ConflictError naming the running creation', async () => {
    const api = client();
    emulator.current.admin.setState(SLOW);
    await api.backup();
    const id = await runningCreationId();
    const error = await rejection(api.create());
    expect(isConflictError(error) && error.status).toBe(409);
    expect(isConflictError(error) && error.body).toContain(id);
  });

  it('500 -> ServerError when cancelling with nothing in progress', async () => {
    const error = await rejection(client().cancel('creation', UNKNOWN_ID));
    expect(isServerError(error) && error.status).toBe(500);
    expect(isServerError(error) && error.body).toContain('no backup creation in progress');
    const restoration = await rejection(client().cancel('restoration', UNKNOWN_ID));
    expect(isServerError(restoration)).toBe(true);
  });

  it('505 -> UpdateRequiredError when the OS is out of date', async () => {
    emulator.current.admin.setState({ osUpToDate: false });
    const error = await rejection(client().create());
    expect(isUpdateRequiredError(error) && error.status).toBe(505);
    expect(isUpdateRequiredError(error) && error.body.length).toBeGreaterThan(0);
  });

  it('511 -> AuthenticationRequiredError when signed out', async () => {
    emulator.current.admin.setState({ signedIn: false });
    const error = await rejection(client().backup());
    expect(isAuthenticationRequiredError(error) && error.status).toBe(511);
    expect(isAuthenticationRequiredError(error) && error.method).toBe('POST');
  });

  it('a forced status keeps status and body', async () => {
    emulator.current.admin.injectFault({ operation: 'backups_delete_specific_backup', status: 418, body: 'short and stout' });
    const error = await rejection(client().delete(UNKNOWN_ID));
    expect(isHttpError(error) && [error.name, error.status, error.body.trim()]).toEqual(['HttpError', 418, 'short and stout']);
  });

  it('a malformed body -> ProtocolError naming the field', async () => {
    const api = client();
    const { id } = await api.create();
    emulator.current.admin.injectFault({ operation: 'backup_specific_backup_snapshot', malformed: true, times: 1 });
    const error = await rejection(api.getBackup(id));
    expect(isProtocolError(error)).toBe(true);
    expect(isProtocolError(error) && error.path).toMatch(/^[a-z_]/);
    expect(isProtocolError(error) && error.message).toContain(isProtocolError(error) ? error.path : '');
    emulator.current.admin.injectFault({ operation: 'backups_snapshot', malformed: true, times: 1 });
    const listError = await rejection(api.list());
    expect(isProtocolError(listError) && listError.path).toBe('iterable');
  });

  it('a truncated body -> ProtocolError with a snippet', async () => {
    emulator.current.admin.injectFault({ operation: 'backups_snapshot', truncate: true, times: 1 });
    const error = await rejection(client().list());
    expect(isProtocolError(error) && error.message).toContain('not JSON');
    expect(isProtocolError(error) && error.path).toBeUndefined();
    expect(isProtocolError(error) && error.snippet.length).toBeGreaterThan(0);
  });

  it('a connection reset -> NetworkError (a POST, so not retried)', async () => {
    const recorder = recordingFetch();
    emulator.current.admin.injectFault({ operation: 'backups_create_new_backup', reset: true });
    const error = await rejection(client({ fetch: recorder.fetch }).create());
    expect(isNetworkError(error)).toBe(true);
    expect(recorder.calls('/backups/create')).toBe(1);
  });

  it('a refused connection -> NetworkError', async () => {
    const api = createBackupClient({ baseUrl: `http://127.0.0.1:${await closedPort()}`, retry: 0 });
    const error = await rejection(api.list());
    expect(isNetworkError(error) && error.url).toContain('/backups');
  });

  it('latency beyond the timeout -> TimeoutError', async () => {
    emulator.current.admin.injectFault({ operation: 'backups_snapshot', latencyMs: 3_000 });
    const error = await rejection(client().list({ timeout: 100 }));
    expect(isTimeoutError(error) && error.timeoutMs).toBe(100);
  });

  it('the client-wide timeout applies when the call gives none', async () => {
    emulator.current.admin.injectFault({ operation: 'backup_specific_creation_status', latencyMs: 3_000 });
    const error = await rejection(client({ timeout: 100 }).status('creation', UNKNOWN_ID));
    expect(isTimeoutError(error)).toBe(true);
  });

  it('abort -> AbortedError with the reason', async () => {
    emulator.current.admin.injectFault({ operation: 'backups_snapshot', latencyMs: 3_000 });
    const controller = new AbortController();
    const pending = rejection(client().list({ signal: controller.signal }));
    setTimeout(() => controller.abort('user left'), 50);
    const error = await pending;
    expect(isAbortedError(error) && error.reason).toBe('user left');
  });

  it('an already aborted signal rejects without a request', async () => {
    const recorder = recordingFetch();
    const error = await rejection(client({ fetch: recorder.fetch }).list({ signal: AbortSignal.abort() }));
    expect(isAbortedError(error)).toBe(true);
    expect(recorder.requests).toHaveLength(0);
  });

  it('sends JSON bodies with Content-Type application/json and the configured headers', async () => {
    const recorder = recordingFetch();
    await client({ fetch: recorder.fetch, headers: { 'x-application-id': 'tests' } }).create({});
    const request = recorder.requests[0];
    expect(request?.headers.get('content-type')).toBe('application/json');
    expect(request?.headers.get('x-application-id')).toBe('tests');
  });
});
