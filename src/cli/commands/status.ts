import { firstValueFrom, timeout } from 'rxjs';
import { discoveryTransport } from '../../core/index.js';
import {
  discoverOperations,
  isPiecesBackupError,
  isTerminalStatus,
  type BackupClient,
  type Wire,
  type OperationKind,
  type OperationProgress,
} from '../../index.js';
import type { CommandContext } from '../command/context.js';
import { EXIT_CODES } from '../command/exit-codes.js';
import type { CommandResult } from '../command/result.js';

/** How long `status` waits for the first view of what is in progress. */
const DISCOVERY_TIMEOUT_MS = 10_000;

const percent = (value: number | null | undefined) => (typeof value === 'number' ? ` ${Math.floor(value)}%` : '');

/** The status of one kind of operation on a backup; null when there never was one (404). */
export async function statusOrNull(client: BackupClient, kind: OperationKind, backupId: string): Promise<Wire['BackupStatus'] | null> {
  try {
    return await client.status(kind, backupId);
  } catch (error) {
    if (isPiecesBackupError(error, 'NotFoundError')) return null;
    throw error;
  }
}

/** Whether a status answer says the operation still runs. */
export const inProgress = (status: Wire['BackupStatus'] | null): boolean =>
  status !== null && !isTerminalStatus(status.value ?? 'UNKNOWN');

const describeStatus = (status: Wire['BackupStatus'] | null) => (status ? `${status.value ?? 'UNKNOWN'}${percent(status.percentage)}` : 'none');

async function ofOne(client: BackupClient, backupId: string): Promise<CommandResult> {
  const [creation, restoration] = await Promise.all([
    statusOrNull(client, 'creation', backupId),
    statusOrNull(client, 'restoration', backupId),
  ]);
  const data = { backupId, creation, restoration };
  if (!creation && !restoration) {
    return { exitCode: EXIT_CODES.failed, problems: [`no backup or restore of ${backupId} is known to Pieces OS`], data };
  }
  return {
    exitCode: EXIT_CODES.ok,
    lines: [`backup ${backupId}: ${describeStatus(creation)}`, `restore of ${backupId}: ${describeStatus(restoration)}`],
    data,
  };
}

const line = (progress: OperationProgress) =>
  `${progress.kind === 'creation' ? 'backup    ' : 'restore of'} ${progress.backupId}  ${progress.status}${percent(progress.percentage)}`;

async function inProgressNow(context: CommandContext, client: BackupClient): Promise<CommandResult> {
  const transport = discoveryTransport(context.options.transport);
  const { creations, restorations } = await firstValueFrom(
    discoverOperations(client, { transport }).pipe(timeout({ first: DISCOVERY_TIMEOUT_MS })),
  );
  const running = [...creations, ...restorations].filter((progress) => !isTerminalStatus(progress.status));
  return {
    exitCode: EXIT_CODES.ok,
    lines: running.length === 0 ? ['nothing in progress'] : running.map(line),
    data: {
      creations: creations.filter((progress) => !isTerminalStatus(progress.status)),
      restorations: restorations.filter((progress) => !isTerminalStatus(progress.status)),
    },
  };
}

/**
 * `pieces-backup status [id]`: with an id, the latest backup and restore status of that backup
 * (what to run after an "outcome unknown"); without, every operation in progress, whoever
 * started it.
 */
export async function status(context: CommandContext, backupId: string | undefined): Promise<CommandResult> {
  const client = await context.connect();
  return backupId === undefined ? inProgressNow(context, client) : ofOne(client, backupId);
}
