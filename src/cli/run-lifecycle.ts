import type { OperationKind } from '../index.js';
import type { CommandContext } from './command-context.js';
import { followLifecycle, type LifecycleEnd } from './follow-lifecycle.js';
import { nounOf, type LifecycleActorLike } from './lifecycle-snapshot.js';

/**
 * Shows an actor's lifecycle until it settles (see `followLifecycle`), then stops the actor,
 * which stops following and never cancels: `begin` sends what starts (or attaches to) it.
 */
export async function runLifecycle(
  context: CommandContext,
  kind: OperationKind,
  actor: LifecycleActorLike & { stop(): void },
  begin: () => void,
  { cancelSent = false }: { cancelSent?: boolean } = {},
): Promise<LifecycleEnd> {
  const view = await context.progress();
  try {
    const track = view.track(nounOf(kind), kind);
    // begun first, so the display starts from `starting`, not from `idle`
    begin();
    return await followLifecycle(actor, { kind, view, track, ask: context.ask, cancelSent });
  } finally {
    view.stop();
    actor.stop();
  }
}
