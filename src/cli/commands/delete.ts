import type { CommandContext } from '../command/context.js';
import { EXIT_CODES } from '../command/exit-codes.js';
import type { CommandResult } from '../command/result.js';

/** `pieces-backup delete <id>`: deletes a backup from the cloud. */
export async function deleteBackup(context: CommandContext, backupId: string): Promise<CommandResult> {
  const client = await context.connect();
  await client.delete(backupId);
  return { exitCode: EXIT_CODES.ok, lines: [`deleted ${backupId}`], data: { outcome: 'deleted', backupId } };
}
