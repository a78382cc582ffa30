import { createBackupClient, type BackupClient, type BackupClientOptions, type WebSocketConstructor } from '../../src/api/index.js';
import { createBackupCore, createMemoryLock, type BackupCore, type Store, type StoredSchedule } from '../../src/core/index.js';
import type { Emulator } from '../../src/emulator/index.js';

/** A client whose HTTP requests are recorded as `METHOD /path`. */
export function recordingClient(baseUrl: string, options: Partial<BackupClientOptions> = {}): { client: BackupClient; requests: string[] } {
  const requests: string[] = [];
  const base = options.fetch ?? globalThis.fetch;
  const fetch: typeof globalThis.fetch = (input, init) => {
    // note: not `new Request(input, init)`: that consumes the body of a Request `input` (a POST with JSON)
    const request = input instanceof Request ? input : new Request(input, init);
    requests.push(`${request.method} ${new URL(request.url).pathname}`);
    return base(input, init);
  };
  return { client: createBackupClient({ ...options, baseUrl, fetch }), requests };
}

/** Resolves with the store's snapshot once `predicate` holds (checked now and on every change). */
export function until<T>(store: Store<T>, predicate: (value: T) => boolean, what = 'the store', timeoutMs = 20_000): Promise<T> {
  return new Promise((resolve, reject) => {
    let stop = () => {};
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out waiting for ${what}: ${JSON.stringify(store.getSnapshot(), (_k, v: unknown) => (v instanceof Error ? v.name : v)).slice(0, 400)}`));
    }, timeoutMs);
    const check = () => {
      const value = store.getSnapshot();
      if (!predicate(value)) return;
      clearTimeout(timer);
      stop();
      resolve(value);
    };
    stop = store.subscribe(check);
    check();
  });
}

/** Operations of `kind` the emulator ever started, from its own journal. */
/** The POSTs that start an operation: the feature check before a start (`POST /user/has_feature_access`) starts nothing. */
export const operationPosts = (requests: readonly string[]): string[] =>
  requests.filter((request) => request.startsWith('POST') && !request.includes('/user/has_feature_access'));

export function started(emulator: Emulator, kind: 'creation' | 'restoration'): Array<{ backup: string; status: string }> {
  return emulator.admin
    .journal()
    .filter((record) => record.kind === kind)
    .map((record) => ({ backup: record.backup.id, status: record.status }));
}

/** Waits until the emulator runs nothing (a stopped lifecycle's operation runs on to its end). */
export async function idle(emulator: Emulator, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { creations, restorations } = emulator.admin.operations();
    if (creations.length + restorations.length === 0) return;
    if (Date.now() > deadline) throw new Error('the emulator is still running an operation');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A core on a recording client over the page's WebSocket (happy-dom's) that counts the
 * frames of restore sockets and lists every socket path opened: what the adapter tests
 * measure. The caller disposes the core.
 */
export function countingCore(baseUrl: string): {
  client: BackupClient;
  core: BackupCore;
  requests: string[];
  frames: { count: number };
  sockets: string[];
} {
  const frames = { count: 0 };
  const sockets: string[] = [];
  const Base = globalThis.WebSocket as unknown as new (url: string, protocols?: string | string[]) => WebSocket;
  class CountingWebSocket extends Base {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      sockets.push(new URL(url).pathname);
      if (url.includes('/restore/')) this.addEventListener('message', () => frames.count++);
    }
  }
  const { client, requests } = recordingClient(baseUrl, { WebSocket: CountingWebSocket as unknown as WebSocketConstructor });
  return { client, core: createBackupCore(client), requests, frames, sockets };
}

/**
 * A core with a 6 h schedule of `desk-1` and a keep-last-1 retention policy, over an emulator
 * seeded with three backups of `desk-1` (the newest made now, so the period is done and the
 * schedule starts nothing): what the adapters' policy tests bind to. The caller disposes it.
 */
export function policyCore(emulator: Emulator, baseUrl: string): { core: BackupCore; seeded: string[] } {
  const day = 86_400_000;
  const seeded = [2 * day, day, 0].map((ago) => emulator.admin.seedBackup({ timestamp: new Date(Date.now() - ago).toISOString(), deviceName: 'desk-1', bytes: 1000 }).id);
  const { client } = recordingClient(baseUrl);
  let saved: StoredSchedule | null = null;
  const storage = { load: () => saved, save: (state: StoredSchedule) => void (saved = state) };
  const core = createBackupCore(client, {
    transport: 'polling',
    schedule: { every: '6h', deviceName: 'desk-1', storage, lock: createMemoryLock() },
    retention: { keepLast: 1 },
  });
  return { core, seeded };
}
