import { decodeAsset, type Assets, type OperationKind } from '../models/index.js';
import { optionalBody } from './backup-routes.js';
import { DEFAULT_FAILURE_REASON } from './emulator-admin.js';
import { sendEmpty, sendJson } from './http-io.js';
import { RequestRejection } from './request-rejection.js';
import type { Route } from './router.js';

function required(body: unknown): unknown {
  if (body === undefined) throw new RequestRejection(400, 'a JSON body is required');
  return body;
}

function parseFailRequest(body: unknown): { kind: OperationKind; reason: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new RequestRejection(400, 'body must be a JSON object');
  const { kind, reason = DEFAULT_FAILURE_REASON, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) throw new RequestRejection(400, `unknown field ${JSON.stringify(unknown)}`);
  if (kind !== 'creation' && kind !== 'restoration') throw new RequestRejection(400, 'kind must be "creation" or "restoration"');
  if (typeof reason !== 'string' || reason.length > 1000) {
    throw new RequestRejection(400, 'reason must be a string of at most 1000 characters');
  }
  return { kind, reason };
}

/**
 * `/__emulator/*`: test and demo controls, never used by the client library. Each route reads
 * its body and calls `EmulatorAdmin`, the surface `emulator.admin` and the test kit use too.
 */
export const adminRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/__emulator/health',
    handle: ({ core: { admin }, res }) => sendJson(res, 200, { ok: true, version: admin.getState().version, operations: admin.operations() }),
  },
  {
    method: 'POST',
    path: '/__emulator/reset',
    handle: async ({ core: { admin }, res }) => {
      await admin.reset();
      sendEmpty(res);
    },
  },
  {
    method: 'GET',
    path: '/__emulator/state',
    handle: ({ core: { admin }, res }) => sendJson(res, 200, admin.getState()),
  },
  {
    method: 'PUT',
    path: '/__emulator/state',
    // the patch is validated by setState, for both faces
    handle: ({ core: { admin }, body, res }) => {
      admin.setState(required(body) as Parameters<typeof admin.setState>[0]);
      sendJson(res, 200, admin.getState());
    },
  },
  {
    method: 'GET',
    path: '/__emulator/assets',
    handle: ({ core: { admin }, res }) => {
      const assets: Assets = { iterable: admin.listAssets() };
      sendJson(res, 200, assets);
    },
  },
  {
    method: 'POST',
    path: '/__emulator/assets',
    handle: ({ core: { admin }, body, res }) => {
      const asset = optionalBody(decodeAsset, required(body), 'Asset');
      if (!asset) throw new RequestRejection(400, 'body is not a valid Asset');
      admin.upsertAsset(asset);
      sendEmpty(res);
    },
  },
  {
    // A completed backup with the given timestamp, device and size, listed and restorable at once.
    method: 'POST',
    path: '/__emulator/backups',
    handle: ({ core: { admin }, body, res }) => sendJson(res, 201, admin.seedBackup(required(body) as Parameters<typeof admin.seedBackup>[0])),
  },
  {
    // Makes the running operation FAILED now, as a broken disk or cloud would.
    method: 'POST',
    path: '/__emulator/operations/fail',
    handle: ({ core: { admin }, body, res }) => {
      const { kind, reason } = parseFailRequest(required(body));
      sendJson(res, 200, admin.failOperation(kind, reason));
    },
  },
  {
    // The operations journal: what ran, how it ended and why, across restarts.
    method: 'GET',
    path: '/__emulator/operations/journal',
    handle: ({ core: { admin }, res }) => sendJson(res, 200, { records: admin.journal() }),
  },
  {
    method: 'GET',
    path: '/__emulator/faults',
    handle: ({ core: { admin }, res }) => sendJson(res, 200, admin.faults()),
  },
  {
    method: 'POST',
    path: '/__emulator/faults',
    handle: ({ core: { admin }, body, res }) => {
      admin.injectFault(required(body) as Parameters<typeof admin.injectFault>[0]);
      sendEmpty(res);
    },
  },
  {
    method: 'DELETE',
    path: '/__emulator/faults',
    handle: ({ core: { admin }, res }) => {
      admin.clearFaults();
      sendEmpty(res);
    },
  },
];
