import { createActor, type Actor, type AnyStateMachine } from 'xstate';
import type { LifecycleActorOptions } from './lifecycle-options.js';

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
