import { createComponent, createContext, createSignal, onCleanup, useContext, type Accessor, type JSX } from 'solid-js';
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

const CoreContext = createContext<BackupCore>();

export type BackupProviderProps = { children?: JSX.Element } & (
  | { core: BackupCore }
  | { client: BackupClient; options?: BackupCoreOptions }
);

/**
 * Makes a core available to `useBackupCore` and the primitives below: yours (`core`, you
 * dispose it), or one made from `client` and disposed with this owner (which stops local work
 * and cancels nothing on the daemon).
 *
 * @example
 * ```tsx
 * <BackupProvider client={createBackupClient({ baseUrl })}><App /></BackupProvider>
 * ```
 */
export function BackupProvider(props: BackupProviderProps): JSX.Element {
  const core = 'core' in props ? props.core : createBackupCore(props.client, props.options);
  if (!('core' in props)) onCleanup(() => core.dispose());
  return createComponent(CoreContext.Provider, {
    value: core,
    get children() {
      return props.children;
    },
  });
}

/** The core of the nearest `BackupProvider`: its lifecycles' commands, `backups.delete`, ... */
export function useBackupCore(): BackupCore {
  const core = useContext(CoreContext);
  if (!core) throw new Error('useBackupCore: no <BackupProvider> above this component');
  return core;
}

/**
 * `selector(store.getSnapshot())` as a signal that changes only when `isEqual` says so. It
 * follows the store until the current owner (a component, a `createRoot`) is cleaned up.
 *
 * @example
 * ```ts
 * const percentage = useSelector(core.backup, (s) => Math.floor(s.context.percentage));
 * ```
 */
export function useSelector<T, U = T>(
  store: Store<T>,
  selector?: (value: T) => U,
  isEqual: Equality<U> = Object.is,
): Accessor<U> {
  const selection = select(store, selector, isEqual);
  const [state, setState] = createSignal(selection.getSnapshot());
  onCleanup(selection.subscribe(() => setState(() => selection.getSnapshot())));
  return state;
}

/** The creation or restoration lifecycle's snapshot (or a selection of it); commands are on `useBackupCore().lifecycle(kind)`. */
export function useLifecycle<U = BackupSnapshot>(kind: 'creation', selector?: (snapshot: BackupSnapshot) => U, isEqual?: Equality<U>): Accessor<U>;
export function useLifecycle<U = RestoreSnapshot>(kind: 'restoration', selector?: (snapshot: RestoreSnapshot) => U, isEqual?: Equality<U>): Accessor<U>;
export function useLifecycle(kind: OperationKind, selector?: (snapshot: never) => unknown, isEqual?: Equality<unknown>): Accessor<unknown> {
  return useSelector<unknown, unknown>(useBackupCore().lifecycle(kind), selector as (snapshot: unknown) => unknown, isEqual);
}

/** The backups list (loaded while an owner uses it), or a selection of it. */
export function useBackups<U = BackupsState>(selector?: (state: BackupsState) => U, isEqual?: Equality<U>): Accessor<U> {
  return useSelector(useBackupCore().backups, selector, isEqual);
}

/** The operations running on the daemon (followed while an owner uses them), or a selection. */
export function useOperations<U = OperationsState>(selector?: (state: OperationsState) => U, isEqual?: Equality<U>): Accessor<U> {
  return useSelector(useBackupCore().operations, selector, isEqual);
}

/**
 * The schedule's view (phase, next due time, last backup, history), or a selection of it; the
 * first one starts the schedule. Commands are on `useBackupCore().schedule` (`pause`, `resume`, `runNow`).
 */
export function useSchedule<U = ScheduleView>(selector?: (view: ScheduleView) => U, isEqual?: Equality<U>): Accessor<U> {
  return useSelector(useBackupCore().schedule, selector, isEqual);
}

/** The retention preview (keep or remove, with reasons) and the last prune, or a selection; `useBackupCore().retention.prune()` prunes. */
export function useRetention<U = RetentionView>(selector?: (view: RetentionView) => U, isEqual?: Equality<U>): Accessor<U> {
  return useSelector(useBackupCore().retention, selector, isEqual);
}
