import type { BackupClient } from '../../../src/api/index.js';

export interface FakeCall {
  method: keyof BackupClient;
  args: unknown[];
  at: number;
}

type Handler = (...args: never[]) => unknown;

export { backupOf, statusOf } from '../../helpers/wire-fixtures.js';

/**
 * A BackupClient whose methods are what the test says (`handle`), recorded with the clock's
 * time; any other call fails the test loudly.
 */
export function createFakeClient(now: () => number, handlers: Partial<Record<keyof BackupClient, Handler>> = {}) {
  const calls: FakeCall[] = [];
  const handle =
    (method: keyof BackupClient) =>
    (...args: unknown[]) => {
      calls.push({ method, args, at: now() });
      const handler = handlers[method];
      if (!handler) throw new Error(`unexpected call ${String(method)}`);
      return (handler as (...a: unknown[]) => unknown)(...args);
    };
  const methods = [
    'backup', 'backupAsset', 'restore', 'restoreStreamed', 'snapshot', 'cancelCreation', 'creationStatus',
    'cancelRestoration', 'restorationStatus', 'list', 'create', 'createStreamed', 'delete', 'createStreamedFrames',
    'restoreStreamedFrames', 'createWebSocket', 'restoreWebSocket', 'progressWebSocket',
  ] as const;
  const client = Object.fromEntries(methods.map((method) => [method, handle(method)])) as unknown as BackupClient;
  Object.defineProperty(client, 'baseUrl', { value: 'http://fake.invalid' });
  return {
    client,
    calls,
    handlers,
    callsOf: (method: keyof BackupClient) => calls.filter((call) => call.method === method),
  };
}
