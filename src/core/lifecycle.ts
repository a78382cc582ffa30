import type { Observer, SnapshotFrom, Subscription } from 'xstate';
import {
  createBackupActor,
  createRestoreActor,
  type BackupMachine,
  type LifecycleActorOptions,
  type RestoreMachine,
} from '../../machines/index.js';
import type { BackupClient } from '../api/index.js';
import type { Backup, SeededBackup } from '../models/index.js';
import { createStore, type Store } from './store.js';

export type LifecycleKind = 'backup' | 'restore';
export type BackupSnapshot = SnapshotFrom<BackupMachine>;
export type RestoreSnapshot = SnapshotFrom<RestoreMachine>;

/**
 * One lifecycle machine's actor behind the store contract. Creating it starts nothing on the
 * daemon: only `start` / `restore` (and `retry`) do. The actor's own transitions decide, so
 * a second `start()` while one runs is ignored (no second operation).
 */
export interface Lifecycle<TSnapshot> extends Store<TSnapshot> {
  readonly kind: LifecycleKind;
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
  readonly kind: 'backup';
  /** Starts a backup creation (from idle, done, cancelled or failed; ignored otherwise). */
  start(seed?: SeededBackup): void;
}

export interface RestoreLifecycle extends Lifecycle<RestoreSnapshot> {
  readonly kind: 'restore';
  /**
   * Restores `backupId`, which replaces the local database. Without `confirm: true` it waits
   * in `confirming` for `confirm()` or `dismiss()`.
   */
  restore(backupId: string, options?: { confirm?: boolean; backup?: Backup }): void;
  confirm(): void;
  dismiss(): void;
}

// Either actor, seen through what both have; each command sends an event its machine takes.
interface AnyLifecycleActor {
  getSnapshot(): BackupSnapshot | RestoreSnapshot;
  send(event: { type: string; [field: string]: unknown }): void;
  subscribe(observer: Observer<unknown>): Subscription;
  stop(): unknown;
}

const FINISHED = ['done', 'cancelled', 'failed'];

/**
 * The backup or restore lifecycle of `client` as a store (the actor's snapshot) with its
 * commands. `options` are the actor's (`transport`, `cancelTimeoutMs`, `snapshot`, ...).
 *
 * @example
 * ```ts
 * const backup = createLifecycle(client, 'backup', { transport: 'ndjson' });
 * backup.subscribe(() => render(backup.getSnapshot().context.percentage));
 * backup.start();
 * ```
 */
export function createLifecycle(client: BackupClient, kind: 'backup', options?: LifecycleActorOptions): BackupLifecycle;
export function createLifecycle(client: BackupClient, kind: 'restore', options?: LifecycleActorOptions): RestoreLifecycle;
export function createLifecycle(
  client: BackupClient,
  kind: LifecycleKind,
  options: LifecycleActorOptions = {},
): BackupLifecycle | RestoreLifecycle {
  // an actor made later (see attach) starts afresh: the persisted snapshot was the first one's
  const { snapshot: _persisted, ...fresh } = options;
  // widened once: the commands below send only events the kind's machine takes
  const spawn = (resume: LifecycleActorOptions) =>
    (kind === 'backup' ? createBackupActor(client, resume) : createRestoreActor(client, resume)) as unknown as AnyLifecycleActor;

  let actor = spawn(options);
  let disposed = false;
  const store = createStore(actor.getSnapshot());
  const follow = (target: AnyLifecycleActor) =>
    // the error callback keeps a crashed actor's snapshot visible instead of rethrowing
    target.subscribe({ next: () => store.set(target.getSnapshot()), error: () => store.set(target.getSnapshot()) });
  let subscription = follow(actor);

  const send = (event: { type: string; [field: string]: unknown }) => {
    if (!disposed) actor.send(event);
  };

  const attach = (backupId: string): boolean => {
    const { value, context } = actor.getSnapshot();
    if (disposed || !(value === 'idle' || FINISHED.includes(value))) return false;
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

  const common = {
    subscribe: store.subscribe,
    getSnapshot: store.getSnapshot,
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
  return kind === 'backup'
    ? ({ ...common, kind, start: (seed?: SeededBackup) => send({ type: 'START', ...(seed && { seed }) }) } as BackupLifecycle)
    : ({
        ...common,
        kind,
        restore: (backupId: string, { confirm, backup }: { confirm?: boolean; backup?: Backup } = {}) =>
          send({ type: 'RESTORE', backupId, ...(confirm !== undefined && { confirm }), ...(backup && { backup }) }),
        confirm: () => send({ type: 'CONFIRM' }),
        dismiss: () => send({ type: 'DISMISS' }),
      } as RestoreLifecycle);
}
