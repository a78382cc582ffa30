import { createLifecycle, type OperationKind } from '../../index.js';
import type { CommandContext } from '../command/context.js';
import { EXIT_CODES } from '../command/exit-codes.js';
import type { CommandResult } from '../command/result.js';
import { lifecycleResult } from '../lifecycle/lifecycle-result.js';
import { runLifecycle } from '../lifecycle/run-lifecycle.js';
import { inProgress, statusOrNull } from './status.js';

/**
 * `pieces-backup cancel <id>`: cancels the backup or restore of `id` that is in progress and
 * follows it to CANCELED (exit 0) or "too late: completed" (exit 8). The lifecycle attaches
 * to the operation, then cancels: the same cancel, confirmation and races as in an app.
 */
export async function cancel(context: CommandContext, backupId: string): Promise<CommandResult> {
  const client = await context.connect();
  const [creation, restoration] = await Promise.all([
    statusOrNull(client, 'creation', backupId),
    statusOrNull(client, 'restoration', backupId),
  ]);
  const kind: OperationKind | null = inProgress(creation) ? 'creation' : inProgress(restoration) ? 'restoration' : null;
  if (kind === null) {
    const seen = [creation && `backup: ${creation.value}`, restoration && `restore: ${restoration.value}`].filter(Boolean).join(', ');
    return {
      exitCode: EXIT_CODES.failed,
      problems: [`nothing to cancel: no backup or restore of ${backupId} is in progress${seen ? ` (${seen})` : ''}`],
      data: { outcome: 'nothing-in-progress', backupId, creation, restoration },
    };
  }
  const lifecycle = createLifecycle(client, kind, { transport: context.options.transport });
  const ended = await runLifecycle(
    context,
    lifecycle,
    () => {
      lifecycle.attach(backupId);
      lifecycle.cancel();
    },
    { cancelSent: true },
  );
  const result = lifecycleResult(kind, ended);
  // what this command was asked for happened
  return ended.end === 'cancelled' ? { ...result, exitCode: EXIT_CODES.ok } : result;
}
