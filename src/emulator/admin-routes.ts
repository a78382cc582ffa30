import { decodeAsset, type Assets } from '../models/index.js';
import { optionalBody } from './backup-routes.js';
import type { EmulatorCore } from './emulator-core.js';
import { parseFaultSpec } from './faults.js';
import { sendEmpty, sendJson, sendText } from './http-io.js';
import { validateStatePatch } from './options.js';
import { RequestRejection } from './request-rejection.js';
import type { Route } from './router.js';

export function operationsOf(core: EmulatorCore) {
  const { creations, restorations } = core.registry.inProgress();
  return {
    creations: creations.map((operation) => operation.statusRecord()),
    restorations: restorations.map((operation) => operation.statusRecord()),
  };
}

function required(body: unknown): unknown {
  if (body === undefined) throw new RequestRejection(400, 'a JSON body is required');
  return body;
}

export const DEFAULT_FAILURE_REASON = 'injected failure';

function parseFailRequest(body: unknown): { kind: 'creation' | 'restoration'; reason: string } {
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

/** `/__emulator/*`: test and demo controls, never used by the client library. */
export const adminRoutes: readonly Route[] = [
  {
    // Discovery probes this on every candidate port: `ok:<os-version>`.
    method: 'GET',
    path: '/.well-known/health',
    handle: ({ core, res }) => sendText(res, 200, `ok:${core.state.version}`),
  },
  {
    method: 'GET',
    path: '/__emulator/health',
    handle: ({ core, res }) => sendJson(res, 200, { ok: true, version: core.state.version, operations: operationsOf(core) }),
  },
  {
    method: 'POST',
    path: '/__emulator/reset',
    handle: ({ core, res }) => {
      core.reset();
      sendEmpty(res);
    },
  },
  {
    method: 'GET',
    path: '/__emulator/state',
    handle: ({ core, res }) => sendJson(res, 200, core.state),
  },
  {
    method: 'PUT',
    path: '/__emulator/state',
    handle: ({ core, body, res }) => {
      core.state = { ...core.state, ...validateStatePatch(required(body)) };
      sendJson(res, 200, core.state);
    },
  },
  {
    method: 'GET',
    path: '/__emulator/assets',
    handle: ({ core, res }) => {
      const assets: Assets = { iterable: core.db.list() };
      sendJson(res, 200, assets);
    },
  },
  {
    method: 'POST',
    path: '/__emulator/assets',
    handle: ({ core, body, res }) => {
      const asset = optionalBody(decodeAsset, required(body), 'Asset');
      if (!asset) throw new RequestRejection(400, 'body is not a valid Asset');
      core.db.upsert([asset]);
      sendEmpty(res);
    },
  },
  {
    // Makes the running operation FAILED now, as a broken disk or cloud would.
    method: 'POST',
    path: '/__emulator/operations/fail',
    handle: ({ core, body, res }) => {
      const { kind, reason } = parseFailRequest(required(body));
      sendJson(res, 200, core.registry.failRunning(kind, reason).statusRecord());
    },
  },
  {
    // The operations journal: what ran, how it ended and why, across restarts.
    method: 'GET',
    path: '/__emulator/operations/journal',
    handle: ({ core, res }) => sendJson(res, 200, { records: core.registry.history() }),
  },
  {
    method: 'GET',
    path: '/__emulator/faults',
    handle: ({ core, res }) => sendJson(res, 200, core.faults.list()),
  },
  {
    method: 'POST',
    path: '/__emulator/faults',
    handle: ({ core, body, res }) => {
      core.faults.inject(parseFaultSpec(required(body)));
      sendEmpty(res);
    },
  },
  {
    method: 'DELETE',
    path: '/__emulator/faults',
    handle: ({ core, res }) => {
      core.faults.clear();
      sendEmpty(res);
    },
  },
];
