import type { Backup } from '../../index.js';
import type { CommandContext } from '../command/context.js';
import { EXIT_CODES } from '../command/exit-codes.js';
import type { CommandResult } from '../command/result.js';
import { formatBytes } from '../output/format.js';

function table(backups: readonly Backup[]): string[] {
  const rows = backups.map((backup) => [
    backup.id,
    backup.created.value.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC'),
    formatBytes(backup.bytes),
    `${backup.device_name} (${backup.platform})`,
  ]);
  const all = [['ID', 'CREATED', 'SIZE', 'DEVICE'], ...rows];
  const widths = all[0]!.map((_, column) => Math.max(...all.map((row) => row[column]!.length)));
  return all.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
}

/** `pieces-backup list`: the backups Pieces OS has, oldest first. */
export async function list(context: CommandContext): Promise<CommandResult> {
  const client = await context.connect();
  const backups = (await client.list()).iterable;
  return {
    exitCode: EXIT_CODES.ok,
    lines: backups.length === 0 ? ['no backups'] : table(backups),
    data: { backups },
  };
}
