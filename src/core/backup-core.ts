import type { LifecycleOptions } from '../../machines/index.js';
import type { BackupClient } from '../api/index.js';
import type { DiscoverOptions, OperationProgress, ProgressTransport } from '../streams/index.js';
import { createBackupsStore, type BackupsStore } from './backups-store.js';
import { createLifecycle, type BackupLifecycle, type RestoreLifecycle } from './lifecycle.js';
import { createOperationsStore, type OperationsState } from './operations-store.js';
import type { Store } from './store.js';

export interface BackupCoreOptions {
  /**
   * How progress is followed (default `websocket`). Discovery of running operations uses the
   * observe-only progress socket, or status polling when this is `polling`.
   */
  transport?: ProgressTransport;
  /** The lifecycles' other options: stall detection, cancel deadline, clock. */
  lifecycle?: Omit<LifecycleOptions, 'transport'>;
  /** Discovery's own options; its `transport` wins over the one above. */
  discover?: DiscoverOptions;
  /**
   * While `operations` is observed, a lifecycle that is idle or finished attaches to an
   * operation of its kind running on the daemon, so a screen opened mid-restore shows it.
   * Default true.
   */
  autoAttach?: boolean;
}

/**
 * Everything a UI binds to, for one daemon: two lifecycles, the backups list and the
 * operations running anywhere. Creating it sends nothing; the stores load while observed.
 */
export interface BackupCore {
  readonly client: BackupClient;
  readonly backup: BackupLifecycle;
  readonly restore: RestoreLifecycle;
  /** `GET /backups`, refreshed after a backup or restore completes and after a delete. */
  readonly backups: BackupsStore;
  readonly operations: Store<OperationsState>;
  /** Has the lifecycle of the operation's kind follow it (see `Lifecycle.attach`). */
  attach(operation: Pick<OperationProgress, 'kind' | 'backupId'>): boolean;
  /**
   * Stops local work for good (progress streams, discovery, a list load and its retries);
   * never cancels an operation on the daemon.
   */
  dispose(): void;
}

/**
 * The framework-free core the adapters (`pieces-backup/react`, `pieces-backup/element`) bind to.
 *
 * @example
 * ```ts
 * const core = createBackupCore(createBackupClient({ baseUrl }), { transport: 'ndjson' });
 * core.backups.subscribe(() => renderList(core.backups.getSnapshot().backups));
 * core.backup.subscribe(() => renderProgress(core.backup.getSnapshot().context.percentage));
 * core.backup.start();
 * ```
 */
export function createBackupCore(client: BackupClient, options: BackupCoreOptions = {}): BackupCore {
  const lifecycleOptions = { ...options.lifecycle, ...(options.transport && { transport: options.transport }) };
  const backup = createLifecycle(client, 'backup', lifecycleOptions);
  const restore = createLifecycle(client, 'restore', lifecycleOptions);
  const backups = createBackupsStore(client);
  const attach = (operation: Pick<OperationProgress, 'kind' | 'backupId'>) =>
    (operation.kind === 'creation' ? backup : restore).attach(operation.backupId);

  const discover: DiscoverOptions = {
    transport: options.transport === 'polling' ? 'polling' : 'websocket',
    ...options.discover,
  };
  const operations = createOperationsStore(client, discover, (discovered) => {
    // a backup made elsewhere shows up in the list too
    if (discovered.creations.some((creation) => creation.status === 'COMPLETED')) backups.refresh();
    if (options.autoAttach === false) return;
    const { creations, restorations } = operations.getSnapshot();
    if (creations[0]) attach(creations[0]);
    if (restorations[0]) attach(restorations[0]);
  });

  const refreshWhenDone = (lifecycle: BackupLifecycle | RestoreLifecycle) => {
    let previous = lifecycle.getSnapshot().value;
    return lifecycle.subscribe(() => {
      const { value, context } = lifecycle.getSnapshot();
      const ended = value === 'done' || (value === 'failed' && context.error?.outcomeUnknown === true);
      if (ended && value !== previous) backups.refresh();
      previous = value;
    });
  };
  const unsubscribes = [refreshWhenDone(backup), refreshWhenDone(restore)];

  return {
    client,
    backup,
    restore,
    backups,
    operations,
    attach,
    dispose() {
      for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
      backup.dispose();
      restore.dispose();
      backups.dispose();
      operations.dispose();
    },
  };
}
