import ky from 'ky';
import {
  cancelEndpoint,
  decodeBackup,
  decodeBackupStatus,
  decodeBackupStreamedProgress,
  decodeBackups,
  decodeBackupsStreamedProgress,
  endpointPath,
  statusEndpoint,
  type Decoder,
  type EndpointName,
  type EndpointPathArgs,
} from '../models/index.js';
import type { BackupClient, BackupClientOptions, CallOptions } from './backup-client.js';
import { decodeBody } from './decode-body.js';
import type { FrameSource } from './frame-source.js';
import { createNdjsonFrameSource } from './ndjson-frame-source.js';
import { exponentialBackoff, type RetryPolicy } from './retry.js';
import { joinUrl, sendRequest, type RequestSpec } from './send-request.js';
import { createWebSocketFrameSource, toWebSocketUrl } from './websocket-frame-source.js';

const DEFAULT_TIMEOUT = 10_000;

/**
 * A typed client for the Backup API of Pieces OS (or the emulator): one method per
 * endpoint, every answer validated, every failure a typed error from `./errors`. GETs retry
 * transient failures per `options.retry`; POSTs start operations and are never repeated.
 *
 * @example
 * ```ts
 * const client = createBackupClient({ baseUrl: await discoverDaemon() });
 * const { iterable } = await client.list({ timeout: 5_000 });
 * ```
 */
export function createBackupClient(options: BackupClientOptions): BackupClient {
  // note: `new URL('localhost:39300')` parses (scheme `localhost:`), so the scheme is checked too
  const given: unknown = options.baseUrl;
  if (typeof given !== 'string' || !/^https?:\/\/[^/?#]/i.test(given) || !URL.canParse(given)) {
    throw new TypeError(`createBackupClient: baseUrl must be an absolute http(s) URL such as "http://127.0.0.1:39300", got ${JSON.stringify(given)}`);
  }
  const baseUrl = given.replace(/\/+$/, '');
  const http = ky.create({
    ...(options.fetch && { fetch: options.fetch }),
    ...(options.headers && { headers: options.headers }),
  });
  // resolved once here: every GET hands this policy to ky
  const retry: RetryPolicy = {
    retry: options.retry ?? 2,
    retryDelay: options.retryDelay ?? exponentialBackoff({ baseMs: 300, maxMs: 10_000, random: options.random ?? Math.random }),
  };
  const timeout = options.timeout ?? DEFAULT_TIMEOUT;
  const operationTimeout = options.operationTimeout ?? false;
  // Table paths are absolute (`/backups`); requests take them relative to `baseUrl`.
  const pathOf = <N extends EndpointName>(name: N, ...args: EndpointPathArgs<N>) => endpointPath(name, ...args).slice(1);

  const spec = (method: RequestSpec['method'], path: string, call: CallOptions | undefined, json?: unknown, long = false) => ({
    method,
    path,
    json,
    signal: call?.signal,
    timeout: call?.timeout ?? (long ? operationTimeout : timeout),
    // an answer that has begun must keep coming, even when the call itself may take long
    stallTimeout: timeout,
  });

  const readJson =
    <T>(decoder: Decoder<T>) =>
    async (response: Response, url: string) =>
      decodeBody(await response.text(), decoder, url);
  // Drain so the connection can be reused; a 204 has nothing to drain.
  const readNothing = async (response: Response) => void (await response.text());

  const get = <T>(path: string, decoder: Decoder<T>, call: CallOptions | undefined): Promise<T> => {
    const request = { ...spec('GET', path, call), accept: 'application/json', retry: call?.retry === false ? (false as const) : retry };
    return sendRequest(http, baseUrl, request, readJson(decoder));
  };

  const postJson = <T>(path: string, body: unknown, decoder: Decoder<T>, call: CallOptions | undefined, long: boolean): Promise<T> =>
    sendRequest(http, baseUrl, { ...spec('POST', path, call, body, long), accept: 'application/json' }, readJson(decoder));

  const postVoid = (path: string, body: unknown, call: CallOptions | undefined): Promise<void> =>
    sendRequest(http, baseUrl, { ...spec('POST', path, call, body), accept: 'text/plain' }, readNothing);

  const ndjson = <T>(path: string, body: unknown, decoder: Decoder<T>, call: CallOptions | undefined): FrameSource<T> =>
    createNdjsonFrameSource({ ky: http, baseUrl, request: spec('POST', path, call, body), decoder });

  const socket = <T>(path: string, start: unknown, decoder: Decoder<T>, call: CallOptions | undefined): FrameSource<T> =>
    createWebSocketFrameSource({
      url: toWebSocketUrl(joinUrl(baseUrl, path)),
      decoder,
      start,
      WebSocket: options.WebSocket,
      signal: call?.signal,
      timeout: call?.timeout ?? timeout,
    });

  const slots = new Map<symbol, unknown>();

  return {
    baseUrl,
    slot: <T>(key: symbol, create: () => T): T => {
      if (!slots.has(key)) slots.set(key, create());
      return slots.get(key) as T;
    },

    backup: (assets, call) => postVoid(pathOf('backup'), assets, call),
    backupAsset: (asset, call) => postVoid(pathOf('backup_asset'), asset, call),
    restore: (backupId, backup, call) =>
      postJson(pathOf('backup_restore_specific_backup', { backup: backupId }), backup, decodeBackup, call, true),
    restoreStreamed: (backupId, backup, call) =>
      postJson(pathOf('backup_restore_specific_backup_streamed', { backup: backupId }), backup, decodeBackupStreamedProgress, call, true),
    getBackup: (backupId, call) => get(pathOf('backup_specific_backup_snapshot', { backup: backupId }), decodeBackup, call),
    cancel: (kind, backupId, call) => postVoid(pathOf(cancelEndpoint(kind), { backup: backupId }), call?.backup, call),
    status: (kind, backupId, call) => get(pathOf(statusEndpoint(kind), { backup: backupId }), decodeBackupStatus, call),

    list: (call) => get(pathOf('backups_snapshot'), decodeBackups, call),
    create: (seed, call) => postJson(pathOf('backups_create_new_backup'), seed, decodeBackup, call, true),
    createStreamed: (seed, call) => postJson(pathOf('backups_create_new_backup_streamed'), seed, decodeBackupStreamedProgress, call, true),
    delete: (backupId, backup, call) => postVoid(pathOf('backups_delete_specific_backup', { backup: backupId }), backup, call),

    createStreamedFrames: (seed, call) => ndjson(pathOf('backups_create_new_backup_streamed'), seed, decodeBackupStreamedProgress, call),
    restoreStreamedFrames: (backupId, backup, call) =>
      ndjson(pathOf('backup_restore_specific_backup_streamed', { backup: backupId }), backup, decodeBackupStreamedProgress, call),
    // The socket starts its operation only on the first frame, so `{}` when nothing was given.
    createWebSocket: (seed, call) => socket(pathOf('backups_create_streamed_websocket'), seed ?? {}, decodeBackupStreamedProgress, call),
    restoreWebSocket: (backupId, backup, call) =>
      socket(pathOf('backup_restore_streamed_websocket', { backup: backupId }), backup ?? {}, decodeBackupStreamedProgress, call),
    progressWebSocket: (call) => socket(pathOf('backups_streamed_progress_websocket'), undefined, decodeBackupsStreamedProgress, call),
  };
}
