import { createLifecycle, type Backup } from '../../index.js';
import type { CommandContext } from '../command/context.js';
import { EXIT_CODES } from '../command/exit-codes.js';
import type { CommandResult } from '../command/result.js';
import { UsageError } from '../command/usage-error.js';
import { writeLastRestore } from '../lifecycle/last-restore.js';
import { lifecycleResult } from '../lifecycle/lifecycle-result.js';
import { runLifecycle } from '../lifecycle/run-lifecycle.js';
import { formatBytes, formatLocalTime } from '../output/format.js';

export interface RestoreCommandOptions {
  yes: boolean;
  /** Back up the current database first (default; `--no-safety-backup` skips it). */
  safetyBackup: boolean;
  /** Restore a backup made by a newer Pieces OS anyway (`--force`). */
  force: boolean;
}

/** What the prompt says about the backup: when (local time), where from, how large, which Pieces OS. */
export function describeBackup(backup: Backup): string {
  const when = formatLocalTime(Date.parse(backup.created.value));
  return `backup ${backup.id} (made ${when} local time on ${backup.device_name}, ${formatBytes(backup.bytes)}, Pieces OS ${backup.version})`;
}

/** The prompt: the backup, and what a restore replaces. */
export function restoreQuestion(backup: Backup, safetyBackup: boolean): string {
  const safety = safetyBackup
    ? 'A safety backup of the current database is made first; `pieces-backup undo` restores it.'
    : 'No safety backup is made (--no-safety-backup): this cannot be undone.';
  return `Restore ${describeBackup(backup)}? This replaces the whole local database of Pieces OS (every local snippet); a restore does not sync. ${safety}`;
}

/**
 * `pieces-backup restore <id>`: replaces the local database with a backup, after a safety
 * backup of it (unless `--no-safety-backup`). Asks first on a terminal (the restore
 * lifecycle's `confirming` state) unless `--yes`; without a terminal, `--yes` is required.
 * The preflight refuses a backup made by a newer Pieces OS unless `--force`.
 */
export async function restore(context: CommandContext, backupId: string, options: RestoreCommandOptions): Promise<CommandResult> {
  const { yes, safetyBackup, force } = options;
  const { ask } = context;
  if (!yes && !ask) {
    throw new UsageError('restore replaces the local database: pass --yes to confirm (stdin is not a terminal, so nobody can be asked)');
  }
  const client = await context.connect();
  const lifecycle = createLifecycle(client, 'restoration', { transport: context.options.transport, safetyBackup });
  if (!yes && ask) {
    const backup = await client.getBackup(backupId);
    lifecycle.restore(backupId, { backup, force });
    const answer = await ask(restoreQuestion(backup, safetyBackup));
    if (answer !== 'yes') {
      lifecycle.dismiss();
      lifecycle.dispose();
      return { exitCode: EXIT_CODES.cancelled, lines: ['not restored: the local database is unchanged'], data: { outcome: 'declined', backupId } };
    }
  }
  const ended = await runLifecycle(context, lifecycle, () => (yes ? lifecycle.restore(backupId, { confirm: true, force }) : lifecycle.confirm()));
  const { safetyBackupId } = lifecycle.getSnapshot().context;
  const result = lifecycleResult('restoration', ended);
  if (safetyBackupId === null) return { ...result, data: { ...result.data, safetyBackupId } };
  if (ended.end === 'done') writeLastRestore({ backupId, safetyBackupId, at: new Date().toISOString() });
  // made before the restore began: it holds the database as it was, whatever happened next
  const how = ended.end === 'done' ? '`pieces-backup undo`' : `\`pieces-backup restore ${safetyBackupId} --no-safety-backup\``;
  const line = `safety backup ${safetyBackupId}: the database as it was before; ${how} restores it`;
  return { ...result, lines: [...(result.lines ?? []), line], data: { ...result.data, safetyBackupId } };
}
