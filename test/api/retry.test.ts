import { beforeEach, describe, expect, it } from 'vitest';
import {
  createBackupClient,
  exponentialBackoff,
  isAbortedError,
  isAuthenticationRequiredError,
  isServerError,
  isUpdateRequiredError,
  type BackupClientOptions,
} from '../../src/api/index.js';
import { useEmulator } from '../helpers/emulator.js';
import { recordingFetch } from './support.js';

const emulator = useEmulator();
const FAST = { retryDelay: 1 };

function client(options: Partial<BackupClientOptions>) {
  return createBackupClient({ baseUrl: emulator.url, ...options });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

beforeEach(async () => {
  await emulator.current.admin.reset();
});

describe('retry of idempotent reads', () => {
  it('a GET that fails 503 twice succeeds on the third attempt', async () => {
    const recorder = recordingFetch();
    emulator.current.admin.injectFault({ operation: 'backups_snapshot', status: 503, times: 2 });
    const backups = await client({ fetch: recorder.fetch, ...FAST }).list();
    expect(backups.iterable).toEqual([]);
    expect(recorder.calls('/backups')).toBe(3);
  });

  it('gives up after `retry` retries with the last typed error', async () => {
    const recorder = recordingFetch();
    emulator.current.admin.injectFault({ operation: 'backups_snapshot', status: 503, body: 'busy' });
    const error = await rejection(client({ fetch: recorder.fetch, ...FAST, retry: 3 }).list());
    expect(isServerError(error) && [error.status, error.body.trim()]).toEqual([503, 'busy']);
    expect(recorder.calls('/backups')).toBe(4);
  });

  it('retries a dropped connection', async () => {
    const recorder = recordingFetch();
    emulator.current.admin.injectFault({ operation: 'backups_snapshot', reset: true, times: 1 });
    await expect(client({ fetch: recorder.fetch, ...FAST }).list()).resolves.toMatchObject({ iterable: [] });
    expect(recorder.calls('/backups')).toBe(2);
  });

  it('never retries 511 or 505, even when a predicate says yes', async () => {
    const recorder = recordingFetch();
    const api = client({ fetch: recorder.fetch, ...FAST, retry: () => true });
    emulator.current.admin.setState({ signedIn: false });
    expect(isAuthenticationRequiredError(await rejection(api.list()))).toBe(true);
    expect(recorder.calls('/backups')).toBe(1);
    emulator.current.admin.setState({ signedIn: true, osUpToDate: false });
    expect(isUpdateRequiredError(await rejection(api.list()))).toBe(true);
    expect(recorder.calls('/backups')).toBe(2);
  });

  it('does not retry a 404', async () => {
    const recorder = recordingFetch();
    await rejection(client({ fetch: recorder.fetch, ...FAST }).status('creation', '9.0.0_1'));
    expect(recorder.calls('/backup/9.0.0_1/creation/status')).toBe(1);
  });

  it('never retries a POST', async () => {
    const recorder = recordingFetch();
    emulator.current.admin.injectFault({ operation: 'backups_create_new_backup', status: 503, times: 1 });
    const error = await rejection(client({ fetch: recorder.fetch, ...FAST }).create());
    expect(isServerError(error) && error.status).toBe(503);
    expect(recorder.calls('/backups/create')).toBe(1);
  });

  it('retry: false on one call makes a single attempt whatever the policy', async () => {
    const recorder = recordingFetch();
    emulator.current.admin.injectFault({ operation: 'backups_snapshot', status: 503, times: 1 });
    const api = client({ fetch: recorder.fetch, ...FAST, retry: 5 });
    expect(isServerError(await rejection(api.list({ retry: false })))).toBe(true);
    expect(recorder.calls('/backups')).toBe(1);
    await expect(api.list()).resolves.toMatchObject({ iterable: [] });
    expect(recorder.calls('/backups')).toBe(2);
  });

  it('retry: 0 turns retries off', async () => {
    const recorder = recordingFetch();
    emulator.current.admin.injectFault({ operation: 'backups_snapshot', status: 503, times: 1 });
    await rejection(client({ fetch: recorder.fetch, retry: 0 }).list());
    expect(recorder.calls('/backups')).toBe(1);
  });

  // The emulator sends no Retry-After, so a fetch wrapper adds it to its real 503s.
  const withRetryAfter = (value: string) =>
    recordingFetch((response) => {
      if (response.status !== 503) return response;
      const headers = new Headers(response.headers);
      headers.set('retry-after', value);
      return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
    });

  it('honours Retry-After over the computed backoff', async () => {
    const recorder = withRetryAfter('0');
    emulator.current.admin.injectFault({ operation: 'backups_snapshot', status: 503, times: 1 });
    // Backoff alone would wait 60 s; the signal turns that into a failure instead of a hang.
    const api = client({ fetch: recorder.fetch, retryDelay: exponentialBackoff({ baseMs: 60_000, maxMs: 60_000, jitter: false }) });
    await expect(api.list({ signal: AbortSignal.timeout(10_000) })).resolves.toMatchObject({ iterable: [] });
    expect(recorder.calls('/backups')).toBe(2);
  });

  it('bounds a long Retry-After by the backoff maximum', async () => {
    const recorder = withRetryAfter('3600');
    emulator.current.admin.injectFault({ operation: 'backups_snapshot', status: 503, times: 1 });
    const api = client({ fetch: recorder.fetch, retryDelay: exponentialBackoff({ baseMs: 1, maxMs: 5, jitter: false }) });
    await expect(api.list({ signal: AbortSignal.timeout(10_000) })).resolves.toMatchObject({ iterable: [] });
    expect(recorder.calls('/backups')).toBe(2);
  });

  it('an abort during the backoff wait -> AbortedError, no further attempt', async () => {
    const recorder = recordingFetch();
    emulator.current.admin.injectFault({ operation: 'backups_snapshot', status: 503 });
    const controller = new AbortController();
    const api = client({ fetch: recorder.fetch, retryDelay: 60_000 });
    const pending = rejection(api.list({ signal: controller.signal }));
    setTimeout(() => controller.abort(), 100);
    expect(isAbortedError(await pending)).toBe(true);
    expect(recorder.calls('/backups')).toBe(1);
  });

  it('uses the injected random source for jitter', async () => {
    const recorder = recordingFetch();
    const draws: number[] = [];
    const random = () => {
      draws.push(0);
      return 0;
    };
    emulator.current.admin.injectFault({ operation: 'backups_snapshot', status: 503, times: 2 });
    await client({ fetch: recorder.fetch, random }).list({
      signal: AbortSignal.timeout(10_000),
    });
    expect(draws).toHaveLength(2);
  });
});
