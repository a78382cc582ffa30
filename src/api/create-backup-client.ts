import ky from 'ky';
import {
  decodeBackup,
  decodeBackupStatus,
  decodeBackupStreamedProgress,
  decodeBackups,
  decodeBackupsStreamedProgress,
  type Decoder,
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
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
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
  const id = encodeURIComponent;

  const spec = (method: RequestSpec['method'], path: string, call: CallOptions | undefined, json?: unknown, long = false) => ({
    method,
    path,
    json,
    signal: call?.signal,
    timeout: call?.timeout ?? (long ? operationTimeout : timeout),
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

  return {
    baseUrl,

    backup: (assets, call) => postVoid('backup', assets, call),
    backupAsset: (asset, call) => postVoid('backup/asset', asset, call),
    restore: (backupId, backup, call) => postJson(`backup/${id(backupId)}/restore`, backup, decodeBackup, call, true),
    restoreStreamed: (backupId, backup, call) =>
      postJson(`backup/${id(backupId)}/restore/streamed`, backup, decodeBackupStreamedProgress, call, true),
    getBackup: (backupId, call) => get(`backup/${id(backupId)}`, decodeBackup, call),
    cancel: (kind, backupId, call) => postVoid(`backup/${id(backupId)}/${kind}/cancel`, call?.backup, call),
    status: (kind, backupId, call) => get(`backup/${id(backupId)}/${kind}/status`, decodeBackupStatus, call),

    list: (call) => get('backups', decodeBackups, call),
    create: (seed, call) => postJson('backups/create', seed, decodeBackup, call, true),
    createStreamed: (seed, call) => postJson('backups/create/streamed', seed, decodeBackupStreamedProgress, call, true),
    delete: (backupId, backup, call) => postVoid(`backups/${id(backupId)}/delete`, backup, call),

    createStreamedFrames: (seed, call) => ndjson('backups/create/streamed', seed, decodeBackupStreamedProgress, call),
    restoreStreamedFrames: (backupId, backup, call) =>
      ndjson(`backup/${id(backupId)}/restore/streamed`, backup, decodeBackupStreamedProgress, call),
    // The socket starts its operation only on the first frame, so `{}` when nothing was given.
    createWebSocket: (seed, call) => socket('backups/create/streamed/websocket', seed ?? {}, decodeBackupStreamedProgress, call),
    restoreWebSocket: (backupId, backup, call) =>
      socket(`backup/${id(backupId)}/restore/streamed/websocket`, backup ?? {}, decodeBackupStreamedProgress, call),
    progressWebSocket: (call) => socket('backups/streamed/progress', undefined, decodeBackupsStreamedProgress, call),
  };
}
