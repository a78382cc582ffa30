import { getContext, onDestroy, setContext } from 'svelte';
import { readable, type Readable } from 'svelte/store';
import type { BackupClient } from '../../api/index.js';
import {
  createBackupCore,
  select,
  type BackupCore,
  type BackupCoreOptions,
  type BackupSnapshot,
  type Equality,
  type BackupsState,
  type OperationKind,
  type OperationsState,
  type RestoreSnapshot,
  type RetentionView,
  type ScheduleView,
  type Store,
} from '../../core/index.js';

const CoreKey = Symbol('pieces-backup core');

/**
 * Makes a core available to `getBackupCore` and the stores below, in this component and its
 * children: yours (you dispose it), or one made from `client` and disposed with this component
 * (which stops local work and cancels nothing on the daemon). Call it during initialisation.
 *
 * @example
 * ```svelte
 * <script>setBackupCore(createBackupClient({ baseUrl }));</script>
 * ```
 */
export function setBackupCore(source: BackupCore | BackupClient, options?: BackupCoreOptions): BackupCore {
  if ('backups' in source) return setContext(CoreKey, source);
  const core = createBackupCore(source, options);
  onDestroy(() => core.dispose());
  return setContext(CoreKey, core);
}

/** The core of the nearest `setBackupCore`: its lifecycles' commands, `backups.delete`, ... */
export function getBackupCore(): BackupCore {
  const core = getContext<BackupCore | undefined>(CoreKey);
  if (!core) throw new Error('getBackupCore: no setBackupCore() above this component');
  return core;
}

/**
 * A Svelte store of `selector(store.getSnapshot())` that changes only when `isEqual` says so.
 * It follows `store` while it has subscribers (`$selection`, `fromStore`, `subscribe`).
 *
 * @example
 * ```svelte
 * <script>const percentage = useSelector(core.backup, (s) => Math.floor(s.context.percentage));</script>
 * <progress value={$percentage} max="100"></progress>
 * ```
 */
export function useSelector<T, U = T>(
  store: Store<T>,
  selector?: (value: T) => U,
  isEqual: Equality<U> = Object.is,
): Readable<U> {
  const selection = select(store, selector, isEqual);
  return readable(selection.getSnapshot(), (set) => {
    const unsubscribe = selection.subscribe(() => set(selection.getSnapshot()));
    set(selection.getSnapshot()); // it may have changed while nobody listened
    return unsubscribe;
  });
}

/** The creation or restoration lifecycle's snapshot (or a selection of it); commands are on `getBackupCore().lifecycle(kind)`. */
export function useLifecycle<U = BackupSnapshot>(kind: 'creation', selector?: (snapshot: BackupSnapshot) => U, isEqual?: Equality<U>): Readable<U>;
export function useLifecycle<U = RestoreSnapshot>(kind: 'restoration', selector?: (snapshot: RestoreSnapshot) => U, isEqual?: Equality<U>): Readable<U>;
export function useLifecycle(kind: OperationKind, selector?: (snapshot: never) => unknown, isEqual?: Equality<unknown>): Readable<unknown> {
  return useSelector<unknown, unknown>(getBackupCore().lifecycle(kind), selector as (snapshot: unknown) => unknown, isEqual);
}

/** The backups list (loaded while subscribed), or a selection of it. */
export function useBackups<U = BackupsState>(selector?: (state: BackupsState) => U, isEqual?: Equality<U>): Readable<U> {
  return useSelector(getBackupCore().backups, selector, isEqual);
}

/** The operations running on the daemon (followed while subscribed), or a selection. */
export function useOperations<U = OperationsState>(selector?: (state: OperationsState) => U, isEqual?: Equality<U>): Readable<U> {
  return useSelector(getBackupCore().operations, selector, isEqual);
}

/**
 * The schedule's view (phase, next due time, last backup, history), or a selection of it; the
 * first one starts the schedule. Commands are on `getBackupCore().schedule` (`pause`, `resume`, `runNow`).
 */
export function useSchedule<U = ScheduleView>(selector?: (view: ScheduleView) => U, isEqual?: Equality<U>): Readable<U> {
  return useSelector(getBackupCore().schedule, selector, isEqual);
}

/** The retention preview (keep or remove, with reasons) and the last prune, or a selection; `getBackupCore().retention.prune()` prunes. */
export function useRetention<U = RetentionView>(selector?: (view: RetentionView) => U, isEqual?: Equality<U>): Readable<U> {
  return useSelector(getBackupCore().retention, selector, isEqual);
}
