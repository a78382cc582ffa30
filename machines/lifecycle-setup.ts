import { createActor, type Actor, type AnyStateMachine } from 'xstate';
import {
  freshRun,
  isCanceledStatus,
  isCompletedStatus,
  isFailedStatus,
  shouldReattach,
  type LifecycleContext,
} from './lifecycle-context.js';
import type { LifecycleActorOptions } from './lifecycle-options.js';

interface WithContext {
  context: LifecycleContext;
}

/** The guards both machines read their status and cancel request with. */
export const lifecycleGuards = {
  cancelRequested: ({ context }: WithContext) => context.cancelRequested,
  completed: ({ context }: WithContext) => isCompletedStatus(context.status),
  canceled: ({ context }: WithContext) => isCanceledStatus(context.status),
  failed: ({ context }: WithContext) => isFailedStatus(context.status),
  shouldReattach: ({ context }: WithContext) => shouldReattach(context),
};

/** ATTACH: follow `backupId`, started elsewhere; nothing is known about it yet. */
export function attachedRun(backupId: string | null): Partial<LifecycleContext> {
  return { ...freshRun(), backupId, backup: null, attached: true };
}

/** RETRY after losing track: the same operation, followed again; what was known about it stays. */
export function reattachedRun(context: LifecycleContext): Partial<LifecycleContext> {
  return { ...freshRun(), status: context.status, percentage: context.percentage, attached: context.attached };
}

/** `createActor(machine, { inspect, snapshot }).start()`, passing only the options given. */
export function startLifecycleActor<TMachine extends AnyStateMachine>(
  machine: TMachine,
  { inspect, snapshot }: Pick<LifecycleActorOptions, 'inspect' | 'snapshot'>,
): Actor<TMachine> {
  // Widened for the call: createActor's options type is conditional on the machine's input.
  const actor: Actor<AnyStateMachine> = createActor(machine as AnyStateMachine, {
    ...(inspect && { inspect }),
    ...(snapshot && { snapshot }),
  });
  return actor.start() as Actor<TMachine>;
}
