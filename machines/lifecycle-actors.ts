import { concat, defer, EMPTY, of, switchMap, take, tap, throwError, type Observable } from 'rxjs';
import { fromPromise } from 'xstate';
import { PiecesBackupError, ProtocolError, type BackupClient } from '../src/api/index.js';
import { isTerminalStatus, type Backup, type SeededBackup } from '../src/models/index.js';
import {
  discoverOperations,
  startCreation,
  startRestoration,
  watchOperation,
  type OperationKind,
  type OperationProgress,
  type RetryNotice,
} from '../src/streams/index.js';
import { cancelOperation, type CancelInput } from './cancel-operation.js';
import { checkOutcome, type CheckInput, type CheckVerdict, type RestorationBaseline } from './check-outcome.js';
import { OperationLostError } from './errors/operation-lost-error.js';
import type { ResolvedLifecycleOptions } from './lifecycle-options.js';
import { fromOperationStream, type ResumePoint, type RetryingEvent } from './operation-stream-logic.js';

/** What a start needs: plain data, persisted with the actor. */
export interface StartInput {
  /** Null for a creation (the daemon names it); the backup to restore for a restoration. */
  backupId: string | null;
  seed?: SeededBackup;
  backup?: Backup;
}

export interface WatchInput {
  /** Null only if a chart ever followed without an id: a typed error, not a guess. */
  backupId: string | null;
}

export type { CancelInput, CheckInput };

// The streams complete right after a terminal status; anything else would leave a state
// waiting forever, so it becomes an error the machine can show.
function untilTerminal(source: Observable<OperationProgress>, url: string): Observable<OperationProgress> {
  return defer(() => {
    let ended = false;
    return concat(
      source.pipe(tap((progress) => (ended = isTerminalStatus(progress.status)))),
      defer(() =>
        ended
          ? EMPTY
          : throwError(() => new ProtocolError({ message: 'progress ended before a terminal status', url })),
      ),
    );
  });
}

/**
 * The `start`, `watch` and `cancel` actors of a lifecycle, bound to a client. The client
 * lives only in these closures, never in machine context.
 */
export function lifecycleActors(client: BackupClient, kind: OperationKind, options: ResolvedLifecycleOptions) {
  const { transport } = options;
  type OnRetry = (notice: RetryNotice | null) => void;
  type OnBaseline = (baseline: RestorationBaseline | null) => void;
  const watch = (backupId: string, onRetry: OnRetry) =>
    watchOperation(client, kind, backupId, {
      ...options.stream,
      onRetry,
      transport: transport === 'polling' ? 'polling' : 'websocket',
    });

  const start = (input: StartInput, onRetry: OnRetry, onBaseline: OnBaseline): Observable<OperationProgress> => {
    const stream = { ...options.stream, onRetry, transport };
    if (kind === 'creation') return startCreation(client, { ...stream, ...(input.seed && { seed: input.seed }) });
    if (input.backupId === null) return throwError(() => new PiecesBackupError('a restoration needs a backup id'));
    const backup = input.backup;
    const baselineOf = (status: OperationProgress | null | undefined) =>
      onBaseline(status === undefined ? null : { record: status && { status: status.status, percentage: status.percentage } });
    return startRestoration(client, input.backupId, { ...stream, onBaseline: baselineOf, ...(backup && { backup }) });
  };

  // A start restored from a snapshot already happened: follow what it started. Without an
  // id (the reload came before the first frame), find it among the operations in progress.
  const resume = (input: StartInput, point: ResumePoint, onRetry: OnRetry): Observable<OperationProgress> => {
    if (point.backupId !== null) return watch(point.backupId, onRetry);
    return discoverOperations(client, options.stream).pipe(
      take(1),
      switchMap(({ creations, restorations }) => {
        const found =
          kind === 'creation'
            ? creations.find((progress) => !isTerminalStatus(progress.status))
            : restorations.find(
                (progress) => progress.backupId === input.backupId && !isTerminalStatus(progress.status),
              );
        if (!found) return throwError(() => new OperationLostError({ kind, backupId: input.backupId }));
        return concat(of(found), watch(found.backupId, onRetry));
      }),
    );
  };

  return {
    start: fromOperationStream<StartInput>(({ input, resume: point, onRetry, onBaseline }) =>
      untilTerminal(point ? resume(input, point, onRetry) : start(input, onRetry, onBaseline), client.baseUrl),
    ),
    watch: fromOperationStream<WatchInput>(({ input, onRetry }) =>
      input.backupId === null
        ? throwError(() => new PiecesBackupError(`nothing to follow: the ${kind}'s id is not known`))
        : untilTerminal(watch(input.backupId, onRetry), client.baseUrl),
    ),
    cancel: fromPromise<OperationProgress, CancelInput>(({ input, signal }) =>
      cancelOperation(client, kind, input, signal, options),
    ),
    // RETRY after an unknown outcome: what the daemon says became of it; retries shown as RETRYING
    check: fromPromise<CheckVerdict, CheckInput>(({ input, signal, self }) =>
      checkOutcome(client, kind, input, options, signal, (notice) =>
        self._parent?.send({ type: 'RETRYING', notice } satisfies RetryingEvent),
      ),
    ),
  };
}

const unbound = (machine: string) => {
  const factory = `create${machine[0]!.toUpperCase()}${machine.slice(1)}`;
  return new PiecesBackupError(`${machine} has no client: create it with ${factory}(client)`);
};

/** The actors of the base machines: they fail until a client is provided. */
export function placeholderActors(machine: 'backupMachine' | 'restoreMachine') {
  return {
    start: fromOperationStream<StartInput>(() => throwError(() => unbound(machine))),
    watch: fromOperationStream<WatchInput>(() => throwError(() => unbound(machine))),
    cancel: fromPromise<OperationProgress, CancelInput>(async () => {
      throw unbound(machine);
    }),
    check: fromPromise<CheckVerdict, CheckInput>(async () => {
      throw unbound(machine);
    }),
  };
}
