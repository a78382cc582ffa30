import { createLifecycle } from '../../index.js';
import type { CommandContext } from '../command/context.js';
import type { CommandResult } from '../command/result.js';
import { lifecycleResult } from '../lifecycle/lifecycle-result.js';
import { runLifecycle } from '../lifecycle/run-lifecycle.js';

/** `pieces-backup backup`: creates a backup and follows it to its end. */
export async function backup(context: CommandContext): Promise<CommandResult> {
  const client = await context.connect();
  const lifecycle = createLifecycle(client, 'creation', { transport: context.options.transport });
  const ended = await runLifecycle(context, lifecycle, () => lifecycle.start());
  return lifecycleResult('creation', ended);
}
