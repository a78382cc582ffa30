import { throwError } from 'rxjs';
import { fromPromise } from 'xstate';
import { PiecesBackupError, type BackupClient } from '../src/api/index.js';
import type { Backup, SeededBackup } from '../src/models/index.js';
import {
  afterFeatureCheck,
  cancelOperation,
  checkOutcome,
  confirmSafetyBackup,
  preflightRestore,
  resumeStart,
  startCreationWith,
  startRestorationWith,
  watchOperationWith,
  type CancelInput,
  type CheckInput,
  type CheckVerdict,
  type OperationKind,
  type OperationProgress,
  type RestorePreflight,
  type RestorePreflightInput,
} from '../src/streams/index.js';
import type { ResolvedLifecycleOptions } from './lifecycle-options.js';
import { fromOperationStream, type RetryingEvent } from './operation-stream-logic.js';

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

/**
 * The `start`, `watch`, `cancel` and `check` actors of a lifecycle, bound to a client: the
 * streams' operations as actor logic, nothing decided here. The client lives only in these
 * closures, never in machine context.
 */
export function lifecycleActors(client: BackupClient, kind: OperationKind, options: ResolvedLifecycleOptions) {
  const { transport, stream } = options;
  const watchTransport = transport === 'polling' ? 'polling' : 'websocket';
  const watch = (backupId: string, onRetry: (notice: RetryingEvent['notice']) => void) =>
    watchOperationWith(client, kind, backupId, { ...stream, onRetry }, watchTransport);

  return {
    start: fromOperationStream<StartInput>(({ input, resume, onRetry, onBaseline }) => {
      const policy = { ...stream, onRetry };
      // restored from a snapshot: the start already happened, follow what it started
      if (resume) {
        return resumeStart(client, kind, { known: resume.backupId, restoring: input.backupId }, policy, (id) => watch(id, onRetry));
      }
      // the organisation's switch first: a creation switched off is refused before it is sent
      if (kind === 'creation') {
        return afterFeatureCheck(client, ['CLOUD_BACKUP_CREATION'], policy, () =>
          startCreationWith(client, policy, { transport, seed: input.seed }),
        );
      }
      if (input.backupId === null) return throwError(() => new PiecesBackupError('a restoration needs a backup id'));
      return startRestorationWith(client, input.backupId, policy, { transport, backup: input.backup, onBaseline });
    }),
    watch: fromOperationStream<WatchInput>(({ input, onRetry }) =>
      input.backupId === null
        ? throwError(() => new PiecesBackupError(`nothing to follow: the ${kind}'s id is not known`))
        : watch(input.backupId, onRetry),
    ),
    cancel: fromPromise<OperationProgress, CancelInput>(({ input, signal }) =>
      cancelOperation(client, kind, input, signal, stream, options.cancelRetry),
    ),
    // RETRY after an unknown outcome: what the daemon says became of it; retries shown as RETRYING
    check: fromPromise<CheckVerdict, CheckInput>(({ input, signal, self }) =>
      checkOutcome(client, kind, input, {
        ...stream,
        onRetry: (notice) => self._parent?.send({ type: 'RETRYING', notice } satisfies RetryingEvent),
      }, signal),
    ),
  };
}

/**
 * The restore's own actors: `preflight` (the streams' checks before anything is sent),
 * `safety` (a creation of the current database, followed until the daemon lists it) and
 * `safetyCancel` (that creation's cancel, confirmed as any other).
 */
export function safetyActors(client: BackupClient, options: ResolvedLifecycleOptions) {
  const { transport, stream } = options;
  const watchTransport = transport === 'polling' ? 'polling' : 'websocket';
  return {
    preflight: fromPromise<RestorePreflight, RestorePreflightInput>(({ input, signal, self }) =>
      preflightRestore(client, input, {
        ...stream,
        onRetry: (notice) => self._parent?.send({ type: 'RETRYING', notice } satisfies RetryingEvent),
      }, signal),
    ),
    safety: fromOperationStream<StartInput>(({ resume, onRetry }) => {
      const policy = { ...stream, onRetry };
      const confirm = confirmSafetyBackup(client, policy);
      // restored from a snapshot: the creation already started, follow it
      if (resume) {
        const follow = (id: string) => watchOperationWith(client, 'creation', id, policy, watchTransport);
        return resumeStart(client, 'creation', { known: resume.backupId, restoring: null }, policy, follow).pipe(confirm);
      }
      return startCreationWith(client, policy, { transport }).pipe(confirm);
    }),
    safetyCancel: fromPromise<OperationProgress, CancelInput>(({ input, signal }) =>
      cancelOperation(client, 'creation', input, signal, stream, options.cancelRetry),
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

/** The restore machine's own actors before a client is provided: they fail at once. */
export function placeholderSafetyActors() {
  return {
    preflight: fromPromise<RestorePreflight, RestorePreflightInput>(async () => {
      throw unbound('restoreMachine');
    }),
    safety: fromOperationStream<StartInput>(() => throwError(() => unbound('restoreMachine'))),
    safetyCancel: fromPromise<OperationProgress, CancelInput>(async () => {
      throw unbound('restoreMachine');
    }),
  };
}
