import { createLifecycle, type Backup } from '../../index.js';
import type { CommandContext } from '../command/context.js';
import { EXIT_CODES } from '../command/exit-codes.js';
import type { CommandResult } from '../command/result.js';
import { UsageError } from '../command/usage-error.js';
import { lifecycleResult } from '../lifecycle/lifecycle-result.js';
import { runLifecycle } from '../lifecycle/run-lifecycle.js';
import { formatBytes } from '../output/format.js';

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
  const lifecycle = createLifecycle(client, 'restoration', { transport: context.options.transport });
  if (!yes && ask) {
    const backup = await client.getBackup(backupId);
    lifecycle.restore(backupId, { backup });
    const answer = await ask(`Restore ${describe(backup)}? This replaces the local database of Pieces OS; a restore does not sync.`);
    if (answer !== 'yes') {
      lifecycle.dismiss();
      lifecycle.dispose();
      return { exitCode: EXIT_CODES.cancelled, lines: ['not restored: the local database is unchanged'], data: { outcome: 'declined', backupId } };
    }
  }
  const ended = await runLifecycle(context, lifecycle, () => (yes ? lifecycle.restore(backupId, { confirm: true }) : lifecycle.confirm()));
  return lifecycleResult('restoration', ended);
}
