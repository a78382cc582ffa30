import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import {
  createBackupClient,
  discoverDaemon,
  isDaemonNotFoundError,
  isHttpError,
  isNetworkError,
  type BackupClientOptions,
  type WebSocketConstructor,
} from '../../src/api/index.js';
import { toLifecycleError } from '../../machines/lifecycle-error.js';
import { useEmulator } from '../helpers/emulator.js';
import { collect } from './support.js';

// Issue #8: an error names its real cause where the platform tells us, not "cannot be reached".

const emulator = useEmulator({ allowLoopbackOrigins: false });

/** `ws` sending the Origin a page on a foreign site would send. */
class ForeignOriginWebSocket extends WebSocket {
  constructor(url: string) {
    super(url, { origin: 'http://evil.example' });
  }
}

const clientOptions = (extra: Partial<BackupClientOptions> = {}): BackupClientOptions => ({ baseUrl: emulator.url, retry: 0, ...extra });

describe('createBackupClient: a base URL that is not an absolute http(s) URL', () => {
  it.each(['localhost:39300', '127.0.0.1:39300', 'ws://127.0.0.1:39300', 'file:///tmp/pieces', '', '/backups', 'http://'])(
    'throws a TypeError at once for %j, naming the value and what is expected',
    (baseUrl) => {
      const create = () => createBackupClient({ baseUrl });
      expect(create).toThrow(TypeError);
      expect(create).toThrow(`baseUrl must be an absolute http(s) URL such as "http://127.0.0.1:39300", got ${JSON.stringify(baseUrl)}`);
    },
  );

  it('accepts http and https URLs, with or without a path prefix', () => {
    for (const baseUrl of ['http://127.0.0.1:39300', 'HTTPS://pieces.local/api/', 'http://[::1]:1000']) {
      expect(() => createBackupClient({ baseUrl })).not.toThrow();
    }
  });
});

describe('a WebSocket upgrade refused for its Origin', () => {
  it("is an HttpError 403 carrying the daemon's text, not an abnormal close", async () => {
    const client = createBackupClient(clientOptions({ WebSocket: ForeignOriginWebSocket as unknown as WebSocketConstructor }));
    const error = await collect(client.progressWebSocket({ timeout: 5_000 })).ended;
    expect(isNetworkError(error)).toBe(false);
    expect(isHttpError(error) && error.status).toBe(403);
    expect(isHttpError(error) && error.body).toMatch(/^forbidden: Origin "http:\/\/evil\.example" is not allowed/);
    expect((error as Error).message).not.toMatch(/1006|cannot be reached/);
  });

  it("is a `forbidden` LifecycleError: the user is told the page's origin is not allowed", async () => {
    const client = createBackupClient(clientOptions({ WebSocket: ForeignOriginWebSocket as unknown as WebSocketConstructor }));
    const error = await collect(client.createWebSocket(undefined, { timeout: 5_000 })).ended;
    const lifecycle = toLifecycleError(error);
    expect(lifecycle).toMatchObject({ kind: 'forbidden', status: 403, outcomeUnknown: false });
    expect(lifecycle.body).toContain('is not allowed');
    expect(lifecycle.userAction).toMatch(/does not allow this page's origin/);
  });

  it('an HTTP request with the foreign Origin is the same 403 and the same kind', async () => {
    const client = createBackupClient(clientOptions({ headers: { origin: 'http://evil.example' } }));
    const error = await client.list().catch((caught: unknown) => caught);
    expect(isHttpError(error) && error.status).toBe(403);
    expect(toLifecycleError(error).kind).toBe('forbidden');
  });

  it('without the foreign Origin the same emulator answers (the 403 is about the Origin alone)', async () => {
    const client = createBackupClient(clientOptions());
    const { iterable } = await client.list();
    expect(Array.isArray(iterable)).toBe(true);
  });
});

describe('discoverDaemon({ candidates }): checking a configured base URL', () => {
  it('resolves the candidate that is Pieces OS, without its trailing slash', async () => {
    expect(await discoverDaemon({ candidates: [`${emulator.url}/`] })).toBe(emulator.url);
  });

  it('says the base URL looks wrong when its health route answers 404', async () => {
    const wrong = `${emulator.url}/wrong`;
    const error = await discoverDaemon({ candidates: [`${wrong}/`] }).catch((caught: unknown) => caught);
    expect(isDaemonNotFoundError(error) && error.probed).toEqual([wrong]);
    expect(isDaemonNotFoundError(error) && error.answers[0]).toMatch(/^answered 404/);
    expect((error as Error).message).toContain(`${wrong} (answered 404 Not Found: not Pieces OS, or a wrong path in the base URL)`);
  });
});
