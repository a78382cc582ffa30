import type { Observer, SnapshotFrom, Subscription } from 'xstate';
import {
  createBackupActor,
  createRestoreActor,
  isSettledState,
  type BackupEvent,
  type BackupMachine,
  type LifecycleActorOptions,
  type LifecycleContext,
  type RestoreEvent,
  type RestoreMachine,
} from '../../machines/index.js';
import type { BackupClient } from '../api/index.js';
import type { Backup, OperationKind, SeededBackup } from '../models/index.js';
import { createStore, type Store } from './store.js';

export type BackupSnapshot = SnapshotFrom<BackupMachine>;
export type RestoreSnapshot = SnapshotFrom<RestoreMachine>;
/** A snapshot of either lifecycle, for a face that shows both the same way. */
export type LifecycleSnapshot = BackupSnapshot | RestoreSnapshot;
/** A state of either chart (`'idle'`, `'running'`, ..., `'confirming'` for a restore). */
export type LifecycleState = LifecycleSnapshot['value'];

/**
 * One lifecycle machine's actor behind the store contract: its snapshot is the machine's own.
 * Creating it starts nothing on the daemon: only `start` / `restore` (and `retry`) do. The
 * actor's own transitions decide, so a second `start()` while one runs is ignored.
 */
export interface Lifecycle<TSnapshot extends LifecycleSnapshot = LifecycleSnapshot> extends Store<TSnapshot> {
  readonly kind: OperationKind;
  /**
   * Follows an operation already running on the daemon (one discovery found) and starts
   * nothing. Taken when idle, done, cancelled or failed and not already about that backup
   * (but a failure whose outcome is unknown); `false` when busy with its own run.
   */
  attach(backupId: string): boolean;
  /** Asks the daemon to cancel; `cancelled` only once it confirms. */
  cancel(): void;
  /** After `failed`: re-attaches when the operation may still run, else starts again. */
  retry(): void;
  /**
   * Stops local work (progress streams, timers) for good. Never cancels the operation on the
   * daemon: closing a stream does not (see docs/protocol.md).
   */
  dispose(): void;
}

export interface BackupLifecycle extends Lifecycle<BackupSnapshot> {
  readonly kind: 'creation';
  /** Starts a backup creation (from idle, done, cancelled or failed; ignored otherwise). */
  start(seed?: SeededBackup): void;
}

export interface RestoreLifecycle extends Lifecycle<RestoreSnapshot> {
  readonly kind: 'restoration';
  /**
   * Restores `backupId`, which replaces the local database. Without `confirm: true` it waits
   * in `confirming` for `confirm()` or `dismiss()`.
   */
  restore(backupId: string, options?: RestoreOptions): void;
  /**
   * After a restore with a safety backup completed: restores that backup (`safetyBackupId`),
   * confirmed and itself without a safety backup. Ignored otherwise.
   */
  undo(): void;
  confirm(): void;
  dismiss(): void;
}

/** A restore's request: see the machine's `RESTORE` event. */
export interface RestoreOptions {
  confirm?: boolean;
  /** The backup's metadata, when the caller has it (shown while confirming). */
  backup?: Backup;
  /** Back up the current database first; default the lifecycle's `safetyBackup` option. */
  safetyBackup?: boolean;
  /** Restore a backup made by a newer Pieces OS anyway. */
  force?: boolean;
}

/** What both machines take alike (a restore's are the same); each kind's own are sent by its commands. */
type CommonEvent = Extract<BackupEvent, { type: 'ATTACH' | 'CANCEL' | 'RETRY' }>;

/** The part of an actor the handle drives: `Actor<BackupMachine>` and `Actor<RestoreMachine>` are one. */
interface LifecycleActor<TSnapshot, TEvent> {
  getSnapshot(): TSnapshot;
  send(event: TEvent): void;
  subscribe(observer: Observer<TSnapshot>): Subscription;
  stop(): unknown;
}

