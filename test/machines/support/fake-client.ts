import { FakeClient } from '../../helpers/fake-client.js';

export { backupOf, statusOf } from '../../helpers/wire-fixtures.js';

type Handler = (...args: never[]) => unknown;

const ENDPOINT_CALLS = [
  'backup', 'backupAsset', 'restore', 'restoreStreamed', 'getBackup', 'cancelCreation', 'creationStatus',
  'cancelRestoration', 'restorationStatus', 'list', 'create', 'createStreamed', 'delete', 'version', 'featureAccess',
] as const;

/**
 * The one test fake (`test/helpers/fake-client.ts`), strict: each method answers as the
 * test's handler says (called with the call's arguments), any other call rejects loudly.
 * Calls are recorded under the endpoint's name (`creationStatus`, `cancelRestoration`, ...).
 */
export function createFakeClient(now: () => number, handlers: Partial<Record<string, Handler>> = {}) {
  const client = new FakeClient(now, { strict: true });
  // handlers are read at call time: a test may swap one mid-way
  for (const method of ENDPOINT_CALLS) {
    client.respond(method, (call) => {
      const handler = handlers[method] as ((...args: unknown[]) => unknown) | undefined;
      if (!handler) throw new Error(`unexpected call ${method}`);
      return handler(...call.args);
    });
  }
  return { client, calls: client.calls, handlers, callsOf: (method: string) => client.callsOf(method) };
}
