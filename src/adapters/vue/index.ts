import { inject, onScopeDispose, provide, shallowRef, toValue, watch, type InjectionKey, type MaybeRefOrGetter, type ShallowRef } from 'vue';
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

const CoreKey: InjectionKey<BackupCore> = Symbol('pieces-backup core');

/**
 * Makes a core available to `useBackupCore` and the composables below, in this component and
 * its descendants: yours (you dispose it), or one made from `client` and disposed with the
 * providing component's scope (which stops local work and cancels nothing on the daemon).
 *
 * @example
 * ```ts
 * // in App's setup
 * provideBackupCore(createBackupClient({ baseUrl }));
 * ```
 */
export function provideBackupCore(source: BackupCore | BackupClient, options?: BackupCoreOptions): BackupCore {
  const owned = !('backups' in source);
  const core = owned ? createBackupCore(source, options) : source;
  if (owned) onScopeDispose(() => core.dispose());
  provide(CoreKey, core);
  return core;
}

/** The core of the nearest `provideBackupCore`: its lifecycles' commands, `backups.delete`, ... */
export function useBackupCore(): BackupCore {
  const core = inject(CoreKey, null);
  if (!core) throw new Error('useBackupCore: no provideBackupCore() above this component');
  return core;
}

/**
 * `selector(store.getSnapshot())` as a shallow ref that changes only when `isEqual` says so.
 * It follows the store while the current effect scope (a component's setup) lives.
 *
 * @example
 * ```ts
 * const percentage = useSelector(core.backup, (s) => Math.floor(s.context.percentage));
 * ```
 */
export function useSelector<T, U = T>(
  store: MaybeRefOrGetter<Store<T>>,
  selector?: (value: T) => U,
  isEqual: Equality<U> = Object.is,
): Readonly<ShallowRef<U>> {
  const state = shallowRef() as ShallowRef<U>;
  watch(
    () => toValue(store),
    (current, _previous, onCleanup) => {
      const selection = select(current, selector, isEqual);
      onCleanup(selection.subscribe(() => (state.value = selection.getSnapshot())));
      state.value = selection.getSnapshot();
    },
    { immediate: true },
  );
  return state;
}

/** The creation or restoration lifecycle's snapshot (or a selection of it); commands are on `useBackupCore().lifecycle(kind)`. */
export function useLifecycle<U = BackupSnapshot>(kind: 'creation', selector?: (snapshot: BackupSnapshot) => U, isEqual?: Equality<U>): Readonly<ShallowRef<U>>;
export function useLifecycle<U = RestoreSnapshot>(kind: 'restoration', selector?: (snapshot: RestoreSnapshot) => U, isEqual?: Equality<U>): Readonly<ShallowRef<U>>;
export function useLifecycle(kind: OperationKind, selector?: (snapshot: never) => unknown, isEqual?: Equality<unknown>): Readonly<ShallowRef<unknown>> {
  return useSelector<unknown, unknown>(useBackupCore().lifecycle(kind), selector as (snapshot: unknown) => unknown, isEqual);
}

/** The backups list (loaded while a scope uses it), or a selection of it. */
export function useBackups<U = BackupsState>(selector?: (state: BackupsState) => U, isEqual?: Equality<U>): Readonly<ShallowRef<U>> {
  return useSelector(useBackupCore().backups, selector, isEqual);
}

/** The operations running on the daemon (followed while a scope uses them), or a selection. */
export function useOperations<U = OperationsState>(selector?: (state: OperationsState) => U, isEqual?: Equality<U>): Readonly<ShallowRef<U>> {
  return useSelector(useBackupCore().operations, selector, isEqual);
}

/**
 * The schedule's view (phase, next due time, last backup, history), or a selection of it; the
 * first one starts the schedule. Commands are on `useBackupCore().schedule` (`pause`, `resume`, `runNow`).
 */
export function useSchedule<U = ScheduleView>(selector?: (view: ScheduleView) => U, isEqual?: Equality<U>): Readonly<ShallowRef<U>> {
  return useSelector(useBackupCore().schedule, selector, isEqual);
}

/** The retention preview (keep or remove, with reasons) and the last prune, or a selection; `useBackupCore().retention.prune()` prunes. */
export function useRetention<U = RetentionView>(selector?: (view: RetentionView) => U, isEqual?: Equality<U>): Readonly<ShallowRef<U>> {
  return useSelector(useBackupCore().retention, selector, isEqual);
}
