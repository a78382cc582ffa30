import type { AnyMachineSnapshot } from 'xstate';
import type { LifecycleContext } from '../../../machines/index.js';

/** Whether RETRY from `failed` re-attaches: mirrors the machine's guard, for the model. */
export function shouldReattachSnapshot(context: LifecycleContext): boolean {
  if (context.backupId === null) return false;
  if (context.status === null) return context.attached;
  return !['COMPLETED', 'FAILED', 'CANCELED', 'RESET'].includes(context.status);
}

/** The model state: the state value plus the context facts a guard reads there. */
export function modelState(snapshot: AnyMachineSnapshot): string {
  const context = snapshot.context as LifecycleContext;
  const value = String(snapshot.value);
  return JSON.stringify([
    value,
    value === 'starting' && context.cancelRequested,
    value === 'failed' && shouldReattachSnapshot(context),
    // RETRY asks the daemon first
    value === 'failed' && !shouldReattachSnapshot(context) && context.error?.outcomeUnknown === true,
    // started or attached: both ways into running are explored
    ['running', 'cancelling'].includes(value) && context.attached,
  ]);
}