/** The handle without its kind's commands, over an actor that `spawn` makes (again on attach). */
function handleOf<TSnapshot extends { value: string; context: LifecycleContext }, TEvent extends { type: string }>(
  spawn: (options: LifecycleActorOptions) => LifecycleActor<TSnapshot, TEvent | CommonEvent>,
  options: LifecycleActorOptions,
) {
  // an actor made later (see attach) starts afresh: the persisted snapshot was the first one's
  const { snapshot: _persisted, ...fresh } = options;
  let actor = spawn(options);
  let disposed = false;
  const store = createStore(actor.getSnapshot());
  const follow = (target: LifecycleActor<TSnapshot, TEvent | CommonEvent>) =>
    // the error callback keeps a crashed actor's snapshot visible instead of rethrowing
    target.subscribe({ next: () => store.set(target.getSnapshot()), error: () => store.set(target.getSnapshot()) });
  let subscription = follow(actor);

  const send = (event: TEvent | CommonEvent) => {
    if (!disposed) actor.send(event);
  };

  const attach = (backupId: string): boolean => {
    const { value, context } = actor.getSnapshot();
    if (disposed || !(value === 'idle' || isSettledState(value))) return false;
    const sameRun = context.backupId === backupId && !(value === 'failed' && context.error?.outcomeUnknown);
    if (value !== 'idle' && sameRun) return false;
    if (value !== 'idle') {
      // ATTACH is taken from idle only: a finished actor gives way to a fresh one
      subscription.unsubscribe();
      actor.stop();
      actor = spawn(fresh);
      subscription = follow(actor);
    }
    send({ type: 'ATTACH', backupId });
    store.set(actor.getSnapshot());
    return true;
  };

  return {
    subscribe: store.subscribe,
    getSnapshot: store.getSnapshot,
    send,
    attach,
    cancel: () => send({ type: 'CANCEL' }),
    retry: () => send({ type: 'RETRY' }),
    dispose() {
      if (disposed) return;
      disposed = true;
      subscription.unsubscribe();
      actor.stop();
      store.set(actor.getSnapshot()); // status 'stopped'
    },
  };
}

/**
 * The creation or restoration lifecycle of `client` as a store (the actor's snapshot) with
 * its commands. `options` are the actor's (`transport`, `cancelTimeoutMs`, `snapshot`, ...).
 *
 * @example
 * ```ts
 * const backup = createLifecycle(client, 'creation', { transport: 'ndjson' });
 * backup.subscribe(() => render(backup.getSnapshot().context.percentage));
 * backup.start();
 * ```
 */
export function createLifecycle(client: BackupClient, kind: 'creation', options?: LifecycleActorOptions): BackupLifecycle;
export function createLifecycle(client: BackupClient, kind: 'restoration', options?: LifecycleActorOptions): RestoreLifecycle;
export function createLifecycle(client: BackupClient, kind: OperationKind, options?: LifecycleActorOptions): BackupLifecycle | RestoreLifecycle;
export function createLifecycle(
  client: BackupClient,
  kind: OperationKind,
  options: LifecycleActorOptions = {},
): BackupLifecycle | RestoreLifecycle {
  if (kind === 'creation') {
    const { send, ...handle } = handleOf<BackupSnapshot, BackupEvent>((resume) => createBackupActor(client, resume), options);
    return { ...handle, kind, start: (seed) => send({ type: 'START', ...(seed && { seed }) }) };
  }
  // a kind of the old vocabulary ('backup', 'restore') from untyped code must not pass as a restore
  if (kind !== 'restoration') throw new TypeError(`createLifecycle: kind must be 'creation' or 'restoration', got ${String(kind)}`);
  const { send, ...handle } = handleOf<RestoreSnapshot, RestoreEvent>((resume) => createRestoreActor(client, resume), options);
  return {
    ...handle,
    kind,
    restore: (backupId, { confirm, backup, safetyBackup, force } = {}) =>
      send({
        type: 'RESTORE',
        backupId,
        ...(confirm !== undefined && { confirm }),
        ...(backup && { backup }),
        ...(safetyBackup !== undefined && { safetyBackup }),
        ...(force !== undefined && { force }),
      }),
    undo: () => send({ type: 'UNDO' }),
    confirm: () => send({ type: 'CONFIRM' }),
    dismiss: () => send({ type: 'DISMISS' }),
  };
}
