import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createBackupClient, type BackupClient, type FrameSource, type WebSocketLike } from '../../src/api/index.js';
import { OPERATION_NAMES } from '../../src/emulator/index.js';
import {
  ENDPOINT_NAMES,
  ENDPOINTS,
  cancelEndpoint,
  endpointPath,
  statusEndpoint,
  type EndpointName,
} from '../../src/models/index.js';
import { adminFetch, openSocket, useEmulator, waitFor, wsUrl } from '../helpers/emulator.js';

const UNKNOWN_ID = '9.0.0_1000000000000';
// Needs encoding: the client must send it as one path segment.
const AWKWARD_ID = 'a b/c?d';

/** The row a request is for: same method, same segments, a `:param` segment matching any one. */
function rowOf(method: string, pathname: string): EndpointName | undefined {
  const segments = pathname.split('/');
  return ENDPOINT_NAMES.find((name) => {
    const { method: rowMethod, path } = ENDPOINTS[name];
    const parts = path.split('/');
    return (
      rowMethod === method &&
      parts.length === segments.length &&
      parts.every((part, index) => part.startsWith(':') || part === segments[index])
    );
  });
}

describe('the endpoint table', () => {
  it('builds paths with each id encoded as one segment', () => {
    expect(endpointPath('backups_snapshot')).toBe('/backups');
    expect(endpointPath('backup_specific_creation_status', { backup: AWKWARD_ID })).toBe('/backup/a%20b%2Fc%3Fd/creation/status');
    // @ts-expect-error the restore path needs a backup id
    expect(() => endpointPath('backup_restore_specific_backup')).toThrow(TypeError);
  });

  it('picks the status and cancel rows by kind', () => {
    expect(ENDPOINTS[statusEndpoint('creation')].path).toBe('/backup/:backup/creation/status');
    expect(ENDPOINTS[statusEndpoint('restoration')].path).toBe('/backup/:backup/restoration/status');
    expect(ENDPOINTS[cancelEndpoint('creation')]).toMatchObject({ method: 'POST', path: '/backup/:backup/creation/cancel' });
    expect(ENDPOINTS[cancelEndpoint('restoration')]).toMatchObject({ method: 'POST', path: '/backup/:backup/restoration/cancel' });
  });

  it('is what docs/protocol.md lists: every endpoint in its table, every name among the fault names', () => {
    const doc = fs.readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
    for (const name of ENDPOINT_NAMES) {
      const { method, path } = ENDPOINTS[name];
      const documented = path.replace(':backup', '{b}');
      // The doc writes `POST /backup` and WS `/backups/streamed/progress`.
      expect(doc, name).toContain(method === 'WS' ? `| WS \`${documented}\` |` : `| \`${method} ${documented}\``);
      expect(doc, name).toContain(`\`${name}\``);
    }
  });
});

describe('the emulator serves the table', () => {
  const emulator = useEmulator();

  it('answers every row (signed out: cloud endpoints answer 511 and start nothing), never "no such route"', async () => {
    await adminFetch(emulator.url, 'PUT', 'state', { signedIn: false });
    for (const name of ENDPOINT_NAMES) {
      const { method } = ENDPOINTS[name];
      const path = endpointPath(name, { backup: UNKNOWN_ID });
      if (method === 'WS') {
        const probe = await openSocket(wsUrl(emulator.url, path));
        await expect(probe.opened, name).resolves.toBeUndefined();
        probe.socket.close();
        continue;
      }
      const response = await fetch(`${emulator.url}${path}`, { method });
      const body = await response.text();
      expect(response.status, `${name}: ${body}`).not.toBe(405);
      expect(body, name).not.toMatch(/^no route for /);
    }
  });

  it('takes exactly the table operation names as fault names', async () => {
    expect(OPERATION_NAMES).toEqual(ENDPOINT_NAMES);
    for (const operation of ENDPOINT_NAMES) await adminFetch(emulator.url, 'POST', 'faults', { operation, times: 1 });
    expect((await adminFetch<Array<{ operation: string }>>(emulator.url, 'GET', 'faults')).map((fault) => fault.operation)).toEqual(
      ENDPOINT_NAMES,
    );
    await adminFetch(emulator.url, 'DELETE', 'faults');
    const refused = await fetch(`${emulator.url}/__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ operation: 'backups_nothing' }),
    });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toBe(`fault.operation must be one of ${ENDPOINT_NAMES.join(', ')}\n`);
  });
});

describe('the client uses only table paths', () => {
  type Call = Promise<unknown> | FrameSource<unknown>;
  // One entry per client method: a method added without one fails tsc.
  const CALLS: { [K in Exclude<keyof BackupClient, 'baseUrl' | 'slot'>]: (client: BackupClient) => Array<() => Call> } = {
    backup: (client) => [() => client.backup()],
    backupAsset: (client) => [() => client.backupAsset()],
    restore: (client) => [() => client.restore(AWKWARD_ID)],
    restoreStreamed: (client) => [() => client.restoreStreamed(AWKWARD_ID)],
    getBackup: (client) => [() => client.getBackup(AWKWARD_ID)],
    cancel: (client) => [() => client.cancel('creation', AWKWARD_ID), () => client.cancel('restoration', AWKWARD_ID)],
    status: (client) => [() => client.status('creation', AWKWARD_ID), () => client.status('restoration', AWKWARD_ID)],
    list: (client) => [() => client.list()],
    create: (client) => [() => client.create()],
    createStreamed: (client) => [() => client.createStreamed()],
    delete: (client) => [() => client.delete(AWKWARD_ID)],
    version: (client) => [() => client.version()],
    featureAccess: (client) => [() => client.featureAccess('RESTORE_CLOUD_BACKUP')],
    createStreamedFrames: (client) => [() => client.createStreamedFrames()],
    restoreStreamedFrames: (client) => [() => client.restoreStreamedFrames(AWKWARD_ID)],
    createWebSocket: (client) => [() => client.createWebSocket()],
    restoreWebSocket: (client) => [() => client.restoreWebSocket(AWKWARD_ID)],
    progressWebSocket: (client) => [() => client.progressWebSocket()],
  };

  it('every request of every method is a table row, with the id encoded; together they use every row', async () => {
    const requests: Array<{ method: string; url: string }> = [];
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const request = input instanceof Request ? input : new Request(input, init);
      requests.push({ method: request.method, url: request.url });
      return new Response('no backup', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    };
    class RecordingWebSocket implements WebSocketLike {
      readonly readyState = 3;
      constructor(url: string) {
        requests.push({ method: 'WS', url });
      }
      send() {}
      close() {}
      addEventListener() {}
      removeEventListener() {}
    }
    const client = createBackupClient({ baseUrl: 'http://127.0.0.1:39399', fetch, WebSocket: RecordingWebSocket });

    for (const calls of Object.values(CALLS)) {
      for (const start of calls(client)) {
        const before = requests.length;
        const call = start();
        if ('open' in call) {
          const handle = call.open({ next() {}, complete() {}, error() {} });
          await waitFor(() => (requests.length > before ? true : undefined), 'the frame source to connect');
          handle.close();
        } else {
          await call.catch(() => undefined);
        }
        expect(requests.length).toBe(before + 1);
      }
    }

    const used = new Set<EndpointName>();
    for (const { method, url } of requests) {
      const { pathname } = new URL(url);
      const row = rowOf(method, pathname);
      expect(row, `${method} ${pathname}`).toBeDefined();
      used.add(row!);
      expect(pathname).toBe(endpointPath(row!, { backup: AWKWARD_ID }));
    }
    expect([...used].sort()).toEqual([...ENDPOINT_NAMES].sort());
  });
});
