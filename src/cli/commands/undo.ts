import { createLifecycle, isPiecesBackupError } from '../../index.js';
import type { CommandContext } from '../command/context.js';
import { EXIT_CODES } from '../command/exit-codes.js';
import type { CommandResult } from '../command/result.js';
import { UsageError } from '../command/usage-error.js';
import { clearLastRestore, readLastRestore, type LastRestore } from '../lifecycle/last-restore.js';
import { lifecycleResult } from '../lifecycle/lifecycle-result.js';
import { runLifecycle } from '../lifecycle/run-lifecycle.js';
import { describeBackup } from './restore.js';

/** A safety backup deleted since the restore: said plainly, nothing was replaced. */
function goneResult(record: LastRestore): CommandResult {
  const message = `the safety backup ${record.safetyBackupId} of the restore of ${record.backupId} is gone (deleted?): nothing was replaced`;
  return {
    exitCode: EXIT_CODES.failed,
    problems: [message, '`pieces-backup list` shows the backups there are.'],
    data: { outcome: 'failed', ...record, error: { kind: 'not-found', message } },
  };
}

/**
 * `pieces-backup undo`: restores the safety backup of the last restore (`restore <id>` keeps
 * it on record in the state dir), itself without a safety backup. Asks first on a terminal
 * unless `--yes`; without a terminal, `--yes` is required.
 */
export async function undo(context: CommandContext, { yes }: { yes: boolean }): Promise<CommandResult> {
  const record = readLastRestore();
  if (!record) throw new UsageError('no restore with a safety backup on record: `pieces-backup restore <id>` makes one');
  const { ask } = context;
  if (!yes && !ask) {
    throw new UsageError('undo replaces the local database: pass --yes to confirm (stdin is not a terminal, so nobody can be asked)');
  }
  const client = await context.connect();
  const lifecycle = createLifecycle(client, 'restoration', { transport: context.options.transport, safetyBackup: false });
  if (!yes && ask) {
    let backup;
    try {
      backup = await client.getBackup(record.safetyBackupId);
    } catch (error) {
      lifecycle.dispose();
      if (isPiecesBackupError(error, 'NotFoundError')) return goneResult(record);
      throw error;
    }
    lifecycle.restore(record.safetyBackupId, { backup, safetyBackup: false });
    const answer = await ask(`Undo the restore of ${record.backupId} (${record.at}): restore ${describeBackup(backup)}? This replaces the whole local database of Pieces OS again.`);
    if (answer !== 'yes') {
      lifecycle.dismiss();
      lifecycle.dispose();
      return { exitCode: EXIT_CODES.cancelled, lines: ['not undone: the local database is unchanged'], data: { outcome: 'declined', ...record } };
    }
  }
  const begin = () => (yes ? lifecycle.restore(record.safetyBackupId, { confirm: true, safetyBackup: false }) : lifecycle.confirm());
  const ended = await runLifecycle(context, lifecycle, begin);
  // the preflight's GET /backup/{id} answered 404: nothing was sent, nothing replaced
  if (ended.end === 'failed' && ended.error.kind === 'not-found') return goneResult(record);
  if (ended.end === 'done') clearLastRestore();
  const result = lifecycleResult('restoration', ended);
  const lines = ended.end === 'done' ? [`undone: the local database is as it was before the restore of ${record.backupId}`] : [];
  return { ...result, lines: [...(result.lines ?? []), ...lines], data: { ...result.data, undoneRestoreOf: record.backupId, safetyBackupId: record.safetyBackupId } };
}
