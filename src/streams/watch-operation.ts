import { defer, type Observable } from 'rxjs';
import type { BackupClient } from '../api/backup-client.js';
import { followOperation } from './follow-operation.js';
import { resolveStream, type ResolvedStream } from './options.js';
import { operationEnd } from './streaming.js';
import type { OperationKind, OperationProgress, StreamOptions } from './types.js';

export interface WatchOperationOptions extends StreamOptions {
  /** `websocket` (default): the progress WebSocket while it lists the operation, else polling. */
  transport?: 'websocket' | 'polling';
}

/**
 * Reattaches to an operation started earlier (by this app before a reload, or by another):
 * never starts or cancels anything. The first emission comes from an immediate status
 * request; then polling, or with `websocket` the observe-only progress WebSocket while it
 * lists the operation (polling again when it does not). Completes after the terminal
 * observation; 404 (no such operation) errors with `NotFoundError`.
 *
 * @example
 * ```ts
 * watchOperation(client, 'creation', savedBackupId).subscribe((p) => render(p));
 * ```
 */
export function watchOperation(
  client: BackupClient,
  kind: OperationKind,
  backupId: string,
  options?: WatchOperationOptions,
): Observable<OperationProgress> {
  return defer(() =>
    watchOperationWith(client, kind, backupId, resolveStream(options), options?.transport ?? 'websocket'),
  );
}

/** `watchOperation` with the policy already resolved: what the machines call. */
export function watchOperationWith(
  client: BackupClient,
  kind: OperationKind,
  backupId: string,
  policy: ResolvedStream,
  transport: 'websocket' | 'polling',
): Observable<OperationProgress> {
  return followOperation(client, kind, backupId, policy, { socket: transport === 'websocket' }).pipe(
    operationEnd(client.baseUrl),
  );
}
