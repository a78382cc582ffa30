import type { OperationKind } from '../../core/index.js';
import { EXIT_CODES, exitCodeOfLifecycleError } from '../command/exit-codes.js';
import type { CommandResult } from '../command/result.js';
import { formatBytes } from '../output/format.js';
import type { LifecycleEnd } from './follow-lifecycle.js';
import { operationName } from './operation-name.js';

/** The result of a backup, restore or cancel, from how its lifecycle ended. */
export function lifecycleResult(kind: OperationKind, ended: LifecycleEnd): CommandResult {
  const { context } = ended;
  const id = context.backupId;
  const what = operationName(kind, id);
  const data = {
    outcome: ended.end,
    kind,
    backupId: id,
    status: context.status,
    percentage: context.percentage,
    ...(context.backup && { backup: context.backup }),
  };
  switch (ended.end) {
    case 'done': {
      const lines = ended.tooLate
        ? [`too late: completed. ${what} completed before the cancel took effect${kind === 'restoration' ? ': the local database is the backup\'s' : ''}`]
        : kind === 'creation'
          ? [`backup ${id} completed${context.backup ? ` (${formatBytes(context.backup.bytes)})` : ''}`]
          : [`restored ${id}: the local database is now the backup's`];
      return { exitCode: ended.tooLate ? EXIT_CODES.tooLateToCancel : EXIT_CODES.ok, lines, data: { ...data, tooLateToCancel: ended.tooLate } };
    }
    case 'cancelled': {
      const left = kind === 'creation' ? 'no backup was made' : 'the local database is unchanged';
      return { exitCode: EXIT_CODES.cancelled, lines: [`cancelled: Pieces OS canceled ${what}; ${left}`], data };
    }
    case 'failed': {
      const { error } = ended;
      const problems = error.outcomeUnknown
        ? [
            `outcome unknown: ${error.message}`,
            `Pieces OS may have run ${what}, may still run it or have finished it; \`pieces-backup status${id ? ` ${id}` : ''}\` checks it.`,
            error.userAction,
          ]
        : [`${what} failed: ${error.message}`, error.userAction];
      return { exitCode: exitCodeOfLifecycleError(error), problems, data: { ...data, error } };
    }
    case 'left-running': {
      const problems = id
        ? [
            `left running: ${what} goes on in Pieces OS.`,
            `\`pieces-backup status ${id}\` shows it, \`pieces-backup cancel ${id}\` cancels it.`,
          ]
        : [`left running: ${what} may go on in Pieces OS; \`pieces-backup status\` lists what is in progress.`];
      return { exitCode: EXIT_CODES.leftRunning, problems, data };
    }
  }
}
