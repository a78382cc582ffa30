import { firstValueFrom, take, timeout } from 'rxjs';
import type { LifecycleOptions } from '../../machines/index.js';
import type { BackupClient } from '../api/index.js';
import type { OperationKind } from '../models/index.js';
import { discoverOperations, type DiscoverOptions, type OperationProgress, type ProgressTransport } from '../streams/index.js';
import { createBackupsStore, type BackupsStore } from './backups-store.js';
import { createLifecycle, type BackupLifecycle, type RestoreLifecycle } from './lifecycle.js';
import { createOperationsStore, type OperationsState } from './operations-store.js';
import { resolveRetentionPolicy, type RetentionPolicy } from './policy/retention.js';
import { createRetentionHandle, type RetentionHandle } from './retention-handle.js';
import { createScheduleHandle, resolveScheduleOptions, type ScheduleHandle, type ScheduleOptions } from './schedule-handle.js';
import type { Store } from './store.js';

/** How long the schedule waits for the daemon to say what runs before it starts a backup. */
const RUNNING_NOW_TIMEOUT_MS = 10_000;

export interface BackupCoreOptions {
  /**
   * How progress is followed (default `websocket`), the one place to say it. Discovery of
   * running operations uses the observe-only progress socket, or status polling when this is
   * `polling` (see `discoveryTransport`).
   */
  transport?: ProgressTransport;
  /** The lifecycles' other options: stall detection, cancel deadline, clock. */
  lifecycle?: Omit<LifecycleOptions, 'transport'>;
  /** Discovery's other options: polling intervals, the ids it polls. */
  discover?: Omit<DiscoverOptions, 'transport'>;
  /**
   * While `operations` is observed, a lifecycle that is idle or finished attaches to an
   * operation of its kind running on the daemon, so a screen opened mid-restore shows it.
   * Default true.
   */
  autoAttach?: boolean;
  /**
   * Backups by themselves: `{ every: '6h' }` or `{ dailyAt: '02:30' }`, with its device, storage,
   * lock and hooks (see docs/policy.md). It starts with the first subscriber to `core.schedule`
   * (or `core.schedule.start()`) and runs until `dispose`. Without it `core.schedule` is idle
   * (`configured: false`). A schedule that does not parse throws `PolicyInputError` here.
   */
  schedule?: ScheduleOptions;
  /**
   * What to keep (`{ keepLast: 3, keepDaily: 7 }`): `core.retention` previews it and prunes
   * after each completed scheduled backup. Changeable with `core.retention.setPolicy`.
   */
  retention?: RetentionPolicy;
  /**
   * A restore first backs up the current database, and starts replacing it only once that
   * backup is listed; `core.restore.undo()` restores it. Default true here (the faces' default;
   * the machines' is false, for scripts); a `restore(id, { safetyBackup })` overrides it.
   */
  safetyBackup?: boolean;
}

/**
 * Everything a UI binds to, for one daemon: two lifecycles, the backups list and the
 * operations running anywhere. Creating it sends nothing; the stores load while observed.
 */
export interface BackupCore {
  readonly client: BackupClient;
  readonly backup: BackupLifecycle;
  readonly restore: RestoreLifecycle;
  /** `backup` for `'creation'`, `restore` for `'restoration'`. */
  lifecycle(kind: 'creation'): BackupLifecycle;
  lifecycle(kind: 'restoration'): RestoreLifecycle;
  lifecycle(kind: OperationKind): BackupLifecycle | RestoreLifecycle;
  /** `GET /backups`, refreshed after a backup or restore completes and after a delete. */
  readonly backups: BackupsStore;
  readonly operations: Store<OperationsState>;
  /** The schedule's state, next due time and health, with `pause` / `resume` / `runNow`. */
  readonly schedule: ScheduleHandle;
  /** The retention policy's preview (keep or remove, with reasons) and `prune`. */
  readonly retention: RetentionHandle;
  /** Has the lifecycle of the operation's kind follow it (see `Lifecycle.attach`). */
  attach(operation: Pick<OperationProgress, 'kind' | 'backupId'>): boolean;
  /**
   * Stops local work for good (progress streams, discovery, a list load and its retries);
   * never cancels an operation on the daemon.
   */
  dispose(): void;
}

/**
 * The transport discovery uses for `transport`: it has no ndjson stream, so anything but
 * `polling` watches the observe-only progress socket.
 */
export function discoveryTransport(transport: ProgressTransport | undefined): NonNullable<DiscoverOptions['transport']> {
  return transport === 'polling' ? 'polling' : 'websocket';
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
/**
 * Checks a schedule and a retention policy the way `createBackupCore` does, without building
 * anything: throws `PolicyInputError` (`isPiecesBackupError(error, 'PolicyInputError')`) naming
 * the field, so a page can show what is wrong and go on without it.
 *
 * @example
 * ```ts
 * try { checkPolicy({ schedule: { every: params.get('every') ?? '6h' } }); } catch (error) { show(error); }
 * ```
 */
export function checkPolicy(options: Pick<BackupCoreOptions, 'schedule' | 'retention'>): void {
  if (options.schedule) resolveScheduleOptions(options.schedule);
  if (options.retention) resolveRetentionPolicy(options.retention);
}

export function createBackupCore(client: BackupClient, options: BackupCoreOptions = {}): BackupCore {
  // bad policies throw here, before anything is built that would need disposing
  checkPolicy(options);
  const lifecycleOptions = { ...options.lifecycle, ...(options.transport && { transport: options.transport }) };
  const backup = createLifecycle(client, 'creation', lifecycleOptions);
  const restore = createLifecycle(client, 'restoration', { ...lifecycleOptions, safetyBackup: options.safetyBackup ?? true });
  const backups = createBackupsStore(client);
  function lifecycle(kind: 'creation'): BackupLifecycle;
  function lifecycle(kind: 'restoration'): RestoreLifecycle;
  function lifecycle(kind: OperationKind): BackupLifecycle | RestoreLifecycle;
  function lifecycle(kind: OperationKind): BackupLifecycle | RestoreLifecycle {
    if (kind === 'creation') return backup;
    if (kind === 'restoration') return restore;
    throw new TypeError(`lifecycle: kind must be 'creation' or 'restoration', got ${String(kind)}`);
  }
  const attach = (operation: Pick<OperationProgress, 'kind' | 'backupId'>) => lifecycle(operation.kind).attach(operation.backupId);

  const discover: DiscoverOptions = { ...options.discover, transport: discoveryTransport(options.transport) };
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

  const now = options.schedule?.clock?.now ?? Date.now;
  const retention = createRetentionHandle(options.retention, { client, backups, restore, now });
  const schedule = createScheduleHandle(options.schedule, {
    client,
    backup,
    restore,
    // one read of the progress socket (or of what polling sees), bounded; the store's last
    // answer when the daemon cannot be asked now
    runningNow: () =>
      firstValueFrom(discoverOperations(client, { ...discover, retry: 0 }).pipe(take(1), timeout({ first: RUNNING_NOW_TIMEOUT_MS }))).catch(
        () => operations.getSnapshot(),
      ),
    // a prune that cannot run says so in `core.retention` (its `error`); the schedule goes on
    afterBackup: () => void (retention.getSnapshot().policy && retention.prune().catch(() => undefined)),
  });

  return {
    client,
    backup,
    restore,
    lifecycle,
    backups,
    operations,
    schedule,
    retention,
    attach,
    dispose() {
      for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
      schedule.dispose();
      backup.dispose();
      restore.dispose();
      backups.dispose();
      operations.dispose();
    },
  };
}
