import { DestroyRef, inject, InjectionToken, signal, type Provider, type Signal } from '@angular/core';
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

const CORE = new InjectionToken<BackupCore>('pieces-backup core');

/**
 * Providers that make a core available to `injectBackupCore` and the functions below, in this
 * injector and its children: yours (you dispose it), or one made from `client` on first use and
 * disposed with the injector (which stops local work and cancels nothing on the daemon).
 *
 * @example
 * ```ts
 * bootstrapApplication(App, { providers: [provideBackupCore(createBackupClient({ baseUrl }))] });
 * ```
 */
export function provideBackupCore(source: BackupCore | BackupClient, options?: BackupCoreOptions): Provider[] {
  if ('backups' in source) return [{ provide: CORE, useValue: source }];
  const useFactory = () => {
    const core = createBackupCore(source, options);
    inject(DestroyRef).onDestroy(() => core.dispose());
    return core;
  };
  return [{ provide: CORE, useFactory }];
}

/** The core of the nearest `provideBackupCore`: its lifecycles' commands, `backups.delete`, ... */
export function injectBackupCore(): BackupCore {
  const core = inject(CORE, { optional: true });
  if (!core) throw new Error('injectBackupCore: no provideBackupCore() in this injector or its parents');
  return core;
}

/**
 * `selector(store.getSnapshot())` as a read-only signal that changes only when `isEqual` says
 * so. It follows the store until the current injection context (a component, a service, an
 * environment injector) is destroyed. Call it in an injection context.
 *
 * @example
 * ```ts
 * readonly percentage = injectSelector(injectBackupCore().backup, (s) => Math.floor(s.context.percentage));
 * ```
 */
export function injectSelector<T, U = T>(
  store: Store<T>,
  selector?: (value: T) => U,
  isEqual: Equality<U> = Object.is,
): Signal<U> {
  const selection = select(store, selector, isEqual);
  const state = signal(selection.getSnapshot());
  inject(DestroyRef).onDestroy(selection.subscribe(() => state.set(selection.getSnapshot())));
  // the first subscriber may have changed the store (a list load starting)
  state.set(selection.getSnapshot());
  return state.asReadonly();
}

/** The creation or restoration lifecycle's snapshot (or a selection of it); commands are on `injectBackupCore().lifecycle(kind)`. */
export function injectLifecycle<U = BackupSnapshot>(kind: 'creation', selector?: (snapshot: BackupSnapshot) => U, isEqual?: Equality<U>): Signal<U>;
export function injectLifecycle<U = RestoreSnapshot>(kind: 'restoration', selector?: (snapshot: RestoreSnapshot) => U, isEqual?: Equality<U>): Signal<U>;
export function injectLifecycle(kind: OperationKind, selector?: (snapshot: never) => unknown, isEqual?: Equality<unknown>): Signal<unknown> {
  return injectSelector<unknown, unknown>(injectBackupCore().lifecycle(kind), selector as (snapshot: unknown) => unknown, isEqual);
}

/** The backups list (loaded while an injection context uses it), or a selection of it. */
export function injectBackups<U = BackupsState>(selector?: (state: BackupsState) => U, isEqual?: Equality<U>): Signal<U> {
  return injectSelector(injectBackupCore().backups, selector, isEqual);
}

/** The operations running on the daemon (followed while an injection context uses them), or a selection. */
export function injectOperations<U = OperationsState>(selector?: (state: OperationsState) => U, isEqual?: Equality<U>): Signal<U> {
  return injectSelector(injectBackupCore().operations, selector, isEqual);
}

/**
 * The schedule's view (phase, next due time, last backup, history), or a selection of it; the
 * first one starts the schedule. Commands are on `injectBackupCore().schedule` (`pause`, `resume`, `runNow`).
 */
export function injectSchedule<U = ScheduleView>(selector?: (view: ScheduleView) => U, isEqual?: Equality<U>): Signal<U> {
  return injectSelector(injectBackupCore().schedule, selector, isEqual);
}

/** The retention preview (keep or remove, with reasons) and the last prune, or a selection; `injectBackupCore().retention.prune()` prunes. */
export function injectRetention<U = RetentionView>(selector?: (view: RetentionView) => U, isEqual?: Equality<U>): Signal<U> {
  return injectSelector(injectBackupCore().retention, selector, isEqual);
}
