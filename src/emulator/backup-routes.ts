import {
  decode,
  decodeAsset,
  decodeAssets,
  decodeBackup,
  decodeSeededBackup,
  DecodeError,
  type Backups,
  type OperationKind,
  type Decoder,
} from '../models/index.js';
import type { Manifest } from './cloud-store.js';
import type { EmulatorCore } from './emulator-core.js';
import { sendEmpty, sendJson, sendText } from './http-io.js';
import { answerStreamed, answerWhenDone } from './operation-responses.js';
import { isValidId } from './request-guard.js';
import { RequestRejection } from './request-rejection.js';
import { endpointRoutes, type Route } from './router.js';

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}

/**
 * Validates an optional body with the library's own decoders: wrong shape is a 400. `{}`
 * counts as no body, like an empty one (clients send it for "nothing to say").
 */
export function optionalBody<T>(decoder: Decoder<T>, body: unknown, what: string): T | undefined {
  if (body === undefined || isEmptyObject(body)) return undefined;
  try {
    return decode(decoder, body);
  } catch (error) {
    if (error instanceof DecodeError) throw new RequestRejection(400, `body is not a valid ${what}: ${error.message}`);
    throw error;
  }
}

function manifestOf(core: EmulatorCore, id: string): Manifest {
  const manifest = core.cloud.get(id);
  if (!manifest) throw new RequestRejection(404, `no backup ${id}`);
  return manifest;
}

/** `POST /backup/{b}/<kind>/cancel`: 204 while that operation runs, 500 text otherwise (the seed's codes). */
function cancelRoute(kind: OperationKind): Pick<Route, 'handle'> {
  return {
    handle: ({ core, body, params, res }) => {
      // the restoration cancel takes an optional Backup body, the creation cancel none
      if (kind === 'restoration') optionalBody(decodeBackup, body, 'Backup');
      const id = params['backup']!;
      if (core.registry.operation(kind, id)?.requestCancel()) sendEmpty(res);
      else sendText(res, 500, `no ${kind === 'creation' ? 'backup creation' : 'restoration'} in progress for ${id}`);
    },
  };
}

/** `GET /backup/{b}/<kind>/status`: the latest status of that operation, 404 when there is none. */
function statusRoute(kind: OperationKind): Pick<Route, 'handle'> {
  return {
    handle: ({ core, params, res, fault }) => {
      const id = params['backup']!;
      const status = core.registry.status(kind, id);
      if (!status) {
        const known = core.cloud.get(id) !== undefined;
        throw new RequestRejection(404, kind === 'creation' ? `no backup creation ${id}` : known ? `backup ${id} was never restored` : `no backup ${id}`);
      }
      sendJson(res, 200, status, fault);
    },
  };
}

/** The seed's nine endpoints and the companion Backups API, per docs/protocol.md, by operation name. */
export const backupRoutes: readonly Route[] = endpointRoutes(['GET', 'POST'], {
  backup: {
    cloud: true,
    handle: ({ core, body, res }) => {
      const assets = optionalBody(decodeAssets, body, 'Assets');
      // refused before the upsert: a 409 changes nothing
      core.registry.assertIdle('creation');
      if (assets) core.db.upsert(assets.iterable);
      core.registry.start('creation');
      sendEmpty(res);
    },
  },
  backup_asset: {
    cloud: true,
    handle: ({ core, body, res }) => {
      const asset = optionalBody(decodeAsset, body, 'Asset');
      if (asset) {
        if (!isValidId(asset.id)) throw new RequestRejection(400, `malformed asset id ${JSON.stringify(asset.id.slice(0, 140))}`);
        core.cloud.storeAsset(asset);
      }
      sendEmpty(res);
    },
  },
  backup_restore_specific_backup: {
    cloud: true,
    handle: async ({ core, body, params, res, fault }) => {
      optionalBody(decodeBackup, body, 'Backup');
      const operation = core.registry.start('restoration', manifestOf(core, params['backup']!));
      await answerWhenDone(res, operation, fault);
    },
  },
  backup_restore_specific_backup_streamed: {
    cloud: true,
    handle: async ({ core, body, params, req, res, fault }) => {
      optionalBody(decodeBackup, body, 'Backup');
      const operation = core.registry.start('restoration', manifestOf(core, params['backup']!));
      await answerStreamed(req, res, operation, fault);
    },
  },
  backup_specific_backup_snapshot: {
    cloud: true,
    handle: ({ core, params, res, fault }) => {
      sendJson(res, 200, manifestOf(core, params['backup']!).backup, fault);
    },
  },
  backup_specific_creation_cancel: cancelRoute('creation'),
  backup_specific_creation_status: statusRoute('creation'),
  backup_specific_restoration_cancel: cancelRoute('restoration'),
  backup_specific_restoration_status: statusRoute('restoration'),
  backups_snapshot: {
    cloud: true,
    handle: ({ core, res, fault }) => {
      const iterable = core.cloud.list();
      const backups: Backups = { iterable, indices: Object.fromEntries(iterable.map((backup, index) => [backup.id, index])) };
      sendJson(res, 200, backups, fault);
    },
  },
  backups_create_new_backup: {
    cloud: true,
    handle: async ({ core, body, res, fault }) => {
      optionalBody(decodeSeededBackup, body, 'SeededBackup');
      await answerWhenDone(res, core.registry.start('creation'), fault);
    },
  },
  backups_create_new_backup_streamed: {
    cloud: true,
    handle: async ({ core, body, req, res, fault }) => {
      optionalBody(decodeSeededBackup, body, 'SeededBackup');
      await answerStreamed(req, res, core.registry.start('creation'), fault);
    },
  },
  backups_delete_specific_backup: {
    cloud: true,
    handle: ({ core, body, params, res }) => {
      optionalBody(decodeBackup, body, 'Backup');
      const id = params['backup']!;
      manifestOf(core, id);
      if (core.registry.running('restoration')?.id === id) {
        throw new RequestRejection(409, `backup ${id} is being restored; cancel the restoration first`);
      }
      core.cloud.delete(id);
      sendEmpty(res);
    },
  },
});
