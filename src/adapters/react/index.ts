import { createContext, createElement, useCallback, useContext, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
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

const CoreContext = createContext<BackupCore | null>(null);

export type BackupProviderProps = { children?: ReactNode } & (
  | { core: BackupCore }
  | { client: BackupClient; options?: BackupCoreOptions }
);

/**
 * Makes a core available to the hooks below: yours (`core`, you dispose it), or one made once
 * from `client` that lives as long as the page (it holds no resources while idle and unobserved).
 *
 * @example
 * ```tsx
 * <BackupProvider client={createBackupClient({ baseUrl })}><App /></BackupProvider>
 * ```
 */
export function BackupProvider(props: BackupProviderProps): ReactNode {
  // note: StrictMode calls this initializer twice; the core it drops has started nothing
  const [owned] = useState(() => ('client' in props ? createBackupCore(props.client, props.options) : null));
  const core = 'core' in props ? props.core : owned;
  return createElement(CoreContext.Provider, { value: core }, props.children);
}

/** The core of the nearest `BackupProvider`: its lifecycles' commands, `backups.delete`, ... */
export function useBackupCore(): BackupCore {
  const core = useContext(CoreContext);
  if (!core) throw new Error('useBackupCore: no <BackupProvider> above this component');
  return core;
}

/**
 * `selector(store.getSnapshot())`, re-rendering only when `isEqual` says it changed. A
 * selector that builds a fresh object needs an equality such as `shallowEqual`.
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
): U {
  // note: subscribe to the store itself, not to the selection, which an inline selector
  // remakes every render: re-subscribing would stop and restart the store's work
  const subscribe = useCallback((listener: () => void) => store.subscribe(listener), [store]);
  const selection = useMemo(() => select(store, selector, isEqual), [store, selector, isEqual]);
  return useSyncExternalStore(subscribe, selection.getSnapshot, selection.getSnapshot);
}

/** The creation or restoration lifecycle's snapshot (or a selection of it); commands are on `useBackupCore().lifecycle(kind)`. */
export function useLifecycle<U = BackupSnapshot>(kind: 'creation', selector?: (snapshot: BackupSnapshot) => U, isEqual?: Equality<U>): U;
export function useLifecycle<U = RestoreSnapshot>(kind: 'restoration', selector?: (snapshot: RestoreSnapshot) => U, isEqual?: Equality<U>): U;
export function useLifecycle(kind: OperationKind, selector?: (snapshot: never) => unknown, isEqual?: Equality<unknown>): unknown {
  return useSelector<unknown, unknown>(useBackupCore().lifecycle(kind), selector as (snapshot: unknown) => unknown, isEqual);
}

/** The backups list (loaded by the first component that uses it), or a selection of it. */
export function useBackups<U = BackupsState>(selector?: (state: BackupsState) => U, isEqual?: Equality<U>): U {
  return useSelector(useBackupCore().backups, selector, isEqual);
}

/** The operations running on the daemon (followed while a component uses them), or a selection. */
export function useOperations<U = OperationsState>(
  selector?: (state: OperationsState) => U,
  isEqual?: Equality<U>,
): U {
  return useSelector(useBackupCore().operations, selector, isEqual);
}

/**
 * The schedule's view (phase, next due time, last backup, history), or a selection of it; the
 * first one starts the schedule. Commands are on `useBackupCore().schedule` (`pause`, `resume`, `runNow`).
 */
export function useSchedule<U = ScheduleView>(selector?: (view: ScheduleView) => U, isEqual?: Equality<U>): U {
  return useSelector(useBackupCore().schedule, selector, isEqual);
}

/** The retention preview (keep or remove, with reasons) and the last prune, or a selection; `useBackupCore().retention.prune()` prunes. */
export function useRetention<U = RetentionView>(selector?: (view: RetentionView) => U, isEqual?: Equality<U>): U {
  return useSelector(useBackupCore().retention, selector, isEqual);
}
