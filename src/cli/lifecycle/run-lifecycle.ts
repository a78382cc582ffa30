import type { CommandContext } from '../command/context.js';
import { followLifecycle, type AnyLifecycle, type LifecycleEnd } from './follow-lifecycle.js';
import { nounOf } from './operation-name.js';

/**
 * Shows a lifecycle until it settles (see `followLifecycle`), then disposes of it, which
 * stops following and never cancels: `begin` calls what starts (or attaches to) it.
 */
export async function runLifecycle(
  context: CommandContext,
  lifecycle: AnyLifecycle,
  begin: () => void,
  { cancelSent = false }: { cancelSent?: boolean } = {},
): Promise<LifecycleEnd> {
  const view = await context.progress();
  try {
    const track = view.track(nounOf(lifecycle.kind), lifecycle.kind);
    // begun first, so the display starts from `starting`, not from `idle`
    begin();
    return await followLifecycle(lifecycle, { view, track, ask: context.ask, cancelSent });
  } finally {
    view.stop();
    lifecycle.dispose();
  }
}
