import type { AnyMachineSnapshot } from 'xstate';
import type { LifecycleContext, RestoreContext } from '../../../machines/index.js';

/** Whether RETRY from `failed` re-attaches: mirrors the machine's guard, for the model. */
export function shouldReattachSnapshot(context: LifecycleContext): boolean {
  if (context.backupId === null) return false;
  if (context.status === null) return context.attached;
  return !['COMPLETED', 'FAILED', 'CANCELED', 'RESET'].includes(context.status);
}

/** A lifecycle's context, with the restore's own fields when it is one. */
export type ModelContext = LifecycleContext & Partial<Pick<RestoreContext, 'safetyBackup' | 'safety' | 'safetyBackupId' | 'stage'>>;

/** RETRY from `failed` runs the preflight again: the restore had not started. */
export const failedBeforeRestore = (context: ModelContext): boolean => context.stage === 'preflight' || context.stage === 'safety';

/** The model state: the state value plus the context facts a guard reads there. */
export function modelState(snapshot: AnyMachineSnapshot): string {
  const context = snapshot.context as ModelContext;
  const value = String(snapshot.value);
  return JSON.stringify([
    value,
    // the restore's preflight leads to the safety backup or straight to the restore
    value === 'preflight' && context.safetyBackup === true,
    // the safety backup: cancel asked, and whether the daemon named it yet
    value === 'safety' && context.cancelRequested,
    value === 'safety' && (context.safety?.backupId ?? null) !== null,
    // UNDO needs a safety backup on record: a restore after one is followed to done on its own
    ['starting', 'running', 'done'].includes(value) && (context.safetyBackupId ?? null) !== null,
    value === 'failed' && failedBeforeRestore(context),
    value === 'starting' && context.cancelRequested,
    value === 'failed' && shouldReattachSnapshot(context),
    // RETRY asks the daemon first
    value === 'failed' && !shouldReattachSnapshot(context) && context.error?.outcomeUnknown === true,
    // started or attached: both ways into running are explored
    ['running', 'cancelling'].includes(value) && context.attached,
  ]);
}
