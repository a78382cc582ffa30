import { createRestoreActor, type Backup } from '../../index.js';
import type { CommandContext } from '../command-context.js';
import type { CommandResult } from '../command-result.js';
import { EXIT_CODES } from '../exit-codes.js';
import { formatBytes } from '../format.js';
import { lifecycleResult } from '../lifecycle-result.js';
import { runLifecycle } from '../run-lifecycle.js';
import { UsageError } from '../usage-error.js';

const describe = (backup: Backup) =>
  `backup ${backup.id} (${backup.created.value}, ${formatBytes(backup.bytes)}, from ${backup.device_name})`;

/**
 * `pieces-backup restore <id>`: replaces the local database with a backup. Asks first on a
 * terminal (the restore lifecycle's `confirming` state) unless `--yes`; without a terminal,
 * `--yes` is required.
 */
export async function restore(context: CommandContext, backupId: string, { yes }: { yes: boolean }): Promise<CommandResult> {
  const { ask } = context;
  if (!yes && !ask) {
    throw new UsageError('restore replaces the local database: pass --yes to confirm (stdin is not a terminal, so nobody can be asked)');
  }
  const client = await context.connect();
  const actor = createRestoreActor(client, { transport: context.options.transport });
  if (!yes && ask) {
    const backup = await client.getBackup(backupId);
    actor.send({ type: 'RESTORE', backupId, backup });
    const answer = await ask(`Restore ${describe(backup)}? This replaces the local database of Pieces OS; a restore does not sync.`);
    if (answer !== 'yes') {
      actor.send({ type: 'DISMISS' });
      actor.stop();
      return { exitCode: EXIT_CODES.cancelled, lines: ['not restored: the local database is unchanged'], data: { outcome: 'declined', backupId } };
    }
  }
  const ended = await runLifecycle(context, 'restoration', actor, () =>
    actor.send(yes ? { type: 'RESTORE', backupId, confirm: true } : { type: 'CONFIRM' }),
  );
  return lifecycleResult('restoration', ended);
}
