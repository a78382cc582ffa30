import { createBackupActor } from '../../index.js';
import type { CommandContext } from '../command-context.js';
import type { CommandResult } from '../command-result.js';
import { lifecycleResult } from '../lifecycle-result.js';
import { runLifecycle } from '../run-lifecycle.js';

/** `pieces-backup backup`: creates a backup and follows it to its end. */
export async function backup(context: CommandContext): Promise<CommandResult> {
  const client = await context.connect();
  const actor = createBackupActor(client, { transport: context.options.transport });
  const ended = await runLifecycle(context, 'creation', actor, () => actor.send({ type: 'START' }));
  return lifecycleResult('creation', ended);
}
